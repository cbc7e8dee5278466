import type { OptionGroup } from './commands/options/spec.js';

/**
 * One row per subcommand. Everything that lists commands reads these rows: the launcher
 * (src/cli.ts), help and "did you mean", shell completion, the build's bundle list
 * (scripts/build.mjs), and the tests that hold package.json's man list and the man pages to
 * them. Adding a command is adding its row here, plus src/commands/NAME.ts (its bundle, exporting
 * `run`), its option tables and man/mqt-NAME.1.
 */
export interface CommandRow {
  /** One line for `mqt --help`. */
  readonly summary: string;
  /** The synopsis, where the command takes more than flags. */
  readonly usage?: string;
  /** What shell completion offers after the flags: these words, or file names. */
  readonly arguments?: 'files' | readonly string[];
  /** `mqt NAME --help`'s examples: command line, then what it does. */
  readonly examples: readonly (readonly [string, string])[];
  /**
   * The command's flag tables. Loaded only by help, completion and tests (the launcher's build
   * leaves them out), so a command's start-up never pays for another's tables.
   */
  readonly options: () => Promise<readonly OptionGroup[]>;
}

export const COMMANDS = {
  pub: {
    summary: 'publish messages (drop-in for mosquitto_pub)',
    examples: [
      ['mqt pub -V mqttv311 -t PV/sunshine -m yes -d', 'publish "yes" and show each packet'],
      ['mqt pub -h 192.168.1.10 -u btsiot1 -P secret -t PV/data -m 3.2 -q 1', 'QoS 1 with a password'],
      ['seq 1000 | mqt pub -t counter -l -q 1', 'one message per line, lossless'],
    ],
    options: async () => (await import('./commands/options/pub.js')).pubOptionGroups,
  },
  sub: {
    summary: 'subscribe and print messages (drop-in for mosquitto_sub)',
    examples: [
      ['mqt sub -V mqttv311 -t PV/sunshine -d', 'print what arrives on PV/sunshine, with each packet'],
      ["mqt sub -t 'PV/#' -v", 'everything under PV/, as "topic payload"'],
      ["mqt sub -t 'sensors/+/temp' -C 1 -W 10", 'wait up to 10 s for one message (exit 27 on timeout)'],
    ],
    options: async () => (await import('./commands/options/sub.js')).subOptionGroups,
  },
  rr: {
    summary: 'send an MQTT 5 request and print its response (drop-in for mosquitto_rr)',
    examples: [
      ['mqt rr -t lamp/get -e lamp/reply -m state -W 5', 'ask and print the answer (exit 27 if none comes in 5 s)'],
      ['mqt rr -t calc/add -e calc/out -m "1 2" -v --latency -d', 'with each packet, the topic, and the round-trip time'],
      ['mqt rr -t svc/req -e svc/res -f request.json --json', 'the response as one JSON object'],
    ],
    options: async () => (await import('./commands/options/rr.js')).rrOptionGroups,
  },
  serve: {
    summary: 'run an MQTT broker (stands in for mosquitto: same flags, same mosquitto.conf)',
    examples: [
      ['mqt serve', 'a broker on port 1883 for this machine (anonymous)'],
      ['mqt serve --bind 0.0.0.0', 'the same, open to the network: the lab broker'],
      ['mqt serve -c mymosqui.conf -v', 'as mosquitto -c mymosqui.conf -v: listeners and limits from the file'],
    ],
    options: async () => (await import('./commands/options/serve.js')).serveOptionGroups,
  },
  passwd: {
    summary: 'create and update password files for the broker (drop-in for mosquitto_passwd)',
    usage: [
      'mqt passwd [-H sha512|sha512-pbkdf2] [-I N] [-c | -D] FILE USER',
      'mqt passwd [-H sha512|sha512-pbkdf2] [-I N] [-c] -b FILE USER PASSWORD',
      'mqt passwd [-H sha512|sha512-pbkdf2] [-I N] -U FILE',
      'mqt passwd --check [-b] FILE USER [PASSWORD]',
      'mqt passwd --list FILE',
    ].join('\n'),
    arguments: 'files',
    examples: [
      ['mqt passwd -c -b mosqui_passfile btsiot1 btsiotpass1', 'create the file with one user (then: password_file in mosquitto.conf)'],
      ['mqt passwd mosqui_passfile btsiot2', 'add a user or change a password, typed twice, hidden'],
      ['mqt passwd --check mosqui_passfile btsiot1', 'exit 0 if the password typed is right, 1 if not'],
    ],
    options: async () => (await import('./commands/options/passwd.js')).passwdOptionGroups,
  },
  'gen-ca': {
    summary: 'make a CA and TLS certificates that brokers and ESP boards accept, or check one',
    examples: [
      ['mqt gen-ca', 'CA and broker certificate for this machine in ./certs, with the mosquitto.conf lines'],
      ['mqt gen-ca --host broker.lan --ip 192.168.1.10 --client esp1 --arduino', 'names boards use, a client certificate, C for the sketch'],
      ['mqt gen-ca --check certs/server.crt --host 192.168.1.10', 'will mosquitto clients, ESP32 and ESP8266 accept it?'],
    ],
    options: async () => (await import('./commands/options/gen-ca.js')).genCaOptionGroups,
  },
  'gen-psk': {
    summary: 'make TLS-PSK keys for the broker psk_file and ESP32 boards',
    examples: [
      ['mqt gen-psk btsiot1 --file mosqui_pskfile', 'add a random key for btsiot1 to the psk_file'],
      ['mqt gen-psk esp1 esp2 --bytes 32 --arduino', 'two keys, and the ESP32 setPreSharedKey() lines'],
    ],
    options: async () => (await import('./commands/options/gen-psk.js')).genPskOptionGroups,
  },
  bench: {
    summary: 'load-test a broker: rates, loss, latency percentiles and its own CPU',
    usage: 'mqt bench pub|sub|pubsub|conn [flags]',
    arguments: ['pub', 'sub', 'pubsub', 'conn'],
    examples: [
      ['mqt bench pub -c 10 -d 10', '10 publishers as fast as the broker takes them, for 10 s'],
      ['mqt bench pubsub -c 4 -q 1 -n 10000', 'end to end at QoS 1: loss, duplicates and latency percentiles'],
      ["mqt bench pubsub -c 10 --subs 1 --sub-topic 'mqt-bench/#' --rate 1000", 'fan-in at 1000 msgs/s in all'],
      ['mqt bench conn -c 1000 --ramp 200', 'a connection storm at 200 connections per second'],
    ],
    options: async () => (await import('./commands/options/bench.js')).benchOptionGroups,
  },
  ctrl: {
    summary: "manage a broker's clients, groups and roles at run time (drop-in for mosquitto_ctrl, dynamic security)",
    usage: ['mqt ctrl [connection flags as mqt pub] dynsec COMMAND [ARGS...]', 'mqt ctrl dynsec init FILE ADMIN [PASSWORD]'].join('\n'),
    arguments: ['dynsec'],
    examples: [
      ['mqt ctrl dynsec init dynsec.json admin', 'a plugin file with an administrator (then: plugin and plugin_opt_config_file in mosquitto.conf)'],
      ['mqt ctrl -u admin -P secret dynsec createClient alice -p pw', 'add a client to the running broker'],
      ['mqt ctrl -u admin -P secret dynsec addRoleACL sensors publishClientSend "sensors/#" allow', 'let the role publish under sensors/'],
    ],
    options: async () => (await import('./commands/options/ctrl.js')).ctrlOptionGroups,
  },
  'link-mosquitto': {
    summary: 'make mosquitto_pub, mosquitto_sub, mosquitto_rr, mosquitto_passwd and mosquitto_ctrl links to mqt in a folder',
    usage: 'mqt link-mosquitto [--force] DIR',
    arguments: 'files',
    examples: [
      ['mqt link-mosquitto ~/.local/bin', 'then mosquitto_pub, mosquitto_sub... run mqt, as mosquitto 2.1 (~/.local/bin first in PATH)'],
      ['sudo mqt link-mosquitto --force /usr/local/bin', 'for every user, over earlier links or copies'],
    ],
    options: async () => (await import('./commands/options/link-mosquitto.js')).linkMosquittoOptionGroups,
  },
  check: {
    summary: 'tell what a broker supports and allows: MQTT versions, anonymous, QoS, retain, sizes, TLS',
    usage: 'mqt check [-h HOST] [-p PORT] [connection flags as mqt pub] [--json]',
    examples: [
      ['mqt check -h test.mosquitto.org', 'each MQTT version, and what the broker allows, as a table'],
      ['mqt check -h 192.168.1.10 -u btsiot1 -P btsiotpass1', 'with the class password: is anonymous allowed too?'],
      ['mqt check --cafile certs/ca.crt -p 8883 --json', 'TLS version and certificate facts too, as JSON'],
    ],
    options: async () => (await import('./commands/options/check.js')).checkOptionGroups,
  },
  completion: {
    summary: 'print the shell completion script for bash, zsh or fish',
    usage: 'mqt completion bash|zsh|fish',
    arguments: ['bash', 'zsh', 'fish'],
    examples: [
      ['mqt completion bash > ~/.local/share/bash-completion/completions/mqt', 'bash: commands, flags and their values complete with Tab'],
      ['mqt completion zsh > "${fpath[1]}/_mqt"', 'zsh (then start a new shell)'],
      ['mqt completion fish > ~/.config/fish/completions/mqt.fish', 'fish'],
    ],
    options: async () => (await import('./commands/options/completion.js')).completionOptionGroups,
  },
} as const satisfies Readonly<Record<string, CommandRow>>;

export type CommandName = keyof typeof COMMANDS;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}
