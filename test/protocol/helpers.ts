/** Shared plumbing for the codec tests: hex, whole-packet decode, framing, a seeded PRNG. */
import assert from 'node:assert/strict';
import { ErrorCode, MqttError } from '../../src/lib/errors.js';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import { decodePacket } from '../../src/lib/protocol/decode.js';
import { PacketReader } from '../../src/lib/protocol/framer.js';
import type { Packet } from '../../src/lib/protocol/packets.js';

/** Hex with spaces for readability: "30 07 0003 612f62". */
export function fromHex(hex: string): Buffer {
  const clean = hex.replace(/\s+/g, '');
  assert.match(clean, /^([0-9a-f]{2})*$/i, `bad hex in fixture: ${hex}`);
  return Buffer.from(clean, 'hex');
}

export function toHex(buf: Buffer): string {
  return buf.toString('hex');
}

/** Splits a whole packet into header and body by hand, so decodePacket is tested without the framer. */
export function decodeWhole(bytes: Buffer, version: ProtocolVersion): Packet {
  let remaining = 0;
  let multiplier = 1;
  let pos = 1;
  for (;;) {
    const b = bytes[pos++];
    assert.ok(b !== undefined, 'truncated remaining length in test input');
    remaining += (b & 0x7f) * multiplier;
    if ((b & 0x80) === 0) break;
    multiplier *= 128;
  }
  assert.equal(bytes.length - pos, remaining, 'test input length disagrees with its remaining length');
  return decodePacket(bytes[0]!, bytes.subarray(pos), version);
}

/** Feeds chunks to a fresh PacketReader and returns every packet it produced. */
export function frameChunks(chunks: readonly Buffer[], version: ProtocolVersion, maxPacketSize?: number): Packet[] {
  const reader = new PacketReader(maxPacketSize === undefined ? { version } : { version, maxPacketSize });
  const out: Packet[] = [];
  const onPacket = (p: Packet): void => {
    out.push(p);
  };
  for (const c of chunks) reader.push(c, onPacket);
  assert.equal(reader.midPacket, false, 'reader still holds part of a packet after the last chunk');
  return out;
}

/** Cuts bytes at the given offsets. */
export function splitAt(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (const cut of cuts) {
    out.push(bytes.subarray(start, cut));
    start = cut;
  }
  out.push(bytes.subarray(start));
  return out;
}

export function oneByteChunks(bytes: Buffer): Buffer[] {
  return Array.from(bytes, (b) => Buffer.from([b]));
}

/** Asserts that fn throws an MqttError with this code (and reason code, when given). */
export function assertMqttError(fn: () => unknown, code: ErrorCode, reasonCode?: number): MqttError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof MqttError, `expected MqttError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (reasonCode !== undefined) assert.equal(caught.reasonCode, reasonCode, caught.message);
  return caught;
}

export const MALFORMED = [ErrorCode.MalformedPacket, 0x81] as const;
export const PROTOCOL = [ErrorCode.ProtocolError, 0x82] as const;

/** mulberry32: small, fast, and the same sequence on every run for a given seed. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  bytes(min: number, max: number): Buffer {
    const out = Buffer.allocUnsafe(this.int(min, max));
    for (let i = 0; i < out.length; i++) out[i] = this.int(0, 255);
    return out;
  }
}

/** Random cuts: mostly small chunks, with some large ones and some empty ones. */
export function randomChunks(bytes: Buffer, rng: Prng): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const size = rng.bool(0.05) ? 0 : rng.bool(0.2) ? rng.int(64, 4096) : rng.int(1, 16);
    out.push(bytes.subarray(pos, pos + size));
    pos += size;
  }
  return out;
}
