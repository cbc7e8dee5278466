/**
 * Time as the broker's timers see it (keepalive, will delay, session and message expiry, the
 * connect and close deadlines, $SYS): the system's, or a test's clock that moves only when told.
 */
export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
  /** Calls fn(arg) once `ms` have passed. */
  setTimeout<A>(fn: (arg: A) => void, ms: number, arg: A): ClockTimer;
}

/** A pending call of Clock.setTimeout (Node's Timeout is one). */
export interface ClockTimer {
  /** Cancels the call. */
  close(): unknown;
  /** A pending call no longer keeps the process running. */
  unref(): unknown;
}

export const systemClock: Clock = {
  now: Date.now,
  setTimeout: (fn, ms, arg) => setTimeout(fn, ms, arg),
};
