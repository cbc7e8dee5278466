/**
 * How long publishers may be held back for one subscriber. Waiting for a subscriber that is
 * catching up keeps its messages; waiting for one that never reads would let any reader stall
 * every publisher of its topics. So each subscriber has a budget: publishers wait for it at most
 * HOLD_MS at a stretch, and the budget grows back at a tenth of the time that passes, so a
 * subscriber that is always behind holds its publishers a tenth of their time at most. Past the
 * budget its own queue limits apply: what does not fit is dropped for it alone.
 */

/** The longest publishers are held for one subscriber at a stretch. */
export const HOLD_MS = 200;

/** Milliseconds of budget regained per millisecond. */
const REFILL = 0.1;

export class HoldBudget {
  private budget = HOLD_MS;
  private at: number;
  /** When the subscriber began holding publishers back, while it does. */
  private since: number | undefined;

  constructor(now: number) {
    this.at = now;
  }

  /** Milliseconds publishers may still wait for the subscriber now; 0: they go on without it. */
  remaining(now: number): number {
    this.refill(now);
    this.since ??= now;
    return Math.max(0, this.budget - (now - this.since));
  }

  /** The subscriber caught up: the time it held publishers is spent. */
  caughtUp(now: number): void {
    if (this.since === undefined) return;
    this.refill(now);
    this.budget = Math.max(0, this.budget - (now - this.since));
    this.since = undefined;
  }

  private refill(now: number): void {
    this.budget = Math.min(HOLD_MS, this.budget + (now - this.at) * REFILL);
    this.at = now;
  }
}
