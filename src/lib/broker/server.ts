/**
 * The broker's start-up, in mosquitto's order: security files, log, journal, pid file, broker,
 * restore, listeners. One cleanup stack undoes what was done, on a start that fails part way and
 * at close; SIGHUP's reload rereads what mosquitto rereads. The caller builds the config, opens
 * the log (it decides where lines go) and waits for the signals.
 */
import { rm } from 'node:fs/promises';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { MqttError, Remedy } from '../errors.js';
import { openListenerSecurity } from './auth/listener-security.js';
import { Broker } from './broker.js';
import type { ServeConfig } from './config/types.js';
import { openListeners, type Endpoint } from './network/listeners.js';
import type { DurableStore } from './persistence/durable.js';
import { openDurableStore, restoreBroker } from './persistence/startup.js';
import type { LogLevel } from './types.js';

/** Where the server's lines go (mqt serve's log: log_dest, log_type, log_timestamp). */
export interface ServerLog {
  log(level: LogLevel, text: string): void;
  /** Opens the log file again, after logrotate moved it. */
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export interface ServerHooks {
  /** Opens the log, once the security files are read; the server closes it last. */
  openLog(): Promise<ServerLog>;
  /** Whether start-up lines of `level` are logged (mqt serve's quick mode shows no 'information'). */
  showStartup(level: LogLevel): boolean;
  /** The caller's own lines, once the config's notes and the first start-up lines are logged. */
  opened?(log: ServerLog): void;
  /** The process id the pid file holds (default: this process's). */
  pid?: number;
  /** Words for what can be done about a problem a log line reports; without it, only the facts are logged. */
  remedyText?(remedy: Remedy): string;
  /** What starts once the listeners are open (mqt serve's bridges), and is stopped first at close. */
  attach?(broker: Broker): { close(): Promise<void> };
}

export interface Server {
  readonly broker: Broker;
  /** The sockets listened on. */
  readonly endpoints: readonly Endpoint[];
  readonly log: ServerLog;
  /** SIGHUP: reopens the log and rereads the password, acl and psk files; a file that fails keeps its old content. */
  reload(): Promise<void>;
  /** Clients get DISCONNECT, then listeners, pid file, journal and log close. */
  close(): Promise<void>;
}

/** Undoes, newest first, what the start-up did. */
class CleanupStack {
  private readonly steps: (() => Promise<void>)[] = [];

  push(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (let step = this.steps.pop(); step !== undefined; step = this.steps.pop()) await step();
  }
}

/** Starts what `config` describes; throws (with everything opened closed again) when a step fails. */
export async function startServer(config: ServeConfig, hooks: ServerHooks): Promise<Server> {
  const cleanup = new CleanupStack();
  try {
    return await start(config, hooks, cleanup);
  } catch (err) {
    await cleanup.run();
    throw err;
  }
}

async function start(config: ServeConfig, hooks: ServerHooks, cleanup: CleanupStack): Promise<Server> {
  const version = config.brokerOptions.version;
  const security = openListenerSecurity(config.listeners);
  const log = await hooks.openLog();
  cleanup.push(() => log.close());
  const startup = (level: LogLevel, text: string): void => {
    if (hooks.showStartup(level)) log.log(level, text);
  };
  for (const note of config.notes) log.log(note.level, note.text);
  const logged = (err: MqttError): string => (err.remedy === undefined || hooks.remedyText === undefined ? err.message : `${err.message} (${hooks.remedyText(err.remedy)})`);
  for (const problem of security.problems) log.log('warning', `Warning: ${logged(problem)}`);
  for (const plugin of security.plugins) {
    plugin.onSaveError = (err) => log.log('error', `Error: ${logged(err)}`);
    // The changes made before a stop are on disk when it ends.
    cleanup.push(() => plugin.flushed());
  }
  startup('information', `mqt version ${version} starting`);
  startup('information', config.configFile === undefined ? 'Using default config.' : `Config loaded from ${config.configFile}.`);
  for (const path of security.pluginPaths) startup('information', `Loading plugin: ${path}`);
  hooks.opened?.(log);

  let durable: DurableStore | undefined;
  if (config.persistence !== undefined) {
    startup('information', `Restoring in-memory database from ${config.persistence.stateFile ?? config.persistence.dir}.`);
    const store = await openDurableStore(config.persistence, (level, text) => log.log(level, text));
    cleanup.push(() => store.close());
    durable = store;
  }
  const pidFile = config.pidFile;
  if (pidFile !== undefined) {
    await writeFileAtomic(pidFile, String(hooks.pid ?? process.pid), { overwrite: true, mode: 0o644 });
    cleanup.push(() => rm(pidFile, { force: true }));
  }
  const broker = new Broker(durable === undefined ? config.brokerOptions : { ...config.brokerOptions, durable });
  broker.on('log', (level, text) => log.log(level, text));
  cleanup.push(() => broker.close());
  if (durable !== undefined) {
    const restored = restoreBroker(broker, durable, config.listeners);
    startup('information', `Restored ${restored.retained} retained messages, ${restored.sessions} sessions and ${restored.messages} queued or in-flight messages.`);
  }
  const consoleView = config.listeners.some((l) => l.console !== undefined) ? (await import('./console/broker-view.js')).consoleBroker(broker, config.listeners, version) : undefined;
  const listeners = await openListeners(config.listeners, broker, { tcpNoDelay: config.tcpNoDelay, log: startup, ...(consoleView === undefined ? {} : { console: consoleView }) });
  // Clients get their DISCONNECT before the listeners end the connections left.
  cleanup.push(async () => {
    await broker.close();
    await listeners.close();
  });
  if (hooks.attach !== undefined) {
    const attached = hooks.attach(broker);
    cleanup.push(() => attached.close());
  }
  startup('information', `mqt version ${version} running`);

  return {
    broker,
    endpoints: listeners.endpoints,
    log,
    async reload() {
      log.log('information', 'Reloading config.');
      const { errors, problems } = security.reload();
      const reopened = log.reopen();
      for (const err of errors) log.log('error', `Error: ${logged(err)}`);
      for (const problem of problems) log.log('warning', `Warning: ${logged(problem)}`);
      await reopened;
    },
    async close() {
      log.log('information', `mqt version ${version} terminating`);
      await cleanup.run();
    },
  };
}
