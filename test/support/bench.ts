import type { BenchResult } from '../../src/lib/bench/result.js';
import { SUBSCRIBED, startMosquittoSub, type ToolHandle } from './spawn.js';

/** The summary object of a `mqt bench --json` run (JSON.parse refuses anything around the one document). */
export function summaryOf(stdout: string): BenchResult {
  return JSON.parse(stdout) as BenchResult;
}

export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/**
 * An independent counter for any broker: mosquitto_sub taking `count` messages under `prefix/#`
 * with -d, resolved once its SUBACK is in. It prints the topic (not the binary payload) of each
 * message: `countedTopics` picks those lines out of the -d lines.
 */
export async function startCounter(connection: string[], prefix: string, qos: string, count: number): Promise<ToolHandle> {
  const counter = startMosquittoSub([...connection, '-t', `${prefix}/#`, '-q', qos, '-C', String(count), '-F', '%t', '-d']);
  await counter.waitForOutput(SUBSCRIBED, 5000, 'stdout');
  return counter;
}

/** The topics a counter from `startCounter` printed, one per message it received. */
export function countedTopics(stdout: string, prefix: string): string[] {
  return lines(stdout).filter((l) => l.startsWith(`${prefix}/`));
}
