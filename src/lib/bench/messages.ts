import type { HistogramSnapshot } from './histogram.js';
import type { BenchSettings, ConnectionPlan } from './plan.js';
import type { SequenceCounts } from './sequence.js';

/** What a worker is given at start (its workerData). */
export interface WorkerJob {
  settings: BenchSettings;
  connections: ConnectionPlan[];
  /** The run tag in every payload header. */
  tag: number;
  /** This worker's share of --rate and --ramp. */
  rate: number | undefined;
  ramp: number | undefined;
}

/** Running totals of one worker since it started. */
export interface Counters {
  sent: number;
  /** QoS 0: handed to the socket; QoS 1/2: acknowledged by the broker. */
  acked: number;
  received: number;
  /** Received messages that carry this run's header (the rest are foreign). */
  ours: number;
  bytesSent: number;
  bytesReceived: number;
  inflight: number;
  errors: number;
  /** Share of the time the worker's event loop was busy since the previous tick, 0-1. */
  busy: number;
}

export interface WorkerFinal {
  counters: Counters;
  /** Event loop busy share over the whole load phase, 0-1. */
  busy: number;
  connected: number;
  failed: number;
  connectMicros: HistogramSnapshot;
  latencyMicros: HistogramSnapshot;
  sequence: SequenceCounts;
  /** Messages still missing in the sequences seen (skipped over and never arrived). */
  missing: number;
  /** Messages without a header of this run. */
  foreign: number;
  /** Messages each publisher got through (QoS 0: sent; QoS 1/2: acknowledged), by index. */
  perPublisher: [index: number, messages: number][];
  /** Messages received per subscriber, in the order of the worker's subscribers. */
  receivedPerSubscriber: number[];
  /** Monotonic ms when the broker had taken the last message sent, and of the last one received (0: none). */
  lastSentAt: number;
  lastReceivedAt: number;
  /** Error texts, the first few of each kind, with how often each happened. */
  errors: [text: string, count: number][];
}

/** Main thread → worker. */
export type ToWorker = { type: 'publish' } | { type: 'stop' };

/** Worker → main thread. */
export type FromWorker =
  /** Every connection is up or failed; when the first handshake began and the last ended (monotonic ms). */
  | { type: 'connected'; ok: number; failed: number; from: number; to: number }
  | { type: 'tick'; counters: Counters }
  /** Every publisher of the worker is done; how many messages each got through, by index. */
  | { type: 'published'; perPublisher: [index: number, messages: number][] }
  /** Every subscriber of the worker got its -n messages (bench sub). */
  | { type: 'satisfied' }
  | { type: 'final'; final: WorkerFinal };
