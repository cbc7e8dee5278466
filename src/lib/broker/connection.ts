/**
 * One client connection: bytes in → PacketReader → one handler per packet type, strictly in order
 * and synchronously; packets out → a batch per event-loop turn, written as one buffer. When this
 * client's socket stops draining, the publishers feeding it are paused (they stop being read)
 * until it drains, for a bounded time (hold-budget.ts): past it, this client's own queue limits
 * drop what it cannot take, and the publishers go on at full speed.
 */
import { Buffer } from 'node:buffer';
import { Socket } from 'node:net';
import { isMqttError } from '../errors.js';
import type { ProtocolVersion } from '../protocol/constants.js';
import { encode } from '../protocol/encode.js';
import { UnsupportedProtocolError } from '../protocol/decode.js';
import { MAX_PACKET_SIZE, PacketReader } from '../protocol/framer.js';
import { WriteBatch } from '../transport/write-batch.js';
import type { Packet, QoS } from '../protocol/packets.js';
import { ReasonCode } from '../protocol/reason-codes.js';
import type { TransportStream } from '../transport/types.js';
import { CLOSE_TEXT, complaintText } from './close-words.js';
import type { ClockTimer } from './clock.js';
import { FULL_READ, destroyEmitter, destroyOnceFinished, keepaliveDue, listen, onData, onDrain, readChunk, resumeAfterYield, resumeDue, type ConnectionTimers } from './connection-callbacks.js';
import { remainingLength } from './encoded-packet.js';
import { refuseProtocol } from './handle/connect.js';
import { dispatch } from './handle/dispatch.js';
import type { BrokerMessage } from './message.js';
import { unmountTopic } from './mount-point.js';
import { PublishEncoder } from './outgoing-publish.js';
import { HoldBudget } from './hold-budget.js';
import { HUGE_BYTES, type HugeGarbage } from './huge-garbage.js';
import { PauseEdges } from './publisher-pause.js';
import type { BrokerCore, ClientConnection, CloseReason } from './core.js';
import type { Session } from './session.js';
import type { BrokerAuth, ConnectionInfo } from './types.js';
import { triggerWill } from './will.js';

/** CONNECT's packet type, in the fixed header's high nibble. */
const CONNECT_TYPE = 0x10;

/** What a connection uses of the broker beyond what its handlers do (broker.ts implements it). */
export interface ConnectionHost extends BrokerCore {
  /** Largest packet read from a client (max_packet_size), before any of its body is buffered. */
  readonly maxPacketIn: number;
  /** Largest CONNECT read before the client is authenticated (max_connect_packet_size). */
  readonly maxConnectIn: number;
  /** The deadlines its connections share, on the broker's clock. */
  readonly timers: ConnectionTimers;
  readonly hugeGarbage: HugeGarbage;
  connectionClosed(conn: Connection): void;
  /** A session's connection is gone: it ends now, or when its expiry interval runs out. */
  sessionDetached(session: Session<Connection>): void;
  /** Writes `conn`'s batched packets once this turn's I/O callbacks are done. */
  scheduleFlush(conn: Connection): void;
}

/** A pause with no deadline: paused is "a pause timer is set", and this one never fires. */
const UNTIL_SETTLED: ClockTimer = { close: () => undefined, unref: () => undefined };

export class Connection implements ClientConnection {
  readonly reader: PacketReader;
  version: ProtocolVersion = 4;
  state: 'new' | 'active' | 'closed' = 'new';
  session: Session<Connection> | undefined;
  /** The client id once CONNECT is read (mosquitto's log uses the address before that). */
  clientId = '';
  username: string | undefined;
  isBridge = false;
  /** Keepalive in ms (already × 1.5); 0 = none. */
  keepaliveMs = 0;
  lastSeen: number;
  private keepaliveTimer: ClockTimer | undefined;
  /** Outgoing QoS 1/2 window: min(max_inflight_messages, the client's Receive Maximum). */
  maxInflight = 20;
  /**
   * The client's Maximum Packet Size; larger packets are not sent to it. Not Infinity when it sets
   * none: a small integer is kept in the object itself, Infinity in a heap number of its own.
   */
  maxPacketOut = MAX_PACKET_SIZE;
  /** Topic aliases the broker may assign on PUBLISH to this client (its Topic Alias Maximum). */
  aliasMax = 0;
  // Made on first use: most connections never need them, and a burst of short connections pays
  // for every allocation made per connection.
  private encoder: PublishEncoder | undefined;
  private aliasesInMap: Map<number, string> | undefined;
  /** The v5 authentication method this connection started with, if any. */
  authMethod: string | undefined;
  /** The will is published when the connection ends, unless a DISCONNECT cleared it. */
  graceful = false;
  private readonly batch = new WriteBatch();
  /** Packets and bytes written since the socket's buffer filled; 0 while it has room. */
  private congestedPackets = 0;
  private congestedBytes = 0;
  /** How long publishers may still wait for this client; made the first time they do. */
  private holdBudget: HoldBudget | undefined;
  /** Its place in the publisher pause graph; made the first time it waits or is waited for. */
  private pauseEdges: PauseEdges | undefined;
  /** Packets read while paused, handled in order on resume; at most the rest of one chunk. */
  private held: Packet[] | undefined;
  /** Set while this publisher is paused: the end of its wait. */
  private pauseTimer: ClockTimer | undefined;
  /** Stopped reading for the rest of this event-loop turn after a full read (see read()). */
  private yielding = false;

  constructor(
    readonly broker: ConnectionHost,
    readonly stream: TransportStream,
    readonly info: ConnectionInfo,
  ) {
    // Until CONNECT is accepted, an unknown peer may make the broker hold only a small CONNECT.
    this.reader = new PacketReader({ version: 4, maxPacketSize: broker.maxConnectIn });
    this.lastSeen = broker.clock.now();
    listen(stream, this);
    this.timers.connectDeadlines.add(this);
  }

  // Read from the listener's settings rather than copied into every connection: an idle
  // connection's size is what a broker with many clients pays for each.

  /** maximum_qos and max_topic_alias: the listener's own, else the broker's. */
  get maximumQos(): QoS {
    return this.info.listener.settings.maximumQos ?? this.broker.limits.maximumQos;
  }

  get maxTopicAlias(): number {
    return this.info.listener.settings.maxTopicAlias ?? this.broker.limits.maxTopicAlias;
  }

  /** The listener's own security hooks (password_file, acl_file), if it has them. */
  get auth(): BrokerAuth | undefined {
    return this.info.listener.settings.auth;
  }

  get timers(): ConnectionTimers {
    return this.broker.timers;
  }

  /** The socket's buffer is full: publishers sending here wait, within its hold budget. */
  get congested(): boolean {
    return this.congestedBytes > 0;
  }

  private get paused(): boolean {
    return this.pauseTimer !== undefined;
  }

  /** Topic aliases this client announced, by alias. */
  get aliasesIn(): Map<number, string> {
    return (this.aliasesInMap ??= new Map());
  }

  private get edges(): PauseEdges {
    return (this.pauseEdges ??= new PauseEdges(() => this.resume()));
  }

  isClosed(): boolean {
    return this.state === 'closed';
  }

  /** The client id, or the address before CONNECT, as mosquitto's log names a client. */
  get name(): string {
    return this.clientId === '' ? this.info.remoteAddress : this.clientId;
  }

  /** A bridge's own way in logs nothing: the bridge logs its traffic as mosquitto's bridge context does. */
  get debug(): boolean {
    return this.broker.logDebug && this.info.internal !== true;
  }

  read(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.broker.stats.bytesReceived += chunk.length;
    // The first packet must be CONNECT (MQTT-3.1.0-1): anything else closes at its first byte, as
    // mosquitto does, before a byte of it is buffered.
    if (this.state === 'new' && !this.reader.midPacket && chunk.length > 0 && (chunk[0]! & 0xf0) !== CONNECT_TYPE) {
      this.close('protocol');
      return;
    }
    try {
      readChunk(this, chunk);
    } catch (error) {
      this.fail(error);
    }
    // A full read means more is waiting, and libuv would read on (up to 32 chunks, 2 MiB) before
    // the turn's batched writes go out: while one publisher floods, what it publishes, and every
    // other client's answers, would wait for it. One chunk per socket per turn (mosquitto reads one
    // packet) lets the writes out between chunks; the bench's bridged rows showed the stall.
    if (chunk.length >= FULL_READ && !this.yielding && !this.paused && !this.isClosed()) {
      this.yielding = true;
      this.stream.pause();
      setImmediate(resumeAfterYield, this);
    }
  }

  /** The turn's writes are out: reading goes on, unless a pause began meanwhile. */
  endYield(): void {
    this.yielding = false;
    if (!this.paused && this.state !== 'closed') this.stream.resume();
  }

  handle(packet: Packet): void {
    if (this.state === 'closed') return;
    // Only a whole control packet restarts the keepalive clock (MQTT-3.1.2-24): a peer dripping
    // an unfinished one a byte at a time is as silent as one sending nothing.
    this.lastSeen = this.broker.clock.now();
    if (this.paused) {
      // Paused mid-chunk: the rest of the chunk waits too, so a burst cannot overrun a slow subscriber.
      (this.held ??= []).push(packet);
      return;
    }
    this.broker.stats.messagesReceived++;
    dispatch(this, packet);
  }

  /** A bad packet: v5 peers get a DISCONNECT with the reason first (mosquitto's read_handle.c). */
  fail(error: unknown): void {
    if (this.state === 'closed') return;
    const code = isMqttError(error) ? error.reasonCode : undefined;
    const complaint = complaintText(error, this.clientId, this.info.remoteAddress);
    if (complaint !== undefined) this.broker.log('information', complaint);
    if (this.state === 'new') {
      if (error instanceof UnsupportedProtocolError) refuseProtocol(this, error);
      this.close(code === ReasonCode.PacketTooLarge ? 'oversize' : 'protocol');
      return;
    }
    if (code === ReasonCode.PacketTooLarge) {
      this.disconnect(ReasonCode.PacketTooLarge, 'oversize');
    } else if (code === ReasonCode.MalformedPacket) {
      this.disconnect(ReasonCode.MalformedPacket, 'malformed');
    } else {
      this.disconnect(code ?? ReasonCode.ProtocolError, 'protocol');
    }
  }

  /** Sends a v5 DISCONNECT with `reasonCode` (nothing for v3, which has no server DISCONNECT), then closes. */
  disconnect(reasonCode: number, why: CloseReason): void {
    if (this.state === 'closed') return;
    if (this.version === 5 && this.state === 'active') {
      if (this.debug) this.broker.log('debug', `Sending DISCONNECT to ${this.name} (rc${reasonCode})`);
      this.sendPacket({ type: 'disconnect', reasonCode });
    }
    this.close(why);
  }

  /** Ends the connection: log line, will, session detached, socket closed after what is queued. */
  close(why: CloseReason): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.timers.connectDeadlines.delete(this);
    this.stopKeepalive();
    this.pauseTimer?.close();
    this.flush();
    const text = CLOSE_TEXT[why];
    // mosquitto names a client that never got as far as an id "<unknown>".
    if (text !== undefined && this.broker.connectionMessages && this.info.internal !== true) this.broker.log('notice', `Client ${this.clientId === '' ? '<unknown>' : this.clientId} ${text}`);
    this.broker.connectionClosed(this);
    const session = this.session;
    if (session !== undefined && session.connection === this) {
      session.connection = undefined;
      if (!this.graceful) triggerWill(this.broker, session);
      this.broker.sessionDetached(session);
    }
    this.wake();
    this.stream.off('data', onData);
    // A socket the peer already closed has nothing left to send.
    if (this.stream.destroyed) return;
    // After a client's DISCONNECT on plain TCP nothing more is read, so with nothing left to write
    // the socket closes at once, as mosquitto's does; the kernel still delivers what was sent.
    // TLS and WebSocket streams end politely (close_notify, close frame).
    if (why === 'disconnect' && this.stream.writableLength === 0 && Object.getPrototypeOf(this.stream) === Socket.prototype) {
      this.stream.destroy();
      return;
    }
    this.stream.end();
    if (this.stream instanceof Socket && !this.stream.readableEnded) {
      // A socket closed with unread bytes resets the connection, and a reset can throw away what
      // the peer has not read yet (our DISCONNECT too): read on, discarding, until the peer closes.
      this.stream.once('end', destroyOnceFinished);
      this.stream.resume();
    } else {
      this.stream.once('finish', destroyEmitter);
    }
    // A peer that never reads, or never closes, would keep the socket half open forever.
    this.timers.closeDeadlines.add(this.stream);
  }

  /**
   * CONNECT was accepted: the CONNECT deadline and its size bound give way to the keepalive watch,
   * 1.5 × the keepalive the session runs with (MQTT-3.1.2-24), and max_packet_size. The first
   * period runs in a queue shared by every connection with the same keepalive, so a client gone
   * before it ends never costs a timer; one still there gets its own.
   */
  startKeepalive(seconds: number): void {
    this.timers.connectDeadlines.delete(this);
    this.reader.maxPacketSize = this.broker.maxPacketIn;
    this.stopKeepalive();
    this.keepaliveMs = seconds * 1500;
    if (seconds > 0) this.timers.watchKeepalive(this, this.keepaliveMs);
  }

  private stopKeepalive(): void {
    if (this.keepaliveMs > 0) this.timers.unwatchKeepalive(this, this.keepaliveMs);
    this.keepaliveTimer?.close();
    this.keepaliveTimer = undefined;
  }

  /** The keepalive timer ran out: disconnect an idle client, else look again when it could be. */
  checkKeepalive(): void {
    if (this.state === 'closed') return;
    const idle = this.broker.clock.now() - this.lastSeen;
    if (idle >= this.keepaliveMs && !this.paused) {
      this.disconnect(ReasonCode.KeepAliveTimeout, 'keepalive');
      return;
    }
    this.keepaliveTimer = this.broker.clock.setTimeout(keepaliveDue, this.paused ? this.keepaliveMs : this.keepaliveMs - idle, this);
  }

  sendPacket(packet: Packet): void {
    this.write(encode(packet, this.version));
  }

  sendPubrel(packetId: number): void {
    if (this.debug) this.broker.log('debug', `Sending PUBREL to ${this.name} (m${packetId})`);
    this.write(encode({ type: 'pubrel', packetId }, this.version));
  }

  /**
   * Sends one PUBLISH (encoded by outgoing-publish.ts). Returns false when the packet exceeds the
   * client's Maximum Packet Size and was not sent.
   */
  sendPublish(
    msg: BrokerMessage,
    qos: QoS,
    retain: boolean,
    subIds: number[] | undefined,
    packetId: number,
    dup: boolean,
  ): boolean {
    if (this.state !== 'active') return false;
    const mountPoint = this.info.listener.settings.mountPoint;
    if (mountPoint !== undefined) msg = unmounted(msg, mountPoint);
    const direct = this.info.direct;
    if (direct !== undefined && qos === 1) {
      this.sending(msg, qos, retain, packetId, dup);
      this.broker.stats.messagesSent++;
      direct.deliver(msg, retain, packetId, this);
      return true;
    }
    // Made at the first PUBLISH out, once CONNECT has settled the version and the alias maximum.
    const encoder = (this.encoder ??= new PublishEncoder(this.version, this.aliasMax));
    const bytes = encoder.encode(msg, qos, retain, subIds, packetId, dup, this.broker.clock.now());
    if (bytes.length > this.maxPacketOut) {
      encoder.notSent(msg);
      this.broker.stats.dropped++;
      this.broker.log('notice', `Dropping too large outgoing PUBLISH for ${this.clientId} (${remainingLength(bytes)} bytes)`);
      return false;
    }
    this.sending(msg, qos, retain, packetId, dup);
    if (bytes.length >= HUGE_BYTES) this.broker.hugeGarbage.follow(bytes);
    this.write(bytes);
    return true;
  }

  private sending(msg: BrokerMessage, qos: QoS, retain: boolean, packetId: number, dup: boolean): void {
    if (this.debug) {
      this.broker.log(
        'debug',
        `Sending PUBLISH to ${this.name} (d${dup ? 1 : 0}, q${qos}, r${retain ? 1 : 0}, m${packetId}, '${msg.topic}', ... (${msg.payload.length} bytes))`,
      );
    }
    const stats = this.broker.stats;
    stats.publishSent++;
    stats.publishBytesSent += msg.payload.length;
  }

  /** A direct client's PUBACK, as if read from its stream. */
  acknowledge(packetId: number): void {
    this.handle({ type: 'puback', packetId });
  }

  write(bytes: Buffer): void {
    if (this.state === 'closed' && this.stream.writableEnded) return;
    if (this.batch.add(bytes)) this.broker.scheduleFlush(this);
  }

  /** Writes the turn's packets as one buffer. */
  flush(): void {
    const count = this.batch.count;
    const bytes = this.batch.take();
    if (bytes === undefined || this.stream.destroyed || this.stream.writableEnded) return;
    const stats = this.broker.stats;
    stats.messagesSent += count;
    stats.bytesSent += bytes.length;
    if (this.congested) {
      this.congestedPackets += count;
      this.congestedBytes += bytes.length;
      this.stream.write(bytes);
    } else if (!this.stream.write(bytes)) {
      this.congestedPackets = count;
      this.congestedBytes = bytes.length;
      this.stream.once('drain', onDrain);
    }
  }

  /**
   * Packets waiting for this client's socket, as mosquitto counts its out_packet_count. A client
   * that reads steadily may never drain the buffer quite empty, so of the packets written since it
   * filled, only the share of their bytes still waiting counts.
   */
  get pendingPackets(): number {
    if (!this.congested) return 0;
    return Math.ceil((this.congestedPackets * this.stream.writableLength) / this.congestedBytes) + this.batch.count;
  }

  /** Bytes written to this client and not yet taken by the socket. */
  get pendingBytes(): number {
    return this.stream.writableLength + this.batch.size;
  }

  /**
   * Stops reading this publisher until `target` drains, or the time `target` may still hold its
   * publishers runs out; with none left, the publisher goes on and `target`'s queue limits apply.
   */
  waitFor(target: Connection): void {
    if (target === this || this.state === 'closed') return;
    const now = this.broker.clock.now();
    const left = (target.holdBudget ??= new HoldBudget(now)).remaining(now);
    if (left === 0) return;
    this.edges.waitFor(target.edges);
    if (!this.paused) {
      this.stream.pause();
      this.pauseTimer = this.broker.clock.setTimeout(resumeDue, left, this);
    }
  }

  /** Reads nothing more until `done` settles (a password check that takes time). */
  holdUntil(done: Promise<void>): void {
    this.pauseTimer = UNTIL_SETTLED;
    this.stream.pause();
    void done.finally(() => this.resume());
  }

  resume(): void {
    if (!this.paused || this.state === 'closed') return;
    this.pauseTimer?.close();
    this.pauseTimer = undefined;
    this.pauseEdges?.forgetBlockers();
    this.lastSeen = this.broker.clock.now();
    const held = this.held ?? [];
    this.held = undefined;
    for (let i = 0; i < held.length; i++) {
      // A held packet may pause or close this connection again.
      if (this.paused || this.isClosed()) {
        this.held = held.slice(i);
        return;
      }
      this.handle(held[i]!);
    }
    if (!this.paused && !this.yielding) this.stream.resume();
  }

  drained(): void {
    this.congestedPackets = 0;
    this.congestedBytes = 0;
    this.session?.caughtUp();
    if (this.session?.readyForMore !== false) this.wake();
  }

  /** Resumes the publishers that waited for this client (its socket drained, its queue shrank). */
  wake(): void {
    this.holdBudget?.caughtUp(this.broker.clock.now());
    this.pauseEdges?.release();
  }
}

/** The message as a client under a mount point sees it: a copy with its own topic and encoding. */
function unmounted(msg: BrokerMessage, mountPoint: string): BrokerMessage {
  return { ...msg, topic: unmountTopic(mountPoint, msg.topic), encoded: undefined };
}
