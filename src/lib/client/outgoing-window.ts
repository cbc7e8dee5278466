import { ErrorCode, MqttError, asError } from '../errors.js';
import type { Packet, PubackPacket, PubcompPacket, PubrecPacket, PublishPacket, QoS } from '../protocol/packets.js';
import type { Properties } from '../protocol/properties.js';
import { ReasonCode, reasonText } from '../protocol/reason-codes.js';
import { protocolError } from '../protocol/wire.js';
import type { PacketIdAllocator } from './packet-ids.js';

export interface OutgoingMessage {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  properties?: Properties | undefined;
}

/** What a publish settles to: its packet id and the reason code of the final ack. */
export interface PublishOutcome {
  packetId: number | undefined;
  reasonCode: number;
}

interface Pending {
  resolve: (outcome: PublishOutcome) => void;
  reject: (err: Error) => void;
}

/**
 * One QoS 1/2 message between PUBLISH and its last ack. `stage` says what to send again if the
 * session resumes on a new connection: the PUBLISH (with DUP) or, once PUBREC came back, the PUBREL.
 */
interface Flight extends Pending {
  packet: PublishPacket;
  stage: 'publish' | 'pubrel';
}

/** Throws when an ack cannot belong to the flight its packet id names. */
function checkAckKind(ack: 'puback' | 'pubrec' | 'pubcomp', flight: Flight): void {
  const { qos, packetId } = flight.packet;
  const fits = ack === 'puback' ? qos === 1 : ack === 'pubrec' ? qos === 2 : flight.stage === 'pubrel';
  if (fits) return;
  const answer = ack === 'pubcomp' && qos === 2 ? 'PUBCOMP before PUBREC' : ack.toUpperCase();
  throw protocolError(`the broker answered the QoS ${qos} PUBLISH (mid ${packetId}) with ${answer}`);
}

/** Builds the PUBLISH for a message: one literal of one shape, since it runs once per message. */
export function publishPacket(message: OutgoingMessage, packetId: number | undefined): PublishPacket {
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

/**
 * The QoS 1/2 send window: at most `limit` messages unacknowledged (mosquitto's -M, capped by
 * the server's receive maximum), the rest queued in order, and the PUBACK / PUBREC-PUBREL-PUBCOMP
 * flows that settle them.
 */
export class OutgoingWindow {
  private readonly flights = new Map<number, Flight>();
  private readonly queue: { message: OutgoingMessage; pending: Pending }[] = [];
  limit: number;

  constructor(
    private readonly ids: PacketIdAllocator,
    private readonly send: (packet: Packet) => void,
    private readonly version: 3 | 4 | 5,
    limit: number,
  ) {
    this.limit = limit;
  }

  /** Messages sent and not yet fully acknowledged. */
  get inflight(): number {
    return this.flights.size;
  }

  /** True when a new message would have to wait for a slot. */
  get full(): boolean {
    return this.queue.length > 0 || this.flights.size >= this.limit;
  }

  get idle(): boolean {
    return this.flights.size === 0 && this.queue.length === 0;
  }

  submit(message: OutgoingMessage, canSend: boolean): Promise<PublishOutcome> {
    return new Promise<PublishOutcome>((resolve, reject) => {
      const pending = { resolve, reject };
      if (this.full || !canSend) this.queue.push({ message, pending });
      else this.start(message, pending);
    });
  }

  /** Moves queued messages into free slots. */
  pump(): void {
    while (this.queue.length > 0 && this.flights.size < this.limit) {
      const next = this.queue.shift()!;
      this.start(next.message, next.pending);
    }
  }

  private start(message: OutgoingMessage, pending: Pending): void {
    const packetId = this.ids.take();
    if (packetId === undefined) {
      this.queue.unshift({ message, pending });
      return;
    }
    const packet = publishPacket(message, packetId);
    this.flights.set(packetId, { packet, stage: 'publish', resolve: pending.resolve, reject: pending.reject });
    try {
      this.send(packet);
    } catch (err) {
      this.flights.delete(packetId);
      this.ids.release(packetId);
      pending.reject(asError(err));
    }
  }

  /**
   * PUBACK settles a QoS 1 flight, PUBCOMP a QoS 2 one; PUBREC moves QoS 2 on to PUBREL. An ack of
   * the wrong kind for a message in flight (PUBACK for QoS 2, PUBREC for QoS 1, PUBCOMP before
   * PUBREC) is a protocol error that throws: taking it as delivery would claim what the broker never
   * said. An ack for no message in flight is ignored, as libmosquitto does.
   */
  onAck(packet: PubackPacket | PubrecPacket | PubcompPacket): void {
    const { packetId, properties } = packet;
    const reasonCode = packet.reasonCode ?? 0;
    const flight = this.flights.get(packetId);
    if (flight !== undefined) checkAckKind(packet.type, flight);
    if (packet.type === 'puback') this.settle(packetId, 'publish', reasonCode, 'PUBACK', properties);
    else if (packet.type === 'pubcomp') this.settle(packetId, 'pubrel', reasonCode, 'PUBCOMP', properties);
    else this.onPubrec(packetId, reasonCode, properties);
  }

  private onPubrec(packetId: number, reasonCode: number, properties: Properties | undefined): void {
    const flight = this.flights.get(packetId);
    if (flight?.stage === 'pubrel') {
      this.send({ type: 'pubrel', packetId });
      return;
    }
    if (flight === undefined) {
      this.send({
        type: 'pubrel',
        packetId,
        ...(this.version === 5 ? { reasonCode: ReasonCode.PacketIdentifierNotFound } : {}),
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

  private settle(packetId: number, stage: Flight['stage'], reasonCode: number, ack: string, properties?: Properties): void {
    const flight = this.flights.get(packetId);
    if (flight?.stage !== stage) return;
    this.flights.delete(packetId);
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
  }

  /** A resumed session must see unacknowledged messages again, in their original order. */
  resend(): void {
    for (const flight of this.flights.values()) {
      if (flight.stage === 'publish') {
        flight.packet = { ...flight.packet, dup: true };
        this.send(flight.packet);
      } else {
        this.send({ type: 'pubrel', packetId: flight.packet.packetId! });
      }
    }
  }

  /** With no session on the server, old flights cannot complete: they go out again as new messages. */
  restart(): void {
    const flights = [...this.flights.values()].reverse();
    this.flights.clear();
    for (const flight of flights) {
      this.ids.release(flight.packet.packetId!);
      this.queue.unshift({ message: flight.packet, pending: flight });
    }
  }

  rejectAll(reason: Error): void {
    for (const [id, flight] of this.flights) {
      this.ids.release(id);
      flight.reject(reason);
    }
    this.flights.clear();
    for (const { pending } of this.queue.splice(0)) pending.reject(reason);
  }
}
