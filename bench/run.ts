/**
 * `npm run bench`: mqt against mosquitto's own clients, side by side in one run, as ratios.
 * Not a test: numbers depend on the machine; what matters is the ratio measured in the same run.
 * Everything runs against a mosquitto broker this script starts on an ephemeral 127.0.0.1 port,
 * and every loop is bounded in count and time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, median, report, timeProcess } from './support.js';
import { benchLoad } from './load.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MQT = join(ROOT, 'bin', 'mqt.cjs');
const NODE = process.execPath;
const STARTUP_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const THROUGHPUT_ROUNDS = Number(process.env.BENCH_THROUGHPUT_ROUNDS ?? 5);
const MESSAGES = 100_000;
const RUN_LIMIT_MS = 60_000;

interface Subscriber {
  /** Resolves with the time the subscriber exited (hrtime ms) and the bytes it printed. */
  done: Promise<{ exitedAt: number; bytes: number }>;
}

/**
 * Starts a subscriber that counts MESSAGES messages on `topic` and resolves once it is subscribed:
 * a retained "ready" message is its first line (so it runs with -C MESSAGES+1 and no -d, whose
 * per-packet lines would be what gets measured).
 */
async function startSubscriber(cmd: string, args: string[], port: string, topic: string): Promise<Subscriber> {
  timeProcess('mosquitto_pub', ['-h', '127.0.0.1', '-p', port, '-t', topic, '-r', '-m', 'ready']);
  const child = spawn(cmd, [...args, '-h', '127.0.0.1', '-p', port, '-t', topic, '-C', String(MESSAGES + 1)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
  let bytes = 0;
  let subscribed: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  let seen = '';
  child.stdout.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (seen !== 'done') {
      seen += chunk.toString();
      if (seen.includes('ready')) {
        seen = 'done';
        subscribed();
      }
    }
  });
  const done = new Promise<{ exitedAt: number; bytes: number }>((resolve, reject) => {
    child.on('exit', (code) => {
      clearTimeout(killer);
      if (code === 0) resolve({ exitedAt: Number(process.hrtime.bigint()) / 1e6, bytes });
      else reject(new Error(`${cmd} exited ${code}`));
    });
  });
  await ready;
  return { done };
}

async function startBroker(): Promise<{ port: number; stop: () => void }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mqt-bench-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n${process.getuid?.() === 0 ? 'user root\n' : ''}`);
  const broker = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(true));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    stop: () => {
      broker.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  if (spawnSync('mosquitto', ['-h']).error !== undefined) {
    console.error('bench needs mosquitto and mosquitto-clients (apt-get install mosquitto mosquitto-clients)');
    process.exitCode = 1;
    return;
  }
  const broker = await startBroker();
  const p = String(broker.port);
  try {
    console.log(`mqt benchmarks, node ${process.version}, broker mosquitto on 127.0.0.1:${p}\n`);

    const startup = { node: [] as number[], mqt: [] as number[], mosquitto: [] as number[], mqtQos1: [] as number[] };
    for (let i = 0; i < STARTUP_ROUNDS + 2; i++) {
      const node = timeProcess(NODE, ['-e', '0']);
      const mqt = timeProcess(NODE, [MQT, 'pub', '-h', '127.0.0.1', '-p', p, '-t', 'bench/start', '-m', 'x']);
      const mqtQos1 = timeProcess(NODE, [MQT, 'pub', '-h', '127.0.0.1', '-p', p, '-t', 'bench/start', '-m', 'x', '-q', '1']);
      const mosquitto = timeProcess('mosquitto_pub', ['-h', '127.0.0.1', '-p', p, '-t', 'bench/start', '-m', 'x']);
      if (i < 2) continue;
      startup.node.push(node);
      startup.mqt.push(mqt);
      startup.mqtQos1.push(mqtQos1);
      startup.mosquitto.push(mosquitto);
    }
    console.log(
      `one publish, whole process (median of ${STARTUP_ROUNDS} interleaved rounds): node -e 0 ${median(startup.node).toFixed(1)} ms, ` +
        `mosquitto_pub ${median(startup.mosquitto).toFixed(1)} ms`,
    );
    report('mqt pub -m x  vs  node -e 0', median(startup.mqt), median(startup.node), 'ms', '<= 1.30', false);
    report('mqt pub -m x -q 1  vs  node -e 0', median(startup.mqtQos1), median(startup.node), 'ms', '<= 1.30', false);

    const lines = Buffer.from(Array.from({ length: MESSAGES }, (_, i) => String(i + 1)).join('\n') + '\n');
    const pubRates = { mqt: [] as number[], mosquitto: [] as number[] };
    const subRates = { mqt: [] as number[], mosquitto: [] as number[] };
    for (let i = 0; i < THROUGHPUT_ROUNDS; i++) {
      for (const [tool, cmd, args] of [
        ['mosquitto', 'mosquitto_pub', []],
        ['mqt', NODE, [MQT, 'pub']],
      ] as const) {
        const topic = `bench/lines/${i}/${tool}`;
        const counter = await startSubscriber('mosquitto_sub', [], p, topic);
        const ms = timeProcess(cmd, [...args, '-h', '127.0.0.1', '-p', p, '-t', topic, '-l'], lines);
        await counter.done;
        pubRates[tool].push(MESSAGES / (ms / 1000));
      }
      for (const [tool, cmd, args] of [
        ['mosquitto', 'mosquitto_sub', []],
        ['mqt', NODE, [MQT, 'sub']],
      ] as const) {
        const topic = `bench/sub/${i}/${tool}`;
        const sub = await startSubscriber(cmd, [...args], p, topic);
        const start = Number(process.hrtime.bigint()) / 1e6;
        timeProcess('mosquitto_pub', ['-h', '127.0.0.1', '-p', p, '-t', topic, '-l'], lines);
        const { exitedAt } = await sub.done;
        subRates[tool].push(MESSAGES / ((exitedAt - start) / 1000));
      }
    }
    console.log(`\nthroughput, ${MESSAGES} messages at QoS 0 (median of ${THROUGHPUT_ROUNDS} rounds):`);
    report('mqt pub -l  vs  mosquitto_pub -l (msgs/s)', median(pubRates.mqt), median(pubRates.mosquitto), '/s', '>= 1.00', true);
    report('mqt sub -C  vs  mosquitto_sub -C (msgs/s)', median(subRates.mqt), median(subRates.mosquitto), '/s', '>= 1.00', true);

    await benchLoad(p);
  } finally {
    broker.stop();
  }
}

// `npm run bench -- --clients` or `-- --broker` runs one half.
if (!process.argv.includes('--broker')) await main();
if (!process.argv.includes('--clients')) {
  const { runBrokerBench } = await import('./broker.js');
  await runBrokerBench();
  const { runBridgeBench } = await import('./bridge.js');
  await runBridgeBench();
}
