import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Authorizer } from '../auth/authorizer.js';
import type { PersistenceSettings } from '../persistence/settings.js';
import { DEFAULT_LIMITS, type BrokerLimits, type ListenerSettings, type LogLevel } from '../types.js';
import { bridgeSettings } from './bridge-directives.js';
import { emptyConfState, type ConfState, type ListenerSection, type SecuritySection } from './state.js';
import { resolveTls } from './tls-config.js';
import type { ListenerTls } from './tls-types.js';
import type { ConfigNote } from './basics.js';
import type { ListenerConfig, LoggingConfig, ServeConfig } from './types.js';

/** The listeners and logging the command line asks for, mosquitto's flags and mqt's own. */
export interface CommandLineSettings {
  /** -p: mosquitto opens these on 127.0.0.1 and ::1 when the config defines no listener. */
  ports: number[];
  /** --bind: these ports on this address instead of local only. */
  bind?: string;
  unixPaths: string[];
  wsPorts: number[];
  /** --tls: a certificate listener on this port, opened where the plain command-line listeners are. */
  tlsListener?: { port: number; certfile: string; keyfile: string };
  /** -v: every log type, whatever the config says. */
  verbose: boolean;
  configFile?: string;
  /** --persist: persistence on, the journal in this folder. */
  persistDir?: string;
  /** For $SYS/broker/version. */
  version: string;
  /** --web: the web console on this port (on --bind's address, else 127.0.0.1); it replaces web_console. */
  webPort?: number;
  /** The folder of the web console's built page. */
  consoleAssets?: string;
}

/** Where the web console listens unless told otherwise: this machine only, so no login is needed. */
const CONSOLE_ADDRESS = '127.0.0.1';
/** Addresses of this machine only: a console there is its owner's, without a login. */
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

const MQTT_PORT = 1883;
const LOCAL_ADDRESSES = ['127.0.0.1', '::1'];
const ALL_LOG_TYPES: LogLevel[] = ['error', 'warning', 'notice', 'information', 'debug', 'subscribe', 'unsubscribe'];
/** mosquitto's log types when the config names none. */
const DEFAULT_LOG_TYPES: LogLevel[] = ['error', 'warning', 'notice', 'information'];
/** mosquitto's $SYS update period. */
const DEFAULT_SYS_INTERVAL = 10;

/**
 * Applies mosquitto 2.0's defaults and the command line to what the config said. Without a
 * `listener` (or `port`) line the broker is local only and anonymous; once one is configured,
 * allow_anonymous defaults to false. `--bind` is mqt's way to open the quick start up: the
 * command-line listeners then stay anonymous unless the config says allow_anonymous false.
 */
export function buildServeConfig(state: ConfState | undefined, cli: CommandLineSettings): ServeConfig {
  const conf = state ?? emptyConfState();
  const notes: ConfigNote[] = [...conf.notes];
  const localOnly = !conf.listenerConfigured && cli.bind === undefined;
  const listeners: ListenerConfig[] = [];
  // mosquitto 2.0 lets anyone in while it is local only, whatever allow_anonymous says.
  const securityOf = (section: ListenerSection): SecuritySection => (conf.perListenerSettings ? section.security : conf.security);
  const settings = (section: ListenerSection, fallback: boolean): ListenerSettings => {
    const security = securityOf(section);
    return {
      ...listenerSettings(section, localOnly || (security.allowAnonymous ?? fallback), conf.clientIdPrefix),
      ...(security.allowZeroLengthClientId === undefined ? {} : { allowZeroLengthClientId: security.allowZeroLengthClientId }),
      ...(security.autoIdPrefix === undefined ? {} : { autoIdPrefix: security.autoIdPrefix }),
    };
  };
  const fromSection = (section: ListenerSection, fallback: boolean, tls?: ListenerTls): ListenerConfig => {
    const base = settings(section, fallback);
    return {
      port: section.port ?? MQTT_PORT,
      protocol: section.protocol ?? 'mqtt',
      ...(section.bindAddress === undefined ? {} : { bindAddress: section.bindAddress }),
      ...(section.unixPath === undefined ? {} : { unixPath: section.unixPath }),
      ...(section.socketDomain === undefined ? {} : { socketDomain: section.socketDomain }),
      ...(section.bindInterface === undefined ? {} : { bindInterface: section.bindInterface }),
      ...webOptions(conf, section, notes),
      settings: tls?.usernameFrom === undefined ? base : { ...base, usernameFromTls: true },
      security: securityOf(section),
      ...(tls === undefined ? {} : { tls }),
      ...(section.origin === undefined ? {} : { origin: section.origin }),
    };
  };
  /** A listener of the config file: its TLS settings resolved too. */
  const open = (section: ListenerSection, fallback: boolean): ListenerConfig => fromSection(section, fallback, resolveTls(section.tls, securityOf(section).pskFile, notes));

  if (conf.listenerConfigured) {
    const base = conf.defaultListener;
    // `port`/`bind_address` make the default listener one of its own, as in mosquitto. Without them,
    // settings written before the first `listener` are every listener's defaults; mosquitto would
    // open an extra listener on 1883 for them.
    const ownListener = base.port !== undefined || base.bindAddress !== undefined;
    if (ownListener) listeners.push(open({ port: MQTT_PORT, ...base }, false));
    for (const own of conf.listeners) {
      const section = ownListener ? own : { ...base, ...own, ...mergedTls(base, own) };
      listeners.push(open(section, false));
    }
  } else {
    const addresses = cli.bind === undefined ? LOCAL_ADDRESSES : [cli.bind];
    const ports = cli.ports.length > 0 ? cli.ports : [MQTT_PORT];
    const section = conf.defaultListener;
    for (const port of ports) {
      for (const bindAddress of addresses) listeners.push(open({ ...section, port, bindAddress }, true));
    }
  }
  const extraAddresses = conf.listenerConfigured ? [undefined] : cli.bind === undefined ? LOCAL_ADDRESSES : [cli.bind];
  const extraFallback = !conf.listenerConfigured;
  for (const port of cli.wsPorts) {
    for (const bindAddress of extraAddresses) {
      listeners.push(fromSection({ port, protocol: 'websockets', ...(bindAddress === undefined ? {} : { bindAddress }), security: {} }, extraFallback));
    }
  }
  const cliTls: ListenerTls | undefined =
    cli.tlsListener === undefined
      ? undefined
      : { kind: 'certificate', certfile: { path: cli.tlsListener.certfile }, keyfile: { path: cli.tlsListener.keyfile }, requireCertificate: false, minVersion: 'tlsv1.2' };
  if (cli.tlsListener !== undefined) {
    for (const bindAddress of extraAddresses) {
      listeners.push(fromSection({ port: cli.tlsListener.port, ...(bindAddress === undefined ? {} : { bindAddress }), security: {} }, extraFallback, cliTls));
    }
  }
  for (const unixPath of cli.unixPaths) listeners.push(fromSection({ port: 0, unixPath, security: {} }, extraFallback));
  const web = cli.webPort === undefined ? conf.webConsole : { port: cli.webPort, ...(cli.bind === undefined ? {} : { address: cli.bind }) };
  if (web !== undefined) {
    const bindAddress = web.address ?? CONSOLE_ADDRESS;
    const loginRequired = !LOOPBACK.test(bindAddress);
    // HTTPS on --tls's certificate, else on that of the first TLS listener of the config.
    const consoleListener = fromSection({ port: web.port, protocol: 'websockets', bindAddress, security: conf.security }, extraFallback, cliTls ?? listenerCertificate(listeners));
    // Beyond this machine, nobody is anonymous on the console, whatever allow_anonymous says.
    if (loginRequired) consoleListener.settings = { ...consoleListener.settings, allowAnonymous: false };
    consoleListener.console = { loginRequired, assetsDir: cli.consoleAssets ?? 'web' };
    listeners.push(consoleListener);
  }

  if (conf.user !== undefined && conf.user !== 'root' && process.getuid?.() === 0) {
    notes.push({ level: 'warning', text: `Warning: mqt serve does not drop privileges: user ${conf.user} ignored, running as root.` });
  }
  const log = logging(conf, cli.verbose);
  return {
    listeners,
    brokerOptions: {
      limits: limits(conf.limits),
      auth: new Authorizer({}),
      sysInterval: conf.sysInterval ?? DEFAULT_SYS_INTERVAL,
      version: cli.version,
      connectionMessages: log.connectionMessages,
      logDebug: log.types.includes('debug'),
      ...(conf.checkRetainSource === undefined ? {} : { checkRetainSource: conf.checkRetainSource }),
    },
    logging: log,
    localOnly,
    tcpNoDelay: conf.tcpNoDelay ?? false,
    bridges: bridgeSettings(conf.bridges, hostname()),
    ...(conf.pidFile === undefined ? {} : { pidFile: conf.pidFile }),
    notes,
    ...persistence(conf, cli.persistDir),
    ...(cli.configFile === undefined ? {} : { configFile: cli.configFile }),
    ...overridden(conf, cli),
  };
}

/** The command-line listener settings that the config's own listeners replace, as mosquitto ignores -p then. */
function overridden(conf: ConfState, cli: CommandLineSettings): Pick<ServeConfig, 'overridden'> {
  if (!conf.listenerConfigured || (cli.ports.length === 0 && cli.bind === undefined)) return {};
  return { overridden: { ports: cli.ports, ...(cli.bind === undefined ? {} : { bind: cli.bind }) } };
}

/** http_dir and websockets_headers_size, for websockets listeners only (as in mosquitto). */
function webOptions(conf: ConfState, section: ListenerSection, notes: ConfigNote[]): Pick<ListenerConfig, 'httpDir' | 'httpHeadersSize'> {
  if (section.protocol !== 'websockets') {
    const origin = section.httpDir?.origin;
    if (origin !== undefined) {
      const text = `Warning: ${origin.file}:${origin.line}: http_dir ignored: this listener is not a websockets listener.`;
      if (!notes.some((n) => n.text === text)) notes.push({ level: 'warning', text });
    }
    return {};
  }
  return {
    ...(section.httpDir === undefined ? {} : { httpDir: section.httpDir }),
    ...(conf.websocketsHeadersSize === undefined ? {} : { httpHeadersSize: conf.websocketsHeadersSize }),
  };
}

/** mosquitto's defaults: the file mosquitto.db in the working directory, saved every 1800 s. */
const DEFAULT_PERSISTENCE_FILE = 'mosquitto.db';
const DEFAULT_AUTOSAVE_INTERVAL = 1800;

/**
 * persistence_location + persistence_file holds the state (mqt's snapshot), as mosquitto.db holds
 * mosquitto's, so deleting it resets the broker; the changes since are journaled in a folder of
 * the same name with ".journal" added: mosquitto.db.journal. --persist DIR keeps both in DIR.
 */
function persistence(conf: ConfState, persistDir: string | undefined): { persistence?: PersistenceSettings } {
  if (persistDir === undefined && conf.persistence !== true) return {};
  const stateFile = join(conf.persistenceLocation ?? '', conf.persistenceFile ?? DEFAULT_PERSISTENCE_FILE);
  const dir = persistDir ?? `${stateFile}.journal`;
  return {
    persistence: {
      dir: resolve(dir),
      ...(persistDir === undefined ? { stateFile: resolve(stateFile) } : {}),
      autosaveInterval: conf.autosaveInterval ?? DEFAULT_AUTOSAVE_INTERVAL,
      autosaveOnChanges: conf.autosaveOnChanges ?? false,
    },
  };
}

/** TLS directives written before the first `listener` are defaults the listener's own ones override one by one. */
function mergedTls(base: ListenerSection, own: ListenerSection): Pick<ListenerSection, 'tls'> {
  return base.tls === undefined || own.tls === undefined ? {} : { tls: { ...base.tls, ...own.tls } };
}

function listenerSettings(section: ListenerSection, allowAnonymous: boolean, clientIdPrefix: string | undefined): ListenerSettings {
  return {
    allowAnonymous,
    ...(clientIdPrefix === undefined ? {} : { clientIdPrefix }),
    maxConnections: section.maxConnections ?? -1,
    ...(section.maximumQos === undefined ? {} : { maximumQos: section.maximumQos }),
    ...(section.maxTopicAlias === undefined ? {} : { maxTopicAlias: section.maxTopicAlias }),
    ...(section.useUsernameAsClientId === undefined ? {} : { useUsernameAsClientId: section.useUsernameAsClientId }),
    ...(section.mountPoint === undefined ? {} : { mountPoint: section.mountPoint }),
  };
}

function limits(set: Partial<BrokerLimits>): BrokerLimits {
  const merged = { ...DEFAULT_LIMITS, ...set };
  // mosquitto announces max_inflight_messages as the v5 Receive Maximum, and none (65535) when it is 0.
  return { ...merged, receiveMaximum: merged.maxInflightMessages > 0 ? merged.maxInflightMessages : 65535 };
}

function logging(conf: ConfState, verbose: boolean): LoggingConfig {
  const destinations = conf.logDestinations === undefined ? ['stderr' as const] : [...conf.logDestinations];
  return {
    destinations,
    ...(conf.logFile === undefined ? {} : { file: conf.logFile }),
    types: verbose ? ALL_LOG_TYPES : conf.logTypes === undefined ? DEFAULT_LOG_TYPES : ALL_LOG_TYPES.filter((t) => conf.logTypes!.has(t)),
    timestamps: conf.logTimestamp ?? true,
    ...(conf.logTimestampFormat === undefined ? {} : { timestampFormat: conf.logTimestampFormat }),
    connectionMessages: conf.connectionMessages ?? true,
  };
}

/**
 * The certificate of the first listener that has one, for the web console to speak HTTPS with:
 * without the demand for a client certificate, which a browser does not have.
 */
function listenerCertificate(listeners: readonly ListenerConfig[]): ListenerTls | undefined {
  const tls = listeners.find((l) => l.tls?.kind === 'certificate')?.tls;
  return tls?.kind === 'certificate' ? { kind: 'certificate', certfile: tls.certfile, keyfile: tls.keyfile, requireCertificate: false, minVersion: tls.minVersion } : undefined;
}
