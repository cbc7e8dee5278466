import type { PersistenceSettings } from '../persistence/settings.js';
import type { BrokerOptions, ListenerSettings, LogLevel } from '../types.js';
import type { BridgeSettings } from './bridge-types.js';
import type { SecuritySection } from './state.js';
import type { ConfFile, ListenerTls } from './tls-types.js';
import type { BindInterface, ConfigNote, ListenerProtocol, LogDestination, Origin } from './basics.js';

/** A psk_file's keys by identity (auth/psk-file.ts). */
export interface PskKeys {
  keyOf(identity: string): Buffer | undefined;
}

/** One listener to open: a TCP port (on one address or on all) or a unix socket. */
export interface ListenerConfig {
  /** TCP port; 0 for a unix socket. */
  port: number;
  /** Address or host name to bind; undefined = every address (IPv4 and IPv6). */
  bindAddress?: string;
  /** mosquitto 2.0's `listener 0 /path/to/socket`. */
  unixPath?: string;
  protocol: ListenerProtocol;
  /** socket_domain: only IPv4 or only IPv6 addresses of bindAddress. */
  socketDomain?: 'ipv4' | 'ipv6';
  /** bind_interface: the addresses of this interface (those of bindAddress among them, if set). */
  bindInterface?: BindInterface;
  /** http_dir of a websockets listener: static files for plain HTTP requests. */
  httpDir?: ConfFile;
  /** websockets_headers_size of a websockets listener. */
  httpHeadersSize?: number;
  settings: ListenerSettings;
  /**
   * password_file and acl_file of this listener: the global section (shared by every listener)
   * unless per_listener_settings is true. Undefined = none.
   */
  security?: SecuritySection;
  /** TLS with certificates or pre-shared keys; undefined = plain TCP (or HTTP for websockets). */
  tls?: ListenerTls;
  /** The keys of a PSK listener's psk_file, loaded by openListenerSecurity (auth/listener-security.ts). */
  pskKeys?: PskKeys;
  /** Where the listener was declared; undefined for those the command line asked for. */
  origin?: Origin;
  /** web_console or --web: this websockets listener is the web console, its page and its API. */
  console?: ConsoleListener;
}

export interface ConsoleListener {
  /** It listens beyond this machine: the page and its MQTT connection need a login. */
  loginRequired: boolean;
  /** The folder of the built page (index.html, console.js, console.css). */
  assetsDir: string;
}

export interface LoggingConfig {
  destinations: LogDestination[];
  /** With the 'file' destination. */
  file?: string;
  types: LogLevel[];
  timestamps: boolean;
  /** strftime(3) format of the timestamp; undefined = Unix seconds, as mosquitto prints them. */
  timestampFormat?: string;
  /** connection_messages: log each connection and disconnection. */
  connectionMessages: boolean;
}

/** Everything `mqt serve` needs to run, from mosquitto.conf and the command line. */
export interface ServeConfig {
  listeners: ListenerConfig[];
  brokerOptions: BrokerOptions;
  logging: LoggingConfig;
  /** No listener was configured: only this machine can connect, as mosquitto 2.0 without a config. */
  localOnly: boolean;
  /** set_tcp_nodelay: disable Nagle's algorithm on accepted TCP connections. */
  tcpNoDelay: boolean;
  notes: ConfigNote[];
  /** persistence true (or --persist): where the journal goes and when it is compacted. */
  persistence?: PersistenceSettings;
  /** The `connection` sections: bridges to other brokers, started once the listeners are open. */
  bridges?: BridgeSettings[];
  /** pid_file: written at start, removed at exit. */
  pidFile?: string;
  /** The main config file read, if any. */
  configFile?: string;
  /**
   * The command line's ports and bind address, when the config defines listeners and so they open
   * nothing: the caller decides whether that is worth a warning or an error.
   */
  overridden?: { ports: readonly number[]; bind?: string };
}
