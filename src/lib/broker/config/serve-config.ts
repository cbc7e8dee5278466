import { join, resolve } from 'node:path';
import { ErrorCode, MqttError } from '../../errors.js';
import type { PersistenceSettings } from '../persistence/startup.js';
import { DEFAULT_LIMITS, type BrokerAuth, type BrokerLimits, type ListenerSettings, type LogLevel } from '../types.js';
import { emptyConfState, type ConfState, type ListenerSection } from './state.js';
import type { ConfigNote, ListenerConfig, LoggingConfig, ServeConfig } from './types.js';

/** The listeners and logging the command line asks for, mosquitto's flags and mqt's own. */
export interface CommandLineSettings {
  /** -p: mosquitto opens these on 127.0.0.1 and ::1 when the config defines no listener. */
  ports: number[];
  /** --bind: these ports on this address instead of local only. */
  bind?: string;
  unixPaths: string[];
  wsPorts: number[];
  /** -v: every log type, whatever the config says. */
  verbose: boolean;
  configFile?: string;
  /** --persist: persistence on, the journal in this folder. */
  persistDir?: string;
  /** For $SYS/broker/version. */
  version: string;
}

const MQTT_PORT = 1883;
const LOCAL_ADDRESSES = ['127.0.0.1', '::1'];
const ALL_LOG_TYPES: LogLevel[] = ['error', 'warning', 'notice', 'information', 'debug', 'subscribe', 'unsubscribe'];
/** mosquitto's log types when the config names none. */
const DEFAULT_LOG_TYPES: LogLevel[] = ['error', 'warning', 'notice', 'information'];
/** mosquitto's $SYS update period. */
const DEFAULT_SYS_INTERVAL = 10;

/**
 * With no password file a username proves nothing: mosquitto 2.0 then accepts a login exactly
 * where anonymous clients are allowed, and refuses it (CONNACK 5) where they are not.
 */
const WITHOUT_PASSWORDS: BrokerAuth = {
  authenticate: (login) => login.connection.listener.settings.allowAnonymous,
};

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
  const settings = (section: ListenerSection, fallback: boolean): ListenerSettings => {
    const security = conf.perListenerSettings ? section.security : conf.security;
    return listenerSettings(section, localOnly || (security.allowAnonymous ?? fallback));
  };

  if (conf.listenerConfigured) {
    if (cli.bind !== undefined) {
      throw new MqttError(ErrorCode.InvalidArgument, '--bind cannot be used with a config file that defines listeners: give the address on their listener lines.');
    }
    if (cli.ports.length > 0) {
      notes.push({ level: 'warning', text: `Warning: -p ${cli.ports.join(', ')} ignored: the config file defines the listeners (as mosquitto does).` });
    }
    const base = conf.defaultListener;
    // `port`/`bind_address` make the default listener one of its own, as in mosquitto. Without them,
    // settings written before the first `listener` are every listener's defaults; mosquitto would
    // open an extra listener on 1883 for them.
    const ownListener = base.port !== undefined || base.bindAddress !== undefined;
    if (ownListener) listeners.push(fromSection({ port: MQTT_PORT, ...base }, settings(base, false)));
    for (const own of conf.listeners) {
      const section = ownListener ? own : { ...base, ...own };
      listeners.push(fromSection(section, settings(section, false)));
    }
  } else {
    const addresses = cli.bind === undefined ? LOCAL_ADDRESSES : [cli.bind];
    const ports = cli.ports.length > 0 ? cli.ports : [MQTT_PORT];
    const section = conf.defaultListener;
    for (const port of ports) {
      for (const bindAddress of addresses) listeners.push(fromSection({ ...section, port, bindAddress }, settings(section, true)));
    }
  }
  const extraAddresses = conf.listenerConfigured ? [undefined] : cli.bind === undefined ? LOCAL_ADDRESSES : [cli.bind];
  const extraSettings = settings({ security: {} }, !conf.listenerConfigured);
  for (const port of cli.wsPorts) {
    for (const bindAddress of extraAddresses) {
      listeners.push({ port, protocol: 'websockets', ...(bindAddress === undefined ? {} : { bindAddress }), settings: extraSettings });
    }
  }
  for (const unixPath of cli.unixPaths) listeners.push({ port: 0, unixPath, protocol: 'mqtt', settings: extraSettings });

  if (conf.user !== undefined && conf.user !== 'root' && process.getuid?.() === 0) {
    notes.push({ level: 'warning', text: `Warning: mqt serve does not drop privileges: user ${conf.user} ignored, running as root.` });
  }
  const log = logging(conf, cli.verbose);
  return {
    listeners,
    brokerOptions: {
      limits: limits(conf.limits),
      auth: WITHOUT_PASSWORDS,
      sysInterval: conf.sysInterval ?? DEFAULT_SYS_INTERVAL,
      version: cli.version,
      connectionMessages: log.connectionMessages,
      logDebug: log.types.includes('debug'),
    },
    logging: log,
    localOnly,
    tcpNoDelay: conf.tcpNoDelay ?? false,
    notes,
    ...persistence(conf, cli.persistDir),
    ...(cli.configFile === undefined ? {} : { configFile: cli.configFile }),
  };
}

/** mosquitto's defaults: the file mosquitto.db in the working directory, saved every 1800 s. */
const DEFAULT_PERSISTENCE_FILE = 'mosquitto.db';
const DEFAULT_AUTOSAVE_INTERVAL = 1800;

/**
 * Where mosquitto writes persistence_location + persistence_file, mqt keeps a journal folder of
 * the same name with ".journal" added: mosquitto.db.journal.
 */
function persistence(conf: ConfState, persistDir: string | undefined): { persistence?: PersistenceSettings } {
  if (persistDir === undefined && conf.persistence !== true) return {};
  const dir = persistDir ?? join(conf.persistenceLocation ?? '', `${conf.persistenceFile ?? DEFAULT_PERSISTENCE_FILE}.journal`);
  return {
    persistence: {
      dir: resolve(dir),
      autosaveInterval: conf.autosaveInterval ?? DEFAULT_AUTOSAVE_INTERVAL,
      autosaveOnChanges: conf.autosaveOnChanges ?? false,
    },
  };
}

function fromSection(section: ListenerSection, settings: ListenerSettings): ListenerConfig {
  return {
    port: section.port ?? MQTT_PORT,
    protocol: section.protocol ?? 'mqtt',
    ...(section.bindAddress === undefined ? {} : { bindAddress: section.bindAddress }),
    ...(section.unixPath === undefined ? {} : { unixPath: section.unixPath }),
    ...(section.socketDomain === undefined ? {} : { socketDomain: section.socketDomain }),
    settings,
    ...(section.origin === undefined ? {} : { origin: section.origin }),
  };
}

function listenerSettings(section: ListenerSection, allowAnonymous: boolean): ListenerSettings {
  return {
    allowAnonymous,
    maxConnections: section.maxConnections ?? -1,
    ...(section.maximumQos === undefined ? {} : { maximumQos: section.maximumQos }),
    ...(section.maxTopicAlias === undefined ? {} : { maxTopicAlias: section.maxTopicAlias }),
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
