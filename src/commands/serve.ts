import { rm } from 'node:fs/promises';
import { writeFileAtomic } from '../lib/fs/atomic-write.js';
import { openListenerSecurity, type ListenerSecurity } from '../lib/broker/auth/listener-security.js';
import { Broker } from '../lib/broker/broker.js';
import { readMosquittoConf } from '../lib/broker/config/mosquitto-conf.js';
import { buildServeConfig } from '../lib/broker/config/serve-config.js';
import type { ServeConfig } from '../lib/broker/config/types.js';
import { openListeners, type OpenListeners } from '../lib/broker/network/listeners.js';
import type { DurableStore } from '../lib/broker/persistence/durable.js';
import { openDurableStore, restoreBroker } from '../lib/broker/persistence/startup.js';
import type { LogLevel } from '../lib/broker/types.js';
import { indexFlags } from './options/argv.js';
import { resolveServe, serveOptionGroups } from './options/serve.js';
import { settingsFromArgv } from './ui/command-args.js';
import { ExitCode } from './ui/exit-codes.js';
import { packageVersion } from './ui/version.js';
import { reportError } from './ui/report.js';
import { openServeLog, type ServeLog } from './ui/serve-log.js';
import { listeningSummary } from './ui/serve-summary.js';
import { prepareServeTls, serveTlsSummary, type ServeTls } from './ui/serve-tls.js';
import { onHangup, onTerminate } from './ui/signals.js';

const byFlag = indexFlags(serveOptionGroups);

/** `mqt serve`: the broker, started like mosquitto (-c, -p, -v) or with no flags at all. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = await settingsFromArgv('serve', argv, byFlag, resolveServe);
  if ('exitCode' in parsed) return parsed.exitCode;
  const settings = parsed.settings;
  const version = packageVersion();
  let config: ServeConfig;
  let log: ServeLog;
  let security: ListenerSecurity;
  let tls: ServeTls | undefined;
  try {
    tls = settings.tls === undefined ? undefined : await prepareServeTls(settings.tls, settings.bind);
    const tlsListener = tls === undefined ? {} : { tlsListener: { port: tls.port, certfile: tls.certFile, keyfile: tls.keyFile } };
    config = buildServeConfig(settings.configFile === undefined ? undefined : readMosquittoConf(settings.configFile), { ...settings, version, ...tlsListener });
    security = await openListenerSecurity(config.listeners);
    log = await openServeLog(config.logging);
  } catch (err) {
    return reportError(err, 'serve');
  }
  // With no config and no -v, one line on stdout replaces mosquitto's start-up lines.
  const quick = settings.configFile === undefined && !settings.verbose;
  const startup = (level: LogLevel, text: string): void => {
    if (!quick || level !== 'information') log.log(level, text);
  };
  for (const note of config.notes) log.log(note.level, note.text);
  for (const problem of security.problems) log.log('warning', `Warning: ${problem.message}`);
  startup('information', `mqt version ${version} starting`);
  startup('information', config.configFile === undefined ? 'Using default config.' : `Config loaded from ${config.configFile}.`);
  if (config.localOnly && !quick) {
    log.log('warning', 'Starting in local only mode. Connections will only be possible from clients running on this machine.');
    log.log('warning', 'Create a configuration file which defines a listener to allow remote access, or start mqt serve with --bind 0.0.0.0.');
    log.log('warning', 'For more details see man mqt-serve.');
  }
  let durable: DurableStore | undefined;
  if (config.persistence !== undefined) {
    try {
      startup('information', `Restoring in-memory database from ${config.persistence.dir}.`);
      durable = await openDurableStore(config.persistence, (level, text) => log.log(level, text));
    } catch (err) {
      await log.close();
      return reportError(err, 'serve');
    }
  }
  if (config.pidFile !== undefined) {
    try {
      await writeFileAtomic(config.pidFile, String(process.pid), { overwrite: true, mode: 0o644 });
    } catch (err) {
      await log.close();
      return reportError(err, 'serve');
    }
  }
  const removePidFile = (): Promise<void> => (config.pidFile === undefined ? Promise.resolve() : rm(config.pidFile, { force: true }));
  const broker = new Broker(durable === undefined ? config.brokerOptions : { ...config.brokerOptions, durable });
  broker.on('log', (level, text) => log.log(level, text));
  if (durable !== undefined) {
    const restored = restoreBroker(broker, durable, config.listeners);
    startup('information', `Restored ${restored.retained} retained messages, ${restored.sessions} sessions and ${restored.messages} queued or in-flight messages.`);
  }
  let listeners: OpenListeners;
  try {
    listeners = await openListeners(config.listeners, broker, { tcpNoDelay: config.tcpNoDelay, log: startup });
  } catch (err) {
    await broker.close();
    await durable?.close();
    await removePidFile();
    await log.close();
    return reportError(err, 'serve');
  }
  startup('information', `mqt version ${version} running`);
  if (quick) process.stdout.write(`${listeningSummary(listeners.endpoints, config.localOnly)}\n`);
  if (tls !== undefined) process.stdout.write(`${serveTlsSummary(tls)}\n`);

  await untilTerminated(() => {
    log.log('information', 'Reloading config.');
    void log.reopen();
    void security.reload().then(({ errors, problems }) => {
      for (const err of errors) log.log('error', `Error: ${err.message}`);
      for (const problem of problems) log.log('warning', `Warning: ${problem.message}`);
    });
  });
  log.log('information', `mqt version ${version} terminating`);
  await broker.close();
  await listeners.close();
  await durable?.close();
  await removePidFile();
  await log.close();
  return ExitCode.Ok;
}

/** Resolves on SIGINT or SIGTERM; SIGHUP runs `reload` meanwhile, as mosquitto reloads on it. */
function untilTerminated(reload: () => void): Promise<void> {
  return new Promise((resolve) => {
    const stopHangup = onHangup(reload);
    onTerminate(() => {
      stopHangup();
      resolve();
    });
  });
}
