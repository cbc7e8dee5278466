import { join, resolve } from 'node:path';
import { readMosquittoConf } from '../lib/broker/config/mosquitto-conf.js';
import { buildServeConfig } from '../lib/broker/config/serve-config.js';
import type { ServeConfig } from '../lib/broker/config/types.js';
import { startServer, type Server } from '../lib/broker/server.js';
import { startBridges } from '../lib/bridge/start.js';
import { indexFlags } from './options/argv.js';
import { resolveServe, serveOptionGroups } from './options/serve.js';
import { settingsFromArgv } from './ui/command-args.js';
import { ExitCode } from './ui/exit-codes.js';
import { InputError } from './ui/input-error.js';
import { packageVersion } from './ui/version.js';
import { remedyText } from './ui/remedies.js';
import { reportError } from './ui/report.js';
import { openServeLog } from './ui/serve-log.js';
import { consoleUrls, listeningSummary } from './ui/serve-summary.js';
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
  let tls: ServeTls | undefined;
  try {
    tls = settings.tls === undefined ? undefined : await prepareServeTls(settings.tls, settings.bind);
    const tlsListener = tls === undefined ? {} : { tlsListener: { port: tls.port, certfile: tls.certFile, keyfile: tls.keyFile } };
    config = withCommandLineNotes(buildServeConfig(settings.configFile === undefined ? undefined : readMosquittoConf(settings.configFile), { ...settings, version, ...tlsListener, consoleAssets: consoleAssets() }));
  } catch (err) {
    return reportError(err, 'serve');
  }
  // With no config and no -v, one line on stdout replaces mosquitto's start-up lines.
  const quick = settings.configFile === undefined && !settings.verbose;
  let server: Server;
  try {
    server = await startServer(config, {
      openLog: () => openServeLog(config.logging),
      showStartup: (level) => !quick || level !== 'information',
      remedyText,
      attach: (broker) => startBridges(config.bridges ?? [], broker),
      opened: (log) => {
        if (!config.localOnly || quick) return;
        log.log('warning', 'Starting in local only mode. Connections will only be possible from clients running on this machine.');
        log.log('warning', 'Create a configuration file which defines a listener to allow remote access, or start mqt serve with --bind 0.0.0.0.');
        log.log('warning', 'For more details see man mqt-serve.');
      },
    });
  } catch (err) {
    return reportError(err, 'serve');
  }
  if (quick) process.stdout.write(`${listeningSummary(server.endpoints, config.localOnly)}\n`);
  if (tls !== undefined) process.stdout.write(`${serveTlsSummary(tls)}\n`);
  for (const url of consoleUrls(server.endpoints)) process.stdout.write(`mqt serve: web console at ${url}\n`);

  await untilTerminated(() => void server.reload());
  await server.close();
  return ExitCode.Ok;
}

/** The built page sits beside the command bundles (dist/web); a test's in-process run finds the build's. */
function consoleAssets(): string {
  return typeof __dirname === 'string' ? join(__dirname, '..', 'web') : resolve('dist', 'web');
}

/**
 * The config's listeners replace the command line's: -p is then ignored with a warning, as by
 * mosquitto, and --bind (mqt's own) refused, since it could only mean a listener line's address.
 */
function withCommandLineNotes(config: ServeConfig): ServeConfig {
  const overridden = config.overridden;
  if (overridden === undefined) return config;
  if (overridden.bind !== undefined) {
    throw new InputError('--bind cannot be used with a config file that defines listeners: give the address on their listener lines.', ExitCode.Failure);
  }
  const warning = { level: 'warning' as const, text: `Warning: -p ${overridden.ports.join(', ')} ignored: the config file defines the listeners (as mosquitto does).` };
  return { ...config, notes: [warning, ...config.notes] };
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
