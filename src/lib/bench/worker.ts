import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { openConnections, type OpenConnection } from './connector.js';
import type { FromWorker, ToWorker, WorkerFinal, WorkerJob } from './messages.js';
import { monotonicClock } from './payload.js';
import { PublishLoop } from './publisher.js';
import { Receiver } from './receiver.js';
import { reviveBuffers } from './revive.js';
import { WorkerStats } from './stats.js';

/** How often a worker reports its counters to the main thread. */
export const TICK_MS = 250;
/** After the load, how long disconnecting may take before the worker reports anyway. */
const CLOSE_TIMEOUT_MS = 3000;

/** The side of a MessagePort a worker talks through (parentPort, or a channel in tests). */
export interface WorkerPort {
  postMessage(message: FromWorker): void;
  on(event: 'message', listener: (message: ToWorker) => void): unknown;
  close(): void;
}

/**
 * One worker's part of a run: open its connections, report, publish when told, count what
 * arrives, and on 'stop' disconnect and send the final report. Everything it does ends by count
 * or by time; the main thread decides when the run is over.
 */
export async function runWorker(port: WorkerPort, clonedJob: WorkerJob, describeError: (err: unknown) => string): Promise<void> {
  const job = reviveBuffers(clonedJob);
  const clock = monotonicClock();
  const stats = new WorkerStats(describeError);
  let stopping = false;
  const receiver = new Receiver(stats, clock, job.settings.scenario === 'sub' ? undefined : job.tag, subscriberWants(job), () =>
    port.postMessage({ type: 'satisfied' }),
  );
  const prepare = (connection: OpenConnection): void => {
    connection.client.on('close', (err) => {
      if (err !== undefined && !stopping) stats.error(err);
    });
    if (connection.plan.role === 'sub') receiver.attach(connection);
  };

  let inflight = (): number => 0;
  let lastElu: EventLoopUtilization = performance.eventLoopUtilization();
  const firstElu = lastElu;
  const tick = setInterval(() => {
    stats.counters.inflight = inflight();
    const elu = performance.eventLoopUtilization();
    stats.counters.busy = performance.eventLoopUtilization(elu, lastElu).utilization;
    lastElu = elu;
    port.postMessage({ type: 'tick', counters: stats.counters });
  }, TICK_MS);

  // The main thread says 'publish' once every worker is connected, and 'stop' when the run is
  // over; 'stop' may also come while connecting (Ctrl-C during a long --ramp).
  let stopRequested = false;
  let publishRequested: () => void = () => undefined;
  const publishSignal = new Promise<void>((resolve) => (publishRequested = resolve));
  const stopSignal = new Promise<void>((resolve) => {
    port.on('message', (message) => {
      if (message.type === 'publish') {
        publishRequested();
        return;
      }
      stopRequested = true;
      resolve();
    });
  });

  const connectFrom = clock();
  const connections = await openConnections(job, stats, clock, prepare, () => stopRequested);
  port.postMessage({ type: 'connected', ok: stats.connected, failed: stats.failed, from: connectFrom, to: clock() });
  const publishers = connections.filter((c) => c.plan.role === 'pub');
  await Promise.race([publishSignal, stopSignal]);
  const loop = stopRequested ? undefined : new PublishLoop(job, stats, clock, publishers);
  const publishing = loop?.run().then((perPublisher) => port.postMessage({ type: 'published', perPublisher }));
  inflight = () => loop?.inflight ?? 0;
  await stopSignal;
  loop?.stop();
  await publishing;
  stopping = true;
  clearInterval(tick);
  await closeAll(connections);
  const perPublisher = loop?.perPublisher ?? publishers.map(({ plan }): [number, number] => [plan.index, 0]);
  const busy = performance.eventLoopUtilization(performance.eventLoopUtilization(), firstElu).utilization;
  port.postMessage({ type: 'final', final: finalReport(stats, receiver, perPublisher, busy) });
  port.close();
}

function finalReport(stats: WorkerStats, receiver: Receiver, perPublisher: [number, number][], busy: number): WorkerFinal {
  return {
    counters: { ...stats.counters, inflight: 0 },
    busy,
    connected: stats.connected,
    failed: stats.failed,
    connectMicros: stats.connect.snapshot(),
    latencyMicros: stats.latency.snapshot(),
    sequence: receiver.sequence,
    missing: receiver.missing,
    foreign: stats.foreign,
    perPublisher,
    receivedPerSubscriber: receiver.receivedPerSubscriber,
    lastSentAt: stats.lastSentAt,
    lastReceivedAt: stats.lastReceivedAt,
    errors: stats.errors,
  };
}

function subscriberWants(job: WorkerJob): number | undefined {
  return job.settings.scenario === 'sub' ? job.settings.messages : undefined;
}

async function closeAll(connections: readonly OpenConnection[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)));
  await Promise.race([Promise.all(connections.map(({ client }) => client.disconnect())), timeout]);
  clearTimeout(timer);
  for (const { client } of connections) client.destroy();
}
