import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { PACKAGE_NAME } from '../../src/commands/ui/version.js';
import { settledWithin, WatchedOutput } from './watched-output.js';

/** What a finished process left behind. `code` is null when it was ended by a signal. */
export interface ToolResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}


export interface ToolOptions {
  /** Written to stdin, which is then closed. Without it stdin is an open pipe (see `endStdin`). */
  input?: string | Buffer;
  /** Extra environment variables, on top of `TOOL_ENV`. */
  env?: Record<string, string>;
}

export interface RunOptions extends ToolOptions {
  /** The process is killed (SIGKILL) and the promise rejected if it has not exited by then. */
  timeoutMs: number;
}

/** The repository root: the nearest directory above this (built) file with our package.json. */
export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const MQT_BIN = join(ROOT, 'bin', 'mqt.cjs');

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const parsed: unknown = JSON.parse(readFileSync(pkg, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && 'name' in parsed && parsed.name === PACKAGE_NAME) {
        return dir;
      }
    }
    if (dirname(dir) === dir) throw new Error(`no mqt package.json above ${start}`);
  }
}

/**
 * The environment of every spawned tool: no options files (mosquitto_pub/sub read
 * $XDG_CONFIG_HOME/mosquitto_pub), no colour, whatever the developer's shell says. Without
 * NODE_EXTRA_CA_CERTS: Node reads and parses that bundle as it starts (0.07 s of CPU per process
 * on the CI machine, where it names the whole system store), and the suite starts hundreds of mqt
 * processes that only ever trust the tests' own CAs.
 */
export const TOOL_ENV: NodeJS.ProcessEnv = (() => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NODE_EXTRA_CA_CERTS;
  env.NO_COLOR = '1';
  env.XDG_CONFIG_HOME = '/nonexistent/mqt-interop-config';
  return env;
})();

/** Absolute path of an executable found on PATH or in the sbin directories, or undefined. */
export function which(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  dirs.push('/usr/local/sbin', '/usr/sbin', '/sbin');
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const live = new Set<ToolHandle>();

/**
 * `npm run test:unit` runs in-process tests only (its config requires in-process-only.js): a test
 * there that starts a process fails, saying so, instead of slowing the inner loop down unnoticed.
 */
export const IN_PROCESS_ONLY = 'MQT_TEST_IN_PROCESS_ONLY';

export function assertMaySpawn(what: string): void {
  if (process.env[IN_PROCESS_ONLY] === '1') {
    throw new Error(`test:unit runs in-process tests only, and this one starts ${what}: list its file in .mocharc.unit.json's ignore`);
  }
}

/** Kills (SIGKILL) every process started by startTool/runTool that is still running, and waits. */
export async function stopAllTools(): Promise<void> {
  const running = [...live];
  for (const tool of running) tool.kill('SIGKILL');
  await Promise.all(running.map((tool) => tool.exited));
}

// Last resort if mocha itself is interrupted: never leave children behind.
process.on('exit', () => {
  for (const tool of live) tool.kill('SIGKILL');
});

function tail(text: string, max = 2000): string {
  return text.length <= max ? text : `…${text.slice(-max)}`;
}

/** A running process whose output is collected as it arrives. */
export class ToolHandle extends WatchedOutput {
  readonly child: ChildProcess;
  readonly label: string;
  /** Settles when the process has exited and its stdout and stderr are closed. Never rejects. */
  readonly exited: Promise<ToolResult>;
  private out = '';
  private err = '';
  private readonly outBytes: Buffer[] = [];
  private readonly outDecoder = new StringDecoder('utf8');
  private readonly errDecoder = new StringDecoder('utf8');
  private result: ToolResult | undefined;

  constructor(cmd: string, args: readonly string[], label: string, options: ToolOptions = {}) {
    super();
    this.label = label;
    assertMaySpawn(label);
    this.child = spawn(cmd, args, {
      env: { ...TOOL_ENV, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(this);
    const { stdin, stdout, stderr } = this.child;
    if (stdin === null || stdout === null || stderr === null) throw new Error('stdio not piped');
    // The child may exit without reading all its input (or close stdout early): not our error.
    stdin.on('error', () => undefined);
    stdout.on('error', () => undefined);
    stdout.on('data', (chunk: Buffer) => {
      this.outBytes.push(chunk);
      this.out += this.outDecoder.write(chunk);
      this.notify();
    });
    stderr.on('data', (chunk: Buffer) => {
      this.err += this.errDecoder.write(chunk);
      this.notify();
    });
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        // spawn failure (ENOENT...): there will be no 'close' if the process never started.
        if (this.child.pid === undefined) {
          this.err += `[spawn error: ${error.message}]`;
          this.finish({ code: null, signal: null, stdout: this.out, stderr: this.err }, resolve);
        }
      });
      this.child.once('close', (code, signal) => {
        this.out += this.outDecoder.end();
        this.err += this.errDecoder.end();
        this.finish({ code, signal, stdout: this.out, stderr: this.err }, resolve);
      });
    });
    if (options.input !== undefined) stdin.end(options.input);
  }

  private finish(result: ToolResult, resolve: (r: ToolResult) => void): void {
    if (this.result !== undefined) return;
    this.result = result;
    live.delete(this);
    resolve(result);
    this.notify();
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** stdout as raw bytes, for binary payloads. */
  get stdoutBytes(): Buffer {
    return Buffer.concat(this.outBytes);
  }

  get running(): boolean {
    return this.result === undefined;
  }

  describe(): string {
    return `'${this.label}'\n--- stdout:\n${tail(this.out)}\n--- stderr:\n${tail(this.err)}`;
  }

  protected ending(): string | undefined {
    if (this.result === undefined) return undefined;
    return `exited (code ${String(this.result.code)}, signal ${String(this.result.signal)})`;
  }

  /** The exit result, or a rejection (after SIGKILL) if the process is still running after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<ToolResult> {
    const result = await settledWithin(this.exited, timeoutMs);
    if (result !== undefined) return result;
    const description = this.describe();
    this.kill('SIGKILL');
    await this.exited;
    throw new Error(`did not exit within ${timeoutMs} ms (killed): ${description}`);
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.result === undefined && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill(signal);
    }
  }

  write(data: string | Buffer): void {
    this.child.stdin?.write(data);
  }

  endStdin(data?: string | Buffer): void {
    if (data === undefined) this.child.stdin?.end();
    else this.child.stdin?.end(data);
  }

  /** Closes our (reading) end of the child's stdout, like `| head -1` does after its line. */
  closeStdout(): void {
    this.child.stdout?.destroy();
  }
}

export function startTool(cmd: string, args: readonly string[], options: ToolOptions = {}): ToolHandle {
  return new ToolHandle(cmd, args, `${basename(cmd)} ${args.join(' ')}`, options);
}

export function runTool(cmd: string, args: readonly string[], options: RunOptions): Promise<ToolResult> {
  return startTool(cmd, args, options).waitForExit(options.timeoutMs);
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** `mqt ARGS` (node bin/mqt.cjs), started in the background. */
export function startMqt(args: readonly string[], options: ToolOptions = {}): ToolHandle {
  return new ToolHandle(process.execPath, [MQT_BIN, ...args], `mqt ${args.join(' ')}`, options);
}

/** `mqt ARGS` run to completion. */
export function mqt(args: readonly string[], options: Partial<RunOptions> = {}): Promise<ToolResult> {
  return startMqt(args, options).waitForExit(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

/** `mosquitto_pub ARGS` run to completion. */
export function mosquittoPub(args: readonly string[], options: Partial<RunOptions> = {}): Promise<ToolResult> {
  return runTool(which('mosquitto_pub') ?? 'mosquitto_pub', args, { ...options, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
}

/**
 * `mosquitto_sub ARGS` in the background. Its `-d` lines go through stdio without a flush, so
 * into a pipe they would only appear at exit: `stdbuf -oL` makes stdout line-buffered, so that
 * "Subscribed (mid: …)" can be waited for. (stdbuf execs mosquitto_sub: same pid, same signals.)
 */
export function startMosquittoSub(args: readonly string[], options: ToolOptions = {}): ToolHandle {
  const stdbuf = which('stdbuf');
  const bin = which('mosquitto_sub') ?? 'mosquitto_sub';
  const label = `mosquitto_sub ${args.join(' ')}`;
  return stdbuf === undefined
    ? new ToolHandle(bin, args, label, options)
    : new ToolHandle(stdbuf, ['-oL', bin, ...args], label, options);
}

/** `mosquitto_sub ARGS` run to completion. */
export function mosquittoSub(args: readonly string[], options: Partial<RunOptions> = {}): Promise<ToolResult> {
  return startMosquittoSub(args, options).waitForExit(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

/** The line that mosquitto_sub and mqt sub print with -d once the SUBACK has arrived. */
export const SUBSCRIBED = /^Subscribed \(mid: \d+\):.*$/m;
