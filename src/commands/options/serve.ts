import { UsageError } from '../ui/usage-error.js';
import { allValues, hasFlag, lastValue, type ParsedArgs } from './argv.js';
import { parseInteger } from './numbers.js';
import type { OptionGroup } from './spec.js';

/** The web console's port when --web names none. */
const WEB_PORT = 8080;

/** The mosquitto broker's own flags, so `mosquitto -c x.conf -p 1884 -v` runs as `mqt serve ...`. */
export const mosquittoBrokerOptions: OptionGroup = {
  title: "mosquitto's flags",
  options: [
    { key: 'config', flags: ['-c', '--config-file'], arity: 1, noun: 'config file', valueName: 'FILE', describe: 'read this mosquitto.conf' },
    {
      key: 'port',
      flags: ['-p', '--port'],
      arity: 1,
      noun: 'port',
      valueName: 'PORT',
      repeat: true,
      describe: 'listen on PORT instead of 1883 (repeatable); ignored when the config file defines listeners, as in mosquitto',
    },
    { key: 'verbose', flags: ['-v', '--verbose'], arity: 0, describe: 'log everything (every log type), whatever the config says' },
    { key: 'daemon', flags: ['-d', '--daemon'], arity: 0, describe: 'refused: run mqt serve under systemd, or in the background with &' },
  ],
};

export const serveListenerOptions: OptionGroup = {
  title: 'Listeners (mqt only)',
  options: [
    {
      key: 'bind',
      flags: ['--bind'],
      arity: 1,
      noun: 'address',
      valueName: 'ADDR',
      describe: 'listen on ADDR (0.0.0.0: every IPv4 interface) instead of this machine only; stays anonymous',
    },
    {
      key: 'web',
      flags: ['--web'],
      arity: 0,
      // Any word after it is meant as the port (serve takes no other words): checked as one.
      optionalValue: /^[^-]/,
      describe: `also serve the web console (live topic tree, publish form, clients) on the port given after it (default ${WEB_PORT}), on 127.0.0.1 unless --bind says where; beyond this machine it asks for a password_file user`,
    },
    { key: 'unix', flags: ['--unix'], arity: 1, noun: 'socket path', valueName: 'PATH', repeat: true, describe: 'also listen on the unix socket PATH' },
    { key: 'wsPort', flags: ['--ws-port'], arity: 1, noun: 'port', valueName: 'PORT', repeat: true, describe: 'also listen for MQTT over WebSocket on PORT' },
    {
      key: 'tls',
      flags: ['--tls'],
      arity: 0,
      describe: 'also listen for MQTT over TLS on 8883, with a CA and server certificate made for this machine (or reused); prints the --cafile clients need',
    },
    { key: 'tlsPort', flags: ['--tls-port'], arity: 1, noun: 'port', valueName: 'PORT', describe: 'the port of --tls (default 8883); implies --tls' },
    {
      key: 'tlsDir',
      flags: ['--tls-dir'],
      arity: 1,
      noun: 'folder',
      valueName: 'DIR',
      describe: 'keep the --tls CA and certificates in DIR (default $XDG_STATE_HOME/mqt/tls, or ~/.local/state/mqt/tls); implies --tls',
    },
  ],
};

export const servePersistenceOptions: OptionGroup = {
  title: 'Persistence (mqt only)',
  options: [
    {
      key: 'persist',
      flags: ['--persist'],
      arity: 1,
      noun: 'folder',
      valueName: 'DIR',
      describe: 'persistence on, the journal in DIR: retained messages, persistent sessions and their messages survive a restart or a crash',
    },
  ],
};

export const serveHelpOptions: OptionGroup = {
  title: 'Help',
  options: [
    { key: 'help', flags: ['-h', '--help'], arity: 0, describe: 'show this help (-h as in mosquitto)' },
    { key: 'version', flags: ['--version'], arity: 0, describe: 'print the mqt version' },
  ],
};

export interface ServeSettings {
  readonly configFile: string | undefined;
  readonly ports: number[];
  readonly verbose: boolean;
  readonly bind: string | undefined;
  readonly unixPaths: string[];
  readonly wsPorts: number[];
  readonly persistDir: string | undefined;
  /** --web: the web console's port. */
  readonly webPort: number | undefined;
  /** --tls: the port and the folder of its certificates; undefined without --tls. */
  readonly tls: { readonly port: number; readonly dir: string | undefined } | undefined;
}

/** The MQTT over TLS port. */
const TLS_PORT = 8883;

/** mosquitto's -p takes 1 to 65535: the broker's port cannot be left to the system. */
const port = (text: string): number => parseInteger(text, 1, 65535, (t) => `Invalid port specified (${t}).`);

export function resolveServe(args: ParsedArgs): ServeSettings {
  if (hasFlag(args, 'daemon')) {
    throw new UsageError('-d/--daemon is not supported: run mqt serve under systemd, or in the background with "mqt serve &".');
  }
  const bind = lastValue(args, 'bind');
  if (bind?.trim() === '') throw new UsageError('--bind needs an address, e.g. --bind 0.0.0.0.');
  const persistDir = lastValue(args, 'persist');
  if (persistDir?.trim() === '') throw new UsageError('--persist needs a folder, e.g. --persist /var/lib/mqt.');
  return {
    configFile: lastValue(args, 'config'),
    ports: allValues(args, 'port').map(port),
    verbose: hasFlag(args, 'verbose'),
    bind,
    unixPaths: allValues(args, 'unix'),
    wsPorts: allValues(args, 'wsPort').map(port),
    persistDir,
    webPort: webPort(lastValue(args, 'web')),
    tls: resolveTls(args),
  };
}

function webPort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value === '') return WEB_PORT;
  return parseInteger(value, 1, 65535, (t) => `Invalid --web port '${t}': give a number from 1 to 65535, or none for ${WEB_PORT}.`);
}

function resolveTls(args: ParsedArgs): ServeSettings['tls'] {
  const tlsPort = lastValue(args, 'tlsPort');
  const dir = lastValue(args, 'tlsDir');
  if (!hasFlag(args, 'tls') && tlsPort === undefined && dir === undefined) return undefined;
  if (dir?.trim() === '') throw new UsageError('--tls-dir needs a folder.');
  return { port: tlsPort === undefined ? TLS_PORT : port(tlsPort), dir };
}

/** mqt serve's flags, in the order --help lists them. */
export const serveOptionGroups: readonly OptionGroup[] = [mosquittoBrokerOptions, serveListenerOptions, servePersistenceOptions, serveHelpOptions];
