import type { Readable } from 'node:stream';

const NEWLINE = 0x0a;

/**
 * Calls onLine for each line of the stream, without the "\n" (a "\r" stays, as in
 * mosquitto_pub -l); a last line without newline counts. When onLine returns a promise, reading
 * waits for it: that is the backpressure that keeps memory flat however much is piped in.
 */
export async function forEachLine(stream: Readable, onLine: (line: Buffer) => Promise<void> | undefined): Promise<void> {
  let rest: Buffer | undefined;
  for await (const chunk of stream) {
    const data = chunk as Buffer;
    let start = 0;
    let end = data.indexOf(NEWLINE, start);
    while (end !== -1) {
      let line = data.subarray(start, end);
      if (rest !== undefined) {
        line = Buffer.concat([rest, line]);
        rest = undefined;
      }
      const wait = onLine(line);
      if (wait !== undefined) await wait;
      start = end + 1;
      end = data.indexOf(NEWLINE, start);
    }
    if (start < data.length) {
      rest = rest === undefined ? data.subarray(start) : Buffer.concat([rest, data.subarray(start)]);
    }
  }
  if (rest !== undefined) {
    const wait = onLine(rest);
    if (wait !== undefined) await wait;
  }
}
