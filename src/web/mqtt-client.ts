import type { Packet } from '../lib/protocol/packets.js';
import {
  DISCONNECT,
  PINGREQ,
  PacketStream,
  encodeAck,
  encodeConnect,
  encodePublish,
  encodeSubscribe,
  encodeUnsubscribe,
  shownProperties,
  type IncomingPublish,
  type OutgoingProperties,
  type QoS,
} from './codec.js';

const KEEPALIVE = 30;

export interface ClientEvents {
  message(publish: IncomingPublish): void;
  /** The connection ended; `reason` says why in words. */
  closed(reason: string): void;
}

/** CONNACK reason codes the page explains. */
const REFUSED: Readonly<Record<number, string>> = {
  0x86: 'bad user name or password',
  0x87: 'not authorized',
  0x85: 'client identifier not valid',
};

/** The page's MQTT 5 connection over WebSocket to the console's own port. */
export class MqttClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (codes: number[]) => void>();
  private ping: ReturnType<typeof setInterval> | undefined;

  private constructor(
    private readonly socket: WebSocket,
    private readonly events: ClientEvents,
  ) {}

  /** Connects and resolves once the broker accepted the CONNECT. */
  static connect(url: string, clientId: string, events: ClientEvents, username?: string, password?: string): Promise<MqttClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, 'mqtt');
      socket.binaryType = 'arraybuffer';
      const client = new MqttClient(socket, events);
      const stream = new PacketStream();
      let accepted = false;
      socket.onopen = () => socket.send(encodeConnect(clientId, KEEPALIVE, username, password));
      socket.onmessage = (event: MessageEvent<ArrayBuffer>) => {
        for (const packet of stream.push(new Uint8Array(event.data))) {
          if (packet.type === 'connack') {
            if (packet.reasonCode !== 0) {
              reject(new Error(`the broker refused the connection: ${REFUSED[packet.reasonCode] ?? `reason 0x${packet.reasonCode.toString(16)}`}`));
              socket.close();
              return;
            }
            accepted = true;
            client.ping = setInterval(() => socket.send(PINGREQ), (KEEPALIVE * 1000) / 2);
            resolve(client);
          } else {
            client.received(packet);
          }
        }
      };
      socket.onclose = () => {
        clearInterval(client.ping);
        if (accepted) events.closed('the connection to the broker closed');
        else reject(new Error('could not connect to the broker'));
      };
    });
  }

  private received(packet: Packet): void {
    switch (packet.type) {
      case 'publish': {
        const { topic, payload, qos, retain } = packet;
        const packetId = packet.packetId ?? 0;
        if (qos === 1) this.socket.send(encodeAck('puback', packetId));
        if (qos === 2) this.socket.send(encodeAck('pubrec', packetId));
        this.events.message({ topic, payload, qos, retain, packetId, properties: shownProperties(packet.properties) });
        break;
      }
      case 'pubrel':
        this.socket.send(encodeAck('pubcomp', packet.packetId));
        break;
      case 'pubrec':
        this.socket.send(encodeAck('pubrel', packet.packetId));
        break;
      case 'suback':
        this.waiting.get(packet.packetId)?.(packet.reasonCodes);
        this.waiting.delete(packet.packetId);
        break;
      case 'puback':
      case 'pubcomp':
      case 'unsuback':
        this.waiting.get(packet.packetId)?.([]);
        this.waiting.delete(packet.packetId);
        break;
      case 'disconnect':
        this.events.closed(`the broker disconnected the console (reason 0x${(packet.reasonCode ?? 0).toString(16)})`);
        break;
      default:
        break;
    }
  }

  private id(): number {
    const id = this.nextId;
    this.nextId = id === 65535 ? 1 : id + 1;
    return id;
  }

  private request(bytes: (id: number) => Uint8Array): Promise<number[]> {
    const id = this.id();
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.socket.send(bytes(id));
    });
  }

  /** Resolves with the SUBACK's reason codes (0x80 and above: refused). */
  subscribe(filters: readonly string[], qos: QoS): Promise<number[]> {
    return this.request((id) => encodeSubscribe(id, filters, qos));
  }

  unsubscribe(filters: readonly string[]): Promise<number[]> {
    return this.request((id) => encodeUnsubscribe(id, filters));
  }

  /** Resolves when the broker has the message (at once for QoS 0). */
  async publish(topic: string, payload: Uint8Array, qos: QoS, retain: boolean, props: OutgoingProperties): Promise<void> {
    if (qos === 0) {
      this.socket.send(encodePublish(topic, payload, 0, retain, 0, props));
      return;
    }
    await this.request((id) => encodePublish(topic, payload, qos, retain, id, props));
  }

  end(): void {
    clearInterval(this.ping);
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(DISCONNECT);
    this.socket.close();
  }
}
