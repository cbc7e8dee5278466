import type { Argv } from 'yargs';
import { COMMANDS, isCommandName, type CommandName, type CommandRow } from '../../command-list.js';
import { closestName } from './closest-name.js';
import { mosquittoUsage } from './mosquitto-usage.js';
import type { OptionGroup } from '../options/spec.js';
import { programName, type Program } from './program.js';
import { packageVersion } from './version.js';

/** The mosquitto release whose clients mqt's pub, sub, rr and passwd follow. */
const MOSQUITTO_VERSION = '2.1.2';

async function loadYargs(argv: readonly string[]): Promise<Argv> {
  const { default: yargs } = await import('yargs');
  return yargs([...argv])
    .scriptName('mqt')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .version(false)
    .help(false)
    .locale('en');
}

/** Declares a command's flags to yargs from the same rows the argv reader uses. */
function describeOptions(y: Argv, groups: readonly OptionGroup[]): Argv {
  for (const group of groups) {
    const keys: string[] = [];
    for (const spec of group.options) {
      const long = spec.flags.find((f) => f.startsWith('--')) ?? spec.flags[0]!;
      const key = long.replace(/^-+/, '');
      const aliases = spec.flags.filter((f) => f !== long).map((f) => f.replace(/^-+/, ''));
      keys.push(key);
      y.option(key, {
        alias: aliases,
        describe: spec.describe,
        type: spec.arity === 0 ? 'boolean' : 'string',
        ...(spec.valueName === undefined ? {} : { requiresArg: true }),
      });
    }
    y.group(keys, `${group.title}:`);
  }
  return y;
}

/**
 * `mqt pub --help` / `--version`, exit 0. Under a mosquitto name, as mosquitto_pub does: to
 * stdout, exit 1, mosquitto's own usage text, and --version in mosquitto's form (scripts read the
 * third word), which the usage's second line repeats.
 */
export async function showCommandHelp(name: string, version: boolean, program: Program = { command: name, mosquitto: false }): Promise<number> {
  const exitCode = program.mosquitto ? 1 : 0;
  const mosquittoVersion = `${programName(program)} version ${MOSQUITTO_VERSION} running on mqt ${packageVersion()}.`;
  // mosquitto_passwd has no --version: the word is a file name to it, one argument too few, so its usage.
  if (version && !(program.mosquitto && name === 'passwd')) {
    process.stdout.write(program.mosquitto ? `${mosquittoVersion}\n` : `mqt version ${packageVersion()}\n`);
    return exitCode;
  }
  if (program.mosquitto && isMosquittoClient(name)) {
    process.stdout.write(mosquittoUsage(name, mosquittoVersion));
    return exitCode;
  }
  if (!isCommandName(name)) return unknownCommand(name);
  const row: CommandRow = COMMANDS[name];
  const usage = program.mosquitto ? `${programName(program)} [flags]` : (row.usage ?? `mqt ${name} [flags]`);
  const y = describeOptions(await loadYargs([]), await row.options()).usage(`${usage}\n\n${row.summary}`);
  for (const [cmd, text] of row.examples) y.example(cmd, text);
  y.epilog(`Exit codes, differences from mosquitto and more examples: man mqt-${name}`);
  process.stdout.write(`${await y.getHelp()}\n`);
  return exitCode;
}

function isMosquittoClient(name: string): name is 'pub' | 'sub' | 'rr' | 'passwd' {
  return name === 'pub' || name === 'sub' || name === 'rr' || name === 'passwd';
}

/** One line, with the nearest command when the name looks like a typo of one. */
function unknownCommand(name: string): number {
  const near = closestName(name, Object.keys(COMMANDS));
  const hint = near === undefined ? 'Run "mqt --help" for the list.' : `Did you mean "mqt ${near}"?`;
  process.stderr.write(`Error: unknown command '${name}'. ${hint}\n`);
  return 1;
}

/** `mqt`, `mqt --help` / `-h`, `mqt help [command]`, `mqt --version` and unknown commands. */
export async function runRoot(argv: readonly string[]): Promise<number> {
  const [first, second] = argv;
  if (first === '--version') {
    process.stdout.write(`mqt version ${packageVersion()}\n`);
    return 0;
  }
  if (first === 'help' && second !== undefined) return showCommandHelp(second, false);
  const help = first === undefined || first === '--help' || first === '-h' || first === 'help';
  if (!help) return unknownCommand(first);
  const y = (await loadYargs(argv)).usage('mqt <command> [flags]\n\nOne MQTT toolkit: drop-in mosquitto clients and more.');
  for (const [name, row] of Object.entries(COMMANDS) as [CommandName, CommandRow][]) y.command(name, row.summary);
  y.option('help', { alias: 'h', type: 'boolean', describe: 'show help (also: mqt help <command>, mqt <command> --help)' });
  y.option('version', { type: 'boolean', describe: 'print the mqt version' });
  y.epilog('Run "mqt help <command>" for the flags of a command, or "man mqt".');
  const text = `${await y.getHelp()}\n`;
  // `mqt` alone gets the help too, but fails: a script that ran it by mistake should know.
  if (first === undefined) {
    process.stderr.write(`${text}\nError: no command given.\n`);
    return 1;
  }
  process.stdout.write(text);
  return 0;
}

/** The help bundle's entry point, as the launcher calls every bundle. */
export const run = runRoot;
