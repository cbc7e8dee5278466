export interface KeepaliveHooks {
  /** Send a PINGREQ. */
  ping: () => void;
  /** The previous PINGREQ got no PINGRESP within one keepalive period. */
  timeout: () => void;
}

/**
 * Client keepalive (MQTT §3.1.2.10): a PINGREQ whenever nothing was sent for one period, and the
 * connection declared dead when the answer does not come within the next period. One timer,
 * re-armed from the time of the last write, so a busy connection never pings.
 */
export class Keepalive {
  private lastSent = Date.now();
  private awaitingResponse = false;
  private timer: NodeJS.Timeout;

  constructor(
    private readonly periodMs: number,
    private readonly hooks: KeepaliveHooks,
  ) {
    this.timer = setTimeout(this.check, periodMs);
    this.timer.unref();
  }

  sent(): void {
    this.lastSent = Date.now();
  }

  /** Any packet from the server proves it alive. */
  received(): void {
    this.awaitingResponse = false;
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private readonly check = (): void => {
    const idle = Date.now() - this.lastSent;
    if (idle < this.periodMs) {
      this.timer = setTimeout(this.check, this.periodMs - idle);
      this.timer.unref();
      return;
    }
    if (this.awaitingResponse) {
      this.hooks.timeout();
      return;
    }
    this.awaitingResponse = true;
    this.hooks.ping();
    this.timer = setTimeout(this.check, this.periodMs);
    this.timer.unref();
  };
}
