import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TransportStream } from '../../transport/types.js';

/** The largest MQTT packet (256 MiB plus its header): a WebSocket message may carry one whole. */
const MAX_WS_MESSAGE = 268_435_460;
/** MQTT 3.1.1 and 5 clients ask for "mqtt"; MQTT 3.1 clients for "mqttv3.1". */
const SUBPROTOCOLS = ['mqtt', 'mqttv3.1'];

/**
 * Serves MQTT over WebSocket on an HTTP server: each upgraded connection becomes a binary byte
 * stream handed to `accept`. ws is loaded here, only when a websockets listener exists.
 */
export async function serveWebSockets(server: HttpServer, accept: (stream: TransportStream, request: IncomingMessage) => void): Promise<() => void> {
  const { WebSocketServer, createWebSocketStream } = await import('ws');
  const wss = new WebSocketServer({
    server,
    maxPayload: MAX_WS_MESSAGE,
    handleProtocols: (offered) => SUBPROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  wss.on('connection', (socket, request) => {
    const stream: Duplex = createWebSocketStream(socket);
    accept(stream, request);
  });
  // An error on the WebSocket server is also one on the HTTP server, which the listener reports.
  wss.on('error', () => undefined);
  return () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
  };
}
