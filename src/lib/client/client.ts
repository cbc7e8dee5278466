import { EventEmitter } from 'node:events';
import { ErrorCode, MqttError, asError } from '../errors.js';
import type { ProtocolVersion } from '../protocol/constants.js';
import { encode } from '../protocol/encode.js';
import { PacketReader } from '../protocol/framer.js';
import type {
  ConnackPacket,
  DisconnectPacket,
  Packet,
  PublishPacket,
  QoS,
  SubackPacket,
  Subscription,
  UnsubackPacket,
  Will,
} from '../protocol/packets.js';
import type { Properties } from '../protocol/properties.js';
import { ReasonCode, connackText, reasonText } from '../protocol/reason-codes.js';
import type { TransportStream } from '../transport/types.js';
import { Keepalive } from './keepalive.js';
import type { OutgoingFlight, PublishOutcome } from './outgoing.js';
import { PacketIdAllocator } from './packet-ids.js';

export type { PublishOutcome } from './outgoing.js';

/** Every QoS 0 publish settles the same way; one shared promise spares an allocation per message. */
const QOS0_OUTCOME: Promise<PublishOutcome> = Promise.resolve({ packetId: undefined, reasonCode: ReasonCode.Success });

export interface ClientOptions {
  protocolVersion: ProtocolVersion;
  /** May be empty: v3.1.1 with a clean session and v5 let the server choose. */
  clientId: string;
  /** Clean session (v3) / clean start (v5). */
  clean: boolean;
  /** Seconds; 0 turns keepalive off. */
  keepalive: number;
  username?: string;
  password?: Buffer;
  will?: Will;
  /** v5 CONNECT properties (session expiry, receive maximum, user properties...). */
  connectProperties?: Properties;
  /** Most QoS 1/2 messages in flight at once (mosquitto's -M); the server's receive maximum caps it. */
  maxInflight?: number;
  /** Largest packet accepted from the server; the v5 CONNECT advertises it when set there too. */
  maxPacketSize?: number;
  /** How long to wait for CONNACK, in ms. */
  connectTimeout?: number;
}

export interface OutgoingMessage {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  properties?: Properties;
}

export interface ClientEvents {
  /**
   * Every packet just before it is written; -d renders these. `mid` is libmosquitto's message id,
   * which QoS 0 publishes get too although it is not on the wire.
   */
  packetsend: [packet: Packet, mid: number | undefined];
  /** Every packet as it is decoded, before the client acts on it. */
  packetreceive: [Packet];
  /** An application message, after the acks its QoS needs (QoS 2: after PUBREL). */
  message: [PublishPacket];
  /** The server closed the session with a v5 DISCONNECT. */
  disconnect: [DisconnectPacket];
  /** The connection is gone; the error says why when it was not our own DISCONNECT. */
  close: [MqttError | undefined];
}

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (err: Error) => void;
}

/**
 * One MQTT client session over one transport at a time. It speaks the protocol (CONNECT, QoS
 * flows, keepalive, acks) and reports through promises and events; it never prints or exits.
 */
export class MqttClient extends EventEmitter<ClientEvents> {
  readonly options: ClientOptions;
  private stream: TransportStream | undefined;
  private reader: PacketReader;
  private readonly ids = new PacketIdAllocator();
  /** Outgoing QoS 1/2 messages by packet id, kept across connections of a persistent session. */
  private readonly outgoing = new Map<number, OutgoingFlight>();
  /** Publishes waiting for a slot in the in-flight window. */
  private readonly queued: { message: OutgoingMessage; pending: Pending<PublishOutcome> }[] = [];
  /** Incoming QoS 2 messages held until PUBREL, by packet id. */
  private readonly incomingQos2 = new Map<number, PublishPacket>();
  private readonly subscribes = new Map<number, Pending<SubackPacket>>();
  private readonly unsubscribes = new Map<number, Pending<UnsubackPacket>>();
  private readonly inboundAliases = new Map<number, string>();
  private readonly readyWaiters: (() => void)[] = [];
  private readonly pingWaiters: Pending<void>[] = [];
  private connack: Pending<ConnackPacket> | undefined;
  private connackTimer: NodeJS.Timeout | undefined;
  private closeWaiters: (() => void)[] = [];
  private keepalive: Keepalive | undefined;
  /** Packets encoded this tick, written together at the end of it. */
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private closing = false;
  private connected = false;
  private assignedId: string | undefined;
  private serverReceiveMaximum = 65535;
  private serverMaxPacketSize = Infinity;
  private serverMaxQoS: QoS = 2;
  private serverRetainAvailable = true;

  constructor(options: ClientOptions) {
    super();
    this.options = options;
    this.reader = this.newReader();
  }

  /** The id the server knows us by: ours, or the one a v5 server assigned. */
  get clientId(): string {
    return this.assignedId ?? this.options.clientId;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** QoS 1/2 messages sent and not yet fully acknowledged. */
  get inflightCount(): number {
    return this.outgoing.size;
  }

  /** True when a publish would go out at once: a free window slot and no socket backlog. */
  get ready(): boolean {
    return (
      this.connected &&
      this.queued.length === 0 &&
      this.outgoing.size < this.inflightLimit &&
      this.stream?.writableNeedDrain !== true
    );
  }

  /** Resolves when `ready` becomes true (or the connection closes). */
  whenReady(): Promise<void> {
    if (this.ready || !this.connected) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Resolves once every QoS 1/2 message is acknowledged and the socket has flushed. */
  async drain(): Promise<void> {
    while (this.connected && (this.outgoing.size > 0 || this.queued.length > 0 || this.stream?.writableNeedDrain)) {
      await new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    }
  }

  private get inflightLimit(): number {
    return Math.min(this.options.maxInflight ?? 20, this.serverReceiveMaximum);
  }

  /**
   * Sends CONNECT over the stream and resolves with the CONNACK. A refusal rejects with
   * ConnectionRefused carrying the return/reason code. On a resumed session, unacknowledged QoS 1/2
   * messages are sent again (PUBLISH with DUP, or PUBREL).
   */
  connect(stream: TransportStream): Promise<ConnackPacket> {
    const opts = this.options;
    this.stream = stream;
    this.closing = false;
    this.reader = this.newReader();
    this.inboundAliases.clear();
    stream.on('data', this.onData);
    stream.on('error', this.onStreamError);
    stream.on('close', this.onStreamClose);
    stream.on('drain', this.onDrain);
    const properties = this.connectProperties();
    this.send({
      type: 'connect',
      protocolVersion: opts.protocolVersion,
      clean: opts.clean,
      keepalive: opts.keepalive,
      clientId: opts.clientId,
      ...(opts.will === undefined ? {} : { will: opts.will }),
      ...(opts.username === undefined ? {} : { username: opts.username }),
      ...(opts.password === undefined ? {} : { password: opts.password }),
      ...(properties === undefined ? {} : { properties }),
    });
    return new Promise<ConnackPacket>((resolve, reject) => {
      this.connack = { resolve, reject };
      const timeout = opts.connectTimeout ?? 30_000;
      this.connackTimer = setTimeout(() => {
        this.fail(new MqttError(ErrorCode.Timeout, `No CONNACK from the broker within ${timeout / 1000} s.`));
      }, timeout);
    });
  }

  private connectProperties(): Properties | undefined {
    const opts = this.options;
    if (opts.protocolVersion !== 5) return undefined;
    const props: Properties = { ...opts.connectProperties };
    if (opts.maxPacketSize !== undefined && props.maximumPacketSize === undefined) {
      props.maximumPacketSize = opts.maxPacketSize;
    }
    return Object.keys(props).length === 0 ? undefined : props;
  }

  private newReader(): PacketReader {
    return new PacketReader({
      version: this.options.protocolVersion,
      ...(this.options.maxPacketSize === undefined ? {} : { maxPacketSize: this.options.maxPacketSize }),
    });
  }

  /**
   * Publishes a message. QoS 0 resolves once written; QoS 1/2 once acknowledged, waiting for a
   * window slot first. A failure reason in PUBACK/PUBREC rejects with PublishRefused.
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
    return new Promise<PublishOutcome>((resolve, reject) => {
      const pending = { resolve, reject };
      if (this.queued.length > 0 || this.outgoing.size >= this.inflightLimit || !this.connected) {
        this.queued.push({ message, pending });
      } else {
        this.startFlight(message, pending);
      }
    });
  }

  /**
   * Writes a QoS 0 message at once and throws if it cannot: no promise, no ack to wait for, which
   * is what lets `pub -l` send hundreds of thousands of lines a second.
   */
  publishQos0(message: OutgoingMessage): void {
    const refusal = this.checkPublishable(message);
    if (refusal !== undefined) throw refusal;
    this.send(this.publishPacket(message, undefined), this.ids.skip());
  }

  private checkPublishable(message: OutgoingMessage): MqttError | undefined {
    if (this.closing) return new MqttError(ErrorCode.ClientClosed, 'Client not connected when trying to publish.');
    if (message.qos > this.serverMaxQoS) {
      return new MqttError(ErrorCode.PublishRefused, 'Message QoS not supported on broker, try a lower QoS.', {
        reasonCode: ReasonCode.QoSNotSupported,
      });
    }
    if (message.retain && !this.serverRetainAvailable) {
      return new MqttError(ErrorCode.PublishRefused, 'Retained messages are not supported by the broker.', {
        reasonCode: ReasonCode.RetainNotSupported,
      });
    }
    return undefined;
  }

  private publishPacket(message: OutgoingMessage, packetId: number | undefined): PublishPacket {
    // One literal of one shape (no spreads): this runs once per message on the hot path.
    return {
      type: 'publish',
      topic: message.topic,
      payload: message.payload,
      qos: message.qos,
      retain: message.retain,
      dup: false,
      packetId,
      properties: message.properties,
    };
  }

  private startFlight(message: OutgoingMessage, pending: Pending<PublishOutcome>): void {
    const packetId = this.ids.take();
    if (packetId === undefined) {
      this.queued.unshift({ message, pending });
      return;
    }
    const packet = this.publishPacket(message, packetId);
    this.outgoing.set(packetId, { packet, stage: 'publish', resolve: pending.resolve, reject: pending.reject });
    try {
      this.send(packet);
    } catch (err) {
      this.outgoing.delete(packetId);
      this.ids.release(packetId);
      pending.reject(err as Error);
    }
  }

  subscribe(subscriptions: Subscription[], properties?: Properties): Promise<SubackPacket> {
    return this.request(this.subscribes, (packetId) => ({
      type: 'subscribe',
      packetId,
      subscriptions,
      ...(properties === undefined ? {} : { properties }),
    }));
  }

  unsubscribe(topicFilters: string[], properties?: Properties): Promise<UnsubackPacket> {
    return this.request(this.unsubscribes, (packetId) => ({
      type: 'unsubscribe',
      packetId,
      topicFilters,
      ...(properties === undefined ? {} : { properties }),
    }));
  }

  private request<T>(table: Map<number, Pending<T>>, build: (packetId: number) => Packet): Promise<T> {
    const packetId = this.ids.take();
    if (packetId === undefined) {
      return Promise.reject(new MqttError(ErrorCode.ProtocolError, 'No free packet identifier.'));
    }
    return new Promise<T>((resolve, reject) => {
      table.set(packetId, { resolve, reject });
      try {
        this.send(build(packetId));
      } catch (err) {
        table.delete(packetId);
        this.ids.release(packetId);
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
      const packet: DisconnectPacket = {
        type: 'disconnect',
        ...(reasonCode === ReasonCode.Success ? {} : { reasonCode }),
        ...(properties === undefined ? {} : { properties }),
      };
      this.send(packet);
    }
    this.closing = true;
    this.keepalive?.stop();
    this.flushBatch();
    stream.end();
    return closed;
  }

  /** Drops the connection at once, without DISCONNECT (so a will is published). */
  destroy(): void {
    this.closing = true;
    this.stream?.destroy();
  }

  /** Encodes and writes a packet, batching writes of one tick into one syscall. */
  private send(packet: Packet, mid?: number): void {
    const stream = this.stream;
    if (stream === undefined || stream.destroyed) {
      throw new MqttError(ErrorCode.ClientClosed, 'Client not connected.');
    }
    const bytes = encode(packet, this.options.protocolVersion);
    if (bytes.length > this.serverMaxPacketSize) {
      throw new MqttError(ErrorCode.PacketTooLarge, 'Message payload is too large.', {
        reasonCode: ReasonCode.PacketTooLarge,
        hint: `the broker accepts packets up to ${this.serverMaxPacketSize} bytes`,
      });
    }
    this.emit('packetsend', packet, mid);
    if (this.batch.length === 0) process.nextTick(this.flushBatch);
    this.batch.push(bytes);
    this.batchBytes += bytes.length;
  }

  /**
   * The packets of one tick leave in one write: `pub -l` encodes thousands of lines per stdin
   * chunk, and one copy into one buffer is far cheaper than thousands of stream writes.
   */
  private readonly flushBatch = (): void => {
    const batch = this.batch;
    const size = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    const stream = this.stream;
    if (stream === undefined || stream.destroyed || batch.length === 0) return;
    stream.write(batch.length === 1 ? batch[0]! : Buffer.concat(batch, size));
    this.keepalive?.sent();
  };

  private readonly onData = (chunk: Buffer): void => {
    try {
      this.reader.push(chunk, this.onPacket);
    } catch (err) {
      const error =
        err instanceof MqttError ? err : new MqttError(ErrorCode.MalformedPacket, String(err), { cause: err });
      if (this.options.protocolVersion === 5 && this.connected && error.reasonCode !== undefined) {
        try {
          this.send({ type: 'disconnect', reasonCode: error.reasonCode });
        } catch {
          // The connection is going down either way; the original error is what matters.
        }
      }
      this.fail(error);
    }
  };

  /** Resolves at the next PINGRESP: everything the server sent before it has been received. */
  ping(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pingWaiters.push({ resolve, reject });
      try {
        this.send({ type: 'pingreq' });
      } catch (err) {
        this.pingWaiters.pop();
        reject(asError(err));
      }
    });
  }

  private readonly onPacket = (packet: Packet): void => {
    this.keepalive?.received();
    // -d names the client by its assigned id from the CONNACK line on, as libmosquitto does.
    if (packet.type === 'connack' && packet.properties?.assignedClientIdentifier !== undefined) {
      this.assignedId = packet.properties.assignedClientIdentifier;
    }
    this.emit('packetreceive', packet);
    switch (packet.type) {
      case 'connack':
        this.onConnack(packet);
        return;
      case 'publish':
        this.onPublish(packet);
        return;
      case 'puback':
        this.settle(packet.packetId, 'publish', packet.reasonCode ?? 0, 'PUBACK', packet.properties);
        return;
      case 'pubrec':
        this.onPubrec(packet.packetId, packet.reasonCode ?? 0, packet.properties);
        return;
      case 'pubcomp':
        this.settle(packet.packetId, 'pubrel', packet.reasonCode ?? 0, 'PUBCOMP', packet.properties);
        return;
      case 'pubrel':
        this.onPubrel(packet.packetId);
        return;
      case 'suback':
        this.answer(this.subscribes, packet.packetId, packet);
        return;
      case 'unsuback':
        this.answer(this.unsubscribes, packet.packetId, packet);
        return;
      case 'pingresp':
        this.pingWaiters.shift()?.resolve();
        return;
      case 'pingreq':
        this.send({ type: 'pingresp' });
        return;
      case 'disconnect':
        this.emit('disconnect', packet);
        this.fail(
          new MqttError(ErrorCode.ServerDisconnect, reasonText(packet.reasonCode ?? 0), {
            reasonCode: packet.reasonCode ?? 0,
          }),
        );
        return;
      case 'auth':
        this.fail(new MqttError(ErrorCode.ProtocolError, 'The broker asked for enhanced authentication, which is not supported.'));
        return;
      default:
        this.fail(new MqttError(ErrorCode.ProtocolError, `Unexpected ${packet.type.toUpperCase()} from the broker.`, {
          reasonCode: ReasonCode.ProtocolError,
        }));
    }
  };

  private onConnack(packet: ConnackPacket): void {
    const pending = this.connack;
    if (pending === undefined) {
      this.fail(new MqttError(ErrorCode.ProtocolError, 'Unexpected CONNACK.', { reasonCode: ReasonCode.ProtocolError }));
      return;
    }
    this.connack = undefined;
    clearTimeout(this.connackTimer);
    const version = this.options.protocolVersion;
    if (packet.reasonCode !== 0) {
      const err = new MqttError(ErrorCode.ConnectionRefused, connackText(packet.reasonCode, version), {
        reasonCode: packet.reasonCode,
      });
      this.closing = true;
      this.stream?.end();
      pending.reject(asError(err));
      return;
    }
    const props = packet.properties;
    if (props?.receiveMaximum !== undefined) this.serverReceiveMaximum = props.receiveMaximum;
    if (props?.maximumPacketSize !== undefined) this.serverMaxPacketSize = props.maximumPacketSize;
    if (props?.maximumQoS !== undefined) this.serverMaxQoS = props.maximumQoS === 0 ? 0 : 1;
    if (props?.retainAvailable !== undefined) this.serverRetainAvailable = props.retainAvailable !== 0;
    this.connected = true;
    const keepalive = props?.serverKeepAlive ?? this.options.keepalive;
    if (keepalive > 0) {
      this.keepalive = new Keepalive(keepalive * 1000, {
        ping: () => this.send({ type: 'pingreq' }),
        timeout: () =>
          this.fail(new MqttError(ErrorCode.KeepaliveTimeout, 'No PINGRESP from the broker: keepalive timeout.')),
      });
    }
    if (packet.sessionPresent) {
      this.resendInflight();
    } else {
      this.dropSessionState();
    }
    pending.resolve(packet);
    this.pump();
  }

  /** A resumed session must see unacknowledged messages again, in their original order. */
  private resendInflight(): void {
    for (const flight of this.outgoing.values()) {
      if (flight.stage === 'publish') {
        flight.packet = { ...flight.packet, dup: true };
        this.send(flight.packet);
      } else {
        this.send({ type: 'pubrel', packetId: flight.packet.packetId! });
      }
    }
  }

  /** With no session on the server, old flights cannot complete; send them as new messages. */
  private dropSessionState(): void {
    this.incomingQos2.clear();
    const flights = [...this.outgoing.values()];
    this.outgoing.clear();
    for (const flight of flights) {
      this.ids.release(flight.packet.packetId!);
      const { topic, payload, qos, retain, properties } = flight.packet;
      this.queued.unshift({
        message: { topic, payload, qos, retain, ...(properties === undefined ? {} : { properties }) },
        pending: { resolve: flight.resolve, reject: flight.reject },
      });
    }
  }

  private onPublish(packet: PublishPacket): void {
    const message = this.resolveAlias(packet);
    if (message === undefined) return;
    if (message.qos === 0) {
      this.emit('message', message);
    } else if (message.qos === 1) {
      this.send({ type: 'puback', packetId: message.packetId! });
      this.emit('message', message);
    } else {
      if (!this.incomingQos2.has(message.packetId!)) this.incomingQos2.set(message.packetId!, message);
      this.send({ type: 'pubrec', packetId: message.packetId! });
    }
  }

  /** Replaces a v5 topic alias with its topic, learning new aliases on the way. */
  private resolveAlias(packet: PublishPacket): PublishPacket | undefined {
    const alias = packet.properties?.topicAlias;
    if (alias === undefined) return packet;
    const max = this.options.connectProperties?.topicAliasMaximum ?? 0;
    if (alias === 0 || alias > max) {
      this.fail(new MqttError(ErrorCode.ProtocolError, `The broker used topic alias ${alias}, above our maximum of ${max}.`, {
        reasonCode: ReasonCode.TopicAliasInvalid,
      }));
      return undefined;
    }
    if (packet.topic !== '') {
      this.inboundAliases.set(alias, packet.topic);
      return packet;
    }
    const topic = this.inboundAliases.get(alias);
    if (topic === undefined) {
      this.fail(new MqttError(ErrorCode.ProtocolError, `The broker used unknown topic alias ${alias}.`, {
        reasonCode: ReasonCode.ProtocolError,
      }));
      return undefined;
    }
    return { ...packet, topic };
  }

  private onPubrel(packetId: number): void {
    const message = this.incomingQos2.get(packetId);
    this.incomingQos2.delete(packetId);
    this.send({
      type: 'pubcomp',
      packetId,
      ...(message === undefined && this.options.protocolVersion === 5
        ? { reasonCode: ReasonCode.PacketIdentifierNotFound }
        : {}),
    });
    if (message !== undefined) this.emit('message', message);
  }

  private onPubrec(packetId: number, reasonCode: number, properties: Properties | undefined): void {
    const flight = this.outgoing.get(packetId);
    if (flight?.stage !== 'publish') {
      this.send({
        type: 'pubrel',
        packetId,
        ...(this.options.protocolVersion === 5 ? { reasonCode: ReasonCode.PacketIdentifierNotFound } : {}),
      });
      return;
    }
    if (reasonCode >= 0x80) {
      this.settle(packetId, 'publish', reasonCode, 'PUBREC', properties);
      return;
    }
    flight.stage = 'pubrel';
    this.send({ type: 'pubrel', packetId });
  }

  private settle(packetId: number, stage: OutgoingFlight['stage'], reasonCode: number, ack: string, properties?: Properties): void {
    const flight = this.outgoing.get(packetId);
    if (flight?.stage !== stage) return;
    this.outgoing.delete(packetId);
    this.ids.release(packetId);
    if (reasonCode >= 0x80) {
      const detail = properties?.reasonString === undefined ? '' : ` (${properties.reasonString})`;
      flight.reject(
        new MqttError(ErrorCode.PublishRefused, `Publish ${packetId} failed: ${reasonText(reasonCode)}${detail}.`, {
          reasonCode,
          hint: `the broker answered ${ack} with reason ${reasonCode}`,
        }),
      );
    } else {
      flight.resolve({ packetId, reasonCode });
    }
    this.pump();
  }

  private answer<T>(table: Map<number, Pending<T>>, packetId: number, packet: T): void {
    const pending = table.get(packetId);
    if (pending === undefined) return;
    table.delete(packetId);
    this.ids.release(packetId);
    pending.resolve(packet);
  }

  /** Moves queued publishes into free window slots, then wakes whoever waits for capacity. */
  private pump(): void {
    while (this.connected && this.queued.length > 0 && this.outgoing.size < this.inflightLimit) {
      const next = this.queued.shift()!;
      this.startFlight(next.message, next.pending);
    }
    this.wakeReady();
  }

  private readonly onDrain = (): void => {
    this.wakeReady();
  };

  private wakeReady(): void {
    if (this.readyWaiters.length === 0) return;
    if (this.connected && !this.ready && !this.isSettledForDrain()) return;
    const waiters = this.readyWaiters.splice(0);
    for (const wake of waiters) wake();
  }

  /** drain() waiters need waking when the last ack arrives even though `ready` was already true. */
  private isSettledForDrain(): boolean {
    return this.outgoing.size === 0 && this.queued.length === 0 && this.stream?.writableNeedDrain !== true;
  }

  private readonly onStreamError = (err: Error): void => {
    const code = (err as NodeJS.ErrnoException).code;
    this.fail(
      new MqttError(ErrorCode.ConnectionLost, code === 'ECONNRESET' ? 'Connection reset by peer' : err.message, {
        cause: err,
      }),
    );
  };

  private readonly onStreamClose = (): void => {
    if (this.closing) {
      this.finish(undefined);
    } else {
      this.finish(new MqttError(ErrorCode.ConnectionLost, 'The connection was lost.'));
    }
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
    stream.off('data', this.onData);
    stream.off('drain', this.onDrain);
    stream.off('close', this.onStreamClose);
    // Keep an error listener: a late socket error after close must not crash the process.
    stream.on('error', () => undefined);
    stream.off('error', this.onStreamError);
    stream.destroy();
    this.connected = false;
    this.keepalive?.stop();
    this.keepalive = undefined;
    clearTimeout(this.connackTimer);
    const reason = err ?? new MqttError(ErrorCode.ClientClosed, 'The connection was closed.');
    if (this.connack !== undefined) {
      this.connack.reject(err ?? new MqttError(ErrorCode.ConnectionLost, 'The connection closed before CONNACK.'));
      this.connack = undefined;
    }
    for (const pending of this.pingWaiters.splice(0)) pending.reject(reason);
    for (const table of [this.subscribes, this.unsubscribes] as Map<number, Pending<never>>[]) {
      for (const [id, pending] of table) {
        this.ids.release(id);
        pending.reject(reason);
      }
      table.clear();
    }
    if (this.options.clean || this.closingForGood(err)) this.rejectFlights(reason);
    this.wakeReady();
    const waiters = this.closeWaiters.splice(0);
    for (const done of waiters) done();
    this.emit('close', err);
  }

  /** In-flight messages survive a lost connection only when a persistent session can resume them. */
  private closingForGood(err: MqttError | undefined): boolean {
    return err === undefined || err.code !== ErrorCode.ConnectionLost;
  }

  private rejectFlights(reason: MqttError): void {
    for (const [id, flight] of this.outgoing) {
      this.ids.release(id);
      flight.reject(reason);
    }
    this.outgoing.clear();
    for (const { pending } of this.queued.splice(0)) pending.reject(reason);
  }
}
