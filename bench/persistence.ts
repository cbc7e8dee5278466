/**
 * QoS 1 throughput with persistence off and on, mqt serve beside mosquitto: one mosquitto_pub -l
 * publishing to one mosquitto_sub. "persistent" is a subscriber with a persistent session
 * (-c -i), so every message goes through the journal (mqt: written and fsynced before PUBACK;
 * mosquitto: kept in memory and saved at autosave_interval). Run: node build/bench/persistence.js
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, median, runProcess, waitForListener } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MESSAGES = Number(process.env.BENCH_PERSIST_MESSAGES ?? 50_000);
const ROUNDS = Number(process.env.BENCH_PERSIST_ROUNDS ?? 3);
const LIMIT_MS = 120_000;

type Broker = 'mqt' | 'mosquitto';

async function startBroker(name: Broker, dir: string, persistence: boolean): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const conf = join(dir, `${name}-${port}.conf`);
  const lines = [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'max_queued_messages 0'];
  if (persistence) lines.push('persistence true', `persistence_location ${dir}/${name}-${port}/`);
  if (process.getuid?.() === 0) lines.push('user root');
  writeFileSync(conf, `${lines.join('\n')}\n`);
  const child =
    name === 'mosquitto'
      ? spawn('mosquitto', ['-c', conf], { stdio: 'ignore' })
      : spawn(process.execPath, [join(ROOT, 'bin/mqt.cjs'), 'serve', '-c', conf], { stdio: 'ignore' });
  await waitForListener(port);
  return { port, child };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Messages/s from the first PUBLISH to the subscriber's last message. */
async function qos1Rate(port: number, persistent: boolean): Promise<number> {
  const hp = ['-h', '127.0.0.1', '-p', String(port)];
  const session = persistent ? ['-c', '-i', `bench-${port}`] : [];
  const sub = spawn('mosquitto_sub', [...hp, ...session, '-q', '1', '-t', 'bench', '-C', String(MESSAGES)], { stdio: ['ignore', 'ignore', 'ignore'] });
  // A retained-free way to know the subscription is in place: a short wait, as the SUBACK is not printed.
  await new Promise((r) => setTimeout(r, 300));
  const done = new Promise<number>((resolve, reject) => sub.once('exit', (code) => (code === 0 ? resolve(performance.now()) : reject(new Error(`mosquitto_sub exited ${code}`)))));
  const lines = Buffer.from(Array.from({ length: MESSAGES }, (_, i) => `message ${i + 1}`).join('\n') + '\n');
  const start = performance.now();
  await runProcess('mosquitto_pub', [...hp, '-q', '1', '-t', 'bench', '-l'], lines, LIMIT_MS);
  return MESSAGES / (((await done) - start) / 1000);
}

const dir = mkdtempSync(join(tmpdir(), 'mqt-bench-persist-'));
try {
  console.log(`QoS 1, 1 -> 1, ${MESSAGES} messages, median of ${ROUNDS} rounds (msgs/s):`);
  for (const [label, persistence, persistent] of [
    ['persistence off, clean subscriber', false, false],
    ['persistence on, clean subscriber', true, false],
    ['persistence on, persistent subscriber', true, true],
  ] as const) {
    const rates: Record<Broker, number[]> = { mqt: [], mosquitto: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of ['mqt', 'mosquitto'] as const) {
        const broker = await startBroker(name, dir, persistence);
        try {
          rates[name].push(await qos1Rate(broker.port, persistent));
        } finally {
          await stop(broker.child);
        }
      }
    }
    const [mqt, mosquitto] = [median(rates.mqt), median(rates.mosquitto)];
    console.log(`${label.padEnd(40)} mqt ${mqt.toFixed(0).padStart(7)}  mosquitto ${mosquitto.toFixed(0).padStart(7)}  ratio ${(mqt / mosquitto).toFixed(2)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
