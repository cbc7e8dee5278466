// `npm run typecheck` and `npm run lint` in one process: the TypeScript program is built and
// type-checked once, then handed to ESLint's typed rules, which would otherwise build their own
// (npm test runs this beside mocha; the two separate runs cost about a fifth more CPU).
import process from 'node:process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const parsed = ts.getParsedCommandLineOfConfigFile('tsconfig.json', {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  },
});
const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences });
const diagnostics = ts.getPreEmitDiagnostics(program);
const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
if (diagnostics.length > 0) process.stdout.write(ts.formatDiagnostics(diagnostics, host));

// eslint.config.js gives its TypeScript files this program instead of a project of their own.
globalThis.mqtTypeScriptProgram = program;
const eslint = new ESLint({ cwd: root });
const results = await eslint.lintFiles(['.']);
const formatter = await eslint.loadFormatter('stylish');
const lintText = await formatter.format(results);
if (lintText !== '') process.stdout.write(lintText);
const lintFailed = results.some((r) => r.errorCount > 0 || r.fatalErrorCount > 0);
process.exit(diagnostics.length > 0 || lintFailed ? 1 : 0);
