import assert from 'node:assert/strict';
import { encode } from '../../src/lib/protocol/encode.js';
import type { Packet, PublishPacket } from '../../src/lib/protocol/packets.js';
import { DECODE_ONLY, FIXTURES, type Fixture } from './fixtures.js';
import { decodeWhole, frameChunks, fromHex, oneByteChunks, splitAt, toHex } from './helpers.js';

function framesAtEverySplit(row: Fixture): void {
  const bytes = fromHex(row.hex);
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.deepEqual(frameChunks(splitAt(bytes, [cut]), row.version), [row.packet], `split at ${cut}`);
  }
  for (let cut = 1; cut < bytes.length - 1; cut++) {
    const cuts = [cut, Math.min(bytes.length - 1, cut + 2)];
    assert.deepEqual(frameChunks(splitAt(bytes, cuts), row.version), [row.packet], `split at ${cuts.join(',')}`);
  }
  assert.deepEqual(frameChunks(oneByteChunks(bytes), row.version), [row.packet], 'one byte at a time');
  const three = Buffer.concat([bytes, bytes, bytes]);
  const expected: Packet[] = [row.packet, row.packet, row.packet];
  assert.deepEqual(frameChunks([three], row.version), expected, 'three packets in one chunk');
  assert.deepEqual(frameChunks(oneByteChunks(three), row.version), expected, 'three packets, one byte at a time');
}

describe('codec fixtures', () => {
  for (const row of FIXTURES) {
    describe(`v${row.version} ${row.name}`, () => {
      it('decodes the bytes to the packet', () => {
        assert.deepEqual(decodeWhole(fromHex(row.hex), row.version), row.packet);
      });

      it('encodes the packet to the bytes', () => {
        assert.equal(toHex(encode(row.packet, row.version)), toHex(fromHex(row.hex)));
      });

      it('round-trips', () => {
        assert.deepEqual(decodeWhole(encode(row.packet, row.version), row.version), row.packet);
      });

      it('frames the bytes however they are split', () => {
        framesAtEverySplit(row);
      });
    });
  }

  describe('forms that decode but are never encoded', () => {
    for (const row of DECODE_ONLY) {
      it(`v${row.version} ${row.name}`, () => {
        assert.deepEqual(decodeWhole(fromHex(row.hex), row.version), row.packet);
        framesAtEverySplit(row);
      });
    }
  });

  describe('properties in the order they came', () => {
    const interleaved = FIXTURES.find((f) => f.name.startsWith('PUBLISH 5.0 with user properties between'))!;
    const decoded = decodeWhole(fromHex(interleaved.hex), 5) as PublishPacket;

    it('writes the recorded rows as one run where their first field stands, other fields in their own places', () => {
      const relayed = { ...decoded, properties: { subscriptionIdentifiers: [3], ...decoded.properties, messageExpiryInterval: 60 } };
      const bytes = encode(relayed, 5);
      const block = fromHex(interleaved.hex).subarray(8, 8 + 29);
      assert.equal(toHex(bytes.subarray(8, 8 + 2 + 29 + 5)), toHex(Buffer.concat([Buffer.from([0x0b, 3]), block, fromHex('02 0000003c')])));
      const order = [0x0b, 0x26, 0x03, 0x26, 0x08, 0x26, 0x02];
      assert.deepEqual(decodeWhole(bytes, 5), { ...relayed, properties: { ...relayed.properties, order } });
    });

    it('writes every value once: one the order does not name follows the run', () => {
      const properties = { ...decoded.properties, userProperties: [...decoded.properties!.userProperties!, ['d', '4'] as [string, string]] };
      const again = decodeWhole(encode({ ...decoded, properties }, 5), 5) as PublishPacket;
      assert.deepEqual(again.properties, { ...properties, order: [0x26, 0x03, 0x26, 0x08, 0x26, 0x26] });
    });
  });

  it('reads CONNECT at its own protocol level, whatever version the connection assumes', () => {
    for (const row of FIXTURES.filter((f) => f.packet.type === 'connect')) {
      for (const assumed of [3, 4, 5] as const) {
        assert.deepEqual(decodeWhole(fromHex(row.hex), assumed), row.packet, `${row.name} read as v${assumed}`);
      }
    }
  });

  it('covers all 15 packet types in 3.1.1 and 5.0 (AUTH in 5.0 only)', () => {
    for (const version of [4, 5] as const) {
      const types = new Set(FIXTURES.filter((f) => f.version === version).map((f) => f.packet.type));
      assert.equal(types.size, version === 5 ? 15 : 14, `version ${version}: ${[...types].join(' ')}`);
    }
  });
});
