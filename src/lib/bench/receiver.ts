import type { PublishPacket } from '../protocol/packets.js';
import type { OpenConnection } from './connector.js';
import { readHeader } from './payload.js';
import { SequenceTracker, type SequenceCounts } from './sequence.js';
import type { WorkerStats } from './stats.js';

/** Keys streams of different runs apart in `bench sub`, where any run's publishers may be heard. */
const TAG_SPAN = 2 ** 32;

/**
 * The receiving side of one worker: counts every message, checks its sequence per publisher and
 * records its latency from the send time in the header. With a tag, only that run's messages
 * are checked (the rest are foreign); without one (`bench sub`), every run's are.
 */
export class Receiver {
  private readonly trackers: SequenceTracker[] = [];
  private readonly perSubscriber: number[] = [];
  private satisfied = 0;

  constructor(
    private readonly stats: WorkerStats,
    private readonly clock: () => number,
    private readonly tag: number | undefined,
    /** Messages each subscriber waits for (bench sub -n); `onSatisfied` runs once all have them. */
    private readonly wanted: number | undefined,
    private readonly onSatisfied: () => void,
  ) {}

  /** Starts counting for one subscriber connection. */
  attach({ client }: OpenConnection): void {
    const slot = this.perSubscriber.length;
    const tracker = new SequenceTracker(this.tag === undefined);
    this.trackers.push(tracker);
    this.perSubscriber.push(0);
    client.on('message', (packet: PublishPacket) => this.onMessage(slot, tracker, packet));
  }

  private onMessage(slot: number, tracker: SequenceTracker, packet: PublishPacket): void {
    const { stats } = this;
    const counters = stats.counters;
    counters.received += 1;
    counters.bytesReceived += packet.payload.length;
    const count = (this.perSubscriber[slot] = this.perSubscriber[slot]! + 1);
    if (count === this.wanted && ++this.satisfied === this.perSubscriber.length) this.onSatisfied();
    const now = this.clock();
    stats.lastReceivedAt = now;
    const header = readHeader(packet.payload);
    if (header === undefined || (this.tag !== undefined && header.tag !== this.tag)) {
      stats.foreign += 1;
      return;
    }
    counters.ours += 1;
    tracker.record(this.tag === undefined ? header.tag * TAG_SPAN + header.publisher : header.publisher, header.seq);
    stats.latency.record((now - header.sentAt) * 1000);
  }

  get receivedPerSubscriber(): number[] {
    return [...this.perSubscriber];
  }

  get sequence(): SequenceCounts {
    const sum: SequenceCounts = { unique: 0, duplicates: 0, outOfOrder: 0, gaps: 0 };
    for (const { counts } of this.trackers) {
      sum.unique += counts.unique;
      sum.duplicates += counts.duplicates;
      sum.outOfOrder += counts.outOfOrder;
      sum.gaps += counts.gaps;
    }
    return sum;
  }

  get missing(): number {
    let sum = 0;
    for (const tracker of this.trackers) sum += tracker.missing;
    return sum;
  }
}
