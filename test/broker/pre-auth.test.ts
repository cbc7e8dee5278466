/**
 * What a peer that has not been let in can make the broker hold: a CONNECT up to
 * max_connect_packet_size, and nothing at all when its first byte is not CONNECT's.
 */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { useMemoryBroker, type MemoryBroker } from '../support/memory-broker.js';
import { memoryPair } from '../support/memory-pair.js';
import { RawClient } from '../support/raw-client.js';

describe('broker: before authentication', function () {
  const start = useMemoryBroker();

  function open(mb: MemoryBroker): RawClient {
    const [near, far] = memoryPair();
    mb.broker.handleConnection(far, { remoteAddress: '127.0.0.1', remotePort: 1, listener: mb.listener });
    return RawClient.over(near);
  }

  it('closes at the first byte when the first packet is not CONNECT', async () => {
    const mb = start();
    const c = open(mb);
    // A PUBLISH header alone: nothing of it is waited for.
    c.sendBytes([0x30]);
    await c.waitClosed();
    assert.ok(mb.logged(/^notice: Client <unknown> disconnected due to protocol error\.$/));
  });

  it('closes a CONNECT longer than max_connect_packet_size as soon as its length is read', async () => {
    const mb = start();
    const c = open(mb);
    // 65,537 bytes of body announced, none sent.
    c.sendBytes([0x10, 0x81, 0x80, 0x04]);
    await c.waitClosed();
    assert.ok(mb.logged(/^notice: Client <unknown> disconnected due to oversize packet\.$/));
  });

  it('takes a CONNECT with a will up to the bound, then packets up to max_packet_size', async () => {
    const mb = start({ limits: { maxConnectPacketSize: 2000 } });
    const will = { topic: 'w', payload: Buffer.alloc(1900), qos: 0 as const, retain: false };
    const c = await mb.client({ clientId: 'big-will', will });
    c.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'big', qos: 0 }] });
    await c.next('suback');
    c.send({ type: 'publish', topic: 'big', payload: Buffer.alloc(100_000, 7), qos: 0, retain: false, dup: false });
    assert.equal((await c.next('publish')).payload.length, 100_000);
    const { connack } = await mb.connect({ clientId: 'bigger-will', will: { ...will, payload: Buffer.alloc(2000) } }).catch(() => ({ connack: undefined }));
    assert.equal(connack, undefined, 'a CONNECT over the bound gets no CONNACK');
    assert.ok(mb.logged(/Client <unknown> disconnected due to oversize packet\./));
  });
});
