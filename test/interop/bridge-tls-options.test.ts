import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:tls';
import { startBridges } from '../../src/lib/bridge/start.js';
import { bridgeLines, Peer } from '../support/bridge-peers.js';
import { opensslPki } from '../support/openssl-pki.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { requireOpenssl } from '../support/tools.js';

/** TLS in front of a broker, with this certificate, offering ALPN "mqtt": what each client asked for is kept. */
async function tlsFront(cert: { cert: string; key: string }, target: number): Promise<{ server: Server; port: number; alpn: (string | false)[] }> {
  const alpn: (string | false)[] = [];
  const server = createServer({ cert: readFileSync(cert.cert), key: readFileSync(cert.key), ALPNProtocols: ['mqtt'] }, (socket) => {
    alpn.push(socket.alpnProtocol ?? false);
    const inner = connect({ host: '127.0.0.1', port: target });
    for (const s of [socket, inner]) {
      s.on('error', () => undefined);
      s.on('close', () => {
        socket.destroy();
        inner.destroy();
      });
    }
    socket.pipe(inner).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, alpn };
}

describe('bridge TLS options: bridge_alpn, bridge_insecure', function () {
  this.timeout(30_000);
  let centre: TestBroker;
  let edge: TestBroker;
  let watcher: Peer;
  let right: Awaited<ReturnType<typeof tlsFront>>;
  let wrongName: Awaited<ReturnType<typeof tlsFront>>;

  before(async function () {
    const pki = await opensslPki(requireOpenssl(this));
    centre = await startTestBroker();
    right = await tlsFront(pki.server, centre.port);
    wrongName = await tlsFront(pki.elsewhere, centre.port);
    watcher = await Peer.open(centre.port, 'watcher', ['$SYS/broker/connection/#']);
    const bridges = bridgeLines([
      'connection alpn',
      `address 127.0.0.1:${right.port}`,
      'remote_clientid alpn-1',
      `bridge_cafile ${pki.ca}`,
      'bridge_alpn mqtt',
      'topic a/# out',
      // The certificate names broker.test, not 127.0.0.1.
      'connection strict',
      `address 127.0.0.1:${wrongName.port}`,
      'remote_clientid strict-1',
      `bridge_cafile ${pki.ca}`,
      'topic b/# out',
      'connection insecure',
      `address 127.0.0.1:${wrongName.port}`,
      'remote_clientid insecure-1',
      `bridge_cafile ${pki.ca}`,
      'bridge_insecure true',
      'topic c/# out',
    ]);
    edge = await startTestBroker({ attach: (broker) => startBridges(bridges, broker) });
    await watcher.until('$SYS/broker/connection/alpn-1/state', '1');
    await watcher.until('$SYS/broker/connection/insecure-1/state', '1');
  });

  after(async () => {
    await watcher?.close();
    await edge?.close();
    await centre?.close();
    right?.server.close();
    wrongName?.server.close();
  });

  it('asks for the bridge_alpn protocol in its TLS handshake', () => {
    assert.deepEqual(right.alpn, ['mqtt']);
  });

  it('refuses a certificate for another host name, and takes it with bridge_insecure true', async () => {
    await edge.waitForLog(/^error: Error creating bridge: TLS connection failed \(wrong-name\)\.$/, 10_000);
    assert.ok(!centre.log.some((l) => l.includes(' as strict-1 ')), centre.log.join('\n'));
    assert.ok(centre.log.some((l) => l.includes(' as insecure-1 ')), centre.log.join('\n'));
    // No bridge_alpn there: nothing asked for.
    assert.deepEqual(wrongName.alpn.slice(-1), [false]);
  });
});
