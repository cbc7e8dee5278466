import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'build/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    // One program from tsconfig.json for every TypeScript file: a quarter less CPU than the
    // project service, which sets a project up per file (npm test runs lint beside mocha).
    languageOptions: {
      // scripts/static-checks.mjs (npm test) shares the program it has just type-checked.
      parserOptions: globalThis.mqtTypeScriptProgram
        ? { programs: [globalThis.mqtTypeScriptProgram], project: false }
        : { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/prefer-literal-enum-member': 'off',
      'no-console': 'error',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // The code has no enums (reason codes are named constants) and builds class instances only
      // with `new`; these two rules asked the type checker about every assignment and argument
      // for it, a tenth of the static checks' CPU in npm test.
      '@typescript-eslint/no-unsafe-enum-assignment': 'off',
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    files: ['src/commands/**/*.ts', 'src/cli.ts', 'test/**/*.ts', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, parserOptions: { project: false, program: null, programs: null } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly', __dirname: 'readonly' } },
    // The launcher parses on any Node (it must say "too old" on one), so no optional catch binding.
    rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-unused-vars': ['error', { caughtErrors: 'none' }] },
  },
);
