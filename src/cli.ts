import { basename, join } from 'node:path';
import { isCommandName } from './command-list.js';
import { compileCacheDir, loadBundle } from './lib/runtime/load-bundle.js';

interface CommandBundle {
  run: (argv: readonly string[], invocation?: { mosquitto: boolean }) => Promise<number>;
}

/** Built as CommonJS (dist/cli.cjs): the bundles are in dist/commands beside it. */
const BUNDLES = join(__dirname, 'commands');

/**
 * The launcher's only job: load the bundle of the subcommand that runs and nothing else, so
 * `mqt pub` does not pay for yargs, chalk or any other command. Help, --version and unknown
 * commands go to the help bundle (yargs); the command names come from src/command-list.ts.
 */
async function main(given: readonly string[]): Promise<number> {
  // Started through a link named mosquitto_pub (see `mqt link-mosquitto`): `mqt pub`, as mosquitto_pub.
  const dropIn = /^mosquitto_(pub|sub|rr|passwd|ctrl)$/.exec(basename(process.argv[1] ?? ''))?.[1];
  const argv = dropIn === undefined ? given : [dropIn, ...given];
  const [name, ...rest] = argv;
  const isCommand = name !== undefined && isCommandName(name);
  const help = join(BUNDLES, 'ui', 'help.cjs');
  const file = isCommand ? join(BUNDLES, `${name}.cjs`) : help;
  // Commands are built with their --help left out (see package.json's build): it is this bundle.
  const bundle = loadBundle<CommandBundle>(file, compileCacheDir(process.env), isCommand ? { './help.js': help } : {});
  const code = await bundle.exports.run(isCommand ? rest : argv, { mosquitto: dropIn !== undefined });
  // A failed run compiled only part of the bundle; the cache is kept from a full one.
  if (code === 0) bundle.saveCompileCache();
  return code;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Every command closes what it opened; this only guards against a stray handle keeping us up.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
