/**
 * Broker benchmarks: mqt serve, mosquitto and aedes side by side in one run, driven by the same
 * clients so the broker is what is measured: mosquitto's C clients for message rates, and one raw
 * Node connection loop (pre-encoded CONNECT, no MQTT library) for connection rate and idle memory.
 * Every broker gets the same mosquitto.conf; each scenario alternates the order of the brokers
 * from round to round, and the ratios are of medians.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, median, runProcess, timeProcess, waitForListener } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROUNDS = Number(process.env.BENCH_BROKER_ROUNDS ?? 3);
const LIMIT_MS = 60_000;
const QOS0_MESSAGES = 200_000;
// Not 200,000 as for QoS 0: mosquitto_pub 2.0.11 -l -q 1 given 100,000 lines at once sent a packet
// mosquitto refused ("disconnected due to out of memory") after ~34,000, and still exited 0.
const QOS1_MESSAGES = 50_000;
const FANOUT_MESSAGES = 20_000;
const FANOUT_SUBSCRIBERS = 10;
/** Publishers sharing QOS1_MESSAGES in the fan-in scenario: the subscriber's queue fills, so backpressure runs. */
const FANIN_PUBLISHERS = 10;
const CONNECTIONS = 2000;
const IDLE_CONNECTIONS = 5000;

/**
 * Node flags for every Node broker (mqt, bare, aedes) alike, e.g. BENCH_NODE_FLAGS=--max-semi-space-size=8
 * to compare memory per connection with V8's young generation held at one size for all.
 */
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '');

/** `bare`: bench/bare-server.ts, Node's own cost per connection (BENCH_BROKERS=mqt,mosquitto,bare). */
type BrokerName = 'mqt' | 'mosquitto' | 'aedes' | 'bare';

interface RunningBroker {
  port: number;
  pid: number;
  /** A folder for this run's files. */
  dir: string;
  stop(): Promise<void>;
}

async function startBroker(name: BrokerName, dir: string, extraConf = ''): Promise<RunningBroker> {
  const port = await freePort();
  const conf = join(dir, `${name}-${port}.conf`);
  // max_queued_messages 0: mosquitto would otherwise drop QoS 1 for a subscriber that falls behind,
  // and a rate bought with loss is not comparable.
  writeFileSync(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\n${extraConf || 'max_queued_messages 0\n'}${process.getuid?.() === 0 ? 'user root\n' : ''}`,
  );
  let child: ChildProcess;
  if (name === 'mosquitto') child = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  else if (name === 'bare') child = spawn(process.execPath, [...NODE_FLAGS, join(ROOT, 'build/bench/bare-server.js'), String(port)], { stdio: 'ignore' });
  else if (name === 'aedes') child = spawn(process.execPath, [...NODE_FLAGS, join(ROOT, 'build/bench/aedes-server.js'), String(port)], { stdio: 'ignore' });
  else child = spawn(process.execPath, [...NODE_FLAGS, join(ROOT, 'bin/mqt.cjs'), 'serve', '-c', conf], { stdio: 'ignore' });
  await waitForListener(port);
  return {
    port,
    pid: child.pid!,
    dir,
    stop: () =>
      new Promise<void>((resolve) => {
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(killer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** What one counter saw: when its last message came, and how many came. */
interface Counted {
  end: number;
  delivered: number;
}

/** How long a lossy counter's output must stay the same, once the publishers are done, to be complete. */
const QUIET_MS = 500;

/**
 * A mosquitto_sub counting messages on `topic`; resolves `ready` once it has subscribed (its
 * first line, the retained "ready", is in its output file). It prints to a file, not to a pipe
 * read here: on two cores, this process waking for every chunk of its output would take CPU from
 * the broker being measured. It exits after `count` messages; a `lossy` one (for a broker that may
 * drop QoS 0 for a subscriber that falls behind) is done once its file is complete (`fullSize`
 * bytes) or has stayed the same for QUIET_MS, and counts its lines.
 */
function counter(
  port: number,
  topic: string,
  count: number,
  qos: number,
  dir: string,
  signal: AbortSignal,
  lossy: boolean,
): { ready: Promise<void>; done(fullSize: number): Promise<Counted> } {
  timeProcess('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-r', '-m', 'ready']);
  const outPath = join(dir, `sub-${port}-${counterFiles++}.txt`);
  const out = openSync(outPath, 'w');
  const child = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-q', String(qos), ...(lossy ? [] : ['-C', String(count + 1)])], {
    stdio: ['ignore', out, 'ignore'],
    signal,
    killSignal: 'SIGKILL',
  });
  // An aborted spawn reports the abort here; the exit below says what failed.
  child.once('error', () => undefined);
  closeSync(out);
  const killer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
  const ready = (async (): Promise<void> => {
    const deadline = Date.now() + LIMIT_MS;
    while (statSync(outPath).size < 'ready\n'.length) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`mosquitto_sub on ${topic} never received the retained "ready"`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const exited = new Promise<number>((resolve, reject) =>
    child.once('exit', (code) => {
      clearTimeout(killer);
      if (code === 0 || lossy) resolve(performance.now());
      else reject(new Error(`mosquitto_sub on ${topic} did not receive ${count} messages within ${LIMIT_MS} ms`));
    }),
  );
  exited.catch(() => undefined);
  const complete = async (fullSize: number): Promise<Counted> => {
    let size = statSync(outPath).size;
    let changed = performance.now();
    const deadline = Date.now() + LIMIT_MS;
    while (size < fullSize && performance.now() - changed < QUIET_MS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const now = statSync(outPath).size;
      if (now !== size) [size, changed] = [now, performance.now()];
    }
    child.kill('SIGKILL');
    await exited;
    const text = readFileSync(outPath, 'latin1');
    let lines = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
    return { end: changed, delivered: lines - 1 };
  };
  return {
    ready,
    done: async (fullSize) => {
      try {
        return lossy ? await complete(fullSize) : { end: await exited, delivered: count };
      } finally {
        rmSync(outPath, { force: true });
      }
    },
  };
}
let counterFiles = 0;

/**
 * Delivered msgs/s: `subscribers` counters, `publishers` mosquitto_pub -l sharing `messages` lines
 * of `padding` more bytes. `lossy`: what arrived counts, for scenarios where a broker may drop.
 */
async function messageRate(
  broker: RunningBroker,
  topic: string,
  messages: number,
  subscribers: number,
  qos: number,
  publishers = 1,
  padding = 0,
  lossy = false,
): Promise<number> {
  const port = broker.port;
  // One failure stops every client of the run: none is left running when the bench ends.
  const abort = new AbortController();
  // Every counter and publisher listens to the one signal: more than Node's warning threshold of ten.
  setMaxListeners(subscribers + publishers, abort.signal);
  try {
    const counters = Array.from({ length: subscribers }, () => counter(port, topic, messages, qos, broker.dir, abort.signal, lossy));
    // What fails after the first failure is the abort's doing: it has nothing more to say.
    for (const c of counters) c.ready.catch(() => undefined);
    await Promise.all(counters.map((c) => c.ready));
    const each = messages / publishers;
    const pad = ' '.repeat(padding);
    const lines = Buffer.from(Array.from({ length: each }, (_, i) => `message ${i + 1}${pad}`).join('\n') + '\n');
    const start = performance.now();
    // Not spawnSync: the publishers run side by side while the counters take what comes.
    await Promise.all(
      Array.from({ length: publishers }, () =>
        runProcess('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-q', String(qos), '-l'], lines, LIMIT_MS, abort.signal),
      ),
    );
    const counted = await Promise.all(counters.map((c) => c.done('ready\n'.length + lines.length * publishers)));
    const delivered = counted.reduce((sum, c) => sum + c.delivered, 0);
    const lost = messages * subscribers - delivered;
    if (lost > 0) console.log(`${''.padEnd(40)} ${topic}: ${lost} of ${messages * subscribers} messages dropped for subscribers that fell behind`);
    return delivered / ((Math.max(...counted.map((c) => c.end)) - start) / 1000);
  } catch (err) {
    abort.abort();
    throw err;
  }
}

const CONNECT_V311 = (id: string): Buffer => {
  const body = Buffer.concat([Buffer.from([0, 4]), Buffer.from('MQTT'), Buffer.from([4, 2, 0, 60, 0, id.length]), Buffer.from(id)]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
};
const DISCONNECT = Buffer.from([0xe0, 0]);

/** Opens one connection and resolves with the socket once CONNACK is in. */
function handshake(port: number, id: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('error', reject);
    socket.once('connect', () => socket.write(CONNECT_V311(id)));
    socket.once('data', () => resolve(socket));
  });
}

/** CONNECT, CONNACK, DISCONNECT, `CONNECTIONS` times, 100 handshakes in flight; resolves with the seconds taken. */
async function connectionRound(port: number, tag: string): Promise<number> {
  let next = 0;
  const start = performance.now();
  const lane = async (): Promise<void> => {
    while (next < CONNECTIONS) {
      const socket = await handshake(port, `${tag}-${next++}`);
      socket.end(DISCONNECT);
    }
  };
  await Promise.all(Array.from({ length: 100 }, lane));
  return (performance.now() - start) / 1000;
}

/** Connections/s of a broker just started: what a CI job that starts one sees. */
async function coldConnectionRate(port: number, round: number): Promise<number> {
  return CONNECTIONS / (await connectionRound(port, `c${round}`));
}

/**
 * Connections/s once the broker has taken `CONNECTIONS` unmeasured ones: what a broker that has
 * been running sees. A JIT-compiled broker runs its first connections in the interpreter; C does not.
 */
async function warmConnectionRate(port: number, round: number): Promise<number> {
  await connectionRound(port, `w${round}`);
  return CONNECTIONS / (await connectionRound(port, `c${round}`));
}

/** The broker's CPU time (user + system), ms, from /proc: clock ticks of USER_HZ, 100 on Linux. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Broker CPU µs per connection, after a warm-up round: unlike the rate, it does not depend on
 * how fast the load client is.
 */
async function cpuPerConnection(broker: RunningBroker, round: number): Promise<number> {
  await connectionRound(broker.port, `w${round}`);
  const before = cpuMs(broker.pid);
  await connectionRound(broker.port, `c${round}`);
  await connectionRound(broker.port, `d${round}`);
  return ((cpuMs(broker.pid) - before) * 1000) / (2 * CONNECTIONS);
}

function rssKiB(pid: number): number {
  const line = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(line?.[1] ?? 0);
}

/**
 * Broker memory per idle connection, KiB: RSS growth over IDLE_CONNECTIONS open connections.
 * `warmUp`: after a round of short connections first. A fresh Node process pays once, while its
 * first connections come in, for what they make V8 do: grow its young generation, compile and
 * optimize the connection path, the more so the more code that path runs (with node --no-opt
 * --max-semi-space-size=8 for both, mqt's cold figure went from 1.30x the bare server's to 1.20x).
 * Without a warm-up that is counted as the connections'; with one, what is left is what each costs.
 */
async function idleMemory(broker: RunningBroker, round: number, warmUp: boolean): Promise<number> {
  if (warmUp) await connectionRound(broker.port, `w${round}`);
  const before = rssKiB(broker.pid);
  const sockets: Socket[] = [];
  for (let i = 0; i < IDLE_CONNECTIONS; i += 50) {
    sockets.push(...(await Promise.all(Array.from({ length: 50 }, (_, j) => handshake(broker.port, `idle-${i + j}`)))));
  }
  await new Promise((r) => setTimeout(r, 500));
  const after = rssKiB(broker.pid);
  for (const socket of sockets) socket.destroy();
  return (after - before) / IDLE_CONNECTIONS;
}

/** The stalled-subscriber scenario's messages: 20 MB, more than loopback's socket buffers hold. */
const STALL_MESSAGES = 20_000;
const STALL_PADDING = 1000;
/** Its queue limits, the same for every broker: memory is to stay under the bytes plus a margin. */
const STALL_QUEUED_BYTES = 4_000_000;
const STALL_CONF = `max_queued_messages 1000\nmax_queued_bytes ${STALL_QUEUED_BYTES}\n`;

/** A subscriber to `topic` that never reads: CONNECT, SUBSCRIBE, SUBACK, then its socket is paused. */
async function stalledSubscriber(port: number, topic: string): Promise<Socket> {
  const socket = await handshake(port, 'stalled');
  const filter = Buffer.from(topic);
  const body = Buffer.concat([Buffer.from([0, 1, filter.length >> 8, filter.length & 0xff]), filter, Buffer.from([0])]);
  socket.write(Buffer.concat([Buffer.from([0x82, body.length]), body]));
  await new Promise((resolve) => socket.once('data', resolve));
  socket.pause();
  return socket;
}

/**
 * Nine healthy subscribers' delivered rate with a tenth that never reads, over their rate without
 * it, on the same broker: a stalled subscriber should cost only itself (≥ 0.9).
 */
async function stalledRatio(broker: RunningBroker, round: number): Promise<number> {
  const without = await messageRate(broker, `b/stall0/${round}`, STALL_MESSAGES, 9, 0, 1, STALL_PADDING, true);
  const stalled = await stalledSubscriber(broker.port, `b/stall1/${round}`);
  try {
    return (await messageRate(broker, `b/stall1/${round}`, STALL_MESSAGES, 9, 0, 1, STALL_PADDING, true)) / without;
  } finally {
    stalled.destroy();
  }
}

/**
 * The broker's RSS growth, MiB, while a subscriber that never reads is sent 20 MB among nine that
 * do, after the same run without it: what the stalled one costs, not the heap a first run grows.
 */
async function stalledMemory(broker: RunningBroker, round: number): Promise<number> {
  await messageRate(broker, `b/stallw/${round}`, STALL_MESSAGES, 9, 0, 1, STALL_PADDING, true);
  const before = rssKiB(broker.pid);
  const stalled = await stalledSubscriber(broker.port, `b/stallm/${round}`);
  try {
    await messageRate(broker, `b/stallm/${round}`, STALL_MESSAGES, 9, 0, 1, STALL_PADDING, true);
    return (rssKiB(broker.pid) - before) / 1024;
  } finally {
    stalled.destroy();
  }
}

interface Scenario {
  name: string;
  unit: string;
  higherIsBetter: boolean;
  /** Lines added to every broker's mosquitto.conf for this scenario (default: max_queued_messages 0). */
  conf?: string;
  /** Needs no more than CONNECT and CONNACK, so the bare Node server can run it too. */
  bare?: boolean;
  run(broker: RunningBroker, round: number): Promise<number>;
}

const SCENARIOS: Scenario[] = [
  { name: 'QoS 0, 1 -> 1 (delivered msgs/s)', unit: '/s', higherIsBetter: true, run: (b, r) => messageRate(b, `b/q0/${r}`, QOS0_MESSAGES, 1, 0) },
  {
    name: `fan-out 1 -> ${FANOUT_SUBSCRIBERS} (delivered msgs/s)`,
    unit: '/s',
    higherIsBetter: true,
    run: (b, r) => messageRate(b, `b/fan/${r}`, FANOUT_MESSAGES, FANOUT_SUBSCRIBERS, 0),
  },
  { name: 'QoS 1, 1 -> 1, lossless (msgs/s)', unit: '/s', higherIsBetter: true, run: (b, r) => messageRate(b, `b/q1/${r}`, QOS1_MESSAGES, 1, 1) },
  {
    name: `QoS 1, fan-in ${FANIN_PUBLISHERS} -> 1 (msgs/s)`,
    unit: '/s',
    higherIsBetter: true,
    run: (b, r) => messageRate(b, `b/in/${r}`, QOS1_MESSAGES, 1, 1, FANIN_PUBLISHERS),
  },
  { name: 'connections/s, broker just started', unit: '/s', higherIsBetter: true, bare: true, run: (b, r) => coldConnectionRate(b.port, r) },
  { name: 'connections/s, broker warmed up', unit: '/s', higherIsBetter: true, bare: true, run: (b, r) => warmConnectionRate(b.port, r) },
  { name: 'broker CPU per connection (µs)', unit: 'µs', higherIsBetter: false, bare: true, run: (b, r) => cpuPerConnection(b, r) },
  { name: 'memory per idle connection (KiB)', unit: 'KiB', higherIsBetter: false, bare: true, run: (b, r) => idleMemory(b, r, false) },
  { name: 'memory per idle connection, warmed up (KiB)', unit: 'KiB', higherIsBetter: false, bare: true, run: (b, r) => idleMemory(b, r, true) },
  { name: 'one stalled subscriber among ten: healthy rate ÷ without it', unit: '×', higherIsBetter: true, conf: STALL_CONF, run: stalledRatio },
  {
    name: `one stalled subscriber among ten: RSS growth (MiB; queue ${STALL_QUEUED_BYTES / 1e6} MB)`,
    unit: 'MiB',
    higherIsBetter: false,
    conf: STALL_CONF,
    run: stalledMemory,
  },
];

export async function runBrokerBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mqt-bench-broker-'));
  // BENCH_BROKERS=mosquitto,aedes narrows the set, e.g. to calibrate the machine.
  const brokers = (process.env.BENCH_BROKERS ?? 'mqt,mosquitto,aedes').split(',') as BrokerName[];
  const results = new Map<string, number[]>();
  try {
    console.log(`\nbrokers (mqt serve, mosquitto, aedes), same clients, median of ${ROUNDS} rounds:`);
    // BENCH_SCENARIOS=conn,memory runs only the scenarios whose name contains one of the words.
    const only = process.env.BENCH_SCENARIOS?.split(',');
    for (const scenario of SCENARIOS.filter((s) => only === undefined || only.some((word) => s.name.includes(word)))) {
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? brokers : [...brokers].reverse();
        for (const name of order) {
          if (name === 'bare' && scenario.bare !== true) continue;
          const broker = await startBroker(name, dir, scenario.conf);
          try {
            const value = await scenario.run(broker, round).catch((err: unknown) => {
              const failure = `${name}, ${scenario.name}: ${err instanceof Error ? err.message : String(err)}`;
              // mqt failing a scenario is a fault to fix; another broker failing one is a result.
              if (name === 'mqt') throw new Error(failure);
              console.log(`${''.padEnd(40)} failed: ${failure}`);
              return undefined;
            });
            if (value === undefined) continue;
            const key = `${scenario.name}/${name}`;
            results.set(key, [...(results.get(key) ?? []), value]);
          } finally {
            await broker.stop();
          }
        }
      }
      const value = (name: BrokerName): number => median(results.get(`${scenario.name}/${name}`) ?? [NaN]);
      const [mqt, mosquitto, aedes] = [value('mqt'), value('mosquitto'), value('aedes')];
      console.log(
        `${scenario.name.padEnd(40)} mqt ${mqt.toFixed(1).padStart(9)}  mosquitto ${mosquitto.toFixed(1).padStart(9)}  ` +
          `aedes ${aedes.toFixed(1).padStart(9)} ${scenario.unit}   ratio to mosquitto ${(mqt / mosquitto).toFixed(2)}, ` +
          `to aedes ${(mqt / aedes).toFixed(2)} (${scenario.higherIsBetter ? 'higher' : 'lower'} is better)`,
      );
      // The rounds' spread: on a shared machine one median can hide a range wider than the ratio.
      const spread = brokers.filter((name) => results.has(`${scenario.name}/${name}`)).map((name) => {
        const values = results.get(`${scenario.name}/${name}`) ?? [];
        return `${name} ${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)}`;
      });
      if (brokers.includes('bare') && scenario.bare === true) console.log(`${''.padEnd(40)} bare Node server ${value('bare').toFixed(1)} ${scenario.unit}, ratio of mqt to it ${(mqt / value('bare')).toFixed(2)}`);
      console.log(`${''.padEnd(40)} rounds: ${spread.join(', ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
