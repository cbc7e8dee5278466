import { connect as netConnect, type Socket } from 'node:net';
import { hostPort } from './host-port.js';
import { connectError } from './socket-errors.js';
import type { ProxySettings } from './types.js';

/** Where a TCP connection goes: the fields TCP, TLS and WebSocket targets share. */
export interface SocketEndpoint {
  host: string;
  port: number;
  bindAddress?: string;
  noDelay?: boolean;
  proxy?: ProxySettings;
}

/**
 * A connected TCP socket to the endpoint, through its SOCKS proxy when it has one. TLS and
 * WebSocket are layered on what this returns, so they work through the proxy too.
 */
export async function openSocket(endpoint: SocketEndpoint): Promise<Socket> {
  if (endpoint.proxy === undefined) return openDirect(endpoint);
  const { proxy } = endpoint;
  const { socksConnect } = await import('./socks.js');
  const socket = await openDirect({ ...endpoint, host: proxy.host, port: proxy.port }, 'a SOCKS proxy');
  try {
    await socksConnect(socket, proxy, endpoint.host, endpoint.port);
  } catch (err) {
    socket.destroy();
    throw err;
  }
  return socket;
}

/** `listener` names what should be listening there, for the hint when nothing is. */
async function openDirect(endpoint: SocketEndpoint, listener?: string): Promise<Socket> {
  const where = hostPort(endpoint.host, endpoint.port);
  if (endpoint.host === 'localhost') {
    // Trying the loopback addresses in turn skips Node's IPv6-literal check of a host name, whose
    // regular expression costs ~7 ms at start-up: a tenth of `mqt pub`'s whole budget.
    try {
      return await connectOnce({ ...endpoint, host: '127.0.0.1' }, where, listener);
    } catch {
      return connectOnce({ ...endpoint, host: '::1' }, where, listener);
    }
  }
  return connectOnce(endpoint, where, listener);
}

function connectOnce(endpoint: SocketEndpoint, where: string, listener: string | undefined): Promise<Socket> {
  const socket = netConnect({
    host: endpoint.host,
    port: endpoint.port,
    ...(endpoint.bindAddress === undefined ? {} : { localAddress: endpoint.bindAddress }),
    noDelay: endpoint.noDelay ?? false,
  });
  return whenConnected(socket, where, listener);
}

/** Resolves with the socket once connected; a failure destroys it and rejects with mosquitto's words. */
export function whenConnected(socket: Socket, where: string, listener?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      socket.destroy();
      reject(connectError(err, where, listener));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
