/** What a waiter's check found: the value, a reason to give up, or nothing yet. */
export type Outcome<T> = { value: T } | { error: Error } | undefined;

/**
 * Resolves (or rejects) with the first outcome `check` finds, asked now and each time something
 * arrives (the owner calls every function in `waiters`); rejects with `timeout()` after `timeoutMs`.
 * The one wait loop of the test peers, so none waits on the wall clock for what already came.
 */
export function settleWhen<T>(waiters: Set<() => void>, check: () => Outcome<T>, timeoutMs: number, timeout: () => Error): Promise<T> {
  return new Promise((resolve, reject) => {
    const look = (): void => {
      const outcome = check();
      if (outcome === undefined) return;
      done();
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.value);
    };
    const timer = setTimeout(() => {
      done();
      reject(timeout());
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      waiters.delete(look);
    };
    waiters.add(look);
    look();
  });
}
