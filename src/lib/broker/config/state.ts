import type { BrokerLimits, LogLevel } from '../types.js';
import type { BridgeSection } from './bridge-types.js';
import type { ConfFile, TlsSection } from './tls-types.js';
import type { BindInterface, ConfigNote, ListenerProtocol, LogDestination, Origin } from './basics.js';

/** The security settings mosquitto keeps globally, or per listener with per_listener_settings. */
export interface SecuritySection {
  allowAnonymous?: boolean;
  passwordFile?: string;
  aclFile?: string;
  allowZeroLengthClientId?: boolean;
  autoIdPrefix?: string;
  pskFile?: ConfFile;
  /** plugin mosquitto_dynamic_security.so, with its plugin_opt_config_file. */
  dynsec?: { path: string; origin: Origin; configFile?: string };
}

/** What a `listener` line and the directives after it set; unset fields take the defaults. */
export interface ListenerSection {
  /** Where its `listener` line is; undefined for the default listener (directives before any `listener`). */
  origin?: Origin;
  port?: number;
  bindAddress?: string;
  unixPath?: string;
  protocol?: ListenerProtocol;
  socketDomain?: 'ipv4' | 'ipv6';
  maxConnections?: number;
  maximumQos?: 0 | 1 | 2;
  maxTopicAlias?: number;
  useUsernameAsClientId?: boolean;
  /** mount_point: the prefix of this listener's clients' topics. */
  mountPoint?: string;
  /** bind_interface: listen on this network interface's addresses. */
  bindInterface?: BindInterface;
  /** http_dir: files a websockets listener serves over plain HTTP(S) requests. */
  httpDir?: ConfFile;
  /** cafile, certfile, psk_hint... of this listener. */
  tls?: TlsSection;
  security: SecuritySection;
}

/** The directives read so far, before defaults and the command line are applied. */
export interface ConfState {
  /** Listener settings written before any `listener` line, and the deprecated `port`/`bind_address`. */
  defaultListener: ListenerSection;
  listeners: ListenerSection[];
  /** A `listener` or `port` line was read: mosquitto 2.0 leaves local-only mode. */
  listenerConfigured: boolean;
  perListenerSettings: boolean;
  /** A security directive was read (per_listener_settings must come before any). */
  securitySet: boolean;
  security: SecuritySection;
  limits: Partial<BrokerLimits>;
  sysInterval?: number;
  logDestinations?: Set<LogDestination>;
  logFile?: string;
  logTypes?: Set<LogLevel>;
  logTimestamp?: boolean;
  logTimestampFormat?: string;
  connectionMessages?: boolean;
  checkRetainSource?: boolean;
  tcpNoDelay?: boolean;
  /** websockets_headers_size: the HTTP header bytes a websockets listener must accept. */
  websocketsHeadersSize?: number;
  /** clientid_prefixes: every client id must start with it (global in mosquitto). */
  clientIdPrefix?: string;
  /** pid_file: where to write the process id while running. */
  pidFile?: string;
  user?: string;
  persistence?: boolean;
  persistenceLocation?: string;
  persistenceFile?: string;
  autosaveInterval?: number;
  autosaveOnChanges?: boolean;
  /** web_console (mqt only): the web console's port, and its address when not 127.0.0.1. */
  webConsole?: { port: number; address?: string };
  notes: ConfigNote[];
  /** The `connection` sections, in order. */
  bridges: BridgeSection[];
}

export function emptyConfState(): ConfState {
  return {
    defaultListener: { security: {} },
    listeners: [],
    listenerConfigured: false,
    perListenerSettings: false,
    securitySet: false,
    security: {},
    limits: {},
    notes: [],
    bridges: [],
  };
}
