/**
 * restart_timeout: the seconds a bridge waits before it tries again. One value is a fixed wait;
 * BASE CAP is mosquitto's "decorrelated jitter" backoff: each wait a random whole number of seconds
 * from BASE up to three times the last one, never more than CAP, back to BASE once connected.
 */
export class RestartDelay {
  private last: number;

  constructor(
    private readonly setting: { base: number; cap: number | undefined },
    private readonly random: () => number = Math.random,
  ) {
    this.last = setting.base;
  }

  /** Seconds until the next try. */
  next(): number {
    const { base, cap } = this.setting;
    if (cap === undefined) return base;
    const high = Math.max(base + 1, this.last * 3);
    this.last = Math.min(cap, base + Math.floor(this.random() * (high - base)));
    return this.last;
  }

  reset(): void {
    this.last = this.setting.base;
  }
}
