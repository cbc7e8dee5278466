import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { MqttClient } from '../../src/lib/client/client.js';
import type { PublishPacket } from '../../src/lib/protocol/packets.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';

describe('broker: flows', function () {
  let tb: TestBroker;
  const clients: MqttClient[] = [];
  beforeEach(async () => {
    tb = await startTestBroker();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await tb.close();
  });

  async function mqttClient(clientId: string, protocolVersion: 4 | 5): Promise<MqttClient> {
    const client = new MqttClient({ protocolVersion, clientId, clean: true, keepalive: 30 });
    clients.push(client);
    await client.connect(connect({ host: '127.0.0.1', port: tb.port }));
    return client;
  }

  it('carries QoS 1 and 2 between our own clients, v3.1.1 to v5, with every message exactly once', async () => {
    const sub = await mqttClient('flow-sub', 5);
    const got: PublishPacket[] = [];
    const allArrived = new Promise<void>((resolve) => {
      sub.on('message', (m) => {
        got.push(m);
        if (got.length === 100) resolve();
      });
    });
    await sub.subscribe([{ topicFilter: 'flow/#', qos: 2 }]);
    const pub = await mqttClient('flow-pub', 4);
    const sends = [];
    for (let i = 0; i < 100; i++) {
      sends.push(pub.publish({ topic: `flow/${i % 3}`, payload: Buffer.from(String(i)), qos: i % 2 === 0 ? 2 : 1, retain: false }));
    }
    await Promise.all(sends);
    await allArrived;
    const numbers = got.map((m) => Number(m.payload.toString()));
    assert.deepEqual([...numbers].sort((a, b) => a - b), [...Array(100).keys()]);
    // Order holds per QoS (our client hands QoS 2 over only after PUBREL, so the two interleave).
    for (const parity of [0, 1]) {
      const sameQos = numbers.filter((n) => n % 2 === parity);
      assert.deepEqual(sameQos, [...sameQos].sort((a, b) => a - b));
    }
  });
});
