/**
 * Garbage in, for a running broker (in memory, fake clock): after a valid CONNECT or none, each
 * connection sends fuzzed bytes. Whatever the framer says is malformed must close that connection;
 * the broker stays up and answers a fresh client. Bounded in count and time; the seed is in the
 * title and in every failure.
 */
import assert from 'node:assert/strict';
import { isMqttError } from '../../src/lib/errors.js';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import { encode } from '../../src/lib/protocol/encode.js';
import { PacketReader } from '../../src/lib/protocol/framer.js';
import { FUZZ_SEED, Garbage, REPLAY } from '../protocol/garbage.js';
import { Prng } from '../protocol/helpers.js';
import { useMemoryBroker } from '../support/memory-broker.js';
import { memoryPair } from '../support/memory-pair.js';
import { RawClient } from '../support/raw-client.js';

const CONNECTIONS = 400;
const MAX_MS = 2000;

/** Whether the framer, reading `bytes` at `version`, finds them malformed (or too large). */
function malformed(bytes: Buffer, version: ProtocolVersion): boolean {
  try {
    new PacketReader({ version }).push(bytes, () => undefined);
    return false;
  } catch (error) {
    return isMqttError(error);
  }
}

describe(`fuzzing a running broker (${REPLAY})`, function () {
  const start = useMemoryBroker();

  it('closes every connection that sent something malformed, and still answers a fresh client', async () => {
    const mb = start();
    const rng = new Prng(FUZZ_SEED);
    const garbage = new Garbage(rng);
    const until = Date.now() + MAX_MS;
    let closedChecked = 0;
    for (let i = 0; i < CONNECTIONS && Date.now() < until; i++) {
      const version = rng.pick([3, 4, 5] as const satisfies readonly ProtocolVersion[]);
      const [near, far] = memoryPair();
      mb.broker.handleConnection(far, { remoteAddress: '127.0.0.1', remotePort: 10_000 + i, listener: mb.listener });
      const c = RawClient.over(near, version);
      const connected = rng.bool(0.8);
      if (connected) {
        c.send({ type: 'connect', protocolVersion: version, clean: true, keepalive: 60, clientId: `fuzz-${i}` });
        await c.next('connack');
      }
      const input = garbage.next(version);
      c.sendBytes(input);
      // Before CONNECT the broker reads at 3.1.1 and wants CONNECT's first byte.
      const bad = connected ? malformed(input, version) : (input[0]! & 0xf0) !== 0x10 || malformed(input, 4);
      if (bad) {
        await c.waitClosed().catch(() => assert.fail(`connection ${i} (v${version}, ${connected ? 'after' : 'before'} CONNECT, ${input.toString('hex')}) stayed open; ${REPLAY}`));
        closedChecked++;
      }
      c.close();
    }
    assert.ok(closedChecked > 0, `no malformed input was generated; ${REPLAY}`);
    const fresh = await mb.client({ clientId: 'after-the-fuzz' });
    fresh.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'still/up', qos: 1 }] });
    await fresh.next('suback');
    fresh.sendBytes(encode({ type: 'publish', topic: 'still/up', payload: Buffer.from('yes'), qos: 1, retain: false, dup: false, packetId: 2 }, 4));
    assert.equal((await fresh.next('publish')).payload.toString(), 'yes');
  });
});
