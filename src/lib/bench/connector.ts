import { MqttClient } from '../client/client.js';
import { connectClient } from '../client/connect.js';
import { ErrorCode, MqttError } from '../errors.js';
import { reasonText } from '../protocol/reason-codes.js';
import type { WorkerJob } from './messages.js';
import type { ConnectionPlan } from './plan.js';
import type { WorkerStats } from './stats.js';

/** Handshakes a worker keeps in flight at once when --ramp does not pace them. */
const MAX_HANDSHAKES = 64;

export interface OpenConnection {
  plan: ConnectionPlan;
  client: MqttClient;
}

/**
 * Opens the worker's connections, paced by its share of --ramp or else `MAX_HANDSHAKES` at a
 * time, and subscribes the subscribers, until all are open or `stopRequested()` says to quit. `prepare` runs on each client before CONNECT, so no
 * message can arrive before its handler is there. Failures are counted, not thrown: a load test
 * goes on with the connections it got, and reports the rest.
 */
export async function openConnections(
  job: WorkerJob,
  stats: WorkerStats,
  clock: () => number,
  prepare: (connection: OpenConnection) => void,
  stopRequested: () => boolean,
): Promise<OpenConnection[]> {
  const opened: OpenConnection[] = [];
  const queue = [...job.connections];
  const spacingMs = job.ramp === undefined ? 0 : 1000 / job.ramp;
  const start = clock();
  let started = 0;
  const next = async (): Promise<void> => {
    for (let plan = queue.shift(); plan !== undefined && !stopRequested(); plan = queue.shift()) {
      if (spacingMs > 0) {
        const due = start + started * spacingMs;
        started += 1;
        // In short naps, so a stop is noticed even when --ramp is slow.
        for (let wait = due - clock(); wait > 0 && !stopRequested(); wait = due - clock()) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 100)));
        }
        if (stopRequested()) return;
      }
      const connection = await openOne(job, plan, stats, clock, prepare);
      if (connection !== undefined) opened.push(connection);
    }
  };
  await Promise.all(Array.from({ length: Math.min(queue.length, MAX_HANDSHAKES) }, next));
  return opened;
}

async function openOne(
  job: WorkerJob,
  plan: ConnectionPlan,
  stats: WorkerStats,
  clock: () => number,
  prepare: (connection: OpenConnection) => void,
): Promise<OpenConnection | undefined> {
  const { settings } = job;
  const client = new MqttClient({ ...settings.client, clientId: plan.clientId });
  const connection = { plan, client };
  prepare(connection);
  const begun = clock();
  try {
    await connectClient(client, settings.target);
    stats.connect.record((clock() - begun) * 1000);
    if (plan.role === 'sub') {
      const suback = await client.subscribe([{ topicFilter: plan.topic, qos: settings.qos }], settings.properties.subscribe);
      const code = suback.reasonCodes[0] ?? 0x80;
      if (code >= 0x80) {
        throw new MqttError(ErrorCode.SubscribeRefused, `Subscription to '${plan.topic}' refused: ${reasonText(code)}.`, { reasonCode: code });
      }
    }
    stats.connected += 1;
    return connection;
  } catch (err) {
    stats.failed += 1;
    stats.error(err);
    client.destroy();
    return undefined;
  }
}
