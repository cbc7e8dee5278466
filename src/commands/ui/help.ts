import type { Argv } from 'yargs';
import { COMMANDS } from '../../command-list.js';
import type { OptionGroup } from '../options/spec.js';
import { programName, type Program } from './program.js';
import { packageVersion } from './version.js';

/** The mosquitto release whose clients mqt's pub, sub, rr and passwd follow. */
const MOSQUITTO_VERSION = '2.1.2';

/** Per-command examples, from the classroom flow. */
const EXAMPLES: Readonly<Record<string, readonly [string, string][]>> = {
  pub: [
    ['mqt pub -V mqttv311 -t PV/sunshine -m yes -d', 'publish "yes" and show each packet'],
    ['mqt pub -h 192.168.1.10 -u btsiot1 -P secret -t PV/data -m 3.2 -q 1', 'QoS 1 with a password'],
    ['seq 1000 | mqt pub -t counter -l -q 1', 'one message per line, lossless'],
  ],
  sub: [
    ['mqt sub -V mqttv311 -t PV/sunshine -d', 'print what arrives on PV/sunshine, with each packet'],
    ["mqt sub -t 'PV/#' -v", 'everything under PV/, as "topic payload"'],
    ["mqt sub -t 'sensors/+/temp' -C 1 -W 10", 'wait up to 10 s for one message (exit 27 on timeout)'],
  ],
  rr: [
    ['mqt rr -t lamp/get -e lamp/reply -m state -W 5', 'ask and print the answer (exit 27 if none comes in 5 s)'],
    ['mqt rr -t calc/add -e calc/out -m "1 2" -v --latency -d', 'with each packet, the topic, and the round-trip time'],
    ['mqt rr -t svc/req -e svc/res -f request.json --json', 'the response as one JSON object'],
  ],
  passwd: [
    ['mqt passwd -c -b mosqui_passfile btsiot1 btsiotpass1', 'create the file with one user (then: password_file in mosquitto.conf)'],
    ['mqt passwd mosqui_passfile btsiot2', 'add a user or change a password, typed twice, hidden'],
    ['mqt passwd --check mosqui_passfile btsiot1', 'exit 0 if the password typed is right, 1 if not'],
  ],
  'gen-ca': [
    ['mqt gen-ca', 'CA and broker certificate for this machine in ./certs, with the mosquitto.conf lines'],
    ['mqt gen-ca --host broker.lan --ip 192.168.1.10 --client esp1 --arduino', 'names boards use, a client certificate, C for the sketch'],
    ['mqt gen-ca --check certs/server.crt --host 192.168.1.10', 'will mosquitto clients, ESP32 and ESP8266 accept it?'],
  ],
  serve: [
    ['mqt serve', 'a broker on port 1883 for this machine (anonymous)'],
    ['mqt serve --bind 0.0.0.0', 'the same, open to the network: the lab broker'],
    ['mqt serve -c mymosqui.conf -v', 'as mosquitto -c mymosqui.conf -v: listeners and limits from the file'],
  ],
  'gen-psk': [
    ['mqt gen-psk btsiot1 --file mosqui_pskfile', 'add a random key for btsiot1 to the psk_file'],
    ['mqt gen-psk esp1 esp2 --bytes 32 --arduino', 'two keys, and the ESP32 setPreSharedKey() lines'],
  ],
  'link-mosquitto': [
    ['mqt link-mosquitto ~/.local/bin', 'then mosquitto_pub, mosquitto_sub... run mqt, as mosquitto 2.1 (~/.local/bin first in PATH)'],
    ['sudo mqt link-mosquitto --force /usr/local/bin', 'for every user, over earlier links or copies'],
  ],
  bench: [
    ['mqt bench pub -c 10 -d 10', '10 publishers as fast as the broker takes them, for 10 s'],
    ['mqt bench pubsub -c 4 -q 1 -n 10000', 'end to end at QoS 1: loss, duplicates and latency percentiles'],
    ["mqt bench pubsub -c 10 --subs 1 --sub-topic 'mqt-bench/#' --rate 1000", 'fan-in at 1000 msgs/s in all'],
    ['mqt bench conn -c 1000 --ramp 200', 'a connection storm at 200 connections per second'],
  ],
};

/** Synopses of commands that take more than flags. */
const USAGE: Readonly<Record<string, string>> = {
  bench: 'mqt bench pub|sub|pubsub|conn [flags]',
  'link-mosquitto': 'mqt link-mosquitto [--force] DIR',
  passwd: [
    'mqt passwd [-H sha512|sha512-pbkdf2] [-I N] [-c | -D] FILE USER',
    'mqt passwd [-H sha512|sha512-pbkdf2] [-I N] [-c] -b FILE USER PASSWORD',
    'mqt passwd [-H sha512|sha512-pbkdf2] [-I N] -U FILE',
    'mqt passwd --check [-b] FILE USER [PASSWORD]',
    'mqt passwd --list FILE',
  ].join('\n'),
};

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
 * stdout, exit 1, and --version in mosquitto's form (scripts read the third word).
 */
export async function showCommandHelp(name: string, version: boolean, program: Program = { command: name, mosquitto: false }): Promise<number> {
  const exitCode = program.mosquitto ? 1 : 0;
  if (version) {
    process.stdout.write(
      program.mosquitto
        ? `${programName(program)} version ${MOSQUITTO_VERSION} running on mqt ${packageVersion()}.\n`
        : `mqt version ${packageVersion()}\n`,
    );
    return exitCode;
  }
  const groups = await optionGroupsOf(name);
  const usage = program.mosquitto ? `${programName(program)} [flags]` : (USAGE[name] ?? `mqt ${name} [flags]`);
  const y = describeOptions(await loadYargs([]), groups).usage(`${usage}\n\n${COMMANDS[name] ?? ''}`);
  for (const [cmd, text] of EXAMPLES[name] ?? []) y.example(cmd, text);
  y.epilog(`Exit codes, differences from mosquitto and more examples: man mqt-${name}`);
  process.stdout.write(`${await y.getHelp()}\n`);
  return exitCode;
}

async function optionGroupsOf(name: string): Promise<readonly OptionGroup[]> {
  switch (name) {
    case 'pub':
      return (await import('../options/pub.js')).pubOptionGroups;
    case 'sub':
      return (await import('../options/sub.js')).subOptionGroups;
    case 'rr':
      return (await import('../options/rr.js')).rrOptionGroups;
    case 'passwd':
      return (await import('../options/passwd.js')).passwdOptionGroups;
    case 'gen-ca':
      return (await import('../options/gen-ca.js')).genCaOptionGroups;
    case 'gen-psk':
      return (await import('../options/gen-psk.js')).genPskOptionGroups;
    case 'serve':
      return (await import('../options/serve.js')).serveOptionGroups;
    case 'bench':
      return (await import('../options/bench.js')).benchOptionGroups;
    case 'link-mosquitto':
      return (await import('../options/link-mosquitto.js')).linkMosquittoOptionGroups;
    default:
      return [];
  }
}

/** `mqt`, `mqt --help`, `mqt --version` and unknown commands. */
export async function runRoot(argv: readonly string[]): Promise<number> {
  const y = (await loadYargs(argv)).usage('mqt <command> [flags]\n\nOne MQTT toolkit: drop-in mosquitto clients and more.');
  for (const [name, summary] of Object.entries(COMMANDS)) y.command(name, summary);
  y.option('help', { type: 'boolean', describe: 'show help (also: mqt <command> --help)' });
  y.option('version', { type: 'boolean', describe: 'print the mqt version' });
  y.epilog('Run "mqt <command> --help" for the flags of a command, or "man mqt".');
  const [first] = argv;
  if (first === '--version') {
    process.stdout.write(`mqt version ${packageVersion()}\n`);
    return 0;
  }
  if (first === '--help') {
    process.stdout.write(`${await y.getHelp()}\n`);
    return 0;
  }
  process.stderr.write(`${await y.getHelp()}\n\n`);
  process.stderr.write(
    first === undefined ? 'Error: no command given.\n' : `Error: Unknown command '${first}'. Commands: ${Object.keys(COMMANDS).join(', ')}.\n`,
  );
  return 1;
}

/** The help bundle's entry point, as the launcher calls every bundle. */
export const run = runRoot;
