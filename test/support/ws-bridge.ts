import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** What the bridge saw of one WebSocket upgrade request. */
export interface UpgradeSeen {
  path: string;
  headers: IncomingHttpHeaders;
  /** The subprotocol the bridge agreed to, or undefined when it accepted none. */
  protocol: string | undefined;
}

export interface WsBridge {
  port: number;
  upgrades: UpgradeSeen[];
  /** Messages the bridge received that were not binary. */
  textMessages: number;
  close(): Promise<void>;
}

export interface WsBridgeOptions {
  /** Only this request path is upgraded; any other gets 404. Default '/mqtt'. */
  path?: string;
  /** With a certificate the bridge is an https server (wss://). */
  tls?: { cert: Buffer; key: Buffer };
  /** false: complete the upgrade without choosing a subprotocol, as a non-MQTT endpoint would. */
  acceptMqtt?: boolean;
  /** Answer every upgrade with this HTTP status instead. */
  refuseWith?: number;
}

/**
 * A WebSocket-to-TCP bridge on 127.0.0.1 standing in for a broker's websockets listener (the
 * installed mosquitto 2.0.11 cannot open one): each WebSocket connection gets its own TCP
 * connection to `brokerPort`, binary messages in, broker bytes out as binary messages.
 */
export async function startWsBridge(brokerPort: number, options: WsBridgeOptions = {}): Promise<WsBridge> {
  const path = options.path ?? '/mqtt';
  const upgrades: UpgradeSeen[] = [];
  const server: Server = options.tls === undefined ? createHttpServer() : createHttpsServer(options.tls);
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (options.acceptMqtt !== false && protocols.has('mqtt') ? 'mqtt' : false),
  });
  const open = new Set<Duplex>();
  const bridge: WsBridge = {
    port: 0,
    upgrades,
    textMessages: 0,
    close: async () => {
      for (const socket of open) socket.destroy();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('upgrade', (req, socket, head) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    if (options.refuseWith !== undefined || req.url !== path) {
      const status = options.refuseWith ?? 404;
      socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Refused'}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      upgrades.push({ path: req.url ?? '', headers: req.headers, protocol: ws.protocol === '' ? undefined : ws.protocol });
      pipeToBroker(ws, brokerPort, bridge);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('bridge has no port');
  bridge.port = address.port;
  return bridge;
}

function pipeToBroker(ws: WebSocket, brokerPort: number, bridge: WsBridge): void {
  const tcp = connect({ host: '127.0.0.1', port: brokerPort });
  const early: Buffer[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) bridge.textMessages += 1;
    if (tcp.connecting) early.push(data);
    else tcp.write(data);
  });
  tcp.on('connect', () => {
    for (const data of early.splice(0)) tcp.write(data);
  });
  tcp.on('data', (data) => ws.send(data, { binary: true }));
  tcp.on('close', () => ws.close());
  tcp.on('error', () => ws.terminate());
  ws.on('close', () => tcp.end());
  ws.on('error', () => tcp.destroy());
}
