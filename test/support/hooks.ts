import { type Mosquitto, requireMosquitto, startMosquitto } from './mosquitto.js';
import assert from 'node:assert/strict';
import { type CommandRun, startInProcess, stopInProcess } from './in-process.js';
import { mosquittoPub, stopAllTools } from './spawn.js';

/**
 * Registers the hooks of an interop suite: a private broker started in `before` (the suite is
 * skipped when mosquitto is missing, except with CI=true), every tool still running killed after
 * each test (pass or fail), the broker stopped in `after`. On failure the end of the broker's log
 * is printed. `extraConfigLines` may be a function, called in the `before` hook (e.g. to write a
 * password file first). Returns an accessor for the broker and the `-h 127.0.0.1 -p PORT` arguments.
 */
export function useBroker(
  extraConfigLines: string[] | (() => Promise<string[]>) = [],
): BrokerFixture {
  let current: Mosquitto | undefined;
  before(async function () {
    requireMosquitto(this);
    current = await startMosquitto(typeof extraConfigLines === 'function' ? await extraConfigLines() : extraConfigLines);
  });
  afterEach(async function () {
    await stopInProcess();
    await stopAllTools();
    if (this.currentTest?.state === 'failed' && current !== undefined) {
      console.error(`--- end of the broker log:\n${current.log().split('\n').slice(-40).join('\n')}`);
    }
  });
  after(async () => {
    await stopInProcess();
    await stopAllTools();
    await current?.stop();
  });
  const broker = (): Mosquitto => {
    if (current === undefined) throw new Error('the broker is not running (before hook failed?)');
    return current;
  };
  const hp = (): string[] => ['-h', '127.0.0.1', '-p', String(broker().port)];
  return {
    broker,
    hp,
    publish: async (topic, args, input) => {
      const result = await mosquittoPub([...hp(), '-t', topic, ...args], input === undefined ? {} : { input });
      assert.equal(result.code, 0, result.stderr);
    },
    subscribeMqt: async (args) => {
      const id = unique('sub');
      const tool = startInProcess(['sub', ...hp(), '-i', id, ...args]);
      await brokerSubscribed(broker(), id);
      return tool;
    },
  };
}

export interface BrokerFixture {
  broker: () => Mosquitto;
  /** `-h 127.0.0.1 -p PORT` of the broker. */
  hp: () => string[];
  /** mosquitto_pub -t TOPIC ARGS (stdin for -l), asserting it succeeded. */
  publish: (topic: string, args: string[], input?: string) => Promise<void>;
  /**
   * Starts `mqt sub` with a fresh client id, in this process (its publishers are processes), and
   * resolves once the broker has subscribed it.
   */
  subscribeMqt: (args: string[]) => Promise<CommandRun>;
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
