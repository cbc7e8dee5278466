/**
 * mosquitto's bridge section: `connection NAME` starts a bridge, the directives after it set it
 * (src/conf.c, bridge_topic.c of 2.0.11). Defaults and the checks mosquitto makes once the whole
 * file is read are in bridgeSettings().
 */
import { ErrorCode, MqttError } from '../../errors.js';
import type { ProtocolVersion } from '../../protocol/constants.js';
import { isValidTopicFilter, isValidTopicName } from '../../topic.js';
import type { BridgeAddress, BridgeSection, BridgeSettings, BridgeTlsFiles } from './bridge-types.js';
import type { Directive, DirectiveContext } from './directive.js';
import { DirectiveError, INT_MAX, bool, int, oneOf, text, word } from './values.js';
import { unsupportedValueReason } from './unsupported.js';

/** The bridge the directive belongs to: the last `connection`, which must come first. */
function current(ctx: DirectiveContext): BridgeSection {
  const bridge = ctx.conf.bridges.at(-1);
  if (bridge === undefined) throw new DirectiveError('Invalid bridge configuration.');
  return bridge;
}

/** A bridge directive setting one field of the current bridge. */
function setting<K extends keyof BridgeSection>(name: string, value: string, key: K, read: (name: string, args: string) => BridgeSection[K], aliases: string[] = []): Directive[] {
  return [name, ...aliases].map((n) => ({
    name: n,
    scope: 'global',
    value,
    apply: (ctx, args) => {
      current(ctx)[key] = read(name, args);
    },
  }));
}

/** A bridge TLS directive; mosquitto refuses certificates and a pre-shared key on one bridge. */
function tlsSetting<K extends keyof BridgeTlsFiles>(name: string, value: string, key: K, read: (name: string, args: string) => BridgeTlsFiles[K], psk: boolean): Directive {
  return {
    name,
    scope: 'global',
    value,
    apply: (ctx, args) => {
      const tls = (current(ctx).tls ??= {});
      const other = psk ? tls.cafile ?? tls.capath ?? tls.certfile ?? tls.keyfile : tls.psk ?? tls.identity;
      if (other !== undefined && (key === 'psk' || key === 'identity' || key === 'cafile' || key === 'capath' || key === 'certfile' || key === 'keyfile')) {
        throw new DirectiveError('Cannot use both certificate and psk encryption in a single bridge.');
      }
      tls[key] = read(name, args);
    },
  };
}

function connectionLine(ctx: DirectiveContext, args: string): void {
  const name = word('connection', args);
  if (ctx.conf.bridges.some((b) => b.name === name)) throw new DirectiveError(`Duplicate bridge name "${name}".`);
  ctx.conf.bridges.push({ name, topics: [] });
}

/** "host[:port]" words; IPv6 addresses need the port, as the last colon is the port's. */
function addressLine(ctx: DirectiveContext, args: string): void {
  const bridge = current(ctx);
  if (bridge.addresses !== undefined) throw new DirectiveError('Invalid bridge configuration.');
  const words = args.split(/\s+/).filter((w) => w !== '');
  const end = words.findIndex((w) => w.startsWith('#'));
  const addresses = (end === -1 ? words : words.slice(0, end)).map((w): BridgeAddress => {
    const colon = w.lastIndexOf(':');
    if (colon === -1) return { host: w, port: 1883 };
    const port = Number(w.slice(colon + 1));
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DirectiveError(`Invalid port value (${w.slice(colon + 1)}).`);
    return { host: w.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port };
  });
  if (addresses.length === 0) throw new DirectiveError('Empty address value in configuration.');
  bridge.addresses = addresses;
}

/** `""` stands for no prefix (or no pattern). */
function unquoted(word: string | undefined): string | undefined {
  return word === undefined || word === '""' ? undefined : word;
}

function prefixOf(prefix: string | undefined, pattern: string | undefined, which: 'local' | 'remote'): string | undefined {
  if (prefix === undefined) return undefined;
  if (!isValidTopicName(prefix)) throw new DirectiveError(`Invalid bridge topic ${which} prefix '${prefix}'.`);
  if (!isValidTopicFilter(prefix + (pattern ?? ''))) throw new DirectiveError(`Invalid bridge topic ${which} prefix and pattern combination '${prefix}${pattern ?? ''}'.`);
  return prefix;
}

function topicLine(ctx: DirectiveContext, args: string): void {
  const bridge = current(ctx);
  const all = args.split(/\s+/).filter((w) => w !== '');
  const end = all.findIndex((w, i) => i > 0 && w.startsWith('#'));
  const [patternWord, directionWord, qosWord, localWord, remoteWord, extra] = end === -1 ? all : all.slice(0, end);
  if (patternWord === undefined) throw new DirectiveError('Empty topic value in configuration.');
  if (extra !== undefined) throw new DirectiveError(`Unexpected "${extra}" after the topic's remote prefix.`);
  const direction = directionWord === undefined ? 'out' : directionWord.toLowerCase();
  if (direction !== 'in' && direction !== 'out' && direction !== 'both') throw new DirectiveError(`Invalid bridge topic direction '${directionWord}'.`);
  const qos = qosWord === undefined ? 0 : Number(qosWord);
  if (qos !== 0 && qos !== 1 && qos !== 2) throw new DirectiveError(`Invalid bridge QoS level '${qosWord}'.`);
  const pattern = unquoted(patternWord);
  if (pattern !== undefined && !isValidTopicFilter(pattern)) throw new DirectiveError(`Invalid bridge topic '${pattern}'.`);
  const localPrefix = prefixOf(unquoted(localWord), pattern, 'local');
  const remotePrefix = prefixOf(unquoted(remoteWord), pattern, 'remote');
  if (pattern === undefined && (localPrefix === undefined || remotePrefix === undefined)) throw new DirectiveError('Invalid bridge remapping.');
  bridge.topics.push({
    direction,
    qos: qos,
    localTopic: (localPrefix ?? '') + (pattern ?? ''),
    remoteTopic: (remotePrefix ?? '') + (pattern ?? ''),
    ...(localPrefix === undefined ? {} : { localPrefix }),
    ...(remotePrefix === undefined ? {} : { remotePrefix }),
  });
}

/** restart_timeout BASE [CAP]: a fixed wait, or mosquitto's jittered backoff from BASE to CAP. */
function restartLine(ctx: DirectiveContext, args: string): void {
  const [baseWord, capWord] = args.split(/\s+/).filter((w) => w !== '');
  if (baseWord === undefined) throw new DirectiveError('Empty restart_timeout value in configuration.');
  let base = int('restart_timeout', baseWord, -INT_MAX, INT_MAX);
  if (base < 1) {
    ctx.note({ level: 'notice', text: 'restart_timeout interval too low, using 1 second.' });
    base = 1;
  }
  const cap = capWord === undefined || capWord.startsWith('#') ? undefined : int('restart_timeout', capWord, 0, INT_MAX);
  if (cap !== undefined && cap < base) throw new DirectiveError('backoff cap is lower than the base in restart_timeout.');
  current(ctx).restart = { base, cap };
}

function keepaliveLine(ctx: DirectiveContext, args: string): void {
  const n = int('keepalive_interval', args, -INT_MAX, INT_MAX);
  if (n > 65535) throw new DirectiveError('Bridge keepalive value too high.');
  if (n < 5) ctx.note({ level: 'notice', text: 'keepalive interval too low, using 5 seconds.' });
  current(ctx).keepalive = Math.max(5, n);
}

function startTypeLine(ctx: DirectiveContext, args: string): void {
  const type = word('start_type', args);
  if (type === 'manual') throw new DirectiveError('Manual start_type not supported.');
  if (type !== 'automatic' && type !== 'lazy' && type !== 'once') throw new DirectiveError(`Invalid start_type value in configuration (${type}).`);
  current(ctx).startType = type;
}

function thresholdLine(ctx: DirectiveContext, args: string): void {
  const n = int('threshold', args, -INT_MAX, INT_MAX);
  if (n < 1) ctx.note({ level: 'notice', text: 'threshold too low, using 1 message.' });
  current(ctx).threshold = Math.max(1, n);
}

const PROTOCOLS: Readonly<Record<string, ProtocolVersion>> = { mqttv31: 3, mqttv311: 4, mqttv50: 5 };

const readProtocol = (name: string, args: string): ProtocolVersion => {
  const value = word(name, args);
  const version = PROTOCOLS[value];
  if (version === undefined) throw new DirectiveError(`Invalid bridge_protocol_version value (${value}).`);
  return version;
};

/** mosquitto 2.0 reads these and then uses them nowhere: the bridge's local side needs no login. */
function unused(name: string, value: string): Directive {
  return {
    name,
    scope: 'global',
    value,
    apply: (ctx, args) => {
      current(ctx);
      word(name, args);
    },
  };
}

const nonNegative = (name: string, args: string): number => Math.max(0, int(name, args, -INT_MAX, INT_MAX));

export const BRIDGE_DIRECTIVES: readonly Directive[] = [
  { name: 'connection', scope: 'global', value: 'NAME', apply: connectionLine },
  { name: 'address', scope: 'global', value: 'HOST[:PORT] ...', apply: addressLine },
  { name: 'addresses', scope: 'global', value: 'HOST[:PORT] ...', apply: addressLine },
  { name: 'topic', scope: 'global', value: 'PATTERN [in | out | both [QOS [LOCAL_PREFIX [REMOTE_PREFIX]]]]', apply: topicLine },
  { name: 'restart_timeout', scope: 'global', value: 'SECONDS [CAP]', apply: restartLine },
  { name: 'keepalive_interval', scope: 'global', value: 'SECONDS', apply: keepaliveLine },
  { name: 'start_type', scope: 'global', value: 'automatic | lazy | once', apply: startTypeLine },
  { name: 'threshold', scope: 'global', value: 'N', apply: thresholdLine },
  ...setting('round_robin', 'true | false', 'roundRobin', bool),
  ...setting('bridge_protocol_version', 'mqttv31 | mqttv311 | mqttv50', 'protocolVersion', readProtocol),
  ...setting('cleansession', 'true | false', 'cleanSession', bool),
  ...setting('local_cleansession', 'true | false', 'localCleanSession', bool),
  ...setting('remote_clientid', 'ID', 'remoteClientId', word, ['clientid']),
  ...setting('local_clientid', 'ID', 'localClientId', word),
  ...setting('remote_username', 'NAME', 'remoteUsername', word, ['username']),
  ...setting('remote_password', 'PASSWORD', 'remotePassword', word, ['password']),
  ...setting('idle_timeout', 'SECONDS', 'idleTimeout', nonNegative),
  ...setting('try_private', 'true | false', 'tryPrivate', bool),
  ...setting('notifications', 'true | false', 'notifications', bool),
  ...setting('notification_topic', 'TOPIC', 'notificationTopic', word),
  ...setting('notifications_local_only', 'true | false', 'notificationsLocalOnly', bool),
  ...setting('bridge_outgoing_retain', 'true | false', 'outgoingRetain', bool),
  ...setting('bridge_max_packet_size', 'BYTES', 'maxPacketSize', nonNegative),
  ...setting('bridge_attempt_unsubscribe', 'true | false', 'attemptUnsubscribe', bool),
  ...setting('bridge_bind_address', 'ADDRESS', 'bindAddress', word),
  unused('local_username', 'NAME'),
  unused('local_password', 'PASSWORD'),
  tlsSetting('bridge_cafile', 'PATH', 'cafile', text, false),
  tlsSetting('bridge_capath', 'DIR', 'capath', text, false),
  tlsSetting('bridge_certfile', 'PATH', 'certfile', text, false),
  tlsSetting('bridge_keyfile', 'PATH', 'keyfile', text, false),
  tlsSetting('bridge_insecure', 'true | false', 'insecure', bool, false),
  tlsSetting('bridge_tls_version', 'tlsv1.2 | tlsv1.3', 'version', (name, args) => oneOf(name, args, ['tlsv1.2', 'tlsv1.3']), false),
  tlsSetting('bridge_alpn', 'PROTOCOL', 'alpn', word, false),
  tlsSetting('bridge_identity', 'IDENTITY', 'identity', word, true),
  tlsSetting('bridge_psk', 'HEX', 'psk', word, true),
  {
    // mqt's bridge asks for no OCSP response; false, mosquitto's default, is accepted.
    name: 'bridge_require_ocsp',
    scope: 'global',
    value: 'false',
    apply: (ctx, args) => {
      current(ctx);
      if (bool('bridge_require_ocsp', args)) throw new DirectiveError(unsupportedValueReason('bridge_require_ocsp', 'true'));
    },
  },
];

function configError(text: string): MqttError {
  return new MqttError(ErrorCode.ConfigError, text);
}

/**
 * The bridges with mosquitto's defaults, after its whole-file checks: addresses and topics
 * present, identity and key together, local client ids unique. `hostname` makes the default
 * remote client id (HOSTNAME.NAME).
 */
export function bridgeSettings(sections: readonly BridgeSection[], hostname: string): BridgeSettings[] {
  const bridges = sections.map((s): BridgeSettings => {
    if (s.addresses === undefined) throw configError('Invalid bridge configuration: no remote addresses defined.');
    if (s.topics.length === 0) throw configError('Invalid bridge configuration: no topics defined.');
    if (s.tls?.psk !== undefined && s.tls.identity === undefined) throw configError('Invalid bridge configuration: missing bridge_identity.');
    if (s.tls?.identity !== undefined && s.tls.psk === undefined) throw configError('Invalid bridge configuration: missing bridge_psk.');
    const remoteClientId = s.remoteClientId ?? `${hostname}.${s.name}`;
    const cleanSession = s.cleanSession ?? false;
    return {
      name: s.name,
      addresses: s.addresses,
      roundRobin: s.roundRobin ?? false,
      topics: s.topics,
      protocolVersion: s.protocolVersion ?? 4,
      cleanSession,
      localCleanSession: s.localCleanSession ?? cleanSession,
      remoteClientId,
      localClientId: s.localClientId ?? `local.${remoteClientId}`,
      ...(s.remoteUsername === undefined ? {} : { remoteUsername: s.remoteUsername }),
      ...(s.remotePassword === undefined ? {} : { remotePassword: s.remotePassword }),
      keepalive: s.keepalive ?? 60,
      restart: s.restart ?? { base: 5, cap: 30 },
      startType: s.startType ?? 'automatic',
      threshold: s.threshold ?? 10,
      idleTimeout: s.idleTimeout ?? 60,
      tryPrivate: s.tryPrivate ?? true,
      notifications: s.notifications ?? true,
      ...(s.notificationTopic === undefined ? {} : { notificationTopic: s.notificationTopic }),
      notificationsLocalOnly: s.notificationsLocalOnly ?? false,
      outgoingRetain: s.outgoingRetain ?? true,
      maxPacketSize: s.maxPacketSize ?? 0,
      attemptUnsubscribe: s.attemptUnsubscribe ?? true,
      ...(s.bindAddress === undefined ? {} : { bindAddress: s.bindAddress }),
      // As mosquitto: TLS once there is something to trust (a CA) or a key to share.
      ...(s.tls?.cafile === undefined && s.tls?.capath === undefined && s.tls?.psk === undefined ? {} : { tls: { insecure: false, ...s.tls } }),
    };
  });
  const seen = new Set<string>();
  for (const b of bridges) {
    if (seen.has(b.localClientId)) {
      throw configError(`Bridge local_clientid '${b.localClientId}' is not unique. Try changing or setting the local_clientid value for one of the bridges.`);
    }
    seen.add(b.localClientId);
  }
  return bridges;
}
