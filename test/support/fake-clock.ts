import type { Clock, ClockTimer } from '../../src/lib/broker/clock.js';

interface Pending {
  at: number;
  seq: number;
  run: () => void;
  cancelled: boolean;
}

/** A Clock that moves only when a test says so, firing every timer due on the way, in order. */
export class FakeClock implements Clock {
  private time = Date.UTC(2026, 0, 1);
  private seq = 0;
  private pending: Pending[] = [];

  now(): number {
    return this.time;
  }

  setTimeout<A>(fn: (arg: A) => void, ms: number, arg: A): ClockTimer {
    const entry: Pending = { at: this.time + Math.max(0, ms), seq: this.seq++, run: () => fn(arg), cancelled: false };
    this.pending.push(entry);
    const timer: ClockTimer = {
      close: () => {
        entry.cancelled = true;
        return timer;
      },
      unref: () => timer,
    };
    return timer;
  }

  /** Timers armed and neither fired nor cancelled. */
  get pendingCount(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }

  /** Moves time on by `ms`, running each timer at its own time (a timer armed on the way runs too if due). */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      this.pending = this.pending.filter((p) => !p.cancelled);
      let next: Pending | undefined;
      for (const p of this.pending) if (p.at <= until && (next === undefined || p.at < next.at || (p.at === next.at && p.seq < next.seq))) next = p;
      if (next === undefined) break;
      this.pending.splice(this.pending.indexOf(next), 1);
      this.time = next.at;
      next.run();
    }
    this.time = until;
  }
}
