/**
 * The broker's floor, as mosquitto's context struct is to its handle_*.c: what the packet
 * handlers, wills and $SYS use of a client's connection and of the broker. connection.ts and
 * broker.ts implement these; nothing below them imports either.
 */
import type { Buffer } from 'node:buffer';
import type { ProtocolVersion } from '../protocol/constants.js';
import type { PacketReader } from '../protocol/framer.js';
import type { Packet, QoS } from '../protocol/packets.js';
import type { BrokerMessage } from './message.js';
import type { RetainedStore } from './retained.js';
import type { Session } from './session.js';
import type { AuthClient, SessionHost, SessionLink } from './session-ports.js';
import type { SubscriptionTree } from './subscriptions.js';
import type { BrokerAuth, BrokerOptions, ConnectionInfo } from './types.js';

/** Why a connection ended; each has mosquitto's log line. */
export type CloseReason =
  | 'disconnect'
  | 'lost'
  | 'malformed'
  | 'protocol'
  | 'keepalive'
  | 'oversize'
  | 'auth'
  | 'not-supported'
  | 'takeover'
  | 'refused'
  | 'payload-size'
  | 'shutdown'
  | 'administrative';

export interface BrokerCore extends SessionHost {
  readonly options: BrokerOptions;
  readonly subscriptions: SubscriptionTree<Session>;
  readonly retained: RetainedStore;
  /** Debug-level lines (one per packet) are only built when asked for, as they cost on the hot path. */
  readonly logDebug: boolean;
  /** connection_messages: the connect, disconnect and refused-connection lines. */
  readonly connectionMessages: boolean;
  readonly sessionCount: number;
  readonly connectedCount: number;
  mayWrite(client: AuthClient, topic: string): boolean;
  maySubscribe(client: AuthClient, filter: string): boolean;
  mayUnsubscribe(client: AuthClient, filter: string): boolean;
  /** A PUBLISH to a $CONTROL/ topic: handed to the security layer's control API, never routed. */
  control(from: ClientConnection, topic: string, payload: Buffer): void;
  /** check_retain_source: whoever published this retained message may still write its topic (true when not checked). */
  retainSourceMayWrite(msg: BrokerMessage): boolean;
  /** Routes one message to every matching subscription; true when anyone matched. */
  publish(msg: BrokerMessage, from: ClientConnection | undefined): boolean;
  /** The QoS a message published at `published` goes out with to a subscription granted `granted`. */
  outgoingQos(granted: QoS, published: QoS): QoS;
  /** Binds a CONNECT to its session (takeover, resume or a new one); `present` is Session Present. */
  attachSession(conn: ClientConnection, clean: boolean): { session: Session; present: boolean };
  /** A client got its session: with persistence on, it is journaled from now on if it outlives its connection. */
  sessionConnected(session: Session): void;
  /** Brings the retained $SYS counters up to date (not the loads, which are per sys_interval), when $SYS is on. */
  refreshSys(): void;
}

export interface ClientConnection extends SessionLink {
  readonly broker: BrokerCore;
  readonly reader: PacketReader;
  readonly info: ConnectionInfo;
  version: ProtocolVersion;
  state: 'new' | 'active' | 'closed';
  session: Session | undefined;
  /** The client id once CONNECT is read. */
  clientId: string;
  username: string | undefined;
  /** The CONNECT carried the bridge bit (a mosquitto bridge with try_private). */
  isBridge: boolean;
  maxInflight: number;
  /** The client's Maximum Packet Size; larger packets are not sent to it. */
  maxPacketOut: number;
  /** Topic aliases the broker may assign on PUBLISH to this client (its Topic Alias Maximum). */
  aliasMax: number;
  /** Topic aliases this client announced, by alias. */
  readonly aliasesIn: Map<number, string>;
  /** maximum_qos and max_topic_alias: the listener's own, else the broker's. */
  readonly maximumQos: QoS;
  readonly maxTopicAlias: number;
  /** The listener's own security hooks (password_file, acl_file), if it has them. */
  readonly auth: BrokerAuth | undefined;
  authMethod: string | undefined;
  /** The will is published when the connection ends, unless this is set (a DISCONNECT, a takeover). */
  graceful: boolean;
  /** Debug-level lines are wanted. */
  readonly debug: boolean;
  /** The client id, or the address before CONNECT, as mosquitto's log names a client. */
  readonly name: string;
  isClosed(): boolean;
  sendPacket(packet: Packet): void;
  write(bytes: Buffer): void;
  /** Sends a v5 DISCONNECT with `reasonCode` (nothing for v3), then closes. */
  disconnect(reasonCode: number, why: CloseReason): void;
  /** Ends the connection: log line, will, session detached, socket closed after what is queued. */
  close(why: CloseReason): void;
  /** Starts the keepalive watch for a keepalive of `seconds`. */
  startKeepalive(seconds: number): void;
  /** A bad packet or a failed handler: v5 peers get a DISCONNECT with the reason first, then the close. */
  fail(error: unknown): void;
  /** Reads nothing more from the client until `done` settles (its CONNECT awaits a slow password check). */
  holdUntil(done: Promise<void>): void;
}
