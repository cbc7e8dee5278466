import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { startMqt, type ToolHandle, type ToolResult } from './spawn.js';

export interface RunningServe {
  port: number;
  tool: ToolHandle;
  /** `-h 127.0.0.1 -p PORT` for the clients. */
  hp: string[];
}

/** The line mqt serve logs once every listener is open (with -c or -v). */
export const RUNNING = /mqt version \S+ running$/m;
/** The one line the quick mode (no -c, no -v) prints on stdout. */
export const LISTENING = /^mqt serve: listening on .*$/m;

/** Test files run in parallel on few cores, where a start can take seconds; only a broken one waits this long. */
const START_TIMEOUT_MS = 15_000;

/** Resolves once 127.0.0.1:port accepts a TCP connection; for a broker that logs nothing. */
async function accepting(port: number, tool: ToolHandle, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
      socket.once('close', () => socket.destroy());
      socket.unref();
      setTimeout(() => socket.destroy(), 500).unref();
    });
    if (ok) return;
    if (!tool.running || Date.now() > deadline) throw new Error(`port ${port} never accepted: ${tool.describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Starts `mqt serve ARGS` with `argsFor(port)` on a free port and resolves once it says it is
 * ready (`ready` on stdout or stderr; 'accepting': once the port takes connections). The port is free when chosen but may be taken before serve
 * binds it: a start that fails with "Address already in use" is retried on another port.
 */
export async function startServe(argsFor: (port: number) => string[], ready: RegExp | 'accepting' = RUNNING): Promise<RunningServe> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const tool = startMqt(['serve', ...argsFor(port)]);
    try {
      if (ready === 'accepting') await accepting(port, tool, START_TIMEOUT_MS);
      else await tool.waitForOutput(ready, START_TIMEOUT_MS);
      return { port, tool, hp: ['-h', '127.0.0.1', '-p', String(port)] };
    } catch (err) {
      tool.kill('SIGKILL');
      await tool.exited;
      if (attempt === 3 || !tool.stderr.includes('Address already in use')) throw err;
    }
  }
}

/** For startServe: `-c FILE` (then `more`), FILE being `lines(port)` written into `dir` for the port it picked. */
export function confArgs(dir: string, name: string, lines: (port: number) => string[], more: string[] = []): (port: number) => string[] {
  return (port) => {
    const path = join(dir, `${name}-${port}.conf`);
    writeFileSync(path, `${lines(port).join('\n')}\n`);
    return ['-c', path, ...more];
  };
}

/** SIGTERM, and resolves once it has exited. */
export async function stopServe(serve: RunningServe): Promise<void> {
  serve.tool.kill('SIGTERM');
  await serve.tool.exited;
}

/** A start refused for its config: exit 1, exactly one "Error" line, matching `error`, no stack trace. */
export function assertOneConfigError(result: ToolResult, error: RegExp): void {
  assert.equal(result.code, 1, result.stderr);
  const errors = result.stderr.split('\n').filter((l) => l.startsWith('Error'));
  assert.equal(errors.length, 1, result.stderr);
  assert.match(errors[0]!, error);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
}
