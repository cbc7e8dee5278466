import { spawn, type ChildProcess } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { assertMaySpawn, runTool, which } from './spawn.js';
import { skipOrFail } from './tools.js';
import { makeTempFolder } from './run-folder.js';

export interface Mosquitto {
  port: number;
  /** SIGTERM, then SIGKILL if it has not exited within a few seconds; resolves once it has exited. */
  stop(): Promise<void>;
  /** Everything the broker logged so far (log_type all, on stderr). */
  log(): string;
  /** Resolves with the first match of `re` in the broker's log; rejects after `timeoutMs`. */
  waitForLog(re: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGHUP: mosquitto rereads its password_file and acl_file. */
  reload(): void;
}

const BINARIES = ['mosquitto', 'mosquitto_pub', 'mosquitto_sub', 'mosquitto_passwd'] as const;
// Test files run in parallel on few cores, where a start can take seconds; only a broken one waits this long.
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 3000;

function missingBinaries(): string[] {
  return BINARIES.filter((name) => which(name) === undefined);
}

/**
 * Call in a `before` hook: skips the suite when mosquitto is not installed, except on CI
 * (CI=true) where a missing broker must be a failure, never a silent skip.
 */
export function requireMosquitto(ctx: Mocha.Context): void {
  const missing = missingBinaries();
  if (missing.length === 0) return;
  skipOrFail(ctx, `interop tests need ${missing.join(', ')} (apt-get install mosquitto mosquitto-clients)`);
}

const brokers = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of brokers) child.kill('SIGKILL');
});

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => {
      finish(true);
    });
    socket.once('error', () => {
      finish(false);
    });
    socket.once('timeout', () => {
      finish(false);
    });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => {
    resolve();
  }));
}

async function stopChild(child: ChildProcess): Promise<void> {
  const exit = exitOf(child);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exit;
  clearTimeout(timer);
  brokers.delete(child);
}

/**
 * Starts a private mosquitto on 127.0.0.1 and an ephemeral port, and resolves once the port
 * accepts TCP connections. `extraConfigLines` are appended to the configuration; if one of them
 * sets `allow_anonymous`, the default `allow_anonymous true` is left out, and if one sets
 * `log_type`, the default `log_type all` (without it, a line or more per message).
 */
export async function startMosquitto(extraConfigLines: string[] = []): Promise<Mosquitto> {
  const binary = which('mosquitto');
  if (binary === undefined) throw new Error('mosquitto is not installed');
  assertMaySpawn('mosquitto');
  const dir = await makeTempFolder('mqt-mosquitto');
  const failures: string[] = [];
  // The port is free when chosen but may be taken before mosquitto binds it: retry a few times.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const lines = [
      `listener ${port} 127.0.0.1`,
      'persistence false',
      'log_dest stderr',
      ...(extraConfigLines.some((l) => /^\s*log_type\s/.test(l)) ? [] : ['log_type all']),
      // Started as root, mosquitto drops to user "mosquitto" and could not read our files.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      ...(extraConfigLines.some((l) => /^\s*allow_anonymous\s/.test(l)) ? [] : ['allow_anonymous true']),
      ...extraConfigLines,
    ];
    const conf = join(dir, 'mosquitto.conf');
    await writeFile(conf, `${lines.join('\n')}\n`);
    const child = spawn(binary, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    brokers.add(child);
    let log = '';
    const listeners = new Set<() => void>();
    const append = (text: string): void => {
      log += text;
      for (const listener of [...listeners]) listener();
    };
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    child.on('error', (error) => {
      append(`[spawn error: ${error.message}]`);
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    let ready = false;
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      if (await canConnect(port)) {
        ready = true;
        break;
      }
      await delay(20);
    }
    if (ready) {
      let stopped: Promise<void> | undefined;
      return {
        port,
        log: () => log,
        waitForLog: (re, timeoutMs) =>
          new Promise((resolve, reject) => {
            const check = (): void => {
              const m = re.exec(log);
              if (m !== null) {
                done();
                resolve(m);
              }
            };
            const timer = setTimeout(() => {
              done();
              reject(new Error(`${String(re)} not in the broker log within ${timeoutMs} ms:\n${log.slice(-3000)}`));
            }, timeoutMs);
            const done = (): void => {
              clearTimeout(timer);
              listeners.delete(check);
            };
            listeners.add(check);
            check();
          }),
        reload: () => {
          child.kill('SIGHUP');
        },
        stop: () => {
          stopped ??= stopChild(child).then(() => rm(dir, { recursive: true, force: true }));
          return stopped;
        },
      };
    }
    await stopChild(child);
    failures.push(`attempt ${attempt} (port ${port}, exit ${String(child.exitCode ?? child.signalCode)}):\n${log}`);
    if (!/Address already in use/i.test(log)) break;
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`mosquitto did not start within ${START_TIMEOUT_MS} ms:\n${failures.join('\n')}`);
}

/**
 * Writes `dir/passwd` with the real `mosquitto_passwd -b` (hashed as the broker expects) and
 * returns its path. Add `password_file PATH` to the broker's configuration to use it.
 */
export async function passwordFile(dir: string, users: Record<string, string>): Promise<string> {
  const file = join(dir, 'passwd');
  await writeFile(file, '', { mode: 0o600 });
  for (const [user, password] of Object.entries(users)) {
    const result = await runTool(which('mosquitto_passwd') ?? 'mosquitto_passwd', ['-b', file, user, password], {
      timeoutMs: 10_000,
    });
    if (result.code !== 0) {
      throw new Error(`mosquitto_passwd -b failed (${String(result.code)}): ${result.stdout}${result.stderr}`);
    }
  }
  return file;
}
