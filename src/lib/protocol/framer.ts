/**
 * Stream bytes → whole packets. A transport pushes chunks as they arrive, cut anywhere; the reader
 * keeps only what a partial fixed header or a packet that spans chunks needs, and hands each whole
 * packet to decodePacket.
 */
import { Buffer } from 'node:buffer';
import { ErrorCode, MqttError } from '../errors.js';
import { MAX_VARINT, type ProtocolVersion } from './constants.js';
import { checkFixedHeader, decodeRange } from './decode.js';
import type { Packet } from './packets.js';
import { ReasonCode } from './reason-codes.js';
import { malformed } from './wire.js';

/** The largest packet MQTT can frame: a type byte, four length bytes, MAX_VARINT of body. */
export const MAX_PACKET_SIZE = 1 + 4 + MAX_VARINT;

export interface PacketReaderOptions {
  /** How to read every packet but CONNECT; a server sets `reader.version` once CONNECT is in. */
  version: ProtocolVersion;
  /**
   * Largest whole packet accepted (fixed header included), e.g. the Maximum Packet Size this
   * side announced. Default: MAX_PACKET_SIZE.
   */
  maxPacketSize?: number;
}

/** `failure` of a reader that has not failed: a push may throw anything, undefined included. */
const NOT_FAILED = Symbol('not failed');

/** A body that spans chunks starts with a buffer this large (or its own size, when smaller). */
const FIRST_BODY_BYTES = 64 * 1024;

export type PacketHandler = (packet: Packet) => void;

/**
 * Splits a byte stream into packets. Usage: `reader.push(chunk, onPacket)` for every chunk, in
 * order; onPacket runs synchronously once per complete packet, in stream order, before push
 * returns. Changing `version` inside onPacket applies from the next packet on, even within the
 * same chunk, which is how a server switches to the level its peer's CONNECT announced.
 *
 * Limits are enforced before bytes pile up: a bad first byte fails as soon as it arrives, and a
 * packet over maxPacketSize fails (PacketTooLarge, reason 0x95) as soon as its length is known,
 * before any of its body is buffered.
 *
 * Packets and their payloads are views of the pushed chunks whenever a packet lies inside one
 * chunk, so such a chunk's memory must not be reused after it is pushed (Node's socket 'data'
 * chunks never are). A packet that spans chunks is copied as its bytes arrive into a buffer of its
 * own, and the reader keeps no chunk: holding the thousands of socket chunks of a huge packet until
 * its end left the allocator's heap fragmented, the process hundreds of MB larger long after
 * (a 256 MB PUBLISH: RSS 560 MB instead of ~80 MB once it was gone).
 *
 * After push throws, whether from a bad packet or from onPacket, the reader is unusable: the rest
 * of that chunk was never read, so the stream has lost its framing. Every later push throws the
 * same error; the connection has to be closed.
 */
export class PacketReader {
  version: ProtocolVersion;
  maxPacketSize: number;

  /** First byte of the packet being framed, or -1 between packets. */
  private header = -1;
  /** The Remaining Length as far as its bytes have come; once complete, the body's length. */
  private remaining = 0;
  private lengthBytes = 0;
  /**
   * The body that spans chunks, or null: its bytes so far, in a buffer that doubles as they come
   * (up to the body's length), so memory follows the bytes that actually arrived, not the length
   * a peer announced.
   */
  private body: Buffer | null = null;
  private filled = 0;
  /** What the failed push threw; every later push throws it again. */
  private failure: unknown = NOT_FAILED;

  constructor(options: PacketReaderOptions) {
    this.version = options.version;
    const max = options.maxPacketSize ?? MAX_PACKET_SIZE;
    if (!Number.isInteger(max) || max < 2) {
      throw new MqttError(ErrorCode.InvalidArgument, `maxPacketSize must be an integer >= 2, got ${max}`);
    }
    this.maxPacketSize = max;
  }

  /** True while part of a packet is held: a stream that ends now ends mid-packet. */
  get midPacket(): boolean {
    return this.header !== -1;
  }

  push(chunk: Buffer, onPacket: PacketHandler): void {
    if (this.failure !== NOT_FAILED) throw this.failure;
    try {
      this.consume(chunk, onPacket);
    } catch (error) {
      this.failure = error;
      throw error;
    }
  }

  private consume(chunk: Buffer, onPacket: PacketHandler): void {
    const end = chunk.length;
    let pos = 0;
    if (this.body !== null) {
      const missing = this.remaining - this.filled;
      const taken = Math.min(missing, end);
      this.append(chunk, 0, taken);
      if (taken < missing) return;
      const body = this.body;
      this.body = null;
      pos = taken;
      this.emit(body, 0, body.length, onPacket);
    }
    while (pos < end) {
      const byte = chunk[pos++]!;
      if (this.header === -1) {
        checkFixedHeader(byte, this.version);
        this.header = byte;
        this.remaining = 0;
        this.lengthBytes = 0;
        continue;
      }
      // At most three 7-bit groups are shifted, so the sum stays within 28 bits.
      this.remaining += (byte & 0x7f) << (7 * this.lengthBytes++);
      if ((byte & 0x80) !== 0) {
        if (this.lengthBytes === 4) throw malformed('remaining length longer than four bytes');
        continue;
      }
      const length = this.remaining;
      const size = 1 + this.lengthBytes + length;
      if (size > this.maxPacketSize) throw tooLarge(size, this.maxPacketSize);
      if (end - pos >= length) {
        const start = pos;
        pos += length;
        this.emit(chunk, start, pos, onPacket);
      } else {
        this.filled = 0;
        this.body = Buffer.allocUnsafe(Math.min(length, Math.max(FIRST_BODY_BYTES, end - pos)));
        this.append(chunk, pos, end);
        return;
      }
    }
  }

  /** Copies chunk[start, end) after the body's bytes so far, doubling the body's buffer as needed. */
  private append(chunk: Buffer, start: number, end: number): void {
    let body = this.body!;
    const needed = this.filled + end - start;
    if (needed > body.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.remaining, Math.max(needed, body.length * 2)));
      body.copy(grown, 0, 0, this.filled);
      body = this.body = grown;
    }
    chunk.copy(body, this.filled, start, end);
    this.filled = needed;
  }

  private emit(buf: Buffer, start: number, end: number, onPacket: PacketHandler): void {
    const header = this.header;
    // Reset before decoding so the reader is between packets when onPacket runs.
    this.header = -1;
    onPacket(decodeRange(header, buf, start, end, this.version));
  }
}

function tooLarge(size: number, max: number): MqttError {
  return new MqttError(ErrorCode.PacketTooLarge, `Packet of ${size} bytes exceeds the maximum of ${max}`, {
    reasonCode: ReasonCode.PacketTooLarge,
  });
}
