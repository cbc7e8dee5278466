import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { WebSocketServer } from 'ws';
import { MqttClient } from '../../src/lib/client/client.js';
import { ErrorCode, MqttError, TlsError } from '../../src/lib/errors.js';
import { generateCertificates } from '../../src/lib/pki/generate.js';
import { parseHostName } from '../../src/lib/pki/names.js';
import type { PublishPacket } from '../../src/lib/protocol/packets.js';
import { openTransport } from '../../src/lib/transport/open.js';
import type { TlsSettings, WebSocketTarget } from '../../src/lib/transport/types.js';
import { unique, useBroker } from '../support/hooks.js';
import { startWsBridge, type WsBridge } from '../support/ws-bridge.js';
import { makeTempFolder } from '../support/run-folder.js';

/**
 * The WebSocket transport at library level: wss with TlsSettings (the CA, verification, the name
 * checked), and MQTT framing across WebSocket messages with a large payload and many small ones.
 */
describe('WebSocket transport (library)', function () {
  this.timeout(60_000);
  const { broker } = useBroker();
  let dir: string;
  let ca: Buffer;
  let bridge: WsBridge;
  before(async () => {
    dir = await makeTempFolder('mqt-wslib');
    const set = await generateCertificates({
      dir,
      bits: 2048,
      force: false,
      now: new Date(),
      ca: { commonName: 'mqt ws library test CA', days: 30 },
      server: { names: ['localhost', '127.0.0.1'].map(parseHostName), days: 30, keepExisting: false },
      clients: [],
      clientDays: 30,
    });
    ca = await readFile(set.ca.certFile);
    bridge = await startWsBridge(broker().port, { tls: { cert: await readFile(set.server.certFile), key: await readFile(set.server.keyFile) } });
  });
  after(async () => {
    await bridge.close();
    await rm(dir, { recursive: true, force: true });
  });

  const wss = (tls: TlsSettings, host = '127.0.0.1'): WebSocketTarget => ({ kind: 'websocket', host, port: bridge.port, path: '/mqtt', tls });
  const client = (): MqttClient => new MqttClient({ protocolVersion: 4, clientId: unique('wslib'), clean: true, keepalive: 30 });

  it('verifies the server with the CA given in TlsSettings and carries a 1 MiB message and 300 small ones', async () => {
    const c = client();
    await c.connect(await openTransport(wss({ verify: true, ca: [ca] })));
    const topic = unique('frames');
    await c.subscribe([{ topicFilter: `${topic}/#`, qos: 1 }]);
    const received: PublishPacket[] = [];
    const all = new Promise<void>((resolve) =>
      c.on('message', (p) => {
        received.push(p);
        if (received.length === 301) resolve();
      }),
    );
    const big = Buffer.alloc(1024 * 1024, 7);
    big.write('start');
    await c.publish({ topic: `${topic}/big`, payload: big, qos: 1, retain: false });
    await Promise.all(Array.from({ length: 300 }, (_, i) => c.publish({ topic: `${topic}/small`, payload: Buffer.from(`m${i}`), qos: 1, retain: false })));
    await all;
    await c.disconnect();
    assert.ok(received[0]!.payload.equals(big), 'the large payload arrived intact');
    assert.deepEqual(received.slice(1).map((p) => p.payload.toString()), Array.from({ length: 300 }, (_, i) => `m${i}`));
  });

  it('refuses the server without the CA, and when the name checked is not on the certificate', async () => {
    await assert.rejects(openTransport(wss({ verify: true })), (err: MqttError) => err instanceof TlsError && err.problem.kind === 'unknown-ca');
    await assert.rejects(openTransport(wss({ verify: true, ca: [ca], servername: 'other.example' })), (err: MqttError) => {
      assert.ok(err instanceof TlsError);
      assert.deepEqual(err.problem, { kind: 'wrong-name', host: 'other.example', names: ['localhost', '127.0.0.1'] });
      return true;
    });
  });

  it('verify: false connects without the CA', async () => {
    const c = client();
    await c.connect(await openTransport(wss({ verify: false }, 'localhost')));
    await c.disconnect();
  });

  it('a text message from the server ends the stream with a protocol error', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => 'mqtt' });
    server.on('connection', (ws) => ws.send('not mqtt'));
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const address = server.address();
    assert.ok(address !== null && typeof address === 'object');
    const stream = await openTransport({ kind: 'websocket', host: '127.0.0.1', port: address.port, path: '/mqtt' });
    try {
      const error = new Promise<Error>((resolve) => stream.once('error', resolve));
      stream.resume();
      const err = await error;
      assert.ok(err instanceof MqttError && err.code === ErrorCode.ProtocolError, String(err));
      assert.match(err.message, /binary messages only/);
    } finally {
      stream.destroy();
      for (const ws of server.clients) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
