import { type Mosquitto, requireMosquitto, startMosquitto } from './mosquitto.js';
import { stopAllTools } from './spawn.js';

/**
 * Registers the hooks of an interop suite: a private broker started in `before` (the suite is
 * skipped when mosquitto is missing, except with CI=true), every tool still running killed after
 * each test (pass or fail), the broker stopped in `after`. On failure the end of the broker's log
 * is printed. `extraConfigLines` may be a function, called in the `before` hook (e.g. to write a
 * password file first). Returns an accessor for the broker and the `-h 127.0.0.1 -p PORT` arguments.
 */
export function useBroker(
  extraConfigLines: string[] | (() => Promise<string[]>) = [],
): { broker: () => Mosquitto; hp: () => string[] } {
  let current: Mosquitto | undefined;
  before(async function () {
    requireMosquitto(this);
    current = await startMosquitto(typeof extraConfigLines === 'function' ? await extraConfigLines() : extraConfigLines);
  });
  afterEach(async function () {
    await stopAllTools();
    if (this.currentTest?.state === 'failed' && current !== undefined) {
      console.error(`--- end of the broker log:\n${current.log().split('\n').slice(-40).join('\n')}`);
    }
  });
  after(async () => {
    await stopAllTools();
    await current?.stop();
  });
  const broker = (): Mosquitto => {
    if (current === undefined) throw new Error('the broker is not running (before hook failed?)');
    return current;
  };
  return { broker, hp: () => ['-h', '127.0.0.1', '-p', String(broker().port)] };
}

let counter = 0;
/** A name unique within this mocha process, for topics and client ids. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

/** Waits until the broker has sent the SUBACK to `clientId`: its subscription is in place. */
export async function brokerSubscribed(broker: Mosquitto, clientId: string, timeoutMs = 5000): Promise<void> {
  await broker.waitForLog(new RegExp(`Sending SUBACK to ${escape(clientId)}\\n`), timeoutMs);
}

/** Waits until the broker has dropped `clientId` (clean DISCONNECT or a closed socket). */
export async function brokerDisconnected(broker: Mosquitto, clientId: string, timeoutMs = 5000): Promise<RegExpExecArray> {
  return broker.waitForLog(new RegExp(`Client ${escape(clientId)} (disconnected|closed its connection)`), timeoutMs);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
