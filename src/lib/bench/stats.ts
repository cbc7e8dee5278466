import { Histogram } from './histogram.js';
import type { Counters } from './messages.js';

/** Distinct error texts kept per worker; the rest only add to the count. */
const MAX_ERROR_KINDS = 20;

/** Everything one worker counts; its parts go to the main thread in ticks and in the final report. */
export class WorkerStats {
  readonly counters: Counters = { sent: 0, acked: 0, received: 0, ours: 0, bytesSent: 0, bytesReceived: 0, inflight: 0, errors: 0, busy: 0 };
  readonly connect = new Histogram();
  readonly latency = new Histogram();
  connected = 0;
  failed = 0;
  foreign = 0;
  /** Monotonic ms when the broker had taken the last message sent, and of the last one received. */
  lastSentAt = 0;
  lastReceivedAt = 0;
  private readonly errorTexts = new Map<string, number>();

  /** `describe` is the command's wording of an error (src/lib words none: see ui/report.ts). */
  constructor(private readonly describe: (err: unknown) => string) {}

  error(err: unknown): void {
    this.counters.errors += 1;
    const text = this.describe(err);
    const seen = this.errorTexts.get(text);
    if (seen !== undefined) this.errorTexts.set(text, seen + 1);
    else if (this.errorTexts.size < MAX_ERROR_KINDS) this.errorTexts.set(text, 1);
  }

  get errors(): [string, number][] {
    return [...this.errorTexts];
  }
}
