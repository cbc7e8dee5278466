import { randomBytes } from 'node:crypto';

/**
 * mosquitto 2.1's argon2id password field, the standard encoding of the reference library:
 *
 *   $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>
 *
 * salt and hash in base64 without padding. mosquitto 2.1 writes t=1, m=47104 (46 MiB), p=1, a
 * 64-byte salt and a 64-byte hash, and verifies whatever parameters a line carries.
 *
 * Node has no argon2 before 24.7, so the hash is computed by hash-wasm (WebAssembly), loaded only
 * when an argon2id line is written or checked: `mqt pub` and `mqt sub` never pay for it.
 */
export const ARGON2ID_DEFAULTS = { memoryKiB: 47104, passes: 1, lanes: 1, saltBytes: 64, hashBytes: 64 } as const;

/**
 * What a password file may ask for. A hostile or damaged line must not make a broker allocate
 * gigabytes or spin for minutes on one login: 256 MiB (5.5 times mosquitto's 46), 16 passes,
 * 16 lanes (hash-wasm computes lanes one after the other: they split the memory, adding no work),
 * and memory × passes at most 1 GiB, four times RFC 9106's second recommendation (64 MiB, 3
 * passes) and a few seconds of one core. Salt and hash lengths are the reference library's
 * minimums, and at most 1 KiB.
 */
export const ARGON2ID_BOUNDS = { maxMemoryKiB: 262144, maxPasses: 16, maxLanes: 16, maxWorkKiB: 1048576, minSaltBytes: 8, minHashBytes: 4, maxBytes: 1024 } as const;

export interface Argon2idParams {
  readonly memoryKiB: number;
  readonly passes: number;
  readonly lanes: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

const ENCODED = /^\$argon2id\$v=(\d{1,10})\$m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,10})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Decodes an argon2id field, or says in words why it cannot be used. */
export function parseArgon2id(field: string): Argon2idParams | { readonly malformed: string } {
  const match = ENCODED.exec(field);
  if (match === null) return { malformed: 'an argon2id hash needs $argon2id$v=19$m=M,t=T,p=P$salt$hash' };
  const [, version, m, t, p, saltText, hashText] = match.map(String);
  if (version !== '19') return { malformed: `argon2 version ${version} is not supported (only v=19)` };
  const memoryKiB = Number(m);
  const passes = Number(t);
  const lanes = Number(p);
  const { maxMemoryKiB, maxPasses, maxLanes, maxWorkKiB, minSaltBytes, minHashBytes, maxBytes } = ARGON2ID_BOUNDS;
  if (lanes < 1 || lanes > maxLanes) return { malformed: `argon2id parallelism p=${p} is outside 1..${maxLanes}` };
  if (passes < 1 || passes > maxPasses) return { malformed: `argon2id time cost t=${t} is outside 1..${maxPasses}` };
  if (memoryKiB < 8 * lanes || memoryKiB > maxMemoryKiB) return { malformed: `argon2id memory m=${m} KiB is outside ${8 * lanes}..${maxMemoryKiB}` };
  if (memoryKiB * passes > maxWorkKiB) return { malformed: `argon2id cost m*t=${memoryKiB * passes} KiB is over ${maxWorkKiB}` };
  const salt = decodeUnpadded(saltText!);
  const hash = decodeUnpadded(hashText!);
  if (salt === undefined || hash === undefined) return { malformed: 'the argon2id salt or hash is not base64' };
  if (salt.length < minSaltBytes || salt.length > maxBytes) return { malformed: `the argon2id salt is ${salt.length} bytes, not ${minSaltBytes}..${maxBytes}` };
  if (hash.length < minHashBytes || hash.length > maxBytes) return { malformed: `the argon2id hash is ${hash.length} bytes, not ${minHashBytes}..${maxBytes}` };
  return { memoryKiB, passes, lanes, salt, hash };
}

/** The argon2id hash of `password` with `params`' cost and salt, as long as its stored hash. */
export async function computeArgon2id(password: string | Buffer, params: Omit<Argon2idParams, 'hash'> & { readonly hashBytes: number }): Promise<Buffer> {
  const { argon2id } = await import('hash-wasm');
  const raw = await argon2id({
    password: typeof password === 'string' ? Buffer.from(password, 'utf8') : password,
    salt: params.salt,
    iterations: params.passes,
    parallelism: params.lanes,
    memorySize: params.memoryKiB,
    hashLength: params.hashBytes,
    outputType: 'binary',
  });
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** A fresh field with mosquitto 2.1's parameters and a random salt. */
export async function hashArgon2id(password: string): Promise<string> {
  const { memoryKiB, passes, lanes, saltBytes, hashBytes } = ARGON2ID_DEFAULTS;
  const salt = randomBytes(saltBytes);
  const hash = await computeArgon2id(password, { memoryKiB, passes, lanes, salt, hashBytes });
  return `$argon2id$v=19$m=${memoryKiB},t=${passes},p=${lanes}$${unpadded(salt)}$${unpadded(hash)}`;
}

function unpadded(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

/** The encoding's base64 has no padding; a length that no byte count gives is refused. */
function decodeUnpadded(text: string): Buffer | undefined {
  if (text.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64');
}
