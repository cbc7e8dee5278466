import { randomBytes } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ErrorCode, MqttError } from '../errors.js';
import { errnoOf } from '../errno-text.js';
import { fileError } from './file-errors.js';

export interface LockOptions {
  /** How long to wait while another process holds the lock (default 10 s). */
  readonly timeoutMs?: number;
  /**
   * A lock whose holder cannot be checked (another host, or no owner written yet) counts as
   * abandoned after this age (default 30 s). On this host a lock is abandoned once its process is gone.
   */
  readonly staleMs?: number;
}

export interface FileLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. */
  release(): Promise<void>;
}

/** What a lock file says about its holder: JSON, one line. */
interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

/** A lock file as seen at one moment; `signature` tells whether it is still the same file later. */
interface LockState {
  readonly owner: LockOwner | undefined;
  readonly ageMs: number;
  readonly signature: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_STALE_MS = 30_000;
const MIN_DELAY_MS = 5;
const MAX_DELAY_MS = 50;
/** A breaker holds its own lock for microseconds; one this old belongs to a crashed breaker. */
const BREAK_STALE_MS = 5_000;

/**
 * Takes `<target>.lock`, created with O_EXCL so that exactly one process holds it, waiting with
 * a growing, jittered delay while another does. Lock files left by a crashed process are
 * removed: at once when their process is gone from this host, after `staleMs` otherwise. The
 * wait is bounded both in time and in the number of attempts.
 */
export async function lockFile(target: string, options: LockOptions = {}): Promise<FileLock> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const path = `${target}.lock`;
  const owner: LockOwner = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex') };
  const deadline = Date.now() + timeoutMs;
  const maxAttempts = Math.ceil(timeoutMs / MIN_DELAY_MS) + 16;
  let last: LockState | undefined;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    if (await tryCreate(path, owner)) return { path, release: () => release(path, owner.token) };
    last = await inspect(path);
    if (last === undefined) continue;
    if (isStale(last, staleMs)) {
      await breakLock(path, last);
      continue;
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** Math.min(attempt, 4)) + Math.random() * MIN_DELAY_MS * 2);
  }
  const holder = last?.owner === undefined ? '' : ` by process ${last.owner.pid} on ${last.owner.host}`;
  throw new MqttError(ErrorCode.FileLocked, `${target} is locked${holder}: gave up after ${timeoutMs / 1000} s.`, {
    remedy: { kind: 'stale-lock', target, lock: path },
  });
}

/** Runs `work` holding the lock on `target`, and releases it however `work` ends. */
export async function withFileLock<T>(target: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lock = await lockFile(target, options);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') return false;
    throw fileError(err, `Unable to create lock file ${path}`);
  }
  try {
    await handle.writeFile(`${JSON.stringify(owner)}\n`);
  } catch (err) {
    await handle.close();
    await unlink(path).catch(() => undefined);
    throw fileError(err, `Unable to write lock file ${path}`);
  }
  await handle.close();
  return true;
}

/** The lock file's holder and age, or undefined when it has just been released. */
async function inspect(path: string): Promise<LockState | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { owner: parseOwner(text), ageMs: Date.now() - info.mtimeMs, signature: `${info.ino}:${info.mtimeMs}:${text}` };
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw fileError(err, `Unable to read lock file ${path}`);
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { pid, host, token } = value as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof host !== 'string' || typeof token !== 'string') return undefined;
    return { pid, host, token };
  } catch {
    // Empty (its holder has not written yet) or damaged: judged by age alone.
    return undefined;
  }
}

function isStale(state: LockState, staleMs: number): boolean {
  if (state.owner !== undefined && state.owner.host === hostname()) return !processExists(state.owner.pid);
  return state.ageMs > staleMs;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return errnoOf(err) === 'EPERM';
  }
}

/**
 * Removes an abandoned lock, but only if it is still the one judged abandoned: two waiters may
 * both judge it, and the slower must not delete the lock the faster has taken since. The check
 * and the removal run under a second, short-lived lock so that no other breaker runs between them.
 */
async function breakLock(path: string, seen: LockState): Promise<void> {
  const breaker = `${path}.break`;
  let handle;
  try {
    handle = await open(breaker, 'wx', 0o600);
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') throw fileError(err, `Unable to create lock file ${breaker}`);
    const info = await stat(breaker).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > BREAK_STALE_MS) await unlink(breaker).catch(() => undefined);
    await sleep(MIN_DELAY_MS);
    return;
  }
  try {
    const now = await inspect(path);
    if (now?.signature === seen.signature) await unlink(path).catch(() => undefined);
  } finally {
    await handle.close();
    await unlink(breaker).catch(() => undefined);
  }
}

async function release(path: string, token: string): Promise<void> {
  const text = await readFile(path, 'utf8').catch(() => '');
  // Not ours any more if it was judged abandoned and taken over: leave the new holder's lock alone.
  if (parseOwner(text)?.token === token) await unlink(path).catch(() => undefined);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
