import type { Duplex } from 'node:stream';

/** A byte stream the client speaks MQTT over; every transport produces one. */
export type TransportStream = Duplex & { setNoDelay?: (noDelay?: boolean) => unknown };

export interface TcpTarget {
  kind: 'tcp';
  host: string;
  port: number;
  /** Local address to bind the outgoing socket to (mosquitto's -A). */
  bindAddress?: string;
  noDelay?: boolean;
}

export interface UnixTarget {
  kind: 'unix';
  path: string;
}

/** Where to connect. TLS, PSK, WebSocket and SOCKS targets join this union. */
export type TransportTarget = TcpTarget | UnixTarget;
