/**
 * Password checks that take real memory and time (argon2id: 46 MiB and tens of milliseconds with
 * mosquitto 2.1's parameters), run one at a time for the whole broker. A crowd of clients, honest
 * or not, then costs one check's memory and waits its turn, as in mosquitto, whose single thread
 * checks one CONNECT after another. A check whose connection closed while it waited is skipped,
 * and the queue is bounded: past MAX_WAITING the login is refused at once, costing nothing.
 */
export const MAX_WAITING = 256;

export type SlowCheck = () => Promise<boolean>;

export class SlowCheckQueue {
  #running = false;
  readonly #waiting: { readonly check: SlowCheck; readonly abandoned: () => boolean; readonly settle: (ok: boolean) => void }[] = [];

  /** Resolves with the check's answer, or false when it was skipped, refused for want of room, or failed. */
  run(check: SlowCheck, abandoned: () => boolean = () => false): Promise<boolean> {
    if (this.#waiting.length >= MAX_WAITING) return Promise.resolve(false);
    return new Promise((settle) => {
      this.#waiting.push({ check, abandoned, settle });
      if (!this.#running) void this.#drain();
    });
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  async #drain(): Promise<void> {
    this.#running = true;
    for (let next = this.#waiting.shift(); next !== undefined; next = this.#waiting.shift()) {
      if (next.abandoned()) {
        next.settle(false);
        continue;
      }
      next.settle(await next.check().catch(() => false));
    }
    this.#running = false;
  }
}

/** The broker's one queue: every listener's password_file shares it, so the bound is the process's. */
export const slowChecks = new SlowCheckQueue();
