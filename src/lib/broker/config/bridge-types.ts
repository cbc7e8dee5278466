/**
 * A `connection` section of mosquitto.conf as mqt serve runs it: an outgoing client of this
 * broker that joins it to another one (src/lib/bridge runs it). Plain data, read by config/.
 */
import type { ProtocolVersion } from '../../protocol/constants.js';
import type { QoS } from '../../protocol/packets.js';

export type BridgeDirection = 'in' | 'out' | 'both';

/** One `topic PATTERN [in|out|both] [QOS] [LOCAL_PREFIX] [REMOTE_PREFIX]` line. */
export interface BridgeTopic {
  direction: BridgeDirection;
  qos: QoS;
  /** The filter on this broker: local prefix + pattern. */
  localTopic: string;
  /** The filter on the remote broker: remote prefix + pattern. */
  remoteTopic: string;
  localPrefix?: string;
  remotePrefix?: string;
}

export interface BridgeAddress {
  host: string;
  port: number;
}

/** bridge_cafile ... bridge_psk: the TLS to the remote broker, as file paths and values. */
export interface BridgeTlsFiles {
  cafile?: string;
  capath?: string;
  certfile?: string;
  keyfile?: string;
  /** bridge_insecure: the remote's certificate is not checked against its host name. */
  insecure: boolean;
  version?: 'tlsv1.2' | 'tlsv1.3';
  alpn?: string;
  identity?: string;
  /** bridge_psk: the key in hex. */
  psk?: string;
}

export interface BridgeSettings {
  name: string;
  addresses: BridgeAddress[];
  /** round_robin true: each retry takes the next address; false: the first is the primary. */
  roundRobin: boolean;
  topics: BridgeTopic[];
  protocolVersion: ProtocolVersion;
  /** cleansession (toward the remote; default false). */
  cleanSession: boolean;
  /** local_cleansession; default: cleansession. */
  localCleanSession: boolean;
  remoteClientId: string;
  localClientId: string;
  remoteUsername?: string;
  remotePassword?: string;
  /** keepalive_interval, seconds. */
  keepalive: number;
  /** restart_timeout: seconds before a retry; with `cap`, mosquitto's jittered backoff from it up to cap. */
  restart: { base: number; cap: number | undefined };
  startType: 'automatic' | 'lazy' | 'once';
  /** threshold: messages queued that start a lazy bridge. */
  threshold: number;
  /** idle_timeout: seconds of no traffic after which a lazy bridge stops. */
  idleTimeout: number;
  tryPrivate: boolean;
  notifications: boolean;
  notificationTopic?: string;
  notificationsLocalOnly: boolean;
  /** bridge_outgoing_retain false: messages go to the remote with the retain flag cleared. */
  outgoingRetain: boolean;
  /** bridge_max_packet_size: largest packet accepted from the remote; 0 = no limit. */
  maxPacketSize: number;
  /** bridge_attempt_unsubscribe: topics that do not come in are unsubscribed on the remote at each connect. */
  attemptUnsubscribe: boolean;
  /** bridge_bind_address: the local address of the connection to the remote. */
  bindAddress?: string;
  /** Undefined (no CA and no key given): plain TCP. */
  tls?: BridgeTlsFiles;
}

/** A `connection` section as read so far; bridgeSettings() fills in the defaults. */
export interface BridgeSection {
  name: string;
  addresses?: BridgeAddress[];
  roundRobin?: boolean;
  topics: BridgeTopic[];
  protocolVersion?: ProtocolVersion;
  cleanSession?: boolean;
  localCleanSession?: boolean;
  remoteClientId?: string;
  localClientId?: string;
  remoteUsername?: string;
  remotePassword?: string;
  keepalive?: number;
  restart?: { base: number; cap: number | undefined };
  startType?: BridgeSettings['startType'];
  threshold?: number;
  idleTimeout?: number;
  tryPrivate?: boolean;
  notifications?: boolean;
  notificationTopic?: string;
  notificationsLocalOnly?: boolean;
  outgoingRetain?: boolean;
  maxPacketSize?: number;
  attemptUnsubscribe?: boolean;
  bindAddress?: string;
  tls?: Partial<BridgeTlsFiles>;
}
