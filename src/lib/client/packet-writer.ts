import { ErrorCode, MqttError } from '../errors.js';
import type { ProtocolVersion } from '../protocol/constants.js';
import { encode } from '../protocol/encode.js';
import type { Packet } from '../protocol/packets.js';
import { ReasonCode } from '../protocol/reason-codes.js';
import type { TransportStream } from '../transport/types.js';
import { WriteBatch } from '../transport/write-batch.js';

/**
 * Encodes packets and writes those of one event-loop turn together: `pub -l` encodes thousands of
 * lines per stdin chunk, and one copy into one buffer costs far less than thousands of stream
 * writes. The write waits for setImmediate, after every pending read of the turn: at QoS 1/2 the
 * acks of several reads then free slots whose messages leave in one write.
 */
export class PacketWriter {
  private readonly batch = new WriteBatch();
  /** The server's maximum packet size (v5 CONNACK); larger packets are refused before sending. */
  maxPacketSize = Infinity;

  constructor(
    private readonly stream: TransportStream,
    private readonly version: ProtocolVersion,
    private readonly onFlush: () => void,
  ) {}

  get needsDrain(): boolean {
    return this.stream.writableNeedDrain;
  }

  write(packet: Packet): void {
    if (this.stream.destroyed) throw new MqttError(ErrorCode.ClientClosed, 'Client not connected.');
    const bytes = encode(packet, this.version);
    if (bytes.length > this.maxPacketSize) {
      throw new MqttError(ErrorCode.PacketTooLarge, 'Message payload is too large.', {
        reasonCode: ReasonCode.PacketTooLarge,
        hint: `the broker accepts packets up to ${this.maxPacketSize} bytes`,
      });
    }
    if (this.batch.add(bytes)) setImmediate(this.flush);
  }

  readonly flush = (): void => {
    const bytes = this.batch.take();
    if (bytes === undefined || this.stream.destroyed) return;
    this.stream.write(bytes);
    this.onFlush();
  };
}
