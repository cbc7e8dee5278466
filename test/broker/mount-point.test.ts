import assert from 'node:assert/strict';
import type { ListenerInfo } from '../../src/lib/broker/types.js';
import { mountFilter } from '../../src/lib/broker/mount-point.js';
import type { PacketOf } from '../../src/lib/protocol/packets.js';
import { useMemoryBroker, type MemoryBroker } from '../support/memory-broker.js';
import { memoryPair } from '../support/memory-pair.js';
import { RawClient } from '../support/raw-client.js';

/** A client of the broker's second listener, the one with mount_point m/. */
async function mounted(b: MemoryBroker, clientId: string, will?: { topic: string; payload: Buffer; qos: 0; retain: boolean }): Promise<RawClient> {
  const listener: ListenerInfo = { ...b.listener, port: 1884, key: '1884 127.0.0.1', settings: { ...b.listener.settings, mountPoint: 'm/' } };
  const [near, far] = memoryPair();
  b.broker.handleConnection(far, { remoteAddress: '127.0.0.1', remotePort: 50000, listener });
  const client = RawClient.over(near);
  client.send({ type: 'connect', protocolVersion: 4, clean: true, keepalive: 60, clientId, ...(will === undefined ? {} : { will }) });
  assert.equal((await client.next('connack')).reasonCode, 0);
  return client;
}

async function subscribe(client: RawClient, topicFilter: string): Promise<void> {
  client.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter, qos: 0 }] });
  await client.next('suback');
}

function publish(client: RawClient, topic: string, payload: string, retain = false): void {
  client.send({ type: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain, dup: false });
}

const seen = (p: PacketOf<'publish'>): string => `${p.topic} ${p.payload.toString()}${p.retain ? ' (retained)' : ''}`;

describe('mount_point', () => {
  const memoryBroker = useMemoryBroker();

  it("puts what its clients publish under the prefix, and takes it off what they are sent", async () => {
    const b = memoryBroker();
    const inside = await mounted(b, 'inside');
    const outside = await b.client({ clientId: 'outside' });
    await subscribe(inside, 'a/#');
    await subscribe(outside, '#');
    publish(inside, 'a/b', 'from-inside');
    assert.equal(seen(await outside.next('publish')), 'm/a/b from-inside');
    assert.equal(seen(await inside.next('publish')), 'a/b from-inside');
    publish(outside, 'm/a/c', 'from-outside');
    assert.equal(seen(await inside.next('publish')), 'a/c from-outside');
    publish(outside, 'a/c', 'not-mounted');
    await outside.next('publish');
    await outside.next('publish');
    await inside.assertNone('publish');
  });

  it('keeps retained messages under the prefix, and unsubscribes under it', async () => {
    const b = memoryBroker();
    const inside = await mounted(b, 'keeper');
    publish(inside, 'a/r', 'kept', true);
    await inside.ping();
    const later = await mounted(b, 'later');
    await subscribe(later, 'a/#');
    assert.equal(seen(await later.next('publish')), 'a/r kept (retained)');
    const outside = await b.client({ clientId: 'outside' });
    await subscribe(outside, 'm/a/r');
    assert.equal(seen(await outside.next('publish')), 'm/a/r kept (retained)');
    later.send({ type: 'unsubscribe', packetId: 2, topicFilters: ['a/#'] });
    await later.next('unsuback');
    publish(outside, 'm/a/x', 'after');
    await outside.ping();
    await later.assertNone('publish');
  });

  it("puts a client's will under the prefix too", async () => {
    const b = memoryBroker();
    const outside = await b.client({ clientId: 'watcher' });
    await subscribe(outside, '#');
    const inside = await mounted(b, 'dies', { topic: 'status', payload: Buffer.from('gone'), qos: 0, retain: false });
    inside.close();
    assert.equal(seen(await outside.next('publish')), 'm/status gone');
  });

  it('leaves $-topic filters alone and mounts the filter of a shared subscription', () => {
    assert.equal(mountFilter('m/', '$SYS/broker/#'), '$SYS/broker/#');
    assert.equal(mountFilter('m/', '$share/g/a/+'), '$share/g/m/a/+');
    assert.equal(mountFilter(undefined, 'a'), 'a');
  });
});
