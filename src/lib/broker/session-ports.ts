/**
 * What one session (session.ts) uses of the broker and of its client's connection. broker.ts and
 * connection.ts implement these; a test can hand a Session small fakes instead.
 */
import type { QoS } from '../protocol/packets.js';
import type { Clock } from './clock.js';
import type { BrokerMessage } from './message.js';
import type { DurableLog } from './persistence/durable-log.js';
import type { BrokerStats } from './stats.js';
import type { BrokerAuth, BrokerLimits, LogLevel } from './types.js';

/** A session or a connection as the security hooks see it: `auth` is its listener's own, if any. */
export interface AuthClient {
  clientId: string;
  username?: string | undefined;
  auth?: BrokerAuth | undefined;
}

export interface SessionHost {
  readonly limits: BrokerLimits;
  readonly clock: Clock;
  /** The journal with persistence on; undefined otherwise. */
  readonly durable: DurableLog | undefined;
  readonly stats: BrokerStats;
  /** Queued messages at which a connected client's publishers are paused. */
  readonly backlogThreshold: number;
  log(level: LogLevel, text: string): void;
  /** The security layer's read check (absent = allowed). */
  mayRead(client: AuthClient, topic: string): boolean;
}

export interface SessionLink {
  /** Outgoing QoS 1/2 window: min(max_inflight_messages, the client's Receive Maximum). */
  readonly maxInflight: number;
  /** Bytes written to this client and not yet taken by the socket. */
  readonly pendingBytes: number;
  /** Packets written to this client since its socket last had room (mosquitto's out_packet_count). */
  readonly pendingPackets: number;
  /** False when the packet exceeds the client's Maximum Packet Size and was not sent. */
  sendPublish(msg: BrokerMessage, qos: QoS, retain: boolean, subIds: number[] | undefined, packetId: number, dup: boolean): boolean;
  sendPubrel(packetId: number): void;
  /** The session's queue shrank: the publishers paused for this client may go on. */
  wake(): void;
}
