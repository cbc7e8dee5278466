/**
 * Seeded garbage for fuzzing the framer and the broker: random buffers whose first byte is mostly
 * a real packet type, and valid packets of 3.1, 3.1.1 and 5 with bytes flipped, cut, inserted or
 * with a forged length. A run's seed comes from MQT_FUZZ_SEED, else from the clock, and is printed
 * with any failure so it can be replayed.
 */
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import { encode } from '../../src/lib/protocol/encode.js';
import { PacketGenerator, typesFor } from './generate.js';
import type { Prng } from './helpers.js';

export const FUZZ_SEED = Number(process.env.MQT_FUZZ_SEED ?? Date.now() % 0x1_0000_0000);

/** What to tell whoever has to replay a failure. */
export const REPLAY = `seed ${FUZZ_SEED}; replay with MQT_FUZZ_SEED=${FUZZ_SEED}`;

/** Every fixed-header first byte a packet of some version may start with. */
const VALID_FIRST = [0x10, 0x20, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x3a, 0x3b, 0x3c, 0x3d, 0x40, 0x50, 0x62, 0x70, 0x82, 0xa2, 0xb0, 0xc0, 0xd0, 0xe0, 0xf0];

export class Garbage {
  private readonly gen: PacketGenerator;

  constructor(private readonly rng: Prng) {
    this.gen = new PacketGenerator(rng);
  }

  /** One input, never empty: random bytes, or a mutated valid packet of `version`. */
  next(version: ProtocolVersion): Buffer {
    return this.rng.bool(0.3) ? this.random() : this.mutated(version);
  }

  /** A valid packet of `version`, encoded. */
  valid(version: ProtocolVersion): Buffer {
    return encode(this.gen.packet(this.rng.pick(typesFor(version)), version), version);
  }

  private random(): Buffer {
    const bytes = this.rng.bytes(1, 64);
    if (this.rng.bool(0.8)) bytes[0] = this.rng.pick(VALID_FIRST);
    return bytes;
  }

  private mutated(version: ProtocolVersion): Buffer {
    let bytes = Buffer.from(this.valid(version));
    const edits = this.rng.int(1, 4);
    for (let i = 0; i < edits && bytes.length > 0; i++) {
      const at = this.rng.int(0, bytes.length - 1);
      switch (this.rng.int(0, 4)) {
        case 0:
          bytes[at] = this.rng.int(0, 255);
          break;
        case 1:
          bytes[at] = bytes[at]! ^ (1 << this.rng.int(0, 7));
          break;
        case 2:
          bytes = bytes.subarray(0, at);
          break;
        case 3:
          bytes = Buffer.concat([bytes.subarray(0, at), this.rng.bytes(1, 4), bytes.subarray(at)]);
          break;
        default:
          // A forged remaining length: shorter or longer than the body.
          if (bytes.length > 1) bytes[1] = this.rng.int(0, 127);
      }
    }
    return bytes.length > 0 ? bytes : this.random();
  }
}
