import { connect as netConnect, type Socket } from 'node:net';
import { connectError } from './socket-errors.js';
import { ErrorCode, MqttError } from '../errors.js';
import type { TcpTarget, TransportStream, TransportTarget, UnixTarget } from './types.js';

/**
 * Opens the byte stream for a target and resolves once it is connected. The only place that knows
 * every kind of transport; the client never asks which one it got.
 */
export async function openTransport(target: TransportTarget): Promise<TransportStream> {
  if (target.kind === 'websocket') throw new MqttError(ErrorCode.ConnectFailed, 'WebSocket connections are not built yet.');
  if (target.kind === 'unix') return openOne(target);
  const socket = await openTcp(target);
  if (target.tls === undefined) return socket;
  // Loaded only for TLS: node:tls is a large part of Node's start-up cost.
  const { startTls } = await import('./tls.js');
  return startTls(socket, target.tls, target.host);
}

function openTcp(target: TcpTarget): Promise<Socket> {
  if (target.host !== 'localhost') return openOne(target);
  // Trying the loopback addresses in turn skips Node's IPv6-literal check of a host name, whose
  // regular expression costs ~7 ms at start-up: a tenth of `mqt pub`'s whole budget.
  return openOne({ ...target, host: '127.0.0.1' }, 'localhost').catch(() => openOne({ ...target, host: '::1' }, 'localhost'));
}

function openOne(target: TcpTarget | UnixTarget, displayHost?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let socket: Socket;
    let where: string;
    if (target.kind === 'unix') {
      where = target.path;
      socket = netConnect({ path: target.path });
    } else {
      const host = displayHost ?? target.host;
      where = host.includes(':') ? `[${host}]:${target.port}` : `${host}:${target.port}`;
      socket = netConnect({
        host: target.host,
        port: target.port,
        ...(target.bindAddress === undefined ? {} : { localAddress: target.bindAddress }),
        noDelay: target.noDelay ?? false,
      });
    }
    const onError = (err: Error): void => {
      socket.destroy();
      reject(connectError(err, where));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
