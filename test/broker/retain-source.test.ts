import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrokerAuth } from '../../src/lib/broker/types.js';
import { useMemoryBroker } from '../support/memory-broker.js';
import { RawClient } from '../support/raw-client.js';
import { makeTempFolder } from '../support/run-folder.js';
import { startConfBroker } from '../support/test-broker.js';

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

describe('check_retain_source across a restart (persistence true)', function () {
  this.timeout(20_000);

  it('keeps the publisher with the retained message, so an ACL changed meanwhile still withholds it', async () => {
    const dir = await makeTempFolder('mqt-retain-source');
    const aclFile = join(dir, 'acl');
    const acl = (uWrites: boolean): Promise<void> => writeFile(aclFile, ['topic read r/#', 'user u', `topic ${uWrites ? 'readwrite' : 'read'} r/#`, 'user v', 'topic readwrite r/#', ''].join('\n'));
    const conf = (port: number): string[] => [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      `acl_file ${aclFile}`,
      'check_retain_source true',
      'persistence true',
      `persistence_location ${dir}/`,
    ];
    await acl(true);
    const first = await startConfBroker(dir, conf);
    try {
      for (const [user, topic] of [['u', 'r/door'], ['v', 'r/window']] as const) {
        const publisher = await RawClient.connected(first.port, { clientId: `p-${user}`, username: user });
        publisher.client.send({ type: 'publish', topic, payload: Buffer.from('open'), qos: 1, retain: true, dup: false, packetId: 1 });
        await publisher.client.next('puback');
        publisher.client.close();
      }
    } finally {
      await first.close();
    }
    await acl(false);
    const second = await startConfBroker(dir, conf);
    try {
      const { client } = await RawClient.connected(second.port, { clientId: 'reader' });
      client.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'r/#', qos: 0 }] });
      assert.equal((await client.next('publish')).topic, 'r/window');
      await client.assertNone('publish', 'r/door was delivered: its publisher u may no longer write it');
      client.close();
    } finally {
      await second.close();
    }
  });
});
