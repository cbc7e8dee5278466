/** setTimeout holds at most 2^31-1 ms (24.8 days); session expiry and will delay reach 136 years. */
const MAX_DELAY_MS = 0x7fff_ffff;

/** A timer for any number of seconds: re-armed in steps setTimeout can hold. */
export class LongTimer {
  private timer: NodeJS.Timeout;
  private readonly due: number;

  constructor(
    private readonly fn: () => void,
    seconds: number,
  ) {
    this.due = Date.now() + seconds * 1000;
    this.timer = this.arm();
  }

  private arm(): NodeJS.Timeout {
    const left = this.due - Date.now();
    return setTimeout(() => {
      if (this.due - Date.now() > 0) this.timer = this.arm();
      else this.fn();
    }, Math.min(Math.max(left, 0), MAX_DELAY_MS));
  }

  cancel(): void {
    clearTimeout(this.timer);
  }
}
