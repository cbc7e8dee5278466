import type { Buffer } from 'node:buffer';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Clock, ClockTimer } from './clock.js';

/** Payloads and packets this large are followed until they are collected. */
export const HUGE_BYTES = 4 * 1024 * 1024;

/** How long after the last sign of a huge buffer's end the collection waits, so a burst costs one. */
const COLLECT_AFTER_MS = 1000;

/**
 * Gives the memory of huge messages back once they are gone. V8 frees a dead Buffer only at its
 * next full collection, and an idle broker allocates too little to cause one: after one 256 MB
 * message, with both clients gone, RSS stayed at 340 MB for as long as it was watched (a minute),
 * where mosquitto went back to 9 MB. So while a huge buffer is alive, its arrival, its sending and
 * every connection that ends ask for one full collection a second later; once the last huge buffer
 * has been collected, nothing more is asked.
 */
export class HugeGarbage {
  /** Huge buffers followed and not yet collected. */
  private live = 0;
  private timer: ClockTimer | undefined;
  private collect: (() => void) | undefined;
  private readonly registry = new FinalizationRegistry<undefined>(() => {
    this.live--;
  });

  constructor(private readonly clock: Clock) {}

  /** `bytes` is huge: follow it, and collect soon after it is done with. */
  follow(bytes: Buffer): void {
    this.live++;
    this.registry.register(bytes, undefined);
    this.soon();
  }

  /** A connection ended: what it held may be the last reference to a huge buffer. */
  connectionEnded(): void {
    if (this.live > 0) this.soon();
  }

  private soon(): void {
    if (this.timer !== undefined) return;
    this.timer = this.clock.setTimeout(runCollection, COLLECT_AFTER_MS, this);
    this.timer.unref();
  }

  /** One full collection; the buffers still referenced stay followed. */
  run(): void {
    this.timer = undefined;
    // Node has no public call for a collection but through its V8 flag, set on first need.
    if (this.collect === undefined) {
      setFlagsFromString('--expose-gc');
      this.collect = runInNewContext('gc') as () => void;
    }
    this.collect();
  }
}

function runCollection(garbage: HugeGarbage): void {
  garbage.run();
}
