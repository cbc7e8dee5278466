import type { Clock, ClockTimer } from './clock.js';

/** setTimeout holds at most 2^31-1 ms (24.8 days); session expiry and will delay reach 136 years. */
const MAX_DELAY_MS = 0x7fff_ffff;

/** A timer for any number of seconds: re-armed in steps setTimeout can hold. */
export class LongTimer {
  private timer: ClockTimer;
  private readonly due: number;

  constructor(
    private readonly fn: () => void,
    seconds: number,
    private readonly clock: Clock,
  ) {
    this.due = clock.now() + seconds * 1000;
    this.timer = this.arm();
  }

  private arm(): ClockTimer {
    const left = this.due - this.clock.now();
    return this.clock.setTimeout(fire, Math.min(Math.max(left, 0), MAX_DELAY_MS), this);
  }

  /** Runs fn once the whole time has passed, else waits the next step. */
  check(): void {
    if (this.due - this.clock.now() > 0) this.timer = this.arm();
    else this.fn();
  }

  cancel(): void {
    this.timer.close();
  }
}

function fire(timer: LongTimer): void {
  timer.check();
}
