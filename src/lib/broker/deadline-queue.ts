import type { Clock, ClockTimer } from './clock.js';

/**
 * Deadlines of one fixed length for many items under a single timer. Items arrive in deadline
 * order, so the queue is a Map in insertion order and the timer is armed for its head only: a
 * burst of short connections then costs no timer per connection to arm and cancel.
 */
export class DeadlineQueue<T> {
  /**
   * Deadlines in ms since `origin`, the queue's making: small integers, which V8 keeps in the Map
   * entry itself, where times since the epoch would take a heap number per item.
   */
  private readonly due = new Map<T, number>();
  private readonly origin: number;
  private timer: ClockTimer | undefined;

  /** `holdsProcess` false: a pending deadline does not keep Node running (as timer.unref()). */
  constructor(
    private readonly ms: number,
    private readonly expire: (item: T) => void,
    private readonly clock: Clock,
    private readonly holdsProcess = true,
  ) {
    this.origin = clock.now();
  }

  add(item: T): void {
    this.due.set(item, this.clock.now() - this.origin + this.ms);
    if (this.timer === undefined) this.arm(this.ms);
  }

  delete(item: T): void {
    if (this.due.delete(item) && this.due.size === 0) {
      this.timer?.close();
      this.timer = undefined;
    }
  }

  /** Expires every item now (the broker is closing). */
  expireAll(): void {
    this.timer?.close();
    this.timer = undefined;
    const items = [...this.due.keys()];
    this.due.clear();
    for (const item of items) this.expire(item);
  }

  private arm(ms: number): void {
    this.timer = this.clock.setTimeout(this.fire, ms, undefined);
    if (!this.holdsProcess) this.timer.unref();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = this.clock.now() - this.origin;
    for (const [item, at] of this.due) {
      if (at > now) {
        // An expiry may have added an item, and armed the timer already.
        if (this.timer === undefined) this.arm(at - now);
        return;
      }
      this.due.delete(item);
      this.expire(item);
    }
  };
}
