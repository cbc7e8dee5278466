/**
 * Seeded random packets of every type and version: encode, concatenate, cut into random chunks,
 * frame, and compare with what went in. A failure prints the seed; rerun with MQT_SEED=<seed>.
 */
import assert from 'node:assert/strict';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import { encode } from '../../src/lib/protocol/encode.js';
import type { Packet } from '../../src/lib/protocol/packets.js';
import { PacketGenerator, typesFor } from './generate.js';
import { decodeWhole, frameChunks, Prng, randomChunks } from './helpers.js';

const SEED = Number(process.env.MQT_SEED ?? 0x5eed);
const PER_TYPE = 300;

describe('randomised round trips', () => {
  for (const version of [3, 4, 5] as const satisfies readonly ProtocolVersion[]) {
    for (const type of typesFor(version)) {
      it(`v${version} ${type}: encode → framer in random chunks → the same packets (seed ${SEED})`, () => {
        const rng = new Prng(SEED ^ (version << 8) ^ (typesFor(version).indexOf(type) << 16));
        const gen = new PacketGenerator(rng);
        const packets: Packet[] = [];
        const encoded: Buffer[] = [];
        for (let i = 0; i < PER_TYPE; i++) {
          const packet = gen.packet(type, version);
          const bytes = encode(packet, version);
          assert.deepEqual(decodeWhole(bytes, version), packet, `packet ${i}`);
          packets.push(packet);
          encoded.push(bytes);
        }
        const stream = Buffer.concat(encoded);
        assert.deepEqual(frameChunks(randomChunks(stream, rng), version), packets);
      });
    }
  }

  it('mixes every type in one stream', () => {
    for (const version of [3, 4, 5] as const) {
      const rng = new Prng(SEED + version);
      const gen = new PacketGenerator(rng);
      const types = typesFor(version);
      const packets = Array.from({ length: 2000 }, () => gen.packet(rng.pick(types), version));
      const stream = Buffer.concat(packets.map((p) => encode(p, version)));
      assert.deepEqual(frameChunks(randomChunks(stream, rng), version), packets);
    }
  });
});
