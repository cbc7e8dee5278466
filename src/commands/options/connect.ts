import type { ClientOptions } from '../../lib/client/client.js';
import { generateV31ClientId } from '../../lib/client/client-id.js';
import type { ProtocolVersion } from '../../lib/protocol/constants.js';
import type { QoS, Will } from '../../lib/protocol/packets.js';
import { isValidTopicName } from '../../lib/topic.js';
import type { TransportTarget } from '../../lib/transport/types.js';
import { UsageError } from '../ui/usage-error.js';
import { hasFlag, lastValue, type ParsedArgs } from './argv.js';
import { parseInteger } from './numbers.js';
import { resolveProperties, type CommandProperties } from './properties.js';
import type { OptionGroup } from './spec.js';
import { resolveTarget } from './target.js';
import { brokerUrl, urlOption } from './url.js';

export const connectOptions: OptionGroup = {
  title: 'Connection',
  options: [
    urlOption,
    { key: 'host', flags: ['-h', '--host'], arity: 1, noun: 'host', valueName: 'HOST', replaces: ['unix'], describe: 'broker host (default localhost)' },
    {
      key: 'port',
      flags: ['-p', '--port'],
      arity: 1,
      noun: 'port',
      valueName: 'PORT',
      replaces: ['unix'],
      describe: 'broker port (default 1883, 8883 with TLS; 8883 turns TLS on)',
    },
    { key: 'unix', flags: ['--unix'], arity: 1, noun: 'socket path', valueName: 'PATH', describe: 'connect over a unix socket instead of TCP' },
    { key: 'bindAddress', flags: ['-A', '--bind-address'], arity: 1, noun: 'address', valueName: 'ADDR', describe: 'local address to bind the connection to' },
    { key: 'nodelay', flags: ['--nodelay'], arity: 0, describe: 'disable Nagle (TCP_NODELAY): lower latency, more packets' },
    {
      key: 'protocolVersion',
      flags: ['-V', '--protocol-version'],
      arity: 1,
      noun: 'version',
      valueName: 'VER',
      describe: 'MQTT version: mqttv5|5, mqttv311|311 (default) or mqttv31|31',
    },
    { key: 'id', flags: ['-i', '--id'], arity: 1, noun: 'id', valueName: 'ID', replaces: ['idPrefix'], describe: 'client id (default: none; the broker assigns one in v5)' },
    { key: 'idPrefix', flags: ['-I', '--id-prefix'], arity: 1, noun: 'id prefix', valueName: 'PREFIX', replaces: ['id'], describe: 'client id = PREFIX + process id' },
    { key: 'keepalive', flags: ['-k', '--keepalive'], arity: 1, noun: 'keepalive', valueName: 'SECS', describe: 'keepalive in seconds, 5-65535 (default 60)' },
    {
      key: 'noClean',
      flags: ['-c', '--disable-clean-session'],
      arity: 0,
      describe: 'persistent session: the broker keeps subscriptions and queues QoS 1/2 messages while offline (needs -i)',
    },
    {
      key: 'sessionExpiry',
      flags: ['-x', '--session-expiry'],
      arity: 1,
      noun: 'session expiry interval',
      valueName: 'SECS',
      describe: 'v5 session expiry interval; -1 means never expire (default 0, or never with -c). Implies -V 5',
    },
    {
      key: 'maxInflight',
      flags: ['-M', '--max-inflight'],
      arity: 1,
      noun: 'max_inflight',
      valueName: 'N',
      describe: 'most QoS 1/2 messages in flight at once (default 20)',
    },
    { key: 'username', flags: ['-u', '--username'], arity: 1, noun: 'username', valueName: 'USER', describe: 'username' },
    {
      key: 'password',
      flags: ['-P', '--pw'],
      arity: 1,
      noun: 'password',
      valueName: 'PASS',
      valueMayBeLeftOut: true,
      secret: true,
      replaces: ['passwordEnv', 'passwordFile'],
      describe: 'password; -P last on the line, without a value, asks for it on the terminal (hidden)',
    },
    {
      key: 'passwordEnv',
      flags: ['--pw-env'],
      arity: 1,
      noun: 'variable name',
      valueName: 'VAR',
      replaces: ['password', 'passwordFile'],
      describe: 'take the password from environment variable VAR (keeps it out of ps and shell history)',
    },
    {
      key: 'passwordFile',
      flags: ['--pw-file'],
      arity: 1,
      noun: 'file',
      valueName: 'FILE',
      replaces: ['password', 'passwordEnv'],
      describe: 'take the password from the first line of FILE',
    },
  ],
};

export const willOptions: OptionGroup = {
  title: 'Will (published by the broker if this client vanishes)',
  options: [
    { key: 'willTopic', flags: ['--will-topic'], arity: 1, noun: 'will topic', valueName: 'TOPIC', describe: 'topic of the will message' },
    { key: 'willPayload', flags: ['--will-payload'], arity: 1, noun: 'will payload', valueName: 'TEXT', describe: 'payload of the will (default empty)' },
    { key: 'willQos', flags: ['--will-qos'], arity: 1, noun: 'will QoS', valueName: 'QOS', describe: 'QoS of the will (default 0)' },
    { key: 'willRetain', flags: ['--will-retain'], arity: 0, describe: 'retain the will' },
  ],
};

/** Where the password comes from; read just before connecting (the prompt and the file are async). */
export type PasswordSource =
  | { kind: 'value'; value: string }
  | { kind: 'env'; name: string }
  | { kind: 'file'; path: string }
  | { kind: 'prompt' };

/** Everything a command needs to open a session, resolved once from the flags. */
export interface ConnectSettings {
  target: TransportTarget;
  /** The password, once passwordSource has been read, goes into client.password. */
  client: ClientOptions;
  passwordSource: PasswordSource | undefined;
  properties: CommandProperties;
  debug: boolean;
  quiet: boolean;
}

/** mosquitto's "infinite" session expiry: the largest u32. */
const NEVER_EXPIRE = 4294967295;

export function parseQos(text: string, message: (t: string) => string): QoS {
  return parseInteger(text, 0, 2, message) as QoS;
}

function resolveVersion(args: ParsedArgs, defaultVersion: ProtocolVersion): ProtocolVersion {
  const text = lastValue(args, 'protocolVersion');
  if (text === undefined) return defaultVersion;
  const version = ({ mqttv31: 3, '31': 3, mqttv311: 4, '311': 4, mqttv5: 5, '5': 5 } as const)[text];
  if (version === undefined) throw new UsageError('Invalid protocol version argument given.');
  return version;
}

function resolveClientId(args: ParsedArgs, version: ProtocolVersion, invalidIdText: string): string {
  const id = lastValue(args, 'id');
  const prefix = lastValue(args, 'idPrefix');
  if (id !== undefined && prefix !== undefined) throw new UsageError('-i and -I argument cannot be used together.');
  if (id === '') throw new UsageError(invalidIdText);
  if (id !== undefined) return id;
  if (prefix !== undefined) return `${prefix}${process.pid}`;
  return version === 3 ? generateV31ClientId() : '';
}

function resolveWill(args: ParsedArgs, properties: CommandProperties): Will | undefined {
  const topic = lastValue(args, 'willTopic');
  const payload = lastValue(args, 'willPayload');
  const qosText = lastValue(args, 'willQos');
  const qos = qosText === undefined ? 0 : parseQos(qosText, (t) => `Invalid will QoS ${t}.`);
  if (topic === undefined) {
    if (payload !== undefined) throw new UsageError('Will payload given, but no will topic given.');
    if (hasFlag(args, 'willRetain')) throw new UsageError('Will retain given, but no will topic given.');
    return undefined;
  }
  if (!isValidTopicName(topic)) throw new UsageError(`Invalid will topic '${topic}', does it contain '+' or '#'?`);
  return {
    topic,
    payload: Buffer.from(payload ?? ''),
    qos,
    retain: hasFlag(args, 'willRetain'),
    ...(properties.will === undefined ? {} : { properties: properties.will }),
  };
}

export interface ConnectResolveOptions {
  /** pub says "Invalid id.", sub "Invalid id and/or clean_session." */
  invalidIdText: string;
  /** sub's -C under 20 lowers the v5 receive maximum to it, as mosquitto_sub does. */
  receiveMaximum?: number;
  /** Without -V: 4 (v3.1.1) for pub and sub, 5 for rr; -D and -x ask for 5 either way. */
  defaultVersion?: ProtocolVersion;
}

/** Applies mosquitto's cross-flag rules, in mosquitto's order, and builds the session settings. */
export function resolveConnect(args: ParsedArgs, options: ConnectResolveOptions): ConnectSettings {
  const properties = resolveProperties(args.properties);
  const expiryText = lastValue(args, 'sessionExpiry');
  const wantsV5 = args.properties.length > 0 || expiryText !== undefined;
  const version = resolveVersion(args, wantsV5 ? 5 : (options.defaultVersion ?? 4));
  if (args.properties.length > 0 && version !== 5) {
    throw new UsageError('-D/--property needs MQTT v5: drop -V or use -V 5.');
  }
  if (expiryText !== undefined && version !== 5) {
    throw new UsageError('-x/--session-expiry needs MQTT v5: drop -V or use -V 5.');
  }
  const will = resolveWill(args, properties);
  const clean = !hasFlag(args, 'noClean');
  const clientId = resolveClientId(args, version, options.invalidIdText);

  let sessionExpiry: number | undefined;
  if (expiryText !== undefined) {
    sessionExpiry =
      expiryText === '-1' || expiryText === '∞'
        ? NEVER_EXPIRE
        : parseInteger(expiryText, 0, NEVER_EXPIRE, () => 'session-expiry-interval out of range.');
  }
  if (!clean && version !== 5 && !hasFlag(args, 'id')) {
    throw new UsageError('You must provide a client id if you are using the -c option.');
  }
  if (version === 5 && !clean && sessionExpiry === undefined) sessionExpiry = NEVER_EXPIRE;
  if (version === 5 && sessionExpiry === NEVER_EXPIRE && !hasFlag(args, 'id')) {
    throw new UsageError('You must provide a client id if you are using an infinite session expiry interval.');
  }

  const keepaliveText = lastValue(args, 'keepalive');
  const keepalive =
    keepaliveText === undefined
      ? 60
      : parseInteger(keepaliveText, 5, 65535, () => 'Invalid keepalive given, it must be between 5 and 65535 inclusive.');
  const inflightText = lastValue(args, 'maxInflight');
  const maxInflight =
    inflightText === undefined
      ? 20
      : parseInteger(inflightText, 1, 65535, () => 'Maximum inflight messages must be greater than 0.');

  const connectProperties = { ...properties.connect };
  if (version === 5) {
    if (sessionExpiry !== undefined && connectProperties.sessionExpiryInterval === undefined) {
      connectProperties.sessionExpiryInterval = sessionExpiry;
    }
    if (options.receiveMaximum !== undefined && connectProperties.receiveMaximum === undefined) {
      connectProperties.receiveMaximum = options.receiveMaximum;
    }
  }

  const url = brokerUrl(args);
  const username = lastValue(args, 'username') ?? url?.username;
  return {
    target: resolveTarget(args, url),
    client: {
      protocolVersion: version,
      clientId,
      clean,
      keepalive,
      maxInflight,
      ...(username === undefined ? {} : { username }),
      ...(will === undefined ? {} : { will }),
      ...(Object.keys(connectProperties).length === 0 ? {} : { connectProperties }),
    },
    passwordSource: resolvePasswordSource(args, url?.password),
    properties,
    debug: hasFlag(args, 'debug'),
    quiet: hasFlag(args, 'quiet'),
  };
}

/** At most one of -P, --pw-env and --pw-file; -P alone asks, which needs a terminal. */
function resolvePasswordSource(args: ParsedArgs, urlPassword: string | undefined): PasswordSource | undefined {
  const value = lastValue(args, 'password');
  const name = lastValue(args, 'passwordEnv');
  const path = lastValue(args, 'passwordFile');
  const prompt = args.leftOut.has('password');
  const given = [value !== undefined || prompt, name !== undefined, path !== undefined].filter(Boolean).length;
  if (given > 1) throw new UsageError('Only one of -P, --pw-env and --pw-file may be given.');
  if (name !== undefined) return { kind: 'env', name };
  if (path !== undefined) return { kind: 'file', path };
  if (prompt) return { kind: 'prompt' };
  const password = value ?? urlPassword;
  return password === undefined ? undefined : { kind: 'value', value: password };
}
