/**
 * One bridge (a `connection` section): a client of the remote broker, and a client of this broker
 * through an in-memory pipe, both the library's MqttClient. Messages of `out` topics published here
 * reach the bridge's local session and go to the remote (QoS 1 handed over directly, see
 * ConnectionInfo.direct); those of `in` topics come back the other way. While the remote is away the
 * local side is disconnected, so its persistent session queues QoS 1/2 messages under the broker's
 * own limits (and journal). Neither side sends back what came
 * from the other: no-local on the local subscriptions, and on the remote's no-local for v5 or the
 * bridge bit (try_private) for 3.1.1. Log lines and $SYS state are mosquitto's (src/bridge.c).
 */
import { Buffer } from 'node:buffer';
import type { Duplex } from 'node:stream';
import type { ClockTimer } from '../broker/clock.js';
import type { BridgeAddress, BridgeSettings } from '../broker/config/bridge-types.js';
import { remainingLength } from '../broker/encoded-packet.js';
import { CLOSE_TEXT } from '../broker/close-words.js';
import { forwardedProperties, type BrokerMessage } from '../broker/message.js';
import type { DirectLink, DirectReceiver, LogLevel } from '../broker/types.js';
import { MqttClient, type OutgoingMessage } from '../client/client.js';
import { publishPacket } from '../client/outgoing-window.js';
import { ErrorCode, isMqttError, type MqttError } from '../errors.js';
import { errnoText } from '../errno-text.js';
import type { ProtocolVersion } from '../protocol/constants.js';
import { encode } from '../protocol/encode.js';
import type { PublishPacket, QoS } from '../protocol/packets.js';
import { ConnackReturnCode, ReasonCode } from '../protocol/reason-codes.js';
import { openTransport } from '../transport/open.js';
import type { TlsSettings, TransportStream } from '../transport/types.js';
import { logRemotePackets, remoteLostReason } from './bridge-log.js';
import { LocalAcks, type LocalMessage } from './local-acks.js';
import { NEVER_EXPIRES, openLocalSide, subscribeLocalSide, type BridgeHost } from './local-side.js';
import { connectFailure, lookupFailure, warnUnresolved } from './unreachable.js';
import { RestartDelay } from './restart-delay.js';
import { localTopicOf, remoteTopicOf } from './topic-map.js';

/** max_inflight_messages 0 (no limit): as many as packet ids allow. */
const MAX_WINDOW = 0xffff;
/** How often a failed-over bridge looks whether its first address is back (mosquitto: 5 s). */
const PRIMARY_RETRY_MS = 5000;

export class Bridge implements DirectReceiver {
  private remote: MqttClient;
  private local: MqttClient | undefined;
  private connected = false;
  private closed = false;
  private address = 0;
  private tryPrivate: boolean;
  private protocolVersion: ProtocolVersion;
  private initialNotified = false;
  private retryTimer: ClockTimer | undefined;
  private primaryTimer: ClockTimer | undefined;
  private readonly restart: RestartDelay;
  private idleTimer: ClockTimer | undefined;
  /** When a message last went to the remote: a lazy bridge leaves once idle_timeout passes without one. */
  private lastOut = 0;
  private dropping = false;
  /** A try is under way (lazy bridges start one from the message flow). */
  private attempting = false;
  /** QoS 1/2 messages for the remote whose connection went before they were acknowledged. */
  private unsent: OutgoingMessage[] = [];
  private readonly localAcks = new LocalAcks();

  constructor(
    readonly settings: BridgeSettings,
    private readonly host: BridgeHost,
    private readonly tls: TlsSettings | undefined,
  ) {
    this.tryPrivate = settings.tryPrivate;
    this.protocolVersion = settings.protocolVersion;
    this.restart = new RestartDelay(settings.restart);
    this.remote = this.newRemote();
  }

  /** $SYS/broker/connection/REMOTE_ID/state, or notification_topic. */
  get notificationTopic(): string {
    return this.settings.notificationTopic ?? `$SYS/broker/connection/${this.settings.remoteClientId}/state`;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /**
   * A persistent local session is made (with its subscriptions) before the first try, so that
   * what is published here while the remote has never been reached is queued too, as in mosquitto.
   */
  start(): void {
    warnUnresolved(this.settings.addresses, (text) => {
      if (!this.closed) this.log('warning', text);
    });
    if (this.lazy) {
      // Lazy: the local side stays, and the bridge holds what comes until there is enough to connect for.
      this.openLocal(undefined)
        .then(async (local) => {
          this.local = local;
          await this.subscribeLocal(local);
        })
        .catch(() => undefined);
      return;
    }
    // mosquitto begins the first try before it logs "running": its local SUBSCRIBE and step 1 lines come first.
    this.beginTry();
    if (this.settings.localCleanSession) {
      void this.attempt(true);
      return;
    }
    this.openLocal(undefined)
      .then(async (local) => {
        await this.subscribeLocal(local);
        await local.disconnect();
      })
      .catch(() => undefined)
      .finally(() => void this.attempt(true));
  }

  private get lazy(): boolean {
    return this.settings.startType === 'lazy';
  }

  async close(): Promise<void> {
    this.closed = true;
    this.retryTimer?.close();
    this.idleTimer?.close();
    this.primaryTimer?.close();
    await Promise.all([this.remote.disconnect(), this.local?.disconnect()]);
  }

  private newRemote(): MqttClient {
    const s = this.settings;
    const client = new MqttClient({
      protocolVersion: this.protocolVersion,
      clientId: s.remoteClientId,
      clean: s.cleanSession,
      keepalive: s.keepalive,
      maxInflight: this.host.limits.maxInflightMessages > 0 ? this.host.limits.maxInflightMessages : MAX_WINDOW,
      qos0TakesId: false,
      serverWindowReplaces: true,
      ...(s.remoteUsername === undefined ? {} : { username: s.remoteUsername }),
      ...(s.remotePassword === undefined ? {} : { password: Buffer.from(s.remotePassword) }),
      ...(s.notifications ? { will: { topic: this.notificationTopic, payload: Buffer.from('0'), qos: 1 as QoS, retain: true } } : {}),
      ...(this.tryPrivate && this.protocolVersion !== 5 ? { bridge: true } : {}),
      ...(this.protocolVersion === 5 && !s.cleanSession ? { connectProperties: { sessionExpiryInterval: NEVER_EXPIRES } } : {}),
    });
    client.on('message', (packet) => this.fromRemote(packet));
    client.on('close', (err) => this.lost(err));
    if (this.host.logDebug) logRemotePackets(client, s.localClientId, this.notificationTopic, (topic) => localTopicOf(s.topics, topic), (text) => this.log('debug', text));
    return client;
  }

  private log(level: LogLevel, text: string): void {
    this.host.log(level, text);
  }

  /** A retained state message here: what subscribers of the notification topic see of the bridge. */
  private notifyLocally(state: '0' | '1'): void {
    if (!this.settings.notifications) return;
    this.host.publish(
      { topic: this.notificationTopic, payload: Buffer.from(state), qos: 1, retain: true, properties: undefined, expiresAt: 0, senderId: this.settings.localClientId, owned: true, encoded: undefined },
      undefined,
    );
  }

  /** A try at the current address; `begun`: its first lines are logged already (the first try's, at start). */
  private async attempt(begun = false): Promise<void> {
    if (this.closed || this.attempting) return;
    this.attempting = true;
    try {
      await this.tryAddress(begun);
    } finally {
      this.attempting = false;
    }
  }

  /**
   * mosquitto subscribes its bridge locally at every try, then connects in two steps: the name
   * lookup, then the socket (Debian's build, with asynchronous lookups).
   */
  private beginTry(): void {
    const s = this.settings;
    const address = s.addresses[this.address]!;
    for (const t of s.topics) if (t.direction !== 'in') this.log('debug', `Bridge ${s.localClientId} doing local SUBSCRIBE on topic ${t.localTopic}`);
    this.log('notice', `Connecting bridge (step 1) ${s.name} (${address.host}:${address.port})`);
  }

  private async tryAddress(begun: boolean): Promise<void> {
    const s = this.settings;
    const address = s.addresses[this.address]!;
    if (!this.initialNotified) {
      this.initialNotified = true;
      this.notifyLocally('0');
    }
    if (!begun) this.beginTry();
    const unresolved = await lookupFailure(address.host);
    if (this.closed) return;
    if (unresolved !== undefined) {
      this.log('error', `Error creating bridge: ${unresolved}.`);
      this.retryLater();
      return;
    }
    this.log('notice', `Connecting bridge (step 2) ${s.name} (${address.host}:${address.port})`);
    let stream: TransportStream;
    try {
      stream = await openTransport({ kind: 'tcp', host: address.host, port: address.port, ...(s.bindAddress === undefined ? {} : { bindAddress: s.bindAddress }), ...(this.tls === undefined ? {} : { tls: this.tls }) });
    } catch (err) {
      if (this.closed) return;
      this.log('error', `Error creating bridge: ${connectFailure(err, s.remoteClientId, (text) => this.log('debug', text))}.`);
      this.retryLater();
      return;
    }
    if (this.closed) {
      stream.destroy();
      return;
    }
    this.log('debug', `Bridge ${s.remoteClientId} sending CONNECT`);
    try {
      await this.remote.connect(stream);
    } catch (err) {
      this.refused(err);
      return;
    }
    this.log('debug', `Received CONNACK on connection ${s.localClientId}.`);
    await this.joined(address);
  }

  /** CONNACK refused (or the connection went first): mosquitto's fallbacks, then a retry. */
  private refused(err: unknown): void {
    // The broker is stopping: the connection ended is the bridge's own doing, nothing to report.
    if (this.closed) return;
    const s = this.settings;
    const code = isMqttError(err) && err.code === ErrorCode.ConnectionRefused ? err.reasonCode : undefined;
    if (code === undefined) {
      this.log('error', `Error creating bridge: ${isMqttError(err) ? err.message : errnoText(err)}`);
    } else if (this.protocolVersion === 5 && code === ReasonCode.UnsupportedProtocolVersion) {
      this.log('notice', `Warning: Remote bridge ${s.name} does not support MQTT v5.0, reconnecting using MQTT v3.1.1.`);
      this.protocolVersion = 4;
      this.remote = this.newRemote();
    } else {
      if (code === ConnackReturnCode.UnacceptableProtocolVersion && this.tryPrivate && this.protocolVersion !== 5) {
        this.tryPrivate = false;
        this.remote = this.newRemote();
      }
      this.log('error', err instanceof Error ? err.message.replace(/\.$/, '') : String(err));
    }
    this.retryLater();
  }

  /** The bridge's client of this broker, its persistent session resumed. */
  private async openLocal(address: BridgeAddress | undefined): Promise<MqttClient> {
    // Connected to the remote: the local session's window is the remote's, so no more wait for it than it takes.
    const { client, stream } = openLocalSide(this.host, this.settings, address, this, address === undefined ? undefined : this.remote.sendWindow);
    client.on('message', (packet) => this.fromLocal(packet, stream));
    await client.connect(stream);
    return client;
  }

  /** The remote accepted: the local side connects, both sides subscribe, queued messages flow. */
  private async joined(address: BridgeAddress): Promise<void> {
    const s = this.settings;
    this.connected = true;
    this.restart.reset();
    if (!s.roundRobin && this.address !== 0) this.watchPrimary();
    if (this.lazy) this.watchIdle();
    try {
      const local = this.lazy && this.local !== undefined ? this.local : await this.openLocal(address);
      this.local = local;
      if (s.notifications && !s.notificationsLocalOnly) this.toRemote({ topic: this.notificationTopic, payload: Buffer.from('1'), qos: 1, retain: s.outgoingRetain });
      await this.subscribeRemote();
      for (const message of this.unsent.splice(0)) this.toRemote(message);
      if (!this.lazy) await this.subscribeLocal(local);
      // Last: whoever waits for the state sees a bridge that carries messages both ways.
      this.notifyLocally('1');
    } catch {
      // The remote went while the sides were being joined: lost() has taken over.
    }
  }

  private subscribeLocal(local: MqttClient): Promise<void> {
    return subscribeLocalSide(local, this.settings);
  }

  private async subscribeRemote(): Promise<void> {
    const s = this.settings;
    const v5 = this.protocolVersion === 5;
    for (const t of s.topics) {
      if (t.direction !== 'out') {
        const options = v5 ? { noLocal: true, retainAsPublished: true, retainHandling: 0 as const } : {};
        await this.remote.subscribe([{ topicFilter: t.remoteTopic, qos: t.qos, ...options }]);
      } else if (s.attemptUnsubscribe) {
        await this.remote.unsubscribe([t.remoteTopic]);
      }
    }
  }

  private fromLocal(packet: PublishPacket, stream: Duplex): void {
    const s = this.settings;
    this.toRemote({
      topic: remoteTopicOf(s.topics, packet.topic),
      payload: packet.payload,
      qos: packet.qos,
      retain: s.outgoingRetain && packet.retain,
      properties: this.protocolVersion === 5 ? forwardedProperties(packet.properties) : undefined,
    });
    // A remote slower than this broker: the local side stops reading, so the broker's own
    // backpressure and queue limits hold what waits, instead of this process's memory.
    if (this.connected && !this.remote.ready && !stream.isPaused()) {
      stream.pause();
      void this.remote.whenReady().then(() => stream.resume());
    }
  }

  /** A QoS 1 message of an out-topic, handed over by the local session without a PUBLISH packet. */
  deliver(msg: BrokerMessage, retain: boolean, packetId: number, link: DirectLink): void {
    // The remote gone and the local side on its way out: the message stays with the session, for the next connection.
    if (!this.connected && !this.lazy) return;
    const s = this.settings;
    const message: OutgoingMessage = {
      topic: remoteTopicOf(s.topics, msg.topic),
      payload: msg.payload,
      qos: 1,
      retain: s.outgoingRetain && retain,
      properties: this.protocolVersion === 5 ? msg.properties : undefined,
    };
    this.toRemote(message, this.localAcks.track(link, packetId));
  }

  private toRemote(message: OutgoingMessage, local?: LocalMessage): void {
    if (!this.connected) {
      if (this.lazy) this.hold(message);
      else if (message.qos > 0) this.unsent.push(message);
      // Never from inside the session's own call.
      if (local !== undefined) queueMicrotask(() => this.localAcks.settle(local));
      return;
    }
    this.lastOut = this.host.clock.now();
    if (this.settings.maxPacketSize > 0 && this.oversize(message)) {
      this.localAcks.settle(local);
      return;
    }
    if (message.qos === 0) {
      try {
        this.remote.publishQos0(message);
      } catch {
        // QoS 0 is sent at most once: a connection going away takes it along.
      }
      return;
    }
    this.remote.publish(message).then(
      () => this.localAcks.settle(local),
      (err: unknown) => {
        // Lost with the connection (a clean session cannot resend it): it goes out after the next
        // connect. One the remote refused, or one over its Maximum Packet Size, never would.
        if (message.qos > 0 && isMqttError(err) && err.code !== ErrorCode.PublishRefused && err.code !== ErrorCode.PacketTooLarge) this.unsent.push(message);
        this.localAcks.settle(local);
      },
    );
  }

  /**
   * bridge_max_packet_size caps what is sent to the remote, as mosquitto's packet__check_oversize:
   * the remaining length and its own bytes against the limit; a larger message is dropped, logged.
   */
  private oversize(message: OutgoingMessage): boolean {
    const bytes = encode(publishPacket(message, message.qos === 0 ? undefined : 1), this.protocolVersion);
    if (bytes.length - 1 <= this.settings.maxPacketSize) return false;
    this.log('notice', `Dropping too large outgoing PUBLISH for ${this.settings.localClientId} (${remainingLength(bytes)} bytes)`);
    return true;
  }

  private fromRemote(packet: PublishPacket): void {
    const local = this.local;
    if (local === undefined) return;
    local
      .publish({
        topic: localTopicOf(this.settings.topics, packet.topic),
        payload: packet.payload,
        qos: packet.qos,
        retain: packet.retain,
        properties: forwardedProperties(packet.properties),
      })
      .catch(() => undefined);
  }

  /** A lazy bridge keeps what comes while it is away, QoS 0 too (bounded), and connects at `threshold`. */
  private hold(message: OutgoingMessage): void {
    const max = this.host.limits.maxQueuedMessages;
    if (max > 0 && this.unsent.length >= max) {
      if (!this.dropping) this.log('notice', `Outgoing messages are being dropped for client ${this.settings.localClientId}.`);
      this.dropping = true;
      return;
    }
    this.unsent.push(message);
    if (this.unsent.length >= this.settings.threshold) void this.attempt();
  }

  /** idle_timeout: a lazy bridge with nothing to send for that long disconnects, and waits for `threshold` again. */
  private watchIdle(): void {
    this.lastOut = this.host.clock.now();
    const check = (bridge: Bridge): void => {
      if (!bridge.connected || bridge.closed) return;
      const idle = bridge.host.clock.now() - bridge.lastOut;
      const limit = bridge.settings.idleTimeout * 1000;
      if (idle < limit) {
        bridge.idleTimer = bridge.host.clock.setTimeout(check, limit - idle, bridge);
        return;
      }
      bridge.log('notice', `Bridge connection ${bridge.settings.localClientId} has exceeded idle timeout, disconnecting.`);
      // As mosquitto: the socket just closes, so the remote publishes the bridge's will (state 0).
      bridge.remote.destroy();
    };
    this.idleTimer = this.host.clock.setTimeout(check, this.settings.idleTimeout * 1000, this);
  }

  /** The remote connection is gone (or never came up): the local side steps away and a retry is planned. */
  private lost(err?: MqttError): void {
    if (!this.connected) return;
    this.connected = false;
    this.dropping = false;
    this.primaryTimer?.close();
    this.idleTimer?.close();
    if (this.closed) return;
    const why = remoteLostReason(err);
    if (why !== undefined) this.log('notice', `Client ${this.settings.localClientId} ${CLOSE_TEXT[why]}`);
    this.notifyLocally('0');
    // What the remote had not acknowledged is in `unsent` (or its resumable window) now: the local
    // session must not send it again too.
    this.localAcks.settleAll();
    if (this.lazy) return;
    const local = this.local;
    this.local = undefined;
    void local?.disconnect();
    this.retryLater();
  }

  /** The next address (mosquitto moves on after every failure) after restart_timeout; `once` bridges stop. */
  private retryLater(): void {
    // This try is over: the retry timer, however soon it fires, must not find it still under way.
    this.attempting = false;
    if (this.closed || this.settings.startType === 'once') return;
    this.address = (this.address + 1) % this.settings.addresses.length;
    // A lazy bridge that failed to connect tries again at the next message past the threshold.
    if (this.lazy) return;
    this.retryTimer?.close();
    this.retryTimer = this.host.clock.setTimeout((bridge) => void bridge.attempt(), this.restart.next() * 1000, this);
  }

  /** round_robin false: while on a backup address, look every 5 s whether the first one is back, and go to it. */
  private watchPrimary(): void {
    const primary = this.settings.addresses[0]!;
    this.primaryTimer = this.host.clock.setTimeout(
      (bridge) => {
        openTransport({ kind: 'tcp', host: primary.host, port: primary.port })
          .then((probe) => {
            probe.destroy();
            if (!bridge.connected || bridge.closed) return;
            // lost() moves one address on: from the last, that is the first.
            bridge.address = bridge.settings.addresses.length - 1;
            bridge.remote.destroy();
          })
          .catch(() => {
            if (bridge.connected && !bridge.closed) bridge.watchPrimary();
          });
      },
      PRIMARY_RETRY_MS,
      this,
    );
  }
}
