import { BOTTLENECK_SHARE } from './cpu.js';
import { Histogram, type Percentiles } from './histogram.js';
import type { WorkerFinal } from './messages.js';
import type { BenchSettings, Scenario } from './plan.js';

/**
 * The summary of a run; `mqt bench --json` prints exactly this object (man mqt-bench documents
 * every key). Times are in ms, rates per second, sizes in MB of 10^6 bytes; null means "does not
 * apply to this scenario".
 */
export interface BenchResult {
  scenario: Scenario;
  /** False when a QoS 1/2 message was lost or any error happened; `reason` says which, in one line. */
  ok: boolean;
  reason: string | null;
  settings: {
    publishers: number;
    subscribers: number;
    connections: number;
    workers: number;
    qos: number;
    payload_bytes: number;
    messages_per_connection: number | null;
    duration_limit_s: number;
    rate_limit: number | null;
    inflight: number;
    topic: string;
    sub_topic: string | null;
  };
  /** From the first PUBLISH (or, for sub, the subscriptions) to the end of the load. */
  elapsed_s: number;
  connections: {
    ok: number;
    failed: number;
    per_s: number;
    connect_ms: LatencyMs | null;
  };
  messages: {
    sent: number;
    acked: number;
    /** QoS 1/2 messages sent and never acknowledged. */
    unacked: number;
    received: number;
    /** pubsub: acknowledged messages times the subscriptions matching their topic. */
    expected: number | null;
    /** pubsub: expected minus received once; sub: sequence numbers skipped that never arrived. */
    lost: number | null;
    duplicates: number;
    out_of_order: number;
    gaps: number;
    /** Messages without this run's header (other publishers on the same topics). */
    foreign: number;
    /** The fewest messages one subscriber received: the one that fell furthest behind. */
    slowest_subscriber: number | null;
  };
  throughput: {
    sent_per_s: number;
    received_per_s: number;
    sent_mb_per_s: number;
    received_mb_per_s: number;
  };
  latency_ms: LatencyMs | null;
  cpu: {
    /** The generator process, as a percentage of the cores its workers can use. */
    percent: number;
    cores: number;
    /** Mean share of time the workers' event loops were busy. */
    workers_busy_percent: number;
    machine_busy_percent: number | null;
    steal_percent: number | null;
    /** True when the generator, not the broker, was the limit (>= 90 % of its cores). */
    generator_bound: boolean;
  };
  errors: { count: number; messages: { text: string; count: number }[] };
}

export type LatencyMs = { count: number; min: number; mean: number; p50: number; p90: number; p99: number; p999: number; max: number };

/** What the main thread measured itself, beside the workers' reports. */
export interface RunTimes {
  /** Seconds the connection phase took. */
  connectSeconds: number;
  /** Monotonic ms when publishing (or listening) began, and when the load phase ended. */
  loadStart: number;
  loadEnd: number;
  cpu: { share: number; cores: number; steal: number | undefined; machineBusy: number | undefined };
  /** How many subscriptions match each publisher's topic, by publisher index. */
  receivers: Map<number, number>;
  /** Errors the workers could not report themselves (a worker that died). */
  extraErrors: string[];
}

function toMs(p: Percentiles | undefined): LatencyMs | null {
  if (p === undefined) return null;
  const ms = (us: number): number => Math.round(us) / 1000;
  return { count: p.count, min: ms(p.min), mean: ms(p.mean), p50: ms(p.p50), p90: ms(p.p90), p99: ms(p.p99), p999: ms(p.p999), max: ms(p.max) };
}

function perSecond(count: number, seconds: number): number {
  return seconds > 0 ? Math.round(count / seconds) : 0;
}

/** Adds up the workers' final reports into the run's summary and decides whether it passed. */
export function summarize(settings: BenchSettings, finals: readonly WorkerFinal[], times: RunTimes): BenchResult {
  const latency = new Histogram();
  const connect = new Histogram();
  const sum = { sent: 0, acked: 0, received: 0, bytesSent: 0, bytesReceived: 0, connected: 0, failed: 0 };
  const seq = { unique: 0, duplicates: 0, outOfOrder: 0, gaps: 0, missing: 0, foreign: 0 };
  const errorCounts = new Map<string, number>();
  let slowest: number | null = null;
  let lastSent = 0;
  let lastReceived = 0;
  let busy = 0;
  for (const final of finals) {
    latency.add(final.latencyMicros);
    connect.add(final.connectMicros);
    sum.sent += final.counters.sent;
    sum.acked += final.counters.acked;
    sum.received += final.counters.received;
    sum.bytesSent += final.counters.bytesSent;
    sum.bytesReceived += final.counters.bytesReceived;
    sum.connected += final.connected;
    sum.failed += final.failed;
    seq.unique += final.sequence.unique;
    seq.duplicates += final.sequence.duplicates;
    seq.outOfOrder += final.sequence.outOfOrder;
    seq.gaps += final.sequence.gaps;
    seq.missing += final.missing;
    seq.foreign += final.foreign;
    lastSent = Math.max(lastSent, final.lastSentAt);
    lastReceived = Math.max(lastReceived, final.lastReceivedAt);
    busy += final.busy / finals.length;
    for (const count of final.receivedPerSubscriber) slowest = slowest === null ? count : Math.min(slowest, count);
    for (const [text, count] of final.errors) errorCounts.set(text, (errorCounts.get(text) ?? 0) + count);
  }
  for (const text of times.extraErrors) errorCounts.set(text, (errorCounts.get(text) ?? 0) + 1);
  const errorCount = [...errorCounts.values()].reduce((a, b) => a + b, 0);

  let expected: number | null = null;
  if (settings.scenario === 'pubsub') {
    expected = expectedDeliveries(finals.flatMap((f) => f.perPublisher), times.receivers);
  }
  const lost = expected !== null ? Math.max(0, expected - seq.unique) : settings.scenario === 'sub' ? seq.missing : null;
  const unacked = settings.qos > 0 ? sum.sent - sum.acked : 0;
  const elapsed = (times.loadEnd - times.loadStart) / 1000;
  const sendSeconds = lastSent > times.loadStart ? (lastSent - times.loadStart) / 1000 : elapsed;
  const receiveSeconds = lastReceived > times.loadStart ? (lastReceived - times.loadStart) / 1000 : elapsed;
  const reason = failureReason(settings, errorCount, errorCounts, lost, unacked, expected);
  return {
    scenario: settings.scenario,
    ok: reason === null,
    reason,
    settings: {
      publishers: settings.publishers,
      subscribers: settings.subscribers,
      connections: settings.plainConnections,
      workers: settings.workers,
      qos: settings.qos,
      payload_bytes: settings.payloadBytes,
      messages_per_connection: settings.messages ?? null,
      duration_limit_s: settings.durationMs / 1000,
      rate_limit: settings.rate ?? null,
      inflight: settings.client.maxInflight ?? 20,
      topic: settings.topic,
      sub_topic: settings.subscribers > 0 ? settings.subTopic : null,
    },
    elapsed_s: round3(elapsed),
    connections: {
      ok: sum.connected,
      failed: sum.failed,
      per_s: perSecond(sum.connected, times.connectSeconds),
      connect_ms: toMs(connect.percentiles()),
    },
    messages: {
      sent: sum.sent,
      acked: sum.acked,
      unacked,
      received: sum.received,
      expected,
      lost,
      duplicates: seq.duplicates,
      out_of_order: seq.outOfOrder,
      gaps: seq.gaps,
      foreign: seq.foreign,
      slowest_subscriber: slowest,
    },
    throughput: {
      sent_per_s: perSecond(sum.sent, sendSeconds),
      received_per_s: perSecond(sum.received, receiveSeconds),
      sent_mb_per_s: round3(sendSeconds > 0 ? sum.bytesSent / sendSeconds / 1e6 : 0),
      received_mb_per_s: round3(receiveSeconds > 0 ? sum.bytesReceived / receiveSeconds / 1e6 : 0),
    },
    latency_ms: toMs(latency.percentiles()),
    cpu: {
      percent: Math.round(times.cpu.share * 1000) / 10,
      cores: times.cpu.cores,
      workers_busy_percent: Math.round(busy * 1000) / 10,
      machine_busy_percent: times.cpu.machineBusy === undefined ? null : Math.round(times.cpu.machineBusy * 1000) / 10,
      steal_percent: times.cpu.steal === undefined ? null : Math.round(times.cpu.steal * 1000) / 10,
      generator_bound: times.cpu.share >= BOTTLENECK_SHARE || busy >= BOTTLENECK_SHARE,
    },
    errors: { count: errorCount, messages: [...errorCounts].map(([text, count]) => ({ text, count })) },
  };
}

/** Each publisher's acknowledged messages times the subscriptions matching its topic. */
export function expectedDeliveries(perPublisher: readonly [number, number][], receivers: ReadonlyMap<number, number>): number {
  let expected = 0;
  for (const [index, acked] of perPublisher) expected += acked * (receivers.get(index) ?? 0);
  return expected;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The one line that says why the run failed, or null when it passed. */
function failureReason(
  settings: BenchSettings,
  errorCount: number,
  errors: ReadonlyMap<string, number>,
  lost: number | null,
  unacked: number,
  expected: number | null,
): string | null {
  if (errorCount > 0) {
    const [first] = errors.keys();
    return `${errorCount} error${errorCount === 1 ? '' : 's'}, first: ${first ?? 'unknown'}`;
  }
  if (settings.qos > 0 && lost !== null && lost > 0) {
    const of = expected === null ? '' : ` of ${expected}`;
    return `${lost}${of} QoS ${settings.qos} messages were lost: acknowledged to the publisher, never delivered to a subscriber`;
  }
  if (unacked > 0) return `${unacked} QoS ${settings.qos} messages were never acknowledged by the broker`;
  return null;
}
