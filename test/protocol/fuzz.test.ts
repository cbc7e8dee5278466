/**
 * Garbage in, for the decoder and framer: every input gives packets or an MqttError, never another
 * exception. Bounded in count and time; the seed is in the title and in every failure.
 */
import assert from 'node:assert/strict';
import { isMqttError } from '../../src/lib/errors.js';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import { PacketReader } from '../../src/lib/protocol/framer.js';
import { FUZZ_SEED, Garbage, REPLAY } from './garbage.js';
import { Prng, randomChunks } from './helpers.js';

const INPUTS = 20_000;
const MAX_MS = 1000;

describe(`fuzzing the framer and decoder (${REPLAY})`, () => {
  it('turns every input into packets or an MqttError, whole or in random chunks, v3.1, v3.1.1 and v5', () => {
    const rng = new Prng(FUZZ_SEED);
    const garbage = new Garbage(rng);
    const until = Date.now() + MAX_MS;
    for (let i = 0; i < INPUTS && Date.now() < until; i++) {
      const version = rng.pick([3, 4, 5] as const satisfies readonly ProtocolVersion[]);
      const input = garbage.next(version);
      const reader = new PacketReader({ version, maxPacketSize: rng.bool(0.2) ? rng.int(2, 64) : undefined });
      try {
        for (const chunk of rng.bool() ? [input] : randomChunks(input, rng)) reader.push(chunk, () => undefined);
      } catch (error) {
        if (!isMqttError(error)) {
          assert.fail(`input ${i} (v${version}, ${input.toString('hex')}) threw ${String(error)}; ${REPLAY}`);
        }
      }
    }
  });
});
