/**
 * Per-publisher bookkeeping on the receiving side, from the sequence numbers in the payloads:
 * what arrived once, what arrived again (duplicates), what arrived after a later message
 * (out of order), and how often a sequence skipped ahead (gaps). Memory stays bounded: only the
 * numbers skipped over are remembered, at most MAX_MISSING per publisher.
 */
const MAX_MISSING = 100_000;

interface Stream {
  /** The sequence number expected next. */
  next: number;
  /** Numbers skipped over that may still arrive late. */
  missing: Set<number> | undefined;
}

export interface SequenceCounts {
  /** Messages counted once each. */
  unique: number;
  duplicates: number;
  outOfOrder: number;
  /** Times a publisher's sequence jumped ahead. */
  gaps: number;
}

export class SequenceTracker {
  private readonly streams = new Map<number, Stream>();
  readonly counts: SequenceCounts = { unique: 0, duplicates: 0, outOfOrder: 0, gaps: 0 };

  /**
   * `joinsMidStream`: the publishers may have started before us (`bench sub`), so a publisher's
   * first message seen starts its count instead of implying that everything before it was lost.
   */
  constructor(private readonly joinsMidStream = false) {}

  /** One message from `publisher` (a number unique in the run) carrying `seq`. */
  record(publisher: number, seq: number): void {
    let stream = this.streams.get(publisher);
    if (stream === undefined) {
      stream = { next: this.joinsMidStream ? seq : 0, missing: undefined };
      this.streams.set(publisher, stream);
    }
    const counts = this.counts;
    if (seq === stream.next) {
      stream.next += 1;
      counts.unique += 1;
    } else if (seq > stream.next) {
      counts.gaps += 1;
      counts.unique += 1;
      const missing = (stream.missing ??= new Set());
      for (let s = stream.next; s < seq && missing.size < MAX_MISSING; s++) missing.add(s);
      stream.next = seq + 1;
    } else if (stream.missing?.delete(seq) === true) {
      counts.outOfOrder += 1;
      counts.unique += 1;
    } else {
      counts.duplicates += 1;
    }
  }

  /** Numbers skipped over that never arrived, over all publishers. */
  get missing(): number {
    let sum = 0;
    for (const stream of this.streams.values()) sum += stream.missing?.size ?? 0;
    return sum;
  }
}
