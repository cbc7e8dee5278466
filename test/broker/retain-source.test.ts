import assert from 'node:assert/strict';
import type { BrokerAuth } from '../../src/lib/broker/types.js';
import { useMemoryBroker } from '../support/memory-broker.js';

/** An acl_file that can be "reloaded": the publisher u may write r/# until `writable` is false. */
function acl(): BrokerAuth & { writable: boolean } {
  return {
    writable: true,
    authenticate: () => true,
    canWrite(client, topic) {
      return client.username !== 'u' || !topic.startsWith('r/') || this.writable;
    },
  };
}

describe('check_retain_source', () => {
  const memoryBroker = useMemoryBroker();

  for (const check of [true, false]) {
    it(`${check ? 'withholds' : 'still sends (the default, as mosquitto 2.0.11)'} a retained message whose publisher may no longer write its topic`, async () => {
      const auth = acl();
      const b = memoryBroker({ auth, ...(check ? { checkRetainSource: true } : {}) });
      const publisher = await b.client({ clientId: 'p', username: 'u' });
      publisher.send({ type: 'publish', topic: 'r/door', payload: Buffer.from('open'), qos: 1, retain: true, dup: false, packetId: 1 });
      await publisher.next('puback');
      const before = await b.client({ clientId: 's1' });
      before.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'r/#', qos: 0 }] });
      assert.equal((await before.next('publish')).payload.toString(), 'open');
      auth.writable = false;
      const after = await b.client({ clientId: 's2' });
      after.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'r/#', qos: 0 }] });
      await after.next('suback');
      if (check) await after.assertNone('publish');
      else assert.equal((await after.next('publish')).payload.toString(), 'open');
    });
  }
});
