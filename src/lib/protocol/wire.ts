/**
 * MQTT wire primitives (MQTT 3.1.1 §1.5, 5.0 §1.5): a Reader over one Buffer for decoding, and
 * writers that fill a Buffer the encoder has already sized exactly.
 */
// Imported rather than global: the global Buffer is a getter, measurable on the hot path.
import { Buffer, isUtf8 } from 'node:buffer';
import { ErrorCode, MqttError } from '../errors.js';
import { MAX_FIELD_LENGTH } from './constants.js';
import { ReasonCode } from './reason-codes.js';

export function malformed(message: string): MqttError {
  return new MqttError(ErrorCode.MalformedPacket, `Malformed packet: ${message}`, {
    reasonCode: ReasonCode.MalformedPacket,
  });
}

export function protocolError(message: string): MqttError {
  return new MqttError(ErrorCode.ProtocolError, `Protocol error: ${message}`, {
    reasonCode: ReasonCode.ProtocolError,
  });
}

/**
 * A QoS of 3 in a PUBLISH header, a subscription or a CONNECT's will: malformed (or, for an MQTT 5
 * subscription, a protocol error), and a case mosquitto names in its log before closing.
 */
export class InvalidQosError extends MqttError {
  constructor(
    readonly packetType: 'publish' | 'subscribe' | 'will',
    error: MqttError,
  ) {
    super(error.code, error.message, { ...(error.reasonCode === undefined ? {} : { reasonCode: error.reasonCode }) });
  }
}

/** A value the caller asked to encode that the protocol cannot carry. */
export function invalidArgument(message: string): MqttError {
  return new MqttError(ErrorCode.InvalidArgument, message);
}

const EMPTY = Buffer.alloc(0);

/**
 * Strings shorter than this are checked by a byte loop: for the short ASCII topics that dominate
 * traffic it beats making a view for isUtf8, and it finds U+0000 in the same pass.
 */
const SCAN_LIMIT = 48;

/**
 * Decodes a UTF-8 string field's bytes, refusing what MQTT forbids: ill-formed UTF-8 (which
 * includes encoded surrogates) and U+0000 (3.1.1 §1.5.3, 5.0 §1.5.4).
 */
export function decodeUtf8(buf: Buffer, start: number, end: number): string {
  if (end - start < SCAN_LIMIT) {
    let i = start;
    for (; i < end; i++) {
      const c = buf[i]!;
      if (c === 0) throw malformed('U+0000 in a UTF-8 string');
      if (c >= 0x80) break;
    }
    // All ASCII: latin1 builds the same string without running the UTF-8 decoder.
    if (i === end) return buf.toString('latin1', start, end);
  }
  const view = buf.subarray(start, end);
  if (!isUtf8(view)) throw malformed('invalid UTF-8 in a string');
  if (view.indexOf(0) !== -1) throw malformed('U+0000 in a UTF-8 string');
  return view.toString('utf8');
}

/**
 * Reads fields from buf[pos, end). Every read checks the bound, so a length that points past the
 * packet becomes a MalformedPacket error, never a read of the next packet's bytes. `end` may be
 * narrowed temporarily (the properties block does this) to keep reads inside a sub-field.
 */
export class Reader {
  buf: Buffer = EMPTY;
  pos = 0;
  end = 0;

  constructor(buf?: Buffer, pos = 0, end = buf?.length ?? 0) {
    if (buf !== undefined) this.reset(buf, pos, end);
  }

  /** Points the reader at new bytes; decoders reuse one Reader rather than allocate per packet. */
  reset(buf: Buffer, pos = 0, end = buf.length): this {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    return this;
  }

  release(): void {
    this.buf = EMPTY;
    this.pos = 0;
    this.end = 0;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  /** Callers pass a fixed label; messages are only built once a read has failed. */
  private need(n: number, what: string): void {
    if (this.end - this.pos < n) throw malformed(`truncated ${what}`);
  }

  u8(what = 'byte'): number {
    if (this.pos >= this.end) throw malformed(`truncated ${what}`);
    return this.buf[this.pos++]!;
  }

  u16(what = 'two-byte integer'): number {
    const p = this.pos;
    if (this.end - p < 2) throw malformed(`truncated ${what}`);
    const b = this.buf;
    this.pos = p + 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  u32(what = 'four-byte integer'): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  varint(what = 'variable byte integer'): number {
    let value = 0;
    let multiplier = 1;
    for (let i = 0; i < 4; i++) {
      if (this.pos >= this.end) throw malformed(`truncated ${what}`);
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * multiplier;
      if ((b & 0x80) === 0) {
        // MQTT-1.5.5-1: the fewest bytes. A last byte of 0 after others could have been left off
        // (mosquitto's reader refuses it too, on either side).
        if (b === 0 && i > 0) throw malformed(`${what} not in its shortest form`);
        return value;
      }
      multiplier *= 128;
    }
    throw malformed(`${what} longer than four bytes`);
  }

  /** Reads a u16-prefixed field and returns its start; the field ends at the new `pos`. */
  private field(what: string): number {
    const p = this.pos;
    if (this.end - p < 2) throw malformed(`truncated length of ${what}`);
    const start = p + 2;
    const end = start + ((this.buf[p]! << 8) | this.buf[p + 1]!);
    if (end > this.end) throw malformed(`truncated ${what}`);
    this.pos = end;
    return start;
  }

  utf8(what = 'string'): string {
    const start = this.field(what);
    return decodeUtf8(this.buf, start, this.pos);
  }

  /** A view, not a copy: it shares memory with the packet. */
  binary(what = 'binary data'): Buffer {
    const start = this.field(what);
    return this.buf.subarray(start, this.pos);
  }

  pair(what = 'string pair'): [string, string] {
    const name = this.utf8(what);
    return [name, this.utf8(what)];
  }

  /** Everything left, as a view. */
  rest(): Buffer {
    const view = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return view;
  }
}

/** Bytes a UTF-8 string field takes (length prefix included), after checking it can be sent. */
export function utf8FieldLength(s: unknown, what: string): number {
  if (typeof s !== 'string') throw invalidArgument(`${what} must be a string`);
  const ascii = shortAsciiLength(s);
  if (ascii !== -1) return 2 + ascii;
  const n = Buffer.byteLength(s, 'utf8');
  if (n > MAX_FIELD_LENGTH) throw invalidArgument(`${what} is ${n} bytes; MQTT strings hold at most ${MAX_FIELD_LENGTH}`);
  // The peer must treat U+0000 as malformed, so sending it would only get us disconnected.
  if (s.includes('\0')) throw invalidArgument(`${what} contains U+0000`);
  return 2 + n;
}

/** Bytes a binary field takes (length prefix included), after checking it can be sent. */
export function binaryFieldLength(data: unknown, what: string): number {
  if (!(data instanceof Uint8Array)) throw invalidArgument(`${what} must be a Buffer`);
  if (data.length > MAX_FIELD_LENGTH) {
    throw invalidArgument(`${what} is ${data.length} bytes; MQTT binary fields hold at most ${MAX_FIELD_LENGTH}`);
  }
  return 2 + data.length;
}

export function varintLength(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x20_0000 ? 3 : 4;
}

/** Each writer puts its value at `off` and returns the offset just past it. */
export function writeVarint(buf: Buffer, off: number, n: number): number {
  while (n >= 0x80) {
    buf[off++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[off++] = n;
  return off;
}

export function writeU16(buf: Buffer, off: number, n: number): number {
  buf[off] = n >>> 8;
  buf[off + 1] = n & 0xff;
  return off + 2;
}

export function writeU32(buf: Buffer, off: number, n: number): number {
  buf.writeUInt32BE(n, off);
  return off + 4;
}

/**
 * Topics and client ids are short and almost always ASCII; for those a plain loop beats the
 * native UTF-8 calls, which cost more to enter than to run. Returns -1 for anything else,
 * U+0000 included, so the general path can check and measure it.
 */
const SHORT_STRING = 64;

function shortAsciiLength(s: string): number {
  const n = s.length;
  if (n > SHORT_STRING) return -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c >= 0x80) return -1;
  }
  return n;
}

/** The caller has sized the buffer with utf8FieldLength, so the write is never cut short. */
export function writeUtf8(buf: Buffer, off: number, s: string): number {
  const len = s.length;
  if (len <= SHORT_STRING) {
    let i = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[off + 2 + i] = c;
    }
    if (i === len) return writeU16(buf, off, len) + len;
  }
  const n = len === 0 ? 0 : buf.write(s, off + 2, 'utf8');
  writeU16(buf, off, n);
  return off + 2 + n;
}

export function writeBinary(buf: Buffer, off: number, data: Uint8Array): number {
  writeU16(buf, off, data.length);
  buf.set(data, off + 2);
  return off + 2 + data.length;
}
