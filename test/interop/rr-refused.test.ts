import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScriptedServer } from '../support/scripted-server.js';
import { unique, useBroker } from '../support/hooks.js';
import { mqtInProcess } from '../support/in-process.js';
import { startMqt } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

/**
 * mqt rr exits with the reason code of a refused SUBACK or PUBACK (mosquitto_rr exits 0). mosquitto
 * 2.0 grants every subscription (its ACL only filters delivery), so the SUBACK comes from a
 * scripted server; the PUBACK from a mosquitto whose ACL lets anonymous clients write nothing.
 */
describe('interop: mqt rr refused by the broker', function () {
  this.timeout(15_000);
  let dir = '';
  const { hp } = useBroker(async () => {
    dir = await makeTempFolder('mqt-rr-acl');
    const acl = join(dir, 'acl');
    await writeFile(acl, 'topic read resp/#\n');
    return [`acl_file ${acl}`];
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a refused subscription to the response topic: one line, exit 135; CONNECT asked for one message at a time', async () => {
    const server = new ScriptedServer(5);
    try {
      const port = await server.listen();
      const rr = startMqt(['rr', '-h', '127.0.0.1', '-p', String(port), '-t', 'req', '-e', 'forbidden/res', '-m', 'q', '-W', '5']);
      const peer = await server.nextPeer();
      const connect = await peer.next('connect');
      assert.equal(connect.protocolVersion, 5);
      assert.equal(connect.properties?.receiveMaximum, 1);
      peer.send({ type: 'connack', sessionPresent: false, reasonCode: 0 });
      const subscribe = await peer.next('subscribe');
      assert.deepEqual(subscribe.subscriptions, [{ topicFilter: 'forbidden/res', qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 }]);
      peer.send({ type: 'suback', packetId: subscribe.packetId, reasonCodes: [0x87] });
      const result = await rr.waitForExit(5000);
      assert.equal(result.stderr, "Error: The broker refused the subscription to the response topic 'forbidden/res': Not authorized.\n");
      assert.equal(result.code, 135);
      assert.equal(peer.received.filter((p) => p.type === 'publish').length, 0);
    } finally {
      await server.close();
    }
  });

  it('a refused QoS 1 request: one line, exit 135', async () => {
    const result = await mqtInProcess(['rr', ...hp(), '-t', unique('req'), '-e', 'resp/x', '-m', 'q', '-q', '1', '-W', '5']);
    assert.match(result.stderr, /^Error: Publish 2 failed: Not authorized\.\n/);
    assert.equal(result.code, 135);
  });
});
