import { connect as netConnect, type Socket } from 'node:net';
import { connectError } from './socket-errors.js';
import type { TransportStream, TransportTarget } from './types.js';

/**
 * Opens the byte stream for a target and resolves once it is connected. The only place that knows
 * every kind of transport; the client never asks which one it got.
 */
export function openTransport(target: TransportTarget): Promise<TransportStream> {
  return new Promise((resolve, reject) => {
    let socket: Socket;
    let where: string;
    if (target.kind === 'unix') {
      where = target.path;
      socket = netConnect({ path: target.path });
    } else {
      where = target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
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
