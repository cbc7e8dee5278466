import type { MqttClient, OutgoingMessage } from '../client/client.js';
import type { OpenConnection } from './connector.js';
import type { WorkerJob } from './messages.js';
import { writeHeader } from './payload.js';
import type { WorkerStats } from './stats.js';

/** Bytes one publisher hands its socket per event-loop turn: enough to batch, little enough to share the loop. */
const TURN_BYTES = 64 * 1024;
/** After the load, how long publishers may take to get their last QoS 1/2 acks. */
const DRAIN_TIMEOUT_MS = 10_000;

interface Publisher {
  index: number;
  client: MqttClient;
  message: OutgoingMessage;
  /** Next sequence number: also how many messages were sent. */
  seq: number;
  acked: number;
  waiting: boolean;
}

/**
 * The publishing side of one worker. Each publisher sends as fast as its socket and its QoS 1/2
 * window take messages (or as the worker's share of --rate allows), a batch per event-loop turn
 * so acks and other connections get their turn too; it stops at -n messages, at the deadline, or
 * when told to.
 */
export class PublishLoop {
  private readonly active: Publisher[];
  private readonly all: Publisher[];
  private readonly limit: number;
  private readonly batch: number;
  private startedAt = 0;
  private deadline = 0;
  private sent = 0;
  private turn = 0;
  private scheduled = false;
  private paceTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private finished: (() => void) | undefined;

  constructor(
    private readonly job: WorkerJob,
    private readonly stats: WorkerStats,
    private readonly clock: () => number,
    connections: readonly OpenConnection[],
  ) {
    const { settings } = job;
    this.limit = settings.messages ?? Infinity;
    this.all = connections.map(({ plan, client }) => ({
      index: plan.index,
      client,
      message: {
        topic: plan.topic,
        payload: Buffer.alloc(settings.payloadBytes),
        qos: settings.qos,
        retain: false,
        properties: settings.properties.publish,
      },
      seq: 0,
      acked: 0,
      waiting: false,
    }));
    this.active = [...this.all];
    this.batch = Math.max(1, Math.min(1000, Math.floor(TURN_BYTES / (settings.payloadBytes + 64))));
  }

  /** Runs the load; resolves with the messages each publisher got through once all are acked. */
  async run(): Promise<[number, number][]> {
    this.startedAt = this.clock();
    this.deadline = this.startedAt + this.job.settings.durationMs;
    const done = new Promise<void>((resolve) => (this.finished = resolve));
    const deadlineTimer = setTimeout(() => this.schedule(), this.job.settings.durationMs);
    this.schedule();
    await done;
    clearTimeout(deadlineTimer);
    clearTimeout(this.paceTimer);
    await this.drain();
    return this.perPublisher;
  }

  /** Messages each publisher got through so far (QoS 0: sent; QoS 1/2: acknowledged), by index. */
  get perPublisher(): [number, number][] {
    return this.all.map((p) => [p.index, p.acked]);
  }

  /** Stops sending at the next turn; run() then drains and resolves. */
  stop(): void {
    this.stopped = true;
    this.schedule();
  }

  /** Sent and not yet acknowledged, over all publishers. */
  get inflight(): number {
    let sum = 0;
    for (const p of this.all) sum += p.client.inflightCount;
    return sum;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.pump);
  }

  private readonly pump = (): void => {
    this.scheduled = false;
    const now = this.clock();
    if (this.stopped || now >= this.deadline) this.active.length = 0;
    let budget = this.budget(now);
    const count = this.active.length;
    // Rotate who goes first, so a tight --rate is shared by every publisher.
    this.turn = (this.turn + 1) % Math.max(1, count);
    for (let k = 0; k < count && budget > 0; k++) {
      const p = this.active[(this.turn + k) % count]!;
      if (!p.client.ready) continue;
      budget -= this.sendBatch(p, Math.min(this.batch, budget, this.limit - p.seq));
    }
    this.retireFinished();
    if (this.active.length === 0) {
      this.finished?.();
      return;
    }
    // A publisher whose socket or window is full wakes the loop once it has room again.
    let anyReady = false;
    for (const p of this.active) {
      if (p.client.ready) anyReady = true;
      else this.wakeWhenReady(p);
    }
    if (budget <= 0 && this.job.rate !== undefined) {
      this.scheduleAt(this.startedAt + ((this.sent + 1) / this.job.rate) * 1000 - now);
    } else if (anyReady) {
      this.schedule();
    }
  };

  private scheduleAt(delayMs: number): void {
    if (this.paceTimer !== undefined) return;
    this.paceTimer = setTimeout(() => {
      this.paceTimer = undefined;
      this.schedule();
    }, Math.max(1, delayMs));
  }

  /** Messages the --rate share allows now. */
  private budget(now: number): number {
    const rate = this.job.rate;
    if (rate === undefined) return Infinity;
    return Math.floor(((now - this.startedAt) / 1000) * rate) + 1 - this.sent;
  }

  private wakeWhenReady(p: Publisher): void {
    if (p.waiting) return;
    p.waiting = true;
    void p.client.whenReady().then(() => {
      p.waiting = false;
      this.schedule();
    });
  }

  /** Sends up to `n` messages on one publisher; returns how many went out. */
  private sendBatch(p: Publisher, n: number): number {
    const { stats, clock, job } = this;
    const counters = stats.counters;
    const size = job.settings.payloadBytes;
    const message = p.message;
    let sent = 0;
    for (; sent < n; sent++) {
      if (message.qos === 0) {
        // Encoding copies the payload at once, so QoS 0 reuses one buffer.
        writeHeader(message.payload, job.tag, p.index, p.seq, clock());
        try {
          p.client.publishQos0(message);
        } catch (err) {
          stats.error(err);
          break;
        }
        p.acked += 1;
        counters.acked += 1;
      } else {
        // Only into a free window slot: a message queued in our own client would count its wait as latency.
        if (!p.client.ready) break;
        // QoS 1/2 messages stay in the window until acked (and are resent from it): each needs its own.
        const payload = Buffer.alloc(size);
        writeHeader(payload, job.tag, p.index, p.seq, clock());
        p.client.publish({ ...message, payload }).then(
          () => {
            p.acked += 1;
            counters.acked += 1;
          },
          (err: unknown) => stats.error(err),
        );
      }
      p.seq += 1;
    }
    counters.sent += sent;
    counters.bytesSent += sent * size;
    this.sent += sent;
    return sent;
  }

  private retireFinished(): void {
    for (let i = this.active.length - 1; i >= 0; i--) {
      const p = this.active[i]!;
      if (p.seq >= this.limit || !p.client.isConnected) this.active.splice(i, 1);
    }
  }

  /**
   * Waits until the broker has taken every message: the acks of QoS 1/2, then a PINGREQ on each
   * connection, which the broker answers only after reading everything sent before it. A QoS 0
   * message handed to the socket may still sit in kernel buffers (megabytes on loopback), so
   * without this the send rate of a short run would count the buffers, not the broker.
   */
  private async drain(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_TIMEOUT_MS)));
    const taken = async (client: MqttClient): Promise<void> => {
      await client.drain();
      if (client.isConnected) await client.ping().catch(() => undefined);
    };
    await Promise.race([Promise.all(this.all.map((p) => taken(p.client))), timeout]);
    clearTimeout(timer);
    if (this.sent > 0) this.stats.lastSentAt = this.clock();
  }
}
