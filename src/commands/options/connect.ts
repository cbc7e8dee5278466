import type { ClientOptions } from '../../lib/client/client.js';
import { generateV31ClientId } from '../../lib/client/client-id.js';
import type { ProtocolVersion } from '../../lib/protocol/constants.js';
import type { QoS, Will } from '../../lib/protocol/packets.js';
import { isValidTopicName } from '../../lib/topic.js';
import type { TransportTarget } from '../../lib/transport/types.js';
import { UsageError, tight } from '../ui/usage-error.js';
import { hasFlag, lastValue, type ParsedArgs } from './argv.js';
import { parseInteger, type NumberError } from './numbers.js';
import { resolveProperties, type CommandProperties } from './properties.js';
import type { OptionGroup, OptionSpec } from './spec.js';
import { resolveTarget } from './target.js';
import { checkTlsPairs } from './tls.js';
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
      check: ([text = '']) => void parsePort(text),
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
      mosquittoFlag: '--protocol-version',
      valueName: 'VER',
      check: ([text = '']) => void parseVersion(text),
      describe: 'MQTT version: mqttv5|5, mqttv311|311 (default) or mqttv31|31',
    },
    {
      key: 'id',
      flags: ['-i', '--id'],
      arity: 1,
      noun: 'id',
      valueName: 'ID',
      replaces: ['idPrefix'],
      conflicts: { keys: ['idPrefix'], error: idWithPrefix },
      describe: 'client id (default: none; the broker assigns one in v5)',
    },
    {
      key: 'idPrefix',
      flags: ['-I', '--id-prefix'],
      arity: 1,
      noun: 'id prefix',
      valueName: 'PREFIX',
      replaces: ['id'],
      conflicts: { keys: ['id'], error: idWithPrefix },
      describe: 'client id = PREFIX + process id',
    },
    {
      key: 'keepalive',
      flags: ['-k', '--keepalive'],
      arity: 1,
      noun: 'keepalive',
      valueName: 'SECS',
      check: ([text = '']) => void parseKeepalive(text),
      describe: 'keepalive in seconds, 5-65535 (default 60)',
    },
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
      check: ([text = '']) => void parseExpiry(text),
      describe: 'v5 session expiry interval; -1 means never expire (default 0, or never with -c). Implies -V 5',
    },
    {
      key: 'maxInflight',
      flags: ['-M', '--max-inflight'],
      arity: 1,
      missingValue: '-M argument given but max_inflight not specified.',
      valueName: 'N',
      check: ([text = '']) => void parseMaxInflight(text),
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
    {
      key: 'willTopic',
      flags: ['--will-topic'],
      arity: 1,
      noun: 'will topic',
      valueName: 'TOPIC',
      check: ([topic = '']) => checkWillTopic(topic),
      describe: 'topic of the will message',
    },
    { key: 'willPayload', flags: ['--will-payload'], arity: 1, noun: 'will payload', valueName: 'TEXT', describe: 'payload of the will (default empty)' },
    {
      key: 'willQos',
      flags: ['--will-qos'],
      arity: 1,
      noun: 'will QoS',
      valueName: 'QOS',
      check: ([text = '']) => void parseWillQos(text),
      describe: 'QoS of the will (default 0)',
    },
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

export function parseQos(text: string, error: NumberError): QoS {
  return parseInteger(text, 0, 2, error) as QoS;
}

/** -q of pub, sub and rr; mosquitto ends this one message with no blank line. */
export function parseMessageQos(text: string): QoS {
  return parseQos(text, (t) => tight(`Invalid QoS given: ${t}`));
}

/** The -q row of pub, sub and rr. */
export function qosOption(describe: string): OptionSpec {
  return { key: 'qos', flags: ['-q', '--qos'], arity: 1, noun: 'QoS', valueName: 'QOS', check: ([text = '']) => void parseMessageQos(text), describe };
}

function idWithPrefix(): UsageError {
  return new UsageError('-i and -I argument cannot be used together.');
}

/** mosquitto's port 0 is a unix socket whose path is the host; here that is --unix. */
export function parsePort(text: string): number {
  return parseInteger(text, 1, 65535, (t) =>
    tight(t.trim() === '0' ? 'Invalid port given: 0 (use --unix PATH for a unix socket)' : `Invalid port given: ${t}`, `Invalid port given: ${t}`),
  );
}

function parseVersion(text: string): ProtocolVersion {
  const version = ({ mqttv31: 3, '31': 3, mqttv311: 4, '311': 4, mqttv5: 5, '5': 5 } as const)[text];
  if (version === undefined) throw new UsageError('Invalid protocol version argument given.');
  return version;
}

function parseKeepalive(text: string): number {
  return parseInteger(text, 5, 65535, () => 'Invalid keepalive given, it must be between 5 and 65535 inclusive.');
}

function parseMaxInflight(text: string): number {
  return parseInteger(text, 1, 65535, () => 'Maximum inflight messages must be greater than 0.');
}

function parseWillQos(text: string): QoS {
  return parseQos(text, (t) => `Invalid will QoS ${t}.`);
}

function checkWillTopic(topic: string): void {
  if (!isValidTopicName(topic)) throw tight(`Invalid will topic '${topic}', does it contain '+' or '#'?`);
}

/**
 * -x as mosquitto reads it (strtol with base 0, so 0x10 is 16): -1, 4294967295 and ∞ mean the
 * session never expires.
 */
function parseExpiry(text: string): number {
  if (text === '∞') return NEVER_EXPIRE;
  const match = /^\s*([+-]?)(0x[0-9a-f]+|0[0-7]*|[1-9]\d*)$/i.exec(text);
  if (match === null) throw new UsageError('session-expiry-interval not a number.');
  const [, sign = '', digits = ''] = match;
  const magnitude = /^0x/i.test(digits) ? Number(digits) : digits.length > 1 && digits.startsWith('0') ? parseInt(digits, 8) : Number(digits);
  const value = sign === '-' ? -magnitude : magnitude;
  if (value < -1 || value > NEVER_EXPIRE) throw new UsageError('session-expiry-interval out of range.');
  return value === -1 ? NEVER_EXPIRE : value;
}

function resolveVersion(args: ParsedArgs, defaultVersion: ProtocolVersion): ProtocolVersion {
  const text = lastValue(args, 'protocolVersion');
  return text === undefined ? defaultVersion : parseVersion(text);
}

function resolveClientId(args: ParsedArgs, version: ProtocolVersion, invalidIdText: string): string {
  const id = lastValue(args, 'id');
  const prefix = lastValue(args, 'idPrefix');
  // mosquitto finds the empty id only when it makes the client: no "--help" hint follows.
  if (id === '') throw new UsageError(invalidIdText, { followUp: 'none' });
  if (id !== undefined) return id;
  if (prefix !== undefined) return `${prefix}${process.pid}`;
  return version === 3 ? generateV31ClientId() : '';
}

function resolveWill(args: ParsedArgs, properties: CommandProperties): Will | undefined {
  const topic = lastValue(args, 'willTopic');
  if (topic === undefined) return undefined;
  const qosText = lastValue(args, 'willQos');
  return {
    topic,
    payload: Buffer.from(lastValue(args, 'willPayload') ?? ''),
    qos: qosText === undefined ? 0 : parseWillQos(qosText),
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

/** The session expiry the flags ask for: -x, else "never" for a v5 -c; undefined for none. */
function sessionExpiryOf(args: ParsedArgs, version: ProtocolVersion): number | undefined {
  const text = lastValue(args, 'sessionExpiry');
  if (text !== undefined) return parseExpiry(text);
  return version === 5 && hasFlag(args, 'noClean') ? NEVER_EXPIRE : undefined;
}

function versionOf(args: ParsedArgs, defaultVersion: ProtocolVersion): ProtocolVersion {
  const wantsV5 = args.properties.length > 0 || hasFlag(args, 'sessionExpiry');
  return resolveVersion(args, wantsV5 ? 5 : defaultVersion);
}

/**
 * The checks mosquitto's clients make once every flag is read, in their order: the will, the
 * TLS pairs, then the client id a persistent session needs. Commands run it before their own
 * "missing topic" checks.
 */
export function checkConnectFlags(args: ParsedArgs, defaultVersion: ProtocolVersion = 4): void {
  // Both stay only when one file gives them on two lines: a command line's one sets the other aside.
  if (hasFlag(args, 'id') && hasFlag(args, 'idPrefix')) throw idWithPrefix();
  if (!hasFlag(args, 'willTopic')) {
    if (hasFlag(args, 'willPayload')) throw tight('Will payload given, but no will topic given.');
    if (hasFlag(args, 'willRetain')) throw tight('Will retain given, but no will topic given.');
  }
  checkTlsPairs(args);
  const version = versionOf(args, defaultVersion);
  const fixedId = hasFlag(args, 'id');
  if (version === 5 && sessionExpiryOf(args, version) === NEVER_EXPIRE && !fixedId) {
    throw tight('You must provide a client id if you are using an infinite session expiry interval.');
  }
  if (version !== 5 && hasFlag(args, 'noClean') && !fixedId) {
    throw tight('You must provide a client id if you are using the -c option.');
  }
}

/** Applies mosquitto's cross-flag rules, in mosquitto's order, and builds the session settings. */
export function resolveConnect(args: ParsedArgs, options: ConnectResolveOptions): ConnectSettings {
  checkConnectFlags(args, options.defaultVersion);
  const properties = resolveProperties(args.properties);
  const expiryGiven = hasFlag(args, 'sessionExpiry');
  // -V is read last, so that a mistake it makes is reported at the line of a file that gave it.
  const version = versionOf(args, options.defaultVersion ?? 4);
  if (args.properties.length > 0 && version !== 5) {
    throw new UsageError('-D/--property needs MQTT v5: drop -V or use -V 5.');
  }
  if (expiryGiven && version !== 5) {
    throw new UsageError('-x/--session-expiry needs MQTT v5: drop -V or use -V 5.');
  }
  const will = resolveWill(args, properties);
  const clean = !hasFlag(args, 'noClean');
  const clientId = resolveClientId(args, version, options.invalidIdText);
  const sessionExpiry = version === 5 ? sessionExpiryOf(args, version) : undefined;

  const keepaliveText = lastValue(args, 'keepalive');
  const keepalive = keepaliveText === undefined ? 60 : parseKeepalive(keepaliveText);
  const inflightText = lastValue(args, 'maxInflight');
  const maxInflight = inflightText === undefined ? 20 : parseMaxInflight(inflightText);

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
