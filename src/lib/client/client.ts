import { EventEmitter } from 'node:events';
import { ErrorCode, MqttError, asError } from '../errors.js';
import { PacketReader } from '../protocol/framer.js';
import type { ConnackPacket, Packet, PublishPacket, SubackPacket, Subscription, UnsubackPacket } from '../protocol/packets.js';
import type { Properties } from '../protocol/properties.js';
import { ConnackReturnCode, ReasonCode, connackText, reasonText } from '../protocol/reason-codes.js';
import { protocolError } from '../protocol/wire.js';
import type { TransportStream } from '../transport/types.js';
import type { ClientEvents, ClientOptions } from './client-options.js';
import { InboundTopicAliases } from './inbound-aliases.js';
import { Keepalive } from './keepalive.js';
import { OutgoingWindow, publishPacket, type OutgoingMessage, type PublishOutcome } from './outgoing-window.js';
import { PacketIdAllocator } from './packet-ids.js';
import { PacketWriter } from './packet-writer.js';
import { RequestTable, type Pending } from './requests.js';
import { ServerLimits } from './server-limits.js';

export type { OutgoingMessage, PublishOutcome } from './outgoing-window.js';
export type { ClientEvents, ClientOptions } from './client-options.js';

/** With keepalive off nothing else bounds the wait for CONNACK. */
const NO_KEEPALIVE_CONNACK_WAIT_MS = 30_000;

/** Every QoS 0 publish settles the same way; one shared promise spares an allocation per message. */
const QOS0_OUTCOME: Promise<PublishOutcome> = Promise.resolve({ packetId: undefined, reasonCode: ReasonCode.Success });

/**
 * One MQTT client session, over one transport at a time. It speaks the protocol (CONNECT, QoS
 * flows, keepalive, acks) and reports through promises and events; it never prints or exits.
 * Outgoing QoS 1/2 messages survive a lost connection when the session is persistent, and go out
 * again (with DUP) when the next connection resumes it.
 */
export class MqttClient extends EventEmitter<ClientEvents> {
  readonly options: ClientOptions;
  private stream: TransportStream | undefined;
  private writer: PacketWriter | undefined;
  private reader: PacketReader;
  private readonly ids = new PacketIdAllocator();
  private readonly window: OutgoingWindow;
  /** Incoming QoS 2 messages held until PUBREL, by packet id. */
  private readonly incomingQos2 = new Map<number, PublishPacket>();
  private aliases: InboundTopicAliases;
  private readonly subscribes = new RequestTable<SubackPacket>(this.ids);
  private readonly unsubscribes = new RequestTable<UnsubackPacket>(this.ids);
  private readonly limits = new ServerLimits();
  private readonly readyWaiters: (() => void)[] = [];
  private readonly pingWaiters: Pending<undefined>[] = [];
  private readonly closeWaiters: (() => void)[] = [];
  private connack: Pending<ConnackPacket> | undefined;
  private connackTimer: NodeJS.Timeout | undefined;
  private keepalive: Keepalive | undefined;
  private closing = false;
  private connected = false;
  private assignedId: string | undefined;
  /** Why the last connection ended, when it was not our own doing: what a later publish reports. */
  private lostWith: MqttError | undefined;

  constructor(options: ClientOptions) {
    super();
    this.options = options;
    this.reader = this.newReader();
    this.aliases = this.newAliases();
    this.window = new OutgoingWindow(this.ids, (packet) => this.send(packet), options.protocolVersion, options.maxInflight ?? 20);
  }

  /** The id the server knows us by: ours, or the one a v5 server assigned. */
  get clientId(): string {
    return this.assignedId ?? this.options.clientId;
  }

  get isConnected(): boolean {
    return this.connected;
  }
  /** How many QoS 1/2 messages may be in flight at once, as CONNACK left it. */
  get sendWindow(): number {
    return this.window.limit;
  }

  /** QoS 1/2 messages sent and not yet fully acknowledged. */
  get inflightCount(): number {
    return this.window.inflight;
  }

  /** True when a publish would go out at once: a free window slot and no socket backlog. */
  get ready(): boolean {
    return this.connected && !this.window.full && this.writer?.needsDrain !== true;
  }

  /** Resolves when `ready` becomes true (or the connection closes). */
  whenReady(): Promise<void> {
    if (this.ready || !this.connected) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Resolves once every QoS 1/2 message is acknowledged and the socket has flushed. */
  async drain(): Promise<void> {
    while (this.connected && !this.settled) {
      await new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    }
  }

  private get settled(): boolean {
    return this.window.idle && this.writer?.needsDrain !== true;
  }

  /**
   * Sends CONNECT over the stream and resolves with the CONNACK. A refusal rejects with
   * ConnectionRefused carrying the return/reason code.
   */
  connect(stream: TransportStream): Promise<ConnackPacket> {
    const opts = this.options;
    this.stream = stream;
    this.writer = new PacketWriter(stream, opts.protocolVersion, () => this.keepalive?.sent());
    this.closing = false;
    this.lostWith = undefined;
    this.reader = this.newReader();
    this.aliases = this.newAliases();
    stream.on('data', this.onData);
    stream.on('error', this.onStreamError);
    stream.on('close', this.onStreamClose);
    stream.on('drain', this.wakeReady);
    const properties = this.connectProperties();
    this.send({
      type: 'connect',
      protocolVersion: opts.protocolVersion,
      clean: opts.clean,
      keepalive: opts.keepalive,
      clientId: opts.clientId,
      will: opts.will,
      username: opts.username,
      password: opts.password,
      properties,
      ...(opts.bridge === true ? { bridge: true } : {}),
    });
    return new Promise<ConnackPacket>((resolve, reject) => {
      this.connack = { resolve, reject };
      // libmosquitto gives a silent broker one keepalive period to answer CONNECT, as it would a PINGREQ.
      const timeout = opts.connectTimeout ?? (opts.keepalive > 0 ? opts.keepalive * 1000 : NO_KEEPALIVE_CONNACK_WAIT_MS);
      this.connackTimer = setTimeout(() => {
        this.fail(new MqttError(ErrorCode.KeepaliveTimeout, `No CONNACK from the broker within ${timeout / 1000} s.`));
      }, timeout);
    });
  }

  private connectProperties(): Properties | undefined {
    const opts = this.options;
    if (opts.protocolVersion !== 5) return undefined;
    const props: Properties = { ...opts.connectProperties };
    if (opts.maxPacketSize !== undefined) props.maximumPacketSize ??= opts.maxPacketSize;
    return Object.keys(props).length === 0 ? undefined : props;
  }

  private newReader(): PacketReader {
    const { protocolVersion, maxPacketSize } = this.options;
    return new PacketReader({ version: protocolVersion, ...(maxPacketSize === undefined ? {} : { maxPacketSize }) });
  }

  private newAliases(): InboundTopicAliases {
    return new InboundTopicAliases(this.options.connectProperties?.topicAliasMaximum ?? 0);
  }

  /**
   * Publishes a message. QoS 0 resolves once handed to the socket; QoS 1/2 once acknowledged,
   * after waiting for a window slot. A failure reason in PUBACK/PUBREC rejects with PublishRefused.
   */
  publish(message: OutgoingMessage): Promise<PublishOutcome> {
    if (message.qos === 0) {
      try {
        this.publishQos0(message);
      } catch (err) {
        return Promise.reject(asError(err));
      }
      return QOS0_OUTCOME;
    }
    const refusal = this.checkPublishable(message);
    if (refusal !== undefined) return Promise.reject(refusal);
    return this.window.submit(message, this.connected);
  }

  /**
   * Writes a QoS 0 message at once and throws if it cannot: no promise and no ack, which is what
   * lets `pub -l` send hundreds of thousands of lines a second.
   */
  publishQos0(message: OutgoingMessage): void {
    const refusal = this.checkPublishable(message);
    if (refusal !== undefined) throw refusal;
    this.send(publishPacket(message, undefined), this.options.qos0TakesId === false ? undefined : this.ids.skip());
  }

  private checkPublishable(message: OutgoingMessage): MqttError | undefined {
    if (this.closing) return this.lostWith ?? new MqttError(ErrorCode.ClientClosed, 'Client not connected when trying to publish.');
    return this.limits.refusal(message);
  }

  subscribe(subscriptions: Subscription[], properties?: Properties): Promise<SubackPacket> {
    return this.request(this.subscribes, (packetId) => ({ type: 'subscribe', packetId, subscriptions, properties }));
  }

  unsubscribe(topicFilters: string[], properties?: Properties): Promise<UnsubackPacket> {
    return this.request(this.unsubscribes, (packetId) => ({ type: 'unsubscribe', packetId, topicFilters, properties }));
  }

  private request<T>(table: RequestTable<T>, build: (packetId: number) => Packet): Promise<T> {
    const packetId = this.ids.take();
    if (packetId === undefined) {
      return Promise.reject(new MqttError(ErrorCode.ProtocolError, 'No free packet identifier.'));
    }
    return new Promise<T>((resolve, reject) => {
      table.add(packetId, { resolve, reject });
      try {
        this.send(build(packetId));
      } catch (err) {
        table.forget(packetId);
        reject(asError(err));
      }
    });
  }

  /** Resolves at the next PINGRESP: everything the server sent before it has then arrived. */
  ping(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pingWaiters.push({ resolve: () => resolve(), reject });
      try {
        this.send({ type: 'pingreq' });
      } catch (err) {
        this.pingWaiters.pop();
        reject(asError(err));
      }
    });
  }

  /**
   * Sends DISCONNECT (with a v5 reason, e.g. 0x04 to have the will published) and closes the
   * transport once written. Resolves when the connection is closed.
   */
  disconnect(reasonCode: number = ReasonCode.Success, properties?: Properties): Promise<void> {
    const stream = this.stream;
    if (stream === undefined || stream.destroyed) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    if (this.connected && !this.closing) {
      this.send({ type: 'disconnect', reasonCode: reasonCode === ReasonCode.Success ? undefined : reasonCode, properties });
    }
    this.closing = true;
    this.keepalive?.stop();
    this.writer?.flush();
    // Once DISCONNECT is handed to the kernel we are done, as mosquitto_pub is: waiting for the
    // broker to close its side would make `pub -l` wait for the broker's whole backlog.
    stream.end(() => stream.destroy());
    return closed;
  }

  /** Drops the connection at once, without DISCONNECT (so a will is published). */
  destroy(): void {
    this.closing = true;
    this.stream?.destroy();
  }

  /**
   * Writes a packet and announces it (-d prints these). Once DISCONNECT is written nothing more
   * goes out: a packet asked for afterwards is dropped unannounced, and the request it belongs to
   * is rejected when the connection closes.
   */
  private send(packet: Packet, mid?: number): void {
    const writer = this.writer;
    if (writer === undefined) throw new MqttError(ErrorCode.ClientClosed, 'Client not connected.');
    if (this.closing) return;
    writer.write(packet);
    this.emit('packetsend', packet, mid);
  }

  private readonly onData = (chunk: Buffer): void => {
    try {
      this.reader.push(chunk, this.onPacket);
    } catch (err) {
      const error = err instanceof MqttError ? err : new MqttError(ErrorCode.MalformedPacket, String(err), { cause: err });
      if (this.options.protocolVersion === 5 && this.connected && error.reasonCode !== undefined) {
        try {
          this.send({ type: 'disconnect', reasonCode: error.reasonCode });
          this.writer?.flush();
        } catch {
          // The connection is going down either way; the original error is what matters.
        }
      }
      this.fail(error);
    }
  };

  private readonly onPacket = (packet: Packet): void => {
    this.keepalive?.received();
    // -d names the client by its assigned id from the CONNACK line on, as libmosquitto does.
    if (packet.type === 'connack' && packet.properties?.assignedClientIdentifier !== undefined) {
      this.assignedId = packet.properties.assignedClientIdentifier;
    }
    this.emit('packetreceive', packet);
    if (this.connack !== undefined && packet.type !== 'connack') {
      throw protocolError(`the broker sent ${packet.type.toUpperCase()} before CONNACK`);
    }
    switch (packet.type) {
      case 'connack':
        this.onConnack(packet);
        return;
      case 'publish':
        this.onPublish(this.aliases.resolve(packet));
        return;
      case 'puback':
      case 'pubrec':
      case 'pubcomp':
        this.window.onAck(packet);
        this.afterAck();
        return;
      case 'pubrel':
        this.onPubrel(packet.packetId);
        return;
      case 'suback':
        this.subscribes.answer(packet.packetId, packet);
        return;
      case 'unsuback':
        this.unsubscribes.answer(packet.packetId, packet);
        return;
      case 'pingresp':
        this.pingWaiters.shift()?.resolve(undefined);
        return;
      case 'pingreq':
        this.send({ type: 'pingresp' });
        return;
      case 'disconnect':
        this.emit('disconnect', packet);
        this.fail(new MqttError(ErrorCode.ServerDisconnect, reasonText(packet.reasonCode ?? 0), { reasonCode: packet.reasonCode ?? 0 }));
        return;
      case 'auth':
        this.fail(new MqttError(ErrorCode.ProtocolError, 'The broker asked for enhanced authentication, which is not supported.'));
        return;
      default:
        throw protocolError(`the broker sent ${packet.type.toUpperCase()}, which only a client sends`);
    }
  };

  private onConnack(packet: ConnackPacket): void {
    const pending = this.connack;
    if (pending === undefined) {
      throw protocolError('the broker sent a second CONNACK');
    }
    this.connack = undefined;
    clearTimeout(this.connackTimer);
    if (packet.reasonCode !== 0) {
      this.closing = true;
      this.stream?.end();
      pending.reject(
        new MqttError(ErrorCode.ConnectionRefused, connackText(packet.reasonCode, this.options.protocolVersion), {
          reasonCode: packet.reasonCode,
          ...(isAnonymousRefusal(packet.reasonCode, this.options) ? { remedy: { kind: 'log-in' } as const } : {}),
        }),
      );
      return;
    }
    this.applyServerLimits(packet.properties);
    this.connected = true;
    const keepalive = packet.properties?.serverKeepAlive ?? this.options.keepalive;
    if (keepalive > 0) {
      this.keepalive = new Keepalive(keepalive * 1000, {
        ping: () => this.send({ type: 'pingreq' }),
        timeout: () => this.fail(new MqttError(ErrorCode.KeepaliveTimeout, 'No PINGRESP from the broker: keepalive timeout.')),
      });
    }
    if (packet.sessionPresent) {
      this.window.resend();
    } else {
      this.incomingQos2.clear();
      this.window.restart();
    }
    pending.resolve(packet);
    this.afterAck();
  }

  /** What a v5 server says it accepts: the send window, packet size, QoS and retain limits. */
  private applyServerLimits(props: Properties | undefined): void {
    const serverMax = props?.receiveMaximum;
    this.window.limit = this.options.serverWindowReplaces === true && serverMax !== undefined ? serverMax : Math.min(this.options.maxInflight ?? 20, serverMax ?? 65535);
    if (this.writer !== undefined) this.writer.maxPacketSize = props?.maximumPacketSize ?? Infinity;
    this.limits.apply(props);
  }

  private onPublish(message: PublishPacket): void {
    const packetId = message.packetId ?? 0;
    if (message.qos === 0) {
      this.emit('message', message);
    } else if (message.qos === 1) {
      this.send({ type: 'puback', packetId });
      this.emit('message', message);
    } else {
      if (!this.incomingQos2.has(packetId)) this.incomingQos2.set(packetId, message);
      this.send({ type: 'pubrec', packetId });
    }
  }

  private onPubrel(packetId: number): void {
    const message = this.incomingQos2.get(packetId);
    this.incomingQos2.delete(packetId);
    const unknown = message === undefined && this.options.protocolVersion === 5;
    this.send({ type: 'pubcomp', packetId, reasonCode: unknown ? ReasonCode.PacketIdentifierNotFound : undefined });
    if (message !== undefined) this.emit('message', message);
  }

  /** An ack freed a slot: queued messages move into the window, waiters learn of the space. */
  private afterAck(): void {
    if (this.connected) this.window.pump();
    this.wakeReady();
  }

  private readonly wakeReady = (): void => {
    if (this.readyWaiters.length === 0) return;
    if (this.connected && !this.ready && !this.settled) return;
    for (const wake of this.readyWaiters.splice(0)) wake();
  };

  private readonly onStreamError = (err: Error): void => {
    const explained = this.stream?.explainError?.(err);
    if (explained !== undefined) {
      this.fail(explained);
      return;
    }
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ECONNRESET' ? 'Connection reset by peer' : err.message;
    this.fail(new MqttError(ErrorCode.ConnectionLost, message, { cause: err }));
  };

  private readonly onStreamClose = (): void => {
    const text = this.connack === undefined ? 'The connection was lost.' : 'The broker closed the connection before CONNACK.';
    this.finish(this.closing ? undefined : new MqttError(ErrorCode.ConnectionLost, text));
  };
  private fail(err: MqttError): void {
    this.closing = true;
    this.stream?.destroy();
    this.finish(err);
  }

  private finish(err: MqttError | undefined): void {
    const stream = this.stream;
    if (stream === undefined) return;
    this.stream = undefined;
    this.writer = undefined;
    stream.off('data', this.onData);
    stream.off('drain', this.wakeReady);
    stream.off('close', this.onStreamClose);
    // Keep an error listener: a late socket error after close must not crash the process.
    stream.on('error', () => undefined);
    stream.off('error', this.onStreamError);
    stream.destroy();
    this.connected = false;
    this.keepalive?.stop();
    this.keepalive = undefined;
    clearTimeout(this.connackTimer);
    this.lostWith = err;
    const reason = err ?? new MqttError(ErrorCode.ClientClosed, 'The connection was closed.');
    this.connack?.reject(err ?? new MqttError(ErrorCode.ConnectionLost, 'The connection closed before CONNACK.'));
    this.connack = undefined;
    for (const pending of this.pingWaiters.splice(0)) pending.reject(reason);
    this.subscribes.rejectAll(reason);
    this.unsubscribes.rejectAll(reason);
    // In-flight messages outlive a lost connection only when a persistent session can resume them.
    const resumable = !this.options.clean && err?.code === ErrorCode.ConnectionLost;
    if (!resumable) this.window.rejectAll(reason);
    this.wakeReady();
    for (const done of this.closeWaiters.splice(0)) done();
    this.emit('close', err);
  }
}

function isAnonymousRefusal(reasonCode: number, options: Pick<ClientOptions, 'protocolVersion' | 'username'>): boolean {
  const notAuthorised = options.protocolVersion === 5 ? ReasonCode.NotAuthorized : ConnackReturnCode.NotAuthorized;
  return reasonCode === notAuthorised && options.username === undefined;
}
