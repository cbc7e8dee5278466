import { COMMANDS } from './command-list.js';

/**
 * The launcher's only job: find the subcommand and load just its module, so `mqt pub` does not pay
 * for yargs, chalk or any other command. Help, --version and unknown commands go to yargs.
 */
async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command !== undefined) {
    const module = await command.load();
    return module.run(rest);
  }
  const { runRoot } = await import('./commands/ui/help.js');
  return runRoot(argv);
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
