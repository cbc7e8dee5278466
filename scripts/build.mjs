// `npm run build`: the launcher, one bundle per command of src/command-list.ts, and build/ for the
// tests. The command list is read from the registry, so adding a command never edits this file.
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import process from 'node:process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

/** Bundles that are not commands: bench's worker threads, and help (loaded by commands on --help). */
const SUPPORT_BUNDLES = ['src/commands/workers/bench.ts', 'src/commands/ui/help.ts'];

async function commandNames() {
  const { code } = await transform(readFileSync('src/command-list.ts', 'utf8'), { loader: 'ts', format: 'esm' });
  const { COMMANDS } = await import(`data:text/javascript,${encodeURIComponent(code)}`);
  return Object.keys(COMMANDS);
}

const node = { bundle: true, platform: 'node', target: 'node20', packages: 'external', minifySyntax: true, minifyWhitespace: true, logLevel: 'warning', format: 'cjs' };

for (const dir of ['dist', 'build']) rmSync(dir, { recursive: true, force: true });
const names = await commandNames();
await Promise.all([
  // The option tables are imported by help and completion only; the launcher never calls for them.
  build({ ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.cjs', external: ['./commands/options/*'] }),
  build({
    ...node,
    entryPoints: [...names.map((name) => `src/commands/${name}.ts`), ...SUPPORT_BUNDLES],
    // Inlined requires: a bundle loads as one script, which the code cache covers whole.
    supported: { 'dynamic-import': false },
    // --help is the help bundle, linked in at run time by the launcher (src/cli.ts).
    external: ['./help.js'],
    outbase: 'src/commands',
    outdir: 'dist/commands',
    outExtension: { '.js': '.cjs' },
  }),
  // The web console's page (mqt serve --web): one script and one style sheet for the browser, served by mqt.
  // The page speaks MQTT through the project's own codec, with the `buffer` package for node:buffer.
  build({
    entryPoints: ['src/web/main.ts'],
    outfile: 'dist/web/console.js',
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    alias: { 'node:buffer': './src/web/node-buffer.ts' },
    logLevel: 'warning',
  }),
  build({ entryPoints: ['src/web/console.css'], outfile: 'dist/web/console.css', bundle: true, minify: true, logLevel: 'warning' }),
  build({ entryPoints: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'], format: 'esm', platform: 'node', target: 'node20', outdir: 'build', outbase: '.', logLevel: 'warning' }),
]);
copyFileSync('src/web/index.html', 'dist/web/index.html');
