import { lookup } from 'node:dns/promises';
import { lstatSync, unlinkSync } from 'node:fs';
import { createServer as createHttpServer, maxHeaderSize, type RequestListener, type Server as HttpServer } from 'node:http';
import { createServer, isIP, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { errnoOf } from '../../errno-text.js';
import type { MqttError } from '../../errors.js';
import type { TransportStream } from '../../transport/types.js';
import type { ListenerConfig } from '../config/types.js';
import { openHttpDir } from './http-dir.js';
import { interfaceAddresses } from './interface-addresses.js';
import { endpointName, listenError } from './listen-errors.js';
import type { SecureListener } from './tls-listener.js';
import { listenerAddress, listenerKey } from '../listener-key.js';
import type { BrokerHandle, ListenerInfo, LogLevel } from '../types.js';
import type { ConsoleBroker } from '../console/view-types.js';

export interface ListenOptions {
  /** set_tcp_nodelay. */
  tcpNoDelay: boolean;
  /** What the web console's listener shows of the broker; given when a listener is the console. */
  console?: ConsoleBroker;
  log(level: LogLevel, text: string): void;
}

/** One socket the broker listens on. */
export interface Endpoint {
  listener: ListenerConfig;
  /** An IP address, or the path of a unix socket. */
  address: string;
  /** The port bound; 0 for a unix socket. */
  port: number;
}

export interface OpenListeners {
  endpoints: Endpoint[];
  /** Stops accepting and ends the connections still open (call broker.close() first, for a clean DISCONNECT). */
  close(): Promise<void>;
}

/** Errors that mean "this machine has no IPv6": the IPv6 half of a listener is then skipped. */
const NO_IPV6 = new Set(['EAFNOSUPPORT', 'EADDRNOTAVAIL']);

type Opened = { server: Server | HttpServer; sockets: Set<Socket>; stop?: () => void };

/**
 * Opens every listener, as mosquitto does: a TCP listener without an address listens on IPv4 and
 * IPv6 separately (one log line each), a host name on each of its addresses, `listener 0 PATH` on
 * a unix socket, `protocol websockets` over HTTP. Each accepted connection goes to the broker.
 * If one cannot be opened, those already open are closed and the error names address and port.
 */
export async function openListeners(configs: readonly ListenerConfig[], broker: BrokerHandle, options: ListenOptions): Promise<OpenListeners> {
  const opened: Opened[] = [];
  const endpoints: Endpoint[] = [];
  let skipped: MqttError | undefined;
  // mosquitto says it once per port; mqt's local-only mode has a listener per loopback address.
  const webSocketPorts = new Set<number>();
  const close = async (): Promise<void> => {
    await Promise.all(opened.map(closeOne));
  };
  try {
    for (const listener of configs) {
      const info: ListenerInfo = {
        port: listener.port,
        address: listenerAddress(listener),
        key: listenerKey(listener),
        protocol: listener.protocol,
        settings: listener.settings,
      };
      const addresses = listener.unixPath === undefined ? await addressesOf(listener) : [listener.unixPath];
      const secure = listener.tls === undefined ? undefined : (await import('./tls-listener.js')).prepareTls(listener.tls, listener.pskKeys);
      const onRequest = listener.protocol === 'websockets' ? await httpAnswer(listener, info, options.console) : undefined;
      if (listener.protocol === 'websockets' && !webSocketPorts.has(listener.port)) {
        webSocketPorts.add(listener.port);
        options.log('information', `Opening websockets listen socket on port ${listener.port}.`);
      }
      for (const address of addresses) {
        if (listener.unixPath !== undefined) options.log('information', `Opening unix listen socket on path ${address}.`);
        else if (listener.protocol === 'mqtt') options.log('information', `Opening ${isIP(address) === 6 ? 'ipv6' : 'ipv4'} listen socket on port ${listener.port}.`);
        const one = await listenOne(listener, address, info, broker, options, secure, onRequest).catch((err: unknown) => {
          if (isIP(address) !== 6 || !NO_IPV6.has(errnoOf(err) ?? '')) throw listenError(err, address, listener.port, listener.console !== undefined);
          skipped ??= listenError(err, address, listener.port);
          options.log('warning', `Warning: IPv6 is not available here: not listening on ${endpointName(address, listener.port)}.`);
          return undefined;
        });
        if (one === undefined) continue;
        opened.push(one);
        const bound = one.server.address();
        endpoints.push({ listener, address, port: bound !== null && typeof bound === 'object' ? bound.port : 0 });
      }
    }
    if (endpoints.length === 0 && skipped !== undefined) throw skipped;
  } catch (err) {
    await close();
    throw err;
  }
  return { endpoints, close };
}

/** The addresses a TCP listener binds: both families for none, every address of a host name, those of its bind_interface. */
async function addressesOf(listener: ListenerConfig): Promise<string[]> {
  const family = listener.socketDomain === 'ipv4' ? 4 : listener.socketDomain === 'ipv6' ? 6 : undefined;
  const host = listener.bindAddress;
  const bound = host === undefined ? undefined : await hostAddresses(host, family, listener.port);
  if (listener.bindInterface !== undefined) {
    return interfaceAddresses(listener.bindInterface, networkInterfaces(), family, host === undefined ? undefined : { name: host, addresses: bound! });
  }
  return bound ?? (family === 4 ? ['0.0.0.0'] : family === 6 ? ['::'] : ['0.0.0.0', '::']);
}

async function hostAddresses(host: string, family: 4 | 6 | undefined, port: number): Promise<string[]> {
  if (isIP(host) !== 0) return [host];
  try {
    const found = await lookup(host, { all: true, ...(family === undefined ? {} : { family }) });
    return [...new Set(found.map((a) => a.address))];
  } catch (err) {
    throw listenError(err, host, port);
  }
}

/** What a websockets listener answers a plain HTTP request: the web console, a file of its http_dir, or that it speaks MQTT. */
async function httpAnswer(listener: ListenerConfig, info: ListenerInfo, consoleBroker: ConsoleBroker | undefined): Promise<RequestListener> {
  if (listener.console !== undefined && consoleBroker !== undefined) return (await import('../console/open-console.js')).openConsole(listener, info, consoleBroker);
  if (listener.httpDir !== undefined) return openHttpDir(listener.httpDir);
  return (_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' }).end('This port speaks MQTT over WebSocket (subprotocol mqtt).\n');
  };
}

function listenOne(
  listener: ListenerConfig,
  address: string,
  info: ListenerInfo,
  broker: BrokerHandle,
  options: ListenOptions,
  secure: SecureListener | undefined,
  onRequest: RequestListener | undefined,
): Promise<Opened> {
  const sockets = new Set<Socket>();
  // One callback for every socket of the listener, not a closure per connection.
  const untrack = function (this: Socket): void {
    sockets.delete(this);
  };
  const noDelay = (socket: Socket): void => {
    if (options.tcpNoDelay && listener.unixPath === undefined) socket.setNoDelay(true);
  };
  const track = (socket: Socket): void => {
    sockets.add(socket);
    // 'close' comes once anyway; once() would wrap the callback in a new closure per socket.
    socket.on('close', untrack);
    noDelay(socket);
  };
  const hand = (stream: TransportStream, socket: Socket): void => {
    const unixPath = listener.unixPath;
    const tlsUsername = listener.settings.usernameFromTls === true ? secure?.usernameOf(socket) : undefined;
    broker.handleConnection(stream, {
      remoteAddress: unixPath ?? socket.remoteAddress ?? '',
      remotePort: unixPath === undefined ? (socket.remotePort ?? 0) : 0,
      listener: info,
      ...(tlsUsername === undefined ? {} : { tlsUsername }),
    });
  };
  // crlfile refuses a client certificate after the handshake: the socket is closed before the broker sees it.
  const revoked = (socket: Socket): boolean => {
    const refusal = secure?.revocationOf(socket);
    if (refusal === undefined) return false;
    options.log('notice', `Client connection${fromText(socket)} failed: TLS error: client certificate refused (${refusal}).`);
    socket.destroy();
    return true;
  };
  const opened: Opened = { server: secure?.tlsServer() ?? createServer(), sockets };
  if (onRequest !== undefined) {
    // websockets_headers_size makes room for large headers (cookies); Node's default already exceeds mosquitto's.
    const headers = { maxHeaderSize: Math.max(listener.httpHeadersSize ?? 0, maxHeaderSize) };
    const http = secure?.httpsServer(onRequest, headers) ?? createHttpServer(headers, onRequest);
    http.on('connection', track);
    if (secure !== undefined) http.prependListener('secureConnection', revoked);
    opened.server = http;
  } else if (secure !== undefined) {
    opened.server.on('connection', track);
    opened.server.on('secureConnection', (socket: Socket) => {
      if (!revoked(socket)) hand(socket, socket);
    });
  } else {
    // Plain TCP and unix sockets go to the broker at once, and it closes every one it was given
    // (broker.close): tracked here too, each cost a Set entry and a 'close' listener.
    opened.server.on('connection', (socket: Socket) => {
      noDelay(socket);
      hand(socket, socket);
    });
  }
  if (secure !== undefined) {
    opened.server.on('tlsClientError', (err: Error & { reason?: string }, socket: Socket) => {
      // OpenSSL's message spans lines with its source position; its reason is what a user can act on.
      const from = fromText(socket);
      // Node drops a client whose certificate fails verification without saying why ("socket hang up"); the verification does.
      const refused = (socket as Socket & { authorizationError?: unknown }).authorizationError;
      const reason = typeof refused === 'string' ? `client certificate refused (${refused})` : (err.reason ?? err.message.split('\n')[0]);
      options.log('notice', `Client connection${from} failed: TLS error: ${reason}.`);
    });
  }
  if (listener.unixPath !== undefined) removeStaleSocket(listener.unixPath);
  return new Promise<Opened>((resolve, reject) => {
    const server = opened.server;
    server.once('error', reject);
    const listening = async (): Promise<void> => {
      server.off('error', reject);
      // A listening socket's later errors (EMFILE on accept...) must not end the broker.
      server.on('error', (err) => options.log('error', `Error: ${endpointName(address, listener.port)}: ${err.message}`));
      if (listener.protocol === 'websockets') {
        const { serveWebSockets } = await import('./ws-listener.js');
        opened.stop = await serveWebSockets(server as HttpServer, (stream, request) => {
          hand(stream, request.socket);
        });
      }
      resolve(opened);
    };
    if (listener.unixPath !== undefined) server.listen(listener.unixPath, () => void listening().catch(reject));
    else server.listen({ host: address, port: listener.port, ipv6Only: isIP(address) === 6 }, () => void listening().catch(reject));
  });
}

/** A socket file left by a broker that died; mosquitto removes whatever is there, mqt only a socket. */
function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // Nothing there, or not ours to remove: listen() reports what is wrong.
  }
}

function closeOne(opened: Opened): Promise<void> {
  opened.stop?.();
  for (const socket of opened.sockets) socket.destroy();
  return new Promise((resolve) => opened.server.close(() => resolve()));
}

/** " from ADDRESS:PORT" of a TLS client in a log line, or nothing when the socket has gone. */
function fromText(socket: Socket): string {
  return socket.remoteAddress === undefined ? '' : ` from ${socket.remoteAddress}:${socket.remotePort ?? 0}`;
}
