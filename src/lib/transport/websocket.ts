import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { errnoOf, errnoText } from '../errno-text.js';
import { ErrorCode, MqttError, type MqttErrorOptions, type Remedy } from '../errors.js';
import { hostPort } from './host-port.js';
import { openSocket } from './socket.js';
import type { TransportStream, WebSocketTarget } from './types.js';
import { startTls } from './tls.js';

/** The subprotocol MQTT over WebSocket is registered under (MQTT 5 §6, 3.1.1 §6). */
const SUBPROTOCOL = 'mqtt';
const HANDSHAKE_TIMEOUT_MS = 30_000;

/**
 * Connects to a WebSocket endpoint and returns the MQTT byte stream over it. The TCP socket (and
 * TLS for wss) is opened here, through the SOCKS proxy when there is one, and handed to ws, which
 * then only does the HTTP upgrade and the framing.
 */
export async function openWebSocket(target: WebSocketTarget): Promise<TransportStream> {
  const socket = await openSocket(target);
  let stream: Duplex = socket;
  try {
    if (target.tls !== undefined) stream = await startTls(socket, target.tls, target.host);
    return await upgrade(stream, target);
  } catch (err) {
    stream.destroy();
    throw err;
  }
}

/** Runs the HTTP upgrade over the connected stream; resolves with the MQTT stream over it. */
function upgrade(stream: Duplex, target: WebSocketTarget): Promise<WebSocketStream> {
  const where = hostPort(target.host, target.port);
  const url = `${target.tls === undefined ? 'ws' : 'wss'}://${where}${target.path}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, SUBPROTOCOL, {
      createConnection: () => stream,
      ...(target.headers === undefined ? {} : { headers: target.headers }),
      perMessageDeflate: false,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      // MQTT has its own maximum packet size; one WebSocket message may carry several packets.
      maxPayload: 0,
    });
    let failed = false;
    const fail = (err: MqttError): void => {
      failed = true;
      ws.terminate();
      reject(err);
    };
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      fail(refusal(res, url, target.path));
    });
    ws.on('error', (err: Error) => {
      if (!failed) fail(handshakeError(err, url, where));
    });
    ws.once('open', () => {
      ws.removeAllListeners('error');
      ws.removeAllListeners('unexpected-response');
      // Built at once, not after the promise settles: a message may follow 'open' before then.
      resolve(new WebSocketStream(ws, stream));
    });
  });
}

/** The server answered the upgrade with an HTTP status instead of 101. */
function refusal(res: IncomingMessage, url: string, path: string): MqttError {
  const status = res.statusCode ?? 0;
  const text = `HTTP ${status}${res.statusMessage === undefined || res.statusMessage === '' ? '' : ` ${res.statusMessage}`}`;
  let advice: MqttErrorOptions = {};
  if (status === 404) advice = { remedy: { kind: 'websocket-path', path } };
  else if (status === 401 || status === 403) advice = { remedy: { kind: 'websocket-credentials' } };
  else if (status >= 300 && status < 400 && res.headers.location !== undefined) advice = { hint: `the server redirects to ${res.headers.location}` };
  else if (status === 400 || status === 426) advice = { hint: 'is this the WebSocket port of an MQTT broker?' };
  return new MqttError(ErrorCode.HandshakeFailed, `The WebSocket upgrade at ${url} was refused: ${text}.`, advice);
}

/** Everything else that can end the upgrade: not HTTP, not WebSocket, not MQTT, too slow. */
function handshakeError(err: Error, url: string, where: string): MqttError {
  const code = errnoOf(err) ?? '';
  const notWebSocket: Remedy = { kind: 'not-websocket', where };
  if (/subprotocol/.test(err.message)) {
    return new MqttError(ErrorCode.HandshakeFailed, `The WebSocket server at ${url} did not accept the subprotocol '${SUBPROTOCOL}'.`, {
      cause: err,
      hint: 'is this the WebSocket endpoint of an MQTT broker?',
    });
  }
  if (code === 'ECONNRESET' || err.message === 'socket hang up') {
    return new MqttError(ErrorCode.HandshakeFailed, `The server at ${where} closed the connection instead of answering the WebSocket upgrade.`, {
      cause: err,
      remedy: notWebSocket,
    });
  }
  if (code.startsWith('HPE_') || /Sec-WebSocket-Accept|Upgrade header/.test(err.message)) {
    return new MqttError(ErrorCode.HandshakeFailed, `The server at ${where} does not speak WebSocket (${err.message}).`, {
      cause: err,
      remedy: notWebSocket,
    });
  }
  if (/timed out/.test(err.message)) {
    return new MqttError(ErrorCode.Timeout, `No answer to the WebSocket upgrade from ${where} within ${HANDSHAKE_TIMEOUT_MS / 1000} s.`, { cause: err });
  }
  return new MqttError(ErrorCode.ConnectFailed, errnoText(err), { cause: err });
}

/**
 * The open WebSocket as a byte stream: each write goes out as one binary message (MQTT 5 §6: a
 * message may hold any part of a packet, or several), and received messages are pushed in order.
 * A write completes when the socket has taken it, so the client's backpressure sees the socket.
 */
class WebSocketStream extends Duplex {
  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
  ) {
    // A server closing its side ends ours too, as a TCP socket does, so the client sees 'close'.
    super({ allowHalfOpen: false });
    // Nothing is read until the client reads: an error from the first message must not fire
    // before the client has had a chance to listen for it.
    ws.pause();
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        this.destroy(new MqttError(ErrorCode.ProtocolError, 'The broker sent a WebSocket text message; MQTT travels in binary messages only.'));
        return;
      }
      if (!this.push(data)) ws.pause();
    });
    ws.on('close', () => this.push(null));
    ws.on('error', (err: Error) => this.destroy(err));
  }

  override _read(): void {
    if (this.ws.isPaused) this.ws.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.ws.send(chunk, { binary: true }, callback);
  }

  /**
   * Sends the close frame and ends the socket once it is flushed, without waiting for the
   * server's answer: like a TCP client, we are done once our last bytes are on their way.
   */
  override _final(callback: (error?: Error | null) => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) {
      callback();
      return;
    }
    this.ws.close(1000);
    this.socket.end(() => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.ws.terminate();
    callback(error);
  }
}
