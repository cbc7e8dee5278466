export type Stream = 'stdout' | 'stderr' | 'any';

/** A running command (a process, or one run in-process) whose output can be waited for as it arrives. */
export abstract class WatchedOutput {
  private readonly listeners = new Set<() => void>();

  abstract get stdout(): string;
  abstract get stderr(): string;
  abstract describe(): string;
  /** How it ended ("exited (code 1, …)"), or undefined while it runs. */
  protected abstract ending(): string | undefined;

  /** Tells the waiters that output arrived or the command ended. */
  protected notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /**
   * Resolves with the first match of `re` in the output so far (stdout, stderr or either), or
   * rejects when the command ends without it or after `timeoutMs`.
   */
  waitForOutput(re: RegExp, timeoutMs: number, stream: Stream = 'any'): Promise<RegExpExecArray> {
    const pattern = new RegExp(re.source, re.flags.replace('g', '').replace('y', ''));
    const search = (): RegExpExecArray | null => (stream !== 'stderr' ? pattern.exec(this.stdout) : null) ?? (stream !== 'stdout' ? pattern.exec(this.stderr) : null);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const m = search();
        const ended = this.ending();
        if (m !== null) {
          done();
          resolve(m);
        } else if (ended !== undefined) {
          done();
          reject(new Error(`${String(re)} never appeared on ${stream}: ${ended} ${this.describe()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${String(re)} did not appear on ${stream} within ${timeoutMs} ms of ${this.describe()}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }
}

/** What `promise` resolves with, or undefined if it has not within `timeoutMs`. */
export async function settledWithin<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
