import type { Duplex } from 'node:stream';
import type { MqttError } from '../errors.js';

/** A byte stream the client speaks MQTT over; every transport produces one. */
export type TransportStream = Duplex & {
  setNoDelay?: (noDelay?: boolean) => unknown;
  /** The transport's own reading of a stream error (a TLS alert after the handshake), if it has one. */
  explainError?: (err: Error) => MqttError | undefined;
};

/**
 * How to wrap a connection in TLS (certificate based or TLS-PSK). Built from the command's flags
 * once; the TLS, WebSocket (wss) and broker listener code read it.
 */
export interface TlsSettings {
  /** CA certificates (PEM) to trust instead of Node's bundled roots; undefined = Node's roots. */
  ca?: Buffer[];
  /** Client certificate chain and key (PEM), for brokers that require_certificate. */
  cert?: Buffer;
  key?: Buffer;
  passphrase?: string;
  /** Where cert and key were read from, to name them in messages. */
  clientFiles?: { cert: string; key: string };
  /** Name sent in SNI and checked against the certificate; default: the host connected to. */
  servername?: string;
  /** false skips the server certificate checks (--insecure). */
  verify: boolean;
  /** e.g. 'TLSv1.2'; undefined lets Node negotiate. */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  ciphers?: string;
  alpn?: string[];
  /** TLS-PSK instead of certificates: the identity and the key bytes (from --psk HEX). */
  psk?: { identity: string; key: Buffer };
  /** Receives each NSS key log line the handshake makes (--tls-keylog, for Wireshark). */
  keylog?: (line: Buffer) => void;
}

/** A SOCKS5 proxy the connection goes through (--proxy socks5h://...). */
export interface ProxySettings {
  host: string;
  port: number;
  username?: string;
  password?: string;
  /**
   * socks5:// resolves the broker's name here and sends the proxy an address; socks5h:// (the
   * default, false) sends the name and lets the proxy resolve it.
   */
  resolveLocally?: boolean;
}

export interface TcpTarget {
  kind: 'tcp';
  host: string;
  port: number;
  /** Local address to bind the outgoing socket to (mosquitto's -A). */
  bindAddress?: string;
  noDelay?: boolean;
  /** Present: the TCP stream is wrapped in TLS (mqtts). */
  tls?: TlsSettings;
  proxy?: ProxySettings;
}

export interface UnixTarget {
  kind: 'unix';
  path: string;
}

export interface WebSocketTarget {
  kind: 'websocket';
  host: string;
  port: number;
  /** Request path, '/mqtt' by default (--ws-path or the URL's path). */
  path: string;
  /** Extra request headers (--ws-header "Name: value"). */
  headers?: Record<string, string>;
  /** Present: wss:// */
  tls?: TlsSettings;
  proxy?: ProxySettings;
  bindAddress?: string;
  noDelay?: boolean;
}

/** Where to connect. */
export type TransportTarget = TcpTarget | UnixTarget | WebSocketTarget;
