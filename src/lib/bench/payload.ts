/**
 * The header every bench message starts with, so a subscriber can tell who sent it, which one
 * it was and when, without any state shared with the publisher:
 *
 *   bytes 0-1   0x6d 0x71 ("mq"), marks a bench payload
 *   bytes 2-3   run tag: random per run, so two runs on one broker are told apart
 *   bytes 4-7   publisher index in the run (u32, big-endian)
 *   bytes 8-11  sequence number of the message for that publisher, from 0 (u32)
 *   bytes 12-19 send time, ms of the machine's monotonic clock (f64)
 *
 * The rest of the payload (up to -s bytes) is zeros. The monotonic clock is the same in every
 * thread and every process of one machine, which is what makes the latency end to end.
 */
export const HEADER_BYTES = 20;
const MAGIC = 0x6d71;

export interface BenchHeader {
  tag: number;
  publisher: number;
  seq: number;
  sentAt: number;
}

/** Monotonic milliseconds: performance.now() (cheap) moved onto the clock hrtime reads. */
export function monotonicClock(): () => number {
  const offset = Number(process.hrtime.bigint()) / 1e6 - performance.now();
  return () => performance.now() + offset;
}

export function writeHeader(payload: Buffer, tag: number, publisher: number, seq: number, sentAt: number): void {
  payload.writeUInt16BE(MAGIC, 0);
  payload.writeUInt16BE(tag, 2);
  payload.writeUInt32BE(publisher, 4);
  payload.writeUInt32BE(seq, 8);
  payload.writeDoubleBE(sentAt, 12);
}

/** The header of a bench payload, or undefined for anything else (a foreign message). */
export function readHeader(payload: Buffer): BenchHeader | undefined {
  if (payload.length < HEADER_BYTES || payload.readUInt16BE(0) !== MAGIC) return undefined;
  return {
    tag: payload.readUInt16BE(2),
    publisher: payload.readUInt32BE(4),
    seq: payload.readUInt32BE(8),
    sentAt: payload.readDoubleBE(12),
  };
}
