/**
 * Bridged throughput: messages published at an edge broker reach a subscriber on a central
 * mosquitto through the edge's bridge. The edge is mqt serve, then mosquitto, with the same
 * connection section; the centre and the clients are mosquitto's, so the bridge is what differs.
 * Rounds alternate which edge goes first; every run is bounded in count and time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuMs } from './broker.js';
import { freePort, median, runProcess, timeProcess, waitForListener } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROUNDS = Number(process.env.BENCH_BRIDGE_ROUNDS ?? 3);
const LIMIT_MS = 60_000;
const MESSAGES: Record<0 | 1, number> = { 0: 100_000, 1: 30_000 };
/**
 * BENCH_BRIDGE_PIN=1 runs the edge and its publisher on core 0, the centre and its subscriber on
 * core 1, as two machines would. Unpinned, on a 2-core VM, the centre's CPU per message moved by
 * a third with what else ran (an idle core is slow to wake), whichever edge fed it.
 */
const PINNED = process.env.BENCH_BRIDGE_PIN === '1';

type Side = 'edge' | 'centre';

/** The command line of a process on `side`: under taskset when pinned (taskset execs it, same pid). */
function placed(side: Side, cmd: string, args: string[]): [string, string[]] {
  return PINNED ? ['taskset', ['-c', side === 'edge' ? '0' : '1', cmd, ...args]] : [cmd, args];
}

type Edge = 'mqt' | 'mosquitto';

/** One round at one edge: delivered msgs/s, and the edge's CPU µs per message (steadier on a shared machine). */
interface Round {
  rate: number;
  cpu: number;
}

function start(side: Side, cmd: string, args: string[]): ChildProcess {
  return spawn(...placed(side, cmd, args), { stdio: 'ignore' });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Delivered msgs/s from a mosquitto_pub -l at the edge to a mosquitto_sub at the centre. */
async function bridgedRate(edge: Edge, qos: 0 | 1, round: number, dir: string): Promise<Round> {
  const root = process.getuid?.() === 0 ? 'user root\n' : '';
  const [centrePort, edgePort] = [await freePort(), await freePort()];
  const centreConf = join(dir, `centre-${centrePort}.conf`);
  // max_queued_messages 0: a rate bought by dropping QoS 1 at a slow hop would not compare.
  writeFileSync(centreConf, `listener ${centrePort} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n${root}`);
  const edgeConf = join(dir, `edge-${edgePort}.conf`);
  writeFileSync(
    edgeConf,
    [`listener ${edgePort} 127.0.0.1`, 'allow_anonymous true', 'max_queued_messages 0', root.trim(), 'connection centre', `address 127.0.0.1:${centrePort}`, `remote_clientid edge-${round}`, `topic b/# out ${qos}`, 'notifications false', ''].join('\n'),
  );
  const centre = start('centre', 'mosquitto', ['-c', centreConf]);
  await waitForListener(centrePort);
  const topic = `b/${qos}/${round}`;
  timeProcess('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(centrePort), '-t', topic, '-r', '-m', 'ready']);
  const outPath = join(dir, `sub-${centrePort}.txt`);
  const out = openSync(outPath, 'w');
  const count = MESSAGES[qos];
  const sub = spawn(...placed('centre', 'mosquitto_sub', ['-h', '127.0.0.1', '-p', String(centrePort), '-t', topic, '-q', String(qos), '-C', String(count + 1)]), { stdio: ['ignore', out, 'ignore'] });
  closeSync(out);
  const edgeBroker = edge === 'mqt' ? start('edge', process.execPath, [join(ROOT, 'bin/mqt.cjs'), 'serve', '-c', edgeConf]) : start('edge', 'mosquitto', ['-c', edgeConf]);
  try {
    const deadline = Date.now() + LIMIT_MS;
    while (statSync(outPath).size < 'ready\n'.length) {
      if (Date.now() > deadline) throw new Error('the subscriber never got the retained "ready"');
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitForListener(edgePort);
    // The bridge is up once a probe published at the edge reaches the centre.
    const probe = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(centrePort), '-t', `b/probe/${round}`, '-C', '1', '-W', '30'], { stdio: 'ignore' });
    const probed = new Promise((resolve) => probe.once('exit', resolve));
    while (probe.exitCode === null && Date.now() < deadline) {
      timeProcess('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(edgePort), '-t', `b/probe/${round}`, '-m', 'x']);
      await Promise.race([probed, new Promise((r) => setTimeout(r, 100))]);
    }
    const lines = Buffer.from(Array.from({ length: count }, (_, i) => `message ${i + 1}`).join('\n') + '\n');
    const done = new Promise<number>((resolve, reject) => {
      const killer = setTimeout(() => sub.kill('SIGKILL'), LIMIT_MS);
      sub.once('exit', (code) => {
        clearTimeout(killer);
        if (code === 0) resolve(performance.now());
        else reject(new Error(`${edge} edge: the centre did not receive ${count} QoS ${qos} messages within ${LIMIT_MS} ms`));
      });
    });
    const cpuBefore = cpuMs(edgeBroker.pid!);
    const begin = performance.now();
    await runProcess(...placed('edge', 'mosquitto_pub', ['-h', '127.0.0.1', '-p', String(edgePort), '-t', topic, '-q', String(qos), '-l']), lines, LIMIT_MS);
    const rate = count / (((await done) - begin) / 1000);
    return { rate, cpu: ((cpuMs(edgeBroker.pid!) - cpuBefore) * 1000) / count };
  } finally {
    sub.kill('SIGKILL');
    await Promise.all([stop(edgeBroker), stop(centre)]);
    rmSync(outPath, { force: true });
  }
}

export async function runBridgeBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mqt-bench-bridge-'));
  try {
    console.log(`\nbridged, edge -> mosquitto centre, mosquitto_pub -l at the edge, mosquitto_sub at the centre${PINNED ? ', edge side on core 0, centre side on core 1' : ''}, median of ${ROUNDS} rounds:`);
    for (const qos of (process.env.BENCH_BRIDGE_QOS === undefined ? [0, 1] : [Number(process.env.BENCH_BRIDGE_QOS)]) as (0 | 1)[]) {
      const rounds: Record<Edge, Round[]> = { mqt: [], mosquitto: [] };
      for (let round = 0; round < ROUNDS; round++) {
        const order: Edge[] = round % 2 === 0 ? ['mqt', 'mosquitto'] : ['mosquitto', 'mqt'];
        for (const edge of order) rounds[edge].push(await bridgedRate(edge, qos, round, dir));
      }
      const rates = { mqt: rounds.mqt.map((r) => r.rate), mosquitto: rounds.mosquitto.map((r) => r.rate) };
      const [mqt, mosquitto] = [median(rates.mqt), median(rates.mosquitto)];
      const [mqtCpu, mosquittoCpu] = [median(rounds.mqt.map((r) => r.cpu)), median(rounds.mosquitto.map((r) => r.cpu))];
      console.log(
        `QoS ${qos}, ${MESSAGES[qos]} messages (msgs/s)`.padEnd(40) +
          ` mqt ${mqt.toFixed(0).padStart(9)}  mosquitto ${mosquitto.toFixed(0).padStart(9)}   ratio ${(mqt / mosquitto).toFixed(2)} (goal >= 1.00)`,
      );
      console.log(`${''.padEnd(40)} rounds: mqt ${rates.mqt.map((r) => r.toFixed(0)).join(' ')}, mosquitto ${rates.mosquitto.map((r) => r.toFixed(0)).join(' ')}`);
      console.log(
        `${''.padEnd(40)} edge CPU per message: mqt ${mqtCpu.toFixed(1)} µs, mosquitto ${mosquittoCpu.toFixed(1)} µs, ratio ${(mqtCpu / mosquittoCpu).toFixed(2)} (lower is better)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `node build/bench/bridge.js` runs this row alone (BENCH_BRIDGE_QOS=0 or 1 narrows it).
if (process.argv[1]?.endsWith('bridge.js')) await runBridgeBench();
