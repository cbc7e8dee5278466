import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bridgeSettings } from '../../src/lib/broker/config/bridge-directives.js';
import { parseConfText } from '../../src/lib/broker/config/mosquitto-conf.js';
import { emptyConfState } from '../../src/lib/broker/config/state.js';
import { startBridges } from '../../src/lib/bridge/start.js';
import { Peer } from '../support/bridge-peers.js';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { opensslPki } from '../support/openssl-pki.js';
import { freePort } from '../support/ports.js';
import { makeTempFolder } from '../support/run-folder.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { requireOpenssl } from '../support/tools.js';

const KEY = '00112233445566778899aabbccddeeff';

describe('mqt serve bridging to mosquitto over TLS (certificates) and TLS-PSK', function () {
  this.timeout(30_000);
  let mosquitto: Mosquitto;
  let mqt: TestBroker;
  let centre: Peer;

  before(async function () {
    requireMosquitto(this);
    const pki = await opensslPki(requireOpenssl(this));
    const dir = await makeTempFolder('mqt-bridge-tls');
    const pskFile = join(dir, 'psk.txt');
    await writeFile(pskFile, `edge-psk:${KEY}\n`);
    const [certPort, pskPort] = [await freePort(), await freePort()];
    mosquitto = await startMosquitto([
      `listener ${certPort} 127.0.0.1`,
      `cafile ${pki.ca}`,
      `certfile ${pki.server.cert}`,
      `keyfile ${pki.server.key}`,
      'require_certificate true',
      'use_identity_as_username true',
      `listener ${pskPort} 127.0.0.1`,
      `psk_file ${pskFile}`,
      'psk_hint centre',
      'use_identity_as_username true',
    ]);
    const conf = emptyConfState();
    const lines = [
      'connection certs',
      `address localhost:${certPort}`,
      'remote_clientid edge-tls',
      `bridge_cafile ${pki.ca}`,
      `bridge_certfile ${pki.client.cert}`,
      `bridge_keyfile ${pki.client.key}`,
      'bridge_tls_version tlsv1.2',
      'topic tls/# out 1',
      'connection psk',
      `address 127.0.0.1:${pskPort}`,
      'remote_clientid edge-psk',
      'bridge_identity edge-psk',
      `bridge_psk ${KEY}`,
      'topic psk/# out 1',
    ];
    parseConfText(conf, lines.join('\n'), 'bridge.conf');
    const bridges = bridgeSettings(conf.bridges, 'host');
    centre = await Peer.open(mosquitto.port, 'centre', ['tls/#', 'psk/#', '$SYS/broker/connection/#']);
    mqt = await startTestBroker({ attach: (broker) => startBridges(bridges, broker) });
    await centre.until('$SYS/broker/connection/edge-tls/state', '1');
    await centre.until('$SYS/broker/connection/edge-psk/state', '1');
  });

  after(async () => {
    await centre?.close();
    await mqt?.close();
    await mosquitto?.stop();
  });

  it('logs in with its client certificate, and carries messages', async () => {
    assert.match(mosquitto.log(), /New bridge connected from 127\.0\.0\.1:\d+ as edge-tls \(p2, c0, k60, u'device7'\)\./);
    const sender = await Peer.open(mqt.port, 'tls-sender');
    await sender.publish('tls/t', 'sealed', 1);
    await centre.until('tls/t', 'sealed');
    await sender.close();
  });

  it('logs in with its pre-shared key, and carries messages', async () => {
    assert.match(mosquitto.log(), /New bridge connected from 127\.0\.0\.1:\d+ as edge-psk \(p2, c0, k60, u'edge-psk'\)\./);
    const sender = await Peer.open(mqt.port, 'psk-sender');
    await sender.publish('psk/t', 'shared', 2);
    await centre.until('psk/t', 'shared');
    await sender.close();
  });
});
