/**
 * `mqt bench` as a load generator, measured in the same run as the other benchmarks:
 *   - `mqt bench pub -c 10` at full rate against mosquitto, against what MQTTX's bench reaches
 *     with 10 connections on this machine (≈ 8k msgs/s, shared/reference/perf-baselines.md §5.2;
 *     MQTTX itself is not installed here, so its recorded number is the reference);
 *   - one worker at QoS 0 into a null broker (bench/sink.ts), against the ≈ 330k msgs/s MQTT.js
 *     reaches per core (same file, §3): what the generator alone can produce. The sink counts the
 *     PUBLISH packets it took in, so the generator's own count is checked too.
 * Every run is bounded by -d and by a process timeout.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from '../src/lib/bench/result.js';
import { startSink } from './sink.js';
import { median, report } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MQT = join(ROOT, 'bin', 'mqt.cjs');
const ROUNDS = Number(process.env.BENCH_LOAD_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const MQTTX_10_CONNECTIONS = 8000;
const MQTTJS_PER_CORE = 330_000;

/** Runs `mqt bench ARGS --json` asynchronously (the sink lives in this process and must keep serving). */
async function benchRun(args: string[]): Promise<BenchResult> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [MQT, 'bench', ...args, '-d', String(SECONDS), '--json', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), (SECONDS + 60) * 1000);
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(killer);
  if (code !== 0) throw new Error(`mqt bench ${args.join(' ')} exited ${code}: ${err}${out}`);
  return JSON.parse(out) as BenchResult;
}

export async function benchLoad(port: string): Promise<void> {
  if (spawnSync(process.execPath, [MQT, 'bench', '--help'], { stdio: 'ignore' }).status !== 0) throw new Error('mqt bench is not built');
  const broker = ['-h', '127.0.0.1', '-p', port];
  const tenConnections: number[] = [];
  const oneWorker: number[] = [];
  const oneWorkerMosquitto: number[] = [];
  const notes: string[] = [];
  const sink = await startSink();
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const ten = await benchRun(['pub', ...broker, '-c', '10', '-t', `bench/load/${i}/%i`]);
      tenConnections.push(ten.throughput.sent_per_s);
      notes.push(`pub -c 10: ${ten.throughput.sent_per_s}/s, generator cpu ${ten.cpu.percent}% of ${ten.cpu.cores}, machine ${ten.cpu.machine_busy_percent ?? '?'}%`);
      const before = sink.publishes();
      const one = await benchRun(['pub', '-h', '127.0.0.1', '-p', String(sink.port), '--workers', '1']);
      const taken = sink.publishes() - before;
      if (taken !== one.messages.sent) throw new Error(`the sink took ${taken} PUBLISH packets, bench says it sent ${one.messages.sent}`);
      oneWorker.push(one.throughput.sent_per_s);
      notes.push(`pub, 1 worker, null broker: ${one.throughput.sent_per_s}/s (sink counted ${taken}), generator cpu ${one.cpu.percent}%`);
      const oneM = await benchRun(['pub', ...broker, '--workers', '1', '-t', `bench/load1/${i}`]);
      oneWorkerMosquitto.push(oneM.throughput.sent_per_s);
    }
  } finally {
    await sink.close();
  }
  console.log(`\nload generator, QoS 0, 32-byte payloads, ${SECONDS} s per run (median of ${ROUNDS} rounds):`);
  for (const note of notes) console.log(`  ${note}`);
  report('mqt bench pub -c 10 → mosquitto  vs  MQTTX -c 10', median(tenConnections), MQTTX_10_CONNECTIONS, '/s', '>= 10', true);
  report('mqt bench pub, 1 worker → null broker  vs  MQTT.js/core', median(oneWorker), MQTTJS_PER_CORE, '/s', '>= 0.91 (300k)', true);
  console.log(`  (1 worker → mosquitto: ${Math.round(median(oneWorkerMosquitto))} msgs/s; there the broker and the machine are the limit)`);
}
