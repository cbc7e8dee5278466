/**
 * Child process of the kill -9 test: appends retained messages to the journal in argv[2] as fast
 * as it can, keeping many appends in flight, and prints the number of each one whose promise
 * resolved, and a line "compacted" after each snapshot. The parent kills it with SIGKILL at some
 * point and checks every printed number.
 */
import { Journal } from '../../../src/lib/broker/persistence/journal.js';

const IN_FLIGHT = 256;

const journal = await Journal.open(process.argv[2]!, {
  compactAfterBytes: 64 * 1024,
  onCompactionStep: (step) => {
    if (step === 'snapshot-written') process.stdout.write('compacted\n');
    return Promise.resolve();
  },
});
let next = 0;
let acked: string[] = [];
let flushScheduled = false;

function report(id: number): void {
  acked.push(String(id));
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(() => {
    // Printed only after the promise resolved: a number on stdout is an acknowledged append.
    process.stdout.write(`${acked.join('\n')}\n`);
    acked = [];
    flushScheduled = false;
  });
}

function appendOne(): void {
  const id = next++;
  const message = { topic: `load/${id}`, payload: Buffer.from(`message ${id}`), qos: 1 as const, retain: true };
  journal.append({ type: 'retain', message }).then(
    () => {
      report(id);
      appendOne();
    },
    (err: unknown) => {
      process.stderr.write(`append ${id} failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
}

for (let i = 0; i < IN_FLIGHT; i++) appendOne();
process.stdout.write('ready\n');
