import type { BrokerLimits, LogLevel } from '../types.js';
import { BRIDGE_DIRECTIVES } from './bridge-directives.js';
import { PERSISTENCE_DIRECTIVES } from './persistence-directives.js';
import type { Directive, DirectiveContext } from './directive.js';
import { NETWORK_DIRECTIVES } from './network-directives.js';
import { PLUGIN_DIRECTIVES } from './plugin-directives.js';
import { TLS_DIRECTIVES } from './tls-directives.js';
import type { LogDestination } from './basics.js';
import { choice, globalSetting, listenerSetting, once, range, securitySetting, type Read } from './rows.js';
import { isValidTopicName } from '../../topic.js';
import { DirectiveError, INT_MAX, bool, int, oneOf, text, word } from './values.js';
import { unsupportedValueReason } from './unsupported.js';

/** mosquitto's MQTT_MAX_PAYLOAD. */
const MAX_PAYLOAD = 268_435_455;

const LOG_TYPES: readonly LogLevel[] = ['error', 'warning', 'notice', 'information', 'debug', 'subscribe', 'unsubscribe'];
/** Log types mosquitto knows that nothing in mqt logs under. */
const SILENT_LOG_TYPES = ['websockets', 'internal'] as const;

function limit<K extends keyof BrokerLimits>(name: string, key: K, read: Read<BrokerLimits[K]>, value = 'N'): Directive {
  return {
    name,
    scope: 'global',
    value,
    apply: (ctx, args) => {
      ctx.conf.limits[key] = read(name, args);
    },
  };
}

/** mosquitto's "no limit" for negative values of the queue limits. */
const atLeastZero: Read<number> = (name, args) => Math.max(0, int(name, args, -INT_MAX, INT_MAX));

function listenerLine(ctx: DirectiveContext, args: string): void {
  const [portText, where, ...rest] = args.split(/\s+/).filter((w) => w !== '');
  if (portText === undefined) throw new DirectiveError('Empty listener value in configuration.');
  // Slides flatten configs into "listener 8883 cafile ca.crt certfile ...": mosquitto would take
  // "cafile" for a host name to bind.
  if (where !== undefined && !where.startsWith('#') && rest.length > 0 && !rest[0]!.startsWith('#')) {
    throw new DirectiveError(`Too many listener values (${args.trim()}): it takes a port and an address or socket path; each directive goes on a line of its own.`);
  }
  const port = int('port', portText, 0, 65535);
  const target = where === undefined || where.startsWith('#') ? undefined : where;
  if (port === 0 && target === undefined) throw new DirectiveError('A listener with port 0 must provide a Unix socket path.');
  ctx.conf.listenerConfigured = true;
  ctx.startListener({
    origin: ctx.origin,
    port,
    ...(target === undefined ? {} : port === 0 ? { unixPath: target } : { bindAddress: target }),
    security: {},
  });
}

function logDest(ctx: DirectiveContext, args: string): void {
  const [dest, ...rest] = args.trim().split(/\s+/);
  const destinations = (ctx.conf.logDestinations ??= new Set<LogDestination>());
  switch (dest) {
    case 'none':
      destinations.clear();
      return;
    case 'stdout':
    case 'stderr':
      destinations.add(dest);
      return;
    case 'file': {
      if (ctx.conf.logFile !== undefined) throw new DirectiveError('Duplicate "log_dest file" value.');
      const path = rest.join(' ');
      if (path === '') throw new DirectiveError('Empty "log_dest file" value in configuration.');
      ctx.conf.logFile = path;
      destinations.add('file');
      return;
    }
    case 'syslog':
    case 'topic':
    case 'dlt':
      throw new DirectiveError(`log_dest ${dest} is not supported by mqt serve: use stderr, stdout or file.`);
    case '':
    case undefined:
      throw new DirectiveError('Empty log_dest value in configuration.');
    default:
      throw new DirectiveError(`Invalid log_dest value (${dest}).`);
  }
}

function logType(ctx: DirectiveContext, args: string): void {
  const type = oneOf('log_type', args, [...LOG_TYPES, ...SILENT_LOG_TYPES, 'all', 'none']);
  const types = (ctx.conf.logTypes ??= new Set<LogLevel>());
  if (type === 'none') types.clear();
  else if (type === 'all') for (const t of LOG_TYPES) types.add(t);
  else if (type !== 'websockets' && type !== 'internal') types.add(type);
}

function deprecated(ctx: DirectiveContext, name: string, instead?: string): void {
  const text = `The '${name}' option is now deprecated and will be removed in a future version.`;
  ctx.note({ level: 'notice', text: instead === undefined ? text : `${text} ${instead}` });
}

/** A file path of the security settings; mosquitto refuses a second one in the same section. */
function securityFile(name: string, key: 'passwordFile' | 'aclFile'): Directive {
  return {
    name,
    scope: 'security',
    value: 'PATH',
    apply: (ctx, args) => {
      ctx.security[key] = once(name, ctx.security[key], text(name, args));
    },
  };
}

const DIRECTIVES: readonly Directive[] = [
  { name: 'listener', scope: 'listener', value: 'PORT [ADDRESS | PATH]', apply: listenerLine },
  {
    name: 'port',
    scope: 'listener',
    value: 'PORT',
    apply: (ctx, args) => {
      deprecated(ctx, 'port', "Please use 'listener' instead.");
      if (ctx.conf.defaultListener.port !== undefined) {
        ctx.note({ level: 'warning', text: 'Warning: Default listener port specified multiple times. Only the latest will be used.' });
      }
      ctx.conf.defaultListener.port = int('port', args, 1, 65535);
      ctx.conf.listenerConfigured = true;
    },
  },
  {
    name: 'bind_address',
    scope: 'listener',
    value: 'ADDRESS',
    apply: (ctx, args) => {
      deprecated(ctx, 'bind_address', "Please use 'listener' instead.");
      ctx.conf.defaultListener.bindAddress = word('bind_address', args);
      ctx.conf.listenerConfigured = true;
    },
  },
  listenerSetting('protocol', 'mqtt | websockets', 'protocol', choice(['mqtt', 'websockets'])),
  listenerSetting('socket_domain', 'ipv4 | ipv6', 'socketDomain', choice(['ipv4', 'ipv6'])),
  {
    name: 'max_connections',
    scope: 'listener',
    value: 'N',
    apply: (ctx, args) => {
      const n = int('max_connections', args, -INT_MAX, INT_MAX);
      // mosquitto counts only limits above zero.
      ctx.listener.maxConnections = n > 0 ? n : -1;
    },
  },
  listenerSetting('maximum_qos', '0 | 1 | 2', 'maximumQos', (name, args) => int(name, args, 0, 2) as 0 | 1 | 2),
  listenerSetting('max_topic_alias', 'N', 'maxTopicAlias', range(0, 65535)),
  securitySetting('allow_anonymous', 'true | false', 'allowAnonymous', bool),
  securityFile('password_file', 'passwordFile'),
  securityFile('acl_file', 'aclFile'),
  {
    name: 'clientid_prefixes',
    scope: 'global',
    value: 'PREFIX',
    apply: (ctx, args) => {
      deprecated(ctx, 'clientid_prefixes');
      ctx.conf.clientIdPrefix = word('clientid_prefixes', args);
    },
  },
  securitySetting('allow_zero_length_clientid', 'true | false', 'allowZeroLengthClientId', bool),
  securitySetting('auto_id_prefix', 'PREFIX', 'autoIdPrefix', word),
  listenerSetting('use_username_as_clientid', 'true | false', 'useUsernameAsClientId', bool),
  listenerSetting('mount_point', 'PREFIX', 'mountPoint', (name, args) => {
    const prefix = word(name, args);
    if (!isValidTopicName(prefix)) throw new DirectiveError(`Invalid mount_point value (${prefix}): a topic prefix, without + or #.`);
    return prefix;
  }),
  {
    name: 'per_listener_settings',
    scope: 'global',
    value: 'true | false',
    apply: (ctx, args) => {
      const on = bool('per_listener_settings', args);
      if (on && ctx.conf.securitySet) throw new DirectiveError('per_listener_settings must be set before any other security settings.');
      ctx.conf.perListenerSettings = on;
    },
  },
  {
    name: 'message_size_limit',
    scope: 'global',
    value: 'BYTES',
    apply: (ctx, args) => {
      ctx.note({ level: 'notice', text: 'Note: It is recommended to replace `message_size_limit` with `max_packet_size`.' });
      ctx.conf.limits.messageSizeLimit = int('message_size_limit', args, 0, MAX_PAYLOAD);
    },
  },
  limit('max_packet_size', 'maxPacketSize', range(20, INT_MAX)),
  limit('max_connect_packet_size', 'maxConnectPacketSize', range(20, INT_MAX), 'BYTES'),
  limit('max_inflight_messages', 'maxInflightMessages', (name, args) => {
    const n = int(name, args, -INT_MAX, 65535);
    return n < 0 || n === 65535 ? 0 : n;
  }),
  limit('max_inflight_bytes', 'maxInflightBytes', atLeastZero, 'BYTES'),
  limit('max_queued_messages', 'maxQueuedMessages', atLeastZero),
  limit('max_queued_bytes', 'maxQueuedBytes', atLeastZero),
  limit('max_keepalive', 'maxKeepalive', range(0, 65535)),
  limit('retain_available', 'retainAvailable', bool, 'true | false'),
  limit('queue_qos0_messages', 'queueQos0Messages', bool, 'true | false'),
  limit('upgrade_outgoing_qos', 'upgradeOutgoingQos', bool, 'true | false'),
  globalSetting('sys_interval', 'SECONDS', 'sysInterval', range(0, 65535)),
  globalSetting('set_tcp_nodelay', 'true | false', 'tcpNoDelay', bool),
  { name: 'log_dest', scope: 'global', value: 'stderr | stdout | file PATH | none', apply: logDest },
  { name: 'log_type', scope: 'global', value: 'TYPE', apply: logType },
  globalSetting('log_timestamp', 'true | false', 'logTimestamp', bool),
  {
    name: 'log_timestamp_format',
    scope: 'global',
    value: 'FORMAT',
    apply: (ctx, args) => {
      ctx.conf.logTimestampFormat = once('log_timestamp_format', ctx.conf.logTimestampFormat, text('log_timestamp_format', args));
    },
  },
  {
    name: 'log_facility',
    scope: 'global',
    value: '0..7',
    apply: (_ctx, args) => {
      // The syslog facility LOCAL0..7: read so a bad value is caught, unused since log_dest syslog is refused.
      int('log_facility', args, 0, 7);
    },
  },
  globalSetting('connection_messages', 'true | false', 'connectionMessages', bool),
  globalSetting('check_retain_source', 'true | false', 'checkRetainSource', bool),
  {
    name: 'include_dir',
    scope: 'global',
    value: 'DIR',
    apply: (ctx, args) => {
      ctx.includeDir(text('include_dir', args));
    },
  },
  globalSetting('pid_file', 'PATH', 'pidFile', text),
  {
    name: 'retry_interval',
    scope: 'global',
    value: 'SECONDS',
    apply: (ctx) => {
      ctx.note({ level: 'warning', text: 'Warning: The retry_interval option is no longer available.' });
    },
  },
  globalSetting('user', 'USER', 'user', text),
  {
    // 0, mosquitto's default, is no limit; a limit would need mosquitto's count of its own allocations.
    name: 'memory_limit',
    scope: 'global',
    value: '0',
    apply: (_ctx, args) => {
      const limit = int('memory_limit', args, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      if (limit < 0) throw new DirectiveError(`Invalid memory_limit value (${limit}).`);
      if (limit > 0) throw new DirectiveError(unsupportedValueReason('memory_limit', String(limit)));
    },
  },
  {
    name: 'allow_duplicate_messages',
    scope: 'global',
    value: 'true | false',
    apply: (ctx, args) => {
      bool('allow_duplicate_messages', args);
      deprecated(ctx, 'allow_duplicate_messages', 'The behaviour will default to true.');
    },
  },
];

/** The directives mqt serve reads, by name; the security issue adds its rows here. */
export const DIRECTIVE_TABLE: ReadonlyMap<string, Directive> = new Map([
  ...[...DIRECTIVES, ...TLS_DIRECTIVES, ...NETWORK_DIRECTIVES, ...PERSISTENCE_DIRECTIVES, ...PLUGIN_DIRECTIVES, ...BRIDGE_DIRECTIVES].map((d) => [d.name, d] as const),
  ['max_qos', { ...DIRECTIVES.find((d) => d.name === 'maximum_qos')!, name: 'max_qos' }],
]);
