import type { ProtocolVersion } from '../protocol/constants.js';
import type { TransportStream } from '../transport/types.js';
import type { Clock } from './clock.js';
import type { BrokerMessage } from './message.js';
import type { DurableLog } from './persistence/durable-log.js';

/**
 * The contract between the broker core (src/lib/broker) and what feeds it connections and reads
 * its log (server.ts, network/, config/). The core never opens sockets or prints.
 */

/** Where a connection came in; log lines and per-listener settings use it. */
export interface ListenerInfo {
  /** TCP port, or 0 for a unix socket. */
  port: number;
  /** Bound address, or the socket path for unix listeners. */
  address: string;
  /** listenerKey: how a persistent session names this listener in the journal. */
  key: string;
  protocol: 'mqtt' | 'websockets';
  /** Per-listener settings of mosquitto.conf (per_listener_settings, allow_anonymous...). */
  settings: ListenerSettings;
}

export interface ListenerSettings {
  allowAnonymous: boolean;
  /** Most connections at once on this listener; -1 = no limit. */
  maxConnections: number;
  /** Only these protocol versions are accepted when set. */
  protocolVersions?: ProtocolVersion[];
  /** clientid_prefixes: a client id must start with this when set. */
  clientIdPrefix?: string;
  /** allow_zero_length_clientid false: an empty client id is refused instead of assigned one (default true). */
  allowZeroLengthClientId?: boolean;
  /** auto_id_prefix: the start of assigned client ids (default "auto-"). */
  autoIdPrefix?: string;
  /** use_username_as_clientid: the username replaces the client id; clients without one are refused. */
  useUsernameAsClientId?: boolean;
  /** maximum_qos of this listener (mosquitto sets it per listener); overrides limits.maximumQos. */
  maximumQos?: 0 | 1 | 2;
  /** max_topic_alias of this listener (per listener in mosquitto); overrides limits.maxTopicAlias. */
  maxTopicAlias?: number;
  /** mount_point: the prefix of this listener's clients' topics (mount-point.ts). */
  mountPoint?: string;
  /** The security hooks of this listener (per_listener_settings); BrokerOptions.auth when absent. */
  auth?: BrokerAuth;
  /**
   * use_identity_as_username / use_subject_as_username on a TLS listener: the username is the one
   * TLS proved (ConnectionInfo.tlsUsername), the CONNECT's username and password are ignored, and a
   * client without one is refused, as in mosquitto.
   */
  usernameFromTls?: boolean;
}

export interface ConnectionInfo {
  remoteAddress: string;
  remotePort: number;
  listener: ListenerInfo;
  /** The certificate's CN or subject, or the PSK identity, when the listener takes the username from TLS. */
  tlsUsername?: string;
  /** A bridge's own way into this broker: no connection log lines, as mosquitto logs none for its bridges. */
  internal?: boolean;
  /** An in-process client that takes its QoS 1 messages as they are, not as PUBLISH bytes. */
  direct?: DirectReceiver;
}

/**
 * A bridge's local side: most of what it receives is QoS 1 traffic on its way to the remote, and
 * encoding, piping and decoding each message, then its PUBACK, doubled the broker's work per
 * bridged message. QoS 0 still goes as packets, so that a slow remote fills the pipe and the
 * broker's QoS 0 limits apply; QoS 2 too (its PUBREC/PUBREL/PUBCOMP belong to the client).
 */
export interface DirectReceiver {
  /** The message stays in flight until `link.acknowledge(packetId)`, which must come after this call returns. */
  deliver(msg: BrokerMessage, retain: boolean, packetId: number, link: DirectLink): void;
}

/** What the broker's side of a direct client answers to: the PUBACK it would otherwise read. */
export interface DirectLink {
  acknowledge(packetId: number): void;
}

/**
 * The limits mosquitto configures with directives of the same names. 0 where mosquitto uses 0 for
 * "no limit".
 */
export interface BrokerLimits {
  /** Largest PUBLISH payload accepted; 0 = the protocol maximum. */
  messageSizeLimit: number;
  /** Largest packet accepted from clients; 0 = no limit beyond the protocol's. */
  maxPacketSize: number;
  /**
   * Largest CONNECT (will, credentials and properties included) read from a client not yet
   * authenticated, capped by maxPacketSize: what an anonymous socket can make the broker hold.
   * mqt's own; mosquitto buffers up to max_packet_size before it knows who is asking.
   */
  maxConnectPacketSize: number;
  /** Outgoing QoS 1/2 in flight per client (v5: the client's receive maximum caps it). */
  maxInflightMessages: number;
  /** Outgoing QoS 1/2 payload bytes in flight per client; 0 = no limit. */
  maxInflightBytes: number;
  /** Messages queued per client beyond those in flight; 0 = no limit. */
  maxQueuedMessages: number;
  /** Bytes queued per client; 0 = no limit. */
  maxQueuedBytes: number;
  /**
   * Keepalive the broker accepts at most; 0 = no limit (mosquitto 2.0's default). Above it, or 0,
   * v5 clients get Server Keep Alive and v3 clients are refused (CONNACK 2), as mosquitto does.
   */
  maxKeepalive: number;
  retainAvailable: boolean;
  maximumQos: 0 | 1 | 2;
  /** Topic Alias Maximum in the v5 CONNACK (mosquitto: 10). */
  maxTopicAlias: number;
  /** Receive Maximum in the v5 CONNACK (mosquitto: 20). */
  receiveMaximum: number;
  /** persistent_client_expiration: seconds after which a session that would never expire does; 0 = never. */
  persistentClientExpiration: number;
  /** queue_qos0_messages: QoS 0 messages for a persistent session whose client is away are queued (within the queue limits), not dropped. */
  queueQos0Messages: boolean;
  /** upgrade_outgoing_qos: a message goes out at its subscription's QoS even above the QoS it was published with (against the spec, as mosquitto allows). */
  upgradeOutgoingQos: boolean;
}

export const DEFAULT_LIMITS: BrokerLimits = {
  messageSizeLimit: 0,
  maxPacketSize: 0,
  // 64 KiB holds any real CONNECT (a long token as password, a status will, v5 user properties)
  // while 5,000 sockets dripping the largest one cost at most ~320 MB.
  maxConnectPacketSize: 65536,
  maxInflightMessages: 20,
  maxInflightBytes: 0,
  maxQueuedMessages: 1000,
  maxQueuedBytes: 0,
  maxKeepalive: 0,
  retainAvailable: true,
  maximumQos: 2,
  maxTopicAlias: 10,
  receiveMaximum: 20,
  persistentClientExpiration: 0,
  queueQos0Messages: false,
  upgradeOutgoingQos: false,
};

/** Hooks the security layer (password_file, acl_file, certificates) plugs in; absent = allow. */
export interface BrokerAuth {
  /**
   * true to accept the login. Called only when a username or password was given, or to refuse
   * anonymous ones. A slow check (argon2id) answers with a promise; `abandoned` tells it the
   * client has gone while it waited.
   */
  authenticate?(login: { clientId: string; username?: string; password?: Buffer; connection: ConnectionInfo; abandoned?: () => boolean }): boolean | Promise<boolean>;
  canRead?(client: { clientId: string; username?: string }, topic: string): boolean;
  canWrite?(client: { clientId: string; username?: string }, topic: string): boolean;
  /**
   * false to refuse a SUBSCRIBE filter (SUBACK 0x80, v5 0x87). canRead alone cannot decide
   * this: a filter is a set of topics, and it is refused only when the client may read none of
   * them (an acl_file without a rule granting any of them). Absent = grant, and the messages are
   * still filtered by canRead on delivery.
   */
  canSubscribe?(client: { clientId: string; username?: string }, filter: string): boolean; // the whole filter, $share/GROUP/ included
  /** false to refuse an UNSUBSCRIBE filter (v5 UNSUBACK 0x87; the subscription stays). Absent = allow. */
  canUnsubscribe?(client: { clientId: string; username?: string }, filter: string): boolean;
  /**
   * A PUBLISH to a $CONTROL/ topic the client may write (the dynamic security API): undefined
   * when nothing handles the topic. Such messages never reach subscribers, as in mosquitto.
   */
  control?(client: { clientId: string; username?: string }, topic: string, payload: Buffer): ControlAnswer | undefined;
}

/** What a $CONTROL message caused: an answer to publish, clients to disconnect. */
export interface ControlAnswer {
  readonly response?: { readonly topic: string; readonly payload: Buffer };
  /** Usernames whose clients are disconnected (no will); undefined = every client without a username. */
  readonly kicks: readonly (string | undefined)[];
  /** Lines for the log (information), in mosquitto's words. */
  readonly logLines?: readonly string[];
  /** Settles once the change is on disk: the response waits for it, as the plugin writes its file before it answers. */
  readonly saved?: Promise<void>;
}

export interface BrokerOptions {
  limits: BrokerLimits;
  /** Seconds between $SYS updates; 0 turns $SYS off (mosquitto's sys_interval). */
  sysInterval: number;
  /** The version string $SYS/broker/version publishes. */
  version: string;
  auth?: BrokerAuth;
  /** persistence true: the journal every durable change goes to before it is acknowledged. */
  durable?: DurableLog;
  /** connection_messages: log connects and disconnects (default true). */
  connectionMessages?: boolean;
  /**
   * Build the debug-level lines (one or more per packet, as `mosquitto -v` prints). Default true;
   * serve without -v passes false, which spares their formatting on the hot path.
   */
  logDebug?: boolean;
  /**
   * check_retain_source: a retained message goes to a new subscriber only while its publisher may
   * still write its topic. mosquitto's man page says it defaults to true; 2.0.11's code leaves it false.
   */
  checkRetainSource?: boolean;
  /** The time the broker's timers run on; the system's by default (tests pass a fake one). */
  clock?: Clock;
}

/** mosquitto's log types; `mqt serve -v` shows all, as `mosquitto -v` does. */
export type LogLevel = 'error' | 'warning' | 'notice' | 'information' | 'debug' | 'subscribe' | 'unsubscribe';

export interface BrokerEvents {
  /** One log line in mosquitto's words, without the timestamp (serve adds it, as log_timestamp says). */
  log: [level: LogLevel, text: string];
}

/** What serve drives; implemented by src/lib/broker/broker.ts. */
export interface BrokerHandle {
  /** Takes over an accepted connection: reads CONNECT, runs the session, closes it. */
  handleConnection(stream: TransportStream, info: ConnectionInfo): void;
  /** Sends v5 clients DISCONNECT 0x8B, closes every connection, stops timers. */
  close(): Promise<void>;
}
