import { randomInt } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { CpuMeter } from './cpu.js';
import type { Counters, FromWorker, ToWorker, WorkerFinal, WorkerJob } from './messages.js';
import { monotonicClock } from './payload.js';
import { assignToWorkers, planConnections, receiversPerPublisher, type BenchSettings } from './plan.js';
import { expectedDeliveries, summarize, type BenchResult } from './result.js';

/** After the publishers finish, how long the subscribers may go without a new message. */
const SETTLE_IDLE_MS = 2000;
/** ...and how long the subscribers may take in all to catch up. */
const SETTLE_MAX_MS = 15_000;
/** Publishers stop at the deadline, then get this long for their last acks. */
const PUBLISH_GRACE_MS = 15_000;
/** How long workers get to disconnect and report before they are terminated. */
const FINAL_TIMEOUT_MS = 10_000;
const PROGRESS_MS = 1000;

/** A worker as the runner sees it: worker_threads in the command, an in-process channel in tests. */
export interface WorkerHandle {
  post(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  /** Called once when the worker is gone; with an error when it crashed. */
  onExit(listener: (error: Error | undefined) => void): void;
  terminate(): void;
}

export type SpawnWorker = (job: WorkerJob) => WorkerHandle;

/** One line of the once-a-second report: rates over the last interval. */
export interface Progress {
  elapsedS: number;
  phase: 'connecting' | 'load' | 'settling' | 'closing';
  sentPerS: number;
  ackedPerS: number;
  receivedPerS: number;
  inflight: number;
  errors: number;
  cpuPercent: number;
}

export interface RunHooks {
  onProgress?: (progress: Progress) => void;
  /** Aborting ends the run early, with a summary of what happened so far. */
  signal?: AbortSignal;
}

class WorkerState {
  counters: Counters | undefined;
  connected: { from: number; to: number } | undefined;
  published: [number, number][] | undefined;
  satisfied = false;
  final: WorkerFinal | undefined;
  gone = false;
  constructor(readonly handle: WorkerHandle) {}
}

/**
 * Runs a bench: plans the connections, starts the workers, steps them through connect → load →
 * settle → stop, reports progress every second and returns the summary. Every wait has a bound,
 * so a silent broker or a stuck worker ends the run rather than hanging it.
 */
export async function runBench(settings: BenchSettings, spawn: SpawnWorker, hooks: RunHooks = {}): Promise<BenchResult> {
  const clock = monotonicClock();
  const plans = planConnections(settings);
  const shares = assignToWorkers(plans, settings.workers);
  const tag = randomInt(0, 0x10000);
  const cores = Math.max(1, Math.min(shares.length, availableParallelism()));
  const extraErrors: string[] = [];
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  const aborted = (): boolean => hooks.signal?.aborted === true;
  hooks.signal?.addEventListener('abort', notify);

  /** Resolves once `done()` holds, the run is aborted (if `abortable`), or `timeoutMs` passes. */
  const until = (done: () => boolean, timeoutMs = Infinity, abortable = true): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!done() && !(abortable && aborted())) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            waiters.delete(check);
            resolve();
          }, timeoutMs)
        : undefined;
      waiters.add(check);
      check();
    });

  const states = shares.map((share, i) => {
    const publishers = share.filter((p) => p.role === 'pub').length;
    const job: WorkerJob = {
      settings,
      connections: share,
      tag,
      rate: settings.rate === undefined ? undefined : (settings.rate * publishers) / Math.max(1, settings.publishers),
      ramp: settings.ramp === undefined ? undefined : (settings.ramp * share.length) / plans.length,
    };
    const state = new WorkerState(spawn(job));
    state.handle.onMessage((message) => {
      if (message.type === 'tick') state.counters = message.counters;
      else if (message.type === 'connected') state.connected = { from: message.from, to: message.to };
      else if (message.type === 'published') state.published = message.perPublisher;
      else if (message.type === 'satisfied') state.satisfied = true;
      else state.final = message.final;
      notify();
    });
    state.handle.onExit((error) => {
      state.gone = true;
      if (state.final === undefined) extraErrors.push(`worker ${i + 1} stopped: ${error?.message ?? 'no report'}`);
      notify();
    });
    return state;
  });
  const live = (): WorkerState[] => states.filter((s) => !s.gone);
  const every = (test: (s: WorkerState) => boolean): boolean => states.every((s) => s.gone || test(s));

  const started = clock();
  let phase: Progress['phase'] = 'connecting';
  const progress = startProgress(states, cores, () => ({ elapsedS: (clock() - started) / 1000, phase }), hooks.onProgress);
  // bench conn measures the connection phase; the others, the load after it.
  let loadCpu = new CpuMeter(cores);
  try {
    // Aborted, the workers stop starting connections at the 'stop' below, and report.
    await until(() => every((s) => s.connected !== undefined));
    const loadStart = clock();
    if (settings.scenario !== 'conn') loadCpu = new CpuMeter(cores);
    if (settings.scenario !== 'conn' && !aborted()) {
      phase = 'load';
      for (const s of live()) s.handle.post({ type: 'publish' });
      if (settings.scenario === 'sub') await until(() => every((s) => s.satisfied), settings.durationMs);
      else await until(() => every((s) => s.published !== undefined), settings.durationMs + PUBLISH_GRACE_MS);
    }
    const loadEnd = clock();
    const receivers = receiversPerPublisher(plans);
    if (settings.scenario === 'pubsub' && !aborted()) {
      phase = 'settling';
      await settle(states, expectedDeliveries(states.flatMap((s) => s.published ?? []), receivers), until);
    }
    const cpu = loadCpu.sample();
    phase = 'closing';
    for (const s of live()) s.handle.post({ type: 'stop' });
    // Even an interrupted run waits for the workers' reports: they are its summary.
    await until(() => every((s) => s.final !== undefined), FINAL_TIMEOUT_MS, false);
    const finals = states.flatMap((s) => (s.final === undefined ? [] : [s.final]));
    states.forEach((s, i) => {
      if (s.final === undefined && !s.gone) extraErrors.push(`worker ${i + 1} sent no report in time`);
    });
    return summarize(settings, finals, {
      connectSeconds: connectionPhaseSeconds(states),
      loadStart,
      loadEnd: settings.scenario === 'conn' ? loadStart : loadEnd,
      cpu: { ...cpu, cores },
      receivers,
      extraErrors,
    });
  } finally {
    clearInterval(progress);
    hooks.signal?.removeEventListener('abort', notify);
    for (const s of live()) s.handle.terminate();
  }
}

/** From the first handshake begun to the last one finished, over all workers. */
function connectionPhaseSeconds(states: readonly WorkerState[]): number {
  const phases = states.flatMap((s) => (s.connected === undefined ? [] : [s.connected]));
  if (phases.length === 0) return 0;
  return (Math.max(...phases.map((p) => p.to)) - Math.min(...phases.map((p) => p.from))) / 1000;
}

/** Waits for the subscribers to get what was acknowledged, or to fall silent. */
async function settle(states: readonly WorkerState[], expected: number, until: (done: () => boolean, timeoutMs?: number) => Promise<void>): Promise<void> {
  const received = (): number => states.reduce((sum, s) => sum + (s.counters?.ours ?? 0), 0);
  const deadline = Date.now() + SETTLE_MAX_MS;
  let last = received();
  while (last < expected && Date.now() < deadline) {
    await until(() => received() >= expected, Math.min(SETTLE_IDLE_MS, deadline - Date.now()));
    const now = received();
    if (now === last) return;
    last = now;
  }
}

function startProgress(
  states: readonly WorkerState[],
  cores: number,
  now: () => { elapsedS: number; phase: Progress['phase'] },
  onProgress: ((progress: Progress) => void) | undefined,
): NodeJS.Timeout | undefined {
  if (onProgress === undefined) return undefined;
  const meter = new CpuMeter(cores);
  let previous = { sent: 0, acked: 0, received: 0 };
  let previousAt = Date.now();
  return setInterval(() => {
    const totals = { sent: 0, acked: 0, received: 0, inflight: 0, errors: 0 };
    for (const { counters } of states) {
      if (counters === undefined) continue;
      totals.sent += counters.sent;
      totals.acked += counters.acked;
      totals.received += counters.received;
      totals.inflight += counters.inflight;
      totals.errors += counters.errors;
    }
    const at = Date.now();
    const seconds = Math.max(0.001, (at - previousAt) / 1000);
    const rate = (key: 'sent' | 'acked' | 'received'): number => Math.round((totals[key] - previous[key]) / seconds);
    onProgress({
      ...now(),
      sentPerS: rate('sent'),
      ackedPerS: rate('acked'),
      receivedPerS: rate('received'),
      inflight: totals.inflight,
      errors: totals.errors,
      cpuPercent: Math.round(meter.sample().share * 1000) / 10,
    });
    previous = totals;
    previousAt = at;
  }, PROGRESS_MS);
}
