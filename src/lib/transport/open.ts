import { connect as netConnect } from 'node:net';
import { openSocket, whenConnected } from './socket.js';
import type { TransportStream, TransportTarget } from './types.js';

/**
 * Opens the byte stream for a target and resolves once it is connected. The only place that knows
 * every kind of transport; the client never asks which one it got.
 */
export async function openTransport(target: TransportTarget): Promise<TransportStream> {
  switch (target.kind) {
    case 'unix':
      return whenConnected(netConnect({ path: target.path }), target.path);
    case 'websocket':
      // ws (and node:tls, which it loads) cost start-up time that plain TCP does not pay.
      return (await import('./websocket.js')).openWebSocket(target);
    case 'tcp':
      if (target.tls === undefined) return openSocket(target);
      // Loaded only for TLS: node:tls is a large part of Node's start-up cost.
      return (await import('./tls.js')).startTls(await openSocket(target), target.tls, target.host);
  }
}
