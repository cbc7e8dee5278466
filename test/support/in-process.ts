import { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { isCommandName } from '../../src/command-list.js';
import type { Invocation } from '../../src/commands/ui/program.js';
import type { ToolOptions, ToolResult } from './spawn.js';
import { settledWithin, WatchedOutput } from './watched-output.js';

interface CommandModule {
  run: (argv: readonly string[], invocation?: Invocation) => Promise<number>;
}

/** What the spawned tools' environment changes (TOOL_ENV in spawn.ts), applied for the run. */
const TOOL_VARIABLES: Readonly<Record<string, string | undefined>> = {
  FORCE_COLOR: undefined,
  NO_COLOR: '1',
  XDG_CONFIG_HOME: '/nonexistent/mqt-interop-config',
};

type StdioName = 'stdin' | 'stdout' | 'stderr';

/** A pipe end that keeps what is written, telling `onData` each time. */
class Collector extends Writable {
  private readonly decoder = new StringDecoder('utf8');
  private readonly chunks: Buffer[] = [];
  text = '';

  constructor(private readonly onData: () => void) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    this.text += this.decoder.write(chunk);
    this.onData();
    callback();
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

let current: CommandRun | undefined;

/**
 * `mqt ARGS` running in this process, as the launcher runs it: the command's `run` with stdin,
 * stdout and stderr swapped for pipes of its own (none a terminal) and the spawned tools'
 * environment. A fraction of a spawned `mqt` in CPU, for the tests that are about what a command
 * says and does, not about the process (signals, start-up, a closed pipe, a terminal: spawn
 * those). stdin is the given input, or empty (a spawned tool's stays open). One command at a
 * time: they share the process's streams, so its peers in a test are spawned tools or brokers.
 */
export class CommandRun extends WatchedOutput {
  /** Settles when `run` has returned and its output is collected. Never rejects. */
  readonly exited: Promise<ToolResult>;
  private readonly out = new Collector(() => this.notify());
  private readonly err = new Collector(() => this.notify());
  private done = false;

  constructor(
    readonly label: string,
    name: string,
    argv: readonly string[],
    options: ToolOptions & Invocation,
  ) {
    super();
    const stdin = Readable.from(options.input === undefined ? [] : [Buffer.from(options.input)]);
    const restoreStreams = swapStreams({ stdin, stdout: this.out, stderr: this.err });
    const restoreEnv = swapEnv({ ...TOOL_VARIABLES, ...options.env });
    this.exited = (async (): Promise<ToolResult> => {
      try {
        const module = (await import(`../../src/commands/${name}.js`)) as CommandModule;
        const code = await module.run(argv, { mosquitto: options.mosquitto === true }).catch((err: unknown) => {
          // What the launcher does with an error a command did not turn into words.
          this.err.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
          return 1;
        });
        await new Promise<void>((resolve) => {
          this.out.end(() => this.err.end(resolve));
        });
        return { code, signal: null, stdout: this.out.text, stderr: this.err.text };
      } finally {
        restoreEnv();
        restoreStreams();
        stdin.destroy();
        current = undefined;
        this.done = true;
        this.notify();
      }
    })();
  }

  get stdout(): string {
    return this.out.text;
  }

  get stderr(): string {
    return this.err.text;
  }

  get running(): boolean {
    return !this.done;
  }

  /** stdout as raw bytes, for binary payloads. */
  get stdoutBytes(): Buffer {
    return this.out.bytes;
  }

  describe(): string {
    return `'${this.label}' (in-process)\n--- stdout:\n${this.out.text.slice(-2000)}\n--- stderr:\n${this.err.text.slice(-2000)}`;
  }

  protected ending(): string | undefined {
    return this.done ? 'run returned' : undefined;
  }

  /** The result, or a rejection (after `stop`) if `run` has not returned within `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<ToolResult> {
    const result = await settledWithin(this.exited, timeoutMs);
    if (result !== undefined) return result;
    const description = this.describe();
    await this.stop();
    throw new Error(`did not return within ${timeoutMs} ms (stopped): ${description}`);
  }

  /**
   * Ends the run as a SIGTERM would (the commands' onTerminate handlers), and waits for it: a
   * process signal would end mocha too.
   */
  async stop(): Promise<void> {
    if (!this.done) process.emit('SIGTERM', 'SIGTERM');
    await this.exited;
  }
}

/** Stops the command running in-process, if one is: an afterEach, so a failed test leaves none behind. */
export async function stopInProcess(): Promise<void> {
  await current?.stop();
}

/** `mqt ARGS` started in this process (see CommandRun). */
export function startInProcess(args: readonly string[], options: ToolOptions & Invocation = {}): CommandRun {
  const [name, ...argv] = args;
  if (name === undefined || !isCommandName(name)) throw new Error(`in-process runs are of commands, not of '${String(name)}'`);
  const label = `mqt ${args.join(' ')}`;
  if (current !== undefined) throw new Error(`cannot run '${label}' in-process while '${current.label}' runs: spawn one of them`);
  current = new CommandRun(label, name, argv, options);
  return current;
}

/** `mqt ARGS` run to completion in this process (see CommandRun). */
export function mqtInProcess(args: readonly string[], options: ToolOptions & Invocation = {}): Promise<ToolResult> {
  return startInProcess(args, options).exited;
}

function swapStreams(streams: Readonly<Record<StdioName, NodeJS.ReadableStream | NodeJS.WritableStream>>): () => void {
  const saved = (Object.keys(streams) as StdioName[]).map((name) => [name, Object.getOwnPropertyDescriptor(process, name)] as const);
  for (const [name, stream] of Object.entries(streams)) {
    Object.defineProperty(process, name, { configurable: true, enumerable: true, get: () => stream });
  }
  return () => {
    for (const [name, descriptor] of saved) {
      if (descriptor !== undefined) Object.defineProperty(process, name, descriptor);
    }
  };
}

function swapEnv(changes: Readonly<Record<string, string | undefined>>): () => void {
  const saved = Object.keys(changes).map((name) => [name, process.env[name]] as const);
  const set = (name: string, value: string | undefined): void => {
    if (value === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = value;
  };
  for (const [name, value] of Object.entries(changes)) set(name, value);
  return () => {
    for (const [name, value] of saved) set(name, value);
  };
}
