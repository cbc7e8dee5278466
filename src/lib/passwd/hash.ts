import { createHash, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { computeArgon2id, hashArgon2id, parseArgon2id, type Argon2idParams } from './argon2.js';

/**
 * mosquitto's password hashes, as stored after "user:" in a password_file:
 *
 *   $6$<base64 salt>$<base64 sha512(password || salt)>
 *   $7$<iterations>$<base64 salt>$<base64 PBKDF2-HMAC-SHA512(password, salt, iterations, 64)>
 *   $argon2id$v=19$m=...,t=...,p=...$<salt>$<hash>     (mosquitto 2.1; see argon2.ts)
 *
 * The salt is 12 random bytes, base64-encoded for storage only (the raw bytes are hashed); the
 * hash is 64 bytes. A mosquitto 2.0 broker decodes only 12-byte salts, so that is all we write.
 * mosquitto 2.1 also writes `$7$` with 64-byte salts: such lines are recognised, kept, and reported
 * as not verifiable here. This is the only copy of these rules: the writer
 * (mqt passwd) and any checker of password_file lines share it.
 */

/** mosquitto_passwd's -H names. */
export type HashType = 'sha512' | 'sha512-pbkdf2' | 'argon2id';

export const HASH_TYPES: readonly HashType[] = ['sha512', 'sha512-pbkdf2', 'argon2id'];

/** mosquitto 2.0's count; 2.1 writes 1000, and brokers of both accept any count from 1. */
export const DEFAULT_ITERATIONS = 101;

export const SALT_BYTES = 12;
/** mosquitto 2.1's salt size, which 2.0 brokers refuse. */
const LONG_SALT_BYTES = 64;
export const HASH_BYTES = 64;
const MAX_ITERATIONS = 2 ** 31 - 1;

/** A stored password field, decoded. */
export type StoredPassword =
  | { readonly kind: 'sha512'; readonly salt: Buffer; readonly hash: Buffer }
  | { readonly kind: 'pbkdf2'; readonly iterations: number; readonly salt: Buffer; readonly hash: Buffer }
  | ({ readonly kind: 'argon2id' } & Argon2idParams)
  /** A format of a newer mosquitto that this version does not check. */
  | { readonly kind: 'unverifiable'; readonly reason: string }
  /** Looks like a hash but does not decode: every broker refuses this user. */
  | { readonly kind: 'malformed'; readonly reason: string }
  /** Not hashed at all (a file for `mosquitto_passwd -U`). */
  | { readonly kind: 'plain' };

export type Verdict =
  | { readonly result: 'match' }
  | { readonly result: 'mismatch' }
  /** `notHashed`: the line holds the password itself, which hashing the file would fix. */
  | { readonly result: 'unverifiable'; readonly reason: string; readonly notHashed?: boolean };

/** Hashes `password` with a fresh salt into the field mosquitto stores after "user:". */
export function hashPassword(password: string, type: Exclude<HashType, 'argon2id'>, iterations = DEFAULT_ITERATIONS): string {
  const salt = randomBytes(SALT_BYTES);
  if (type === 'sha512') return `$6$${salt.toString('base64')}$${sha512(password, salt).toString('base64')}`;
  return `$7$${iterations}$${salt.toString('base64')}$${pbkdf2(password, salt, iterations).toString('base64')}`;
}

/** hashPassword for every type: argon2id is computed asynchronously (WebAssembly). */
export async function makePasswordHash(password: string, type: HashType, iterations = DEFAULT_ITERATIONS): Promise<string> {
  return type === 'argon2id' ? hashArgon2id(password) : hashPassword(password, type, iterations);
}

export function parseStoredPassword(field: string): StoredPassword {
  if (field.startsWith('$argon2id$')) {
    const decoded = parseArgon2id(field);
    return 'malformed' in decoded ? { kind: 'malformed', reason: decoded.malformed } : { kind: 'argon2id', ...decoded };
  }
  if (field.startsWith('$argon2')) return { kind: 'unverifiable', reason: 'an argon2 hash of another variant than argon2id: mosquitto writes and checks only argon2id' };
  const parts = field.split('$');
  if (field.startsWith('$6$')) {
    if (parts.length !== 4) return { kind: 'malformed', reason: 'a $6$ hash needs $6$salt$hash' };
    return decodeSaltAndHash(parts[2]!, parts[3]!, (salt, hash) => ({ kind: 'sha512', salt, hash }));
  }
  if (field.startsWith('$7$')) {
    if (parts.length !== 5) return { kind: 'malformed', reason: 'a $7$ hash needs $7$iterations$salt$hash' };
    const text = parts[2]!;
    const iterations = /^\d{1,10}$/.test(text) ? Number(text) : 0;
    if (iterations < 1 || iterations > MAX_ITERATIONS) return { kind: 'malformed', reason: `invalid iteration count '${text}'` };
    return decodeSaltAndHash(parts[3]!, parts[4]!, (salt, hash) => ({ kind: 'pbkdf2', iterations, salt, hash }));
  }
  return { kind: 'plain' };
}

/**
 * Checks `password` against a stored field, comparing the hashes in constant time. A broker
 * passes the CONNECT packet's bytes as they came: MQTT passwords are binary data. The answer is
 * immediate for the SHA-512 formats, so their checks never wait; argon2id's is a promise.
 */
export function verifyPassword(password: string | Buffer, field: string): Verdict | Promise<Verdict> {
  return verifyStored(password, parseStoredPassword(field));
}

/** The stored forms a broker can check, and the two of them it checks without waiting. */
export type CheckableStored = Extract<StoredPassword, { kind: 'sha512' | 'pbkdf2' | 'argon2id' }>;
export type QuickStored = Extract<StoredPassword, { kind: 'sha512' | 'pbkdf2' }>;

export function verifyQuick(password: string | Buffer, stored: QuickStored): Verdict {
  const computed = stored.kind === 'sha512' ? sha512(password, stored.salt) : pbkdf2(password, stored.salt, stored.iterations);
  return timingSafeEqual(computed, stored.hash) ? { result: 'match' } : { result: 'mismatch' };
}

export function verifyStored(password: string | Buffer, stored: StoredPassword): Verdict | Promise<Verdict> {
  switch (stored.kind) {
    case 'argon2id':
      return computeArgon2id(password, { ...stored, hashBytes: stored.hash.length }).then(
        (computed): Verdict => (timingSafeEqual(computed, stored.hash) ? { result: 'match' } : { result: 'mismatch' }),
      );
    case 'sha512':
    case 'pbkdf2':
      return verifyQuick(password, stored);
    case 'unverifiable':
    case 'malformed':
      return { result: 'unverifiable', reason: stored.reason };
    case 'plain':
      return { result: 'unverifiable', reason: 'the password is not hashed, and brokers refuse such lines', notHashed: true };
  }
}

function decodeSaltAndHash(saltText: string, hashText: string, make: (salt: Buffer, hash: Buffer) => StoredPassword): StoredPassword {
  const salt = decodeBase64(saltText);
  const hash = decodeBase64(hashText);
  if (salt === undefined || hash === undefined) return { kind: 'malformed', reason: 'the salt or hash is not base64' };
  if (salt.length === LONG_SALT_BYTES) {
    return { kind: 'unverifiable', reason: 'a 64-byte salt (mosquitto 2.1, refused by 2.0 brokers): not verifiable by this version' };
  }
  if (salt.length !== SALT_BYTES) return { kind: 'malformed', reason: `the salt is ${salt.length} bytes, not ${SALT_BYTES}` };
  if (hash.length !== HASH_BYTES) return { kind: 'malformed', reason: `the hash is ${hash.length} bytes, not ${HASH_BYTES}` };
  return make(salt, hash);
}

/** Strict base64: Buffer.from() would silently skip stray characters that OpenSSL refuses. */
function decodeBase64(text: string): Buffer | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

function sha512(password: string | Buffer, salt: Buffer): Buffer {
  return createHash('sha512').update(typeof password === 'string' ? Buffer.from(password, 'utf8') : password).update(salt).digest();
}

/** PBKDF2-HMAC-SHA512 to 64 bytes, as mosquitto's $7$ passwords and its dynamic security plugin use it. */
export function pbkdf2(password: string | Buffer, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(password, salt, iterations, HASH_BYTES, 'sha512');
}
