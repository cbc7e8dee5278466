/**
 * `node build/bench/journal.js [folder]`: appends per second to the broker's journal with group
 * commit, for a growing number of appends in flight (a broker has one in flight per QoS 1
 * PUBLISH awaiting its PUBACK). Each commit is a write and an fdatasync, so one in flight
 * measures the disk's fsync rate; more in flight share each fsync. Records are retained
 * messages of 100 bytes over 1000 topics, so the state stays small and compaction runs as it
 * would in a broker. The journal goes to a temporary folder (or inside `folder`, to measure
 * another disk), removed afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../src/lib/broker/persistence/journal.js';

const SECONDS = 2;
const PAYLOAD = Buffer.alloc(100, 0x61);

async function measure(base: string, inFlight: number): Promise<void> {
  const dir = await mkdtemp(join(base, 'mqt-journal-bench-'));
  const journal = await Journal.open(dir, { compactAfterBytes: 4 * 1024 * 1024 });
  let done = 0;
  let next = 0;
  let stop = false;
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    let active = inFlight;
    const appendOne = (): void => {
      if (stop) {
        if (--active === 0) resolve();
        return;
      }
      const id = next++;
      const message = { topic: `bench/${id % 1000}`, payload: PAYLOAD, qos: 1 as const, retain: true };
      void journal.append({ type: 'retain', message }).then(() => {
        done++;
        appendOne();
      });
    };
    for (let i = 0; i < inFlight; i++) appendOne();
    setTimeout(() => (stop = true), SECONDS * 1000);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { commits, records } = journal.stats;
  await journal.close();
  await rm(dir, { recursive: true, force: true });
  console.log(
    `${String(inFlight).padStart(5)} in flight: ${String(Math.round(done / seconds)).padStart(7)} appends/s, ` +
      `${Math.round(commits / seconds)} commits/s, ${(records / commits).toFixed(1)} records per commit`,
  );
}

const base = process.argv[2] ?? tmpdir();
for (const inFlight of [1, 16, 256, 4096]) await measure(base, inFlight);
