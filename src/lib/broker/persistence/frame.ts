import { crc32 } from 'node:zlib';
import { ErrorCode, MqttError } from '../../errors.js';

/**
 * The framing of journal and snapshot files: an 8-byte magic naming the file kind, then frames
 *
 *   u32 BE body length | u32 BE CRC-32 of the body | body (UTF-8 JSON)
 *
 * A journal writes one frame per group commit and starts the next only after the previous one
 * is fsynced. So a damaged frame at the end is a write a crash cut short, whose appends were
 * never acknowledged: it is dropped. A damaged frame with a good one after it was fsynced
 * before that one was written: the file itself is damaged, and opening it fails.
 */

export const FRAME_HEADER_BYTES = 8;
export const MAGIC_BYTES = 8;
/** Bigger than any frame we write: a length past it is garbage. */
const MAX_BODY_BYTES = 2 ** 31;

export function encodeFrame(body: string): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + bytes.length);
  frame.writeUInt32BE(bytes.length, 0);
  frame.writeUInt32BE(crc32(bytes), 4);
  bytes.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

export interface ScanResult {
  /** The frames' bodies, in order. */
  readonly bodies: string[];
  /** Where the good frames end; past it lies a torn write, if anything. */
  readonly end: number;
  /** Bytes after `end` (a torn tail). */
  readonly tornBytes: number;
}

/** Reads the frames after the magic; throws InvalidFile for a damaged frame with a good one behind it. */
export function scanFrames(data: Buffer, path: string, magic: Buffer): ScanResult {
  if (data.length < MAGIC_BYTES) {
    // Created but its first write never completed.
    return { bodies: [], end: 0, tornBytes: data.length };
  }
  if (!data.subarray(0, MAGIC_BYTES).equals(magic)) {
    throw new MqttError(ErrorCode.InvalidFile, `${path} is not a ${magic.toString('latin1').trim()} file (wrong magic bytes)`);
  }
  const bodies: string[] = [];
  let offset = MAGIC_BYTES;
  while (offset < data.length) {
    const body = frameAt(data, offset);
    if (body === undefined) {
      const next = offset + FRAME_HEADER_BYTES + declaredLength(data, offset);
      if (next < data.length && frameAt(data, next) !== undefined) {
        throw new MqttError(
          ErrorCode.InvalidFile,
          `${path} is damaged: the frame at byte ${offset} (frame ${bodies.length + 1}) fails its CRC check, and good frames follow it`,
          { hint: `the state up to byte ${offset} is intact; move the file away to start without what follows` },
        );
      }
      return { bodies, end: offset, tornBytes: data.length - offset };
    }
    bodies.push(body.toString('utf8'));
    offset += FRAME_HEADER_BYTES + body.length;
  }
  return { bodies, end: offset, tornBytes: 0 };
}

function declaredLength(data: Buffer, offset: number): number {
  return offset + FRAME_HEADER_BYTES <= data.length ? data.readUInt32BE(offset) : 0;
}

/** The body of the frame at `offset`, or undefined when it is cut short, empty or fails its CRC. */
function frameAt(data: Buffer, offset: number): Buffer | undefined {
  if (offset + FRAME_HEADER_BYTES > data.length) return undefined;
  const length = data.readUInt32BE(offset);
  if (length === 0 || length > MAX_BODY_BYTES || offset + FRAME_HEADER_BYTES + length > data.length) return undefined;
  const body = data.subarray(offset + FRAME_HEADER_BYTES, offset + FRAME_HEADER_BYTES + length);
  return crc32(body) === data.readUInt32BE(offset + 4) ? body : undefined;
}
