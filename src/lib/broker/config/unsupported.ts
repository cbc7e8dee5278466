/**
 * mosquitto 2.0 directives mqt serve does not read yet. A config that uses one fails with a line
 * saying so, instead of "unknown" (it is not a typo) or being silently ignored (the broker would
 * not be the one the file describes).
 */
const NOT_YET = [
  'check_retain_source',
  'memory_limit',
  'mount_point',
  'tls_engine',
  'tls_engine_kpass_sha1',
];

/** Bridge directives: mqt serve has no bridge. */
const BRIDGE = [
  'address',
  'addresses',
  'bridge_attempt_unsubscribe',
  'bridge_bind_address',
  'bridge_cafile',
  'bridge_capath',
  'bridge_certfile',
  'bridge_identity',
  'bridge_insecure',
  'bridge_keyfile',
  'bridge_max_packet_size',
  'bridge_outgoing_retain',
  'bridge_protocol_version',
  'bridge_psk',
  'bridge_require_ocsp',
  'bridge_tls_version',
  'bridge_alpn',
  'cleansession',
  'clientid',
  'connection',
  'idle_timeout',
  'keepalive_interval',
  'local_cleansession',
  'local_clientid',
  'local_password',
  'local_username',
  'notification_topic',
  'notifications',
  'notifications_local_only',
  'password',
  'remote_clientid',
  'remote_password',
  'remote_username',
  'restart_timeout',
  'round_robin',
  'start_type',
  'threshold',
  'topic',
  'try_private',
  'username',
];

const NOT_YET_SET = new Set(NOT_YET);
const BRIDGE_SET = new Set(BRIDGE);

/** Why a mosquitto directive is refused, or undefined for a name mosquitto does not know either. */
export function unsupportedReason(name: string): string | undefined {
  if (NOT_YET_SET.has(name)) {
    return `${name} is not supported by mqt serve yet.`;
  }
  if (BRIDGE_SET.has(name)) return `${name} is a bridge setting: mqt serve has no bridge.`;
  return undefined;
}
