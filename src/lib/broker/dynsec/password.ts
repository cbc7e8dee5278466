/** A dynamic security client's password: PBKDF2-SHA512 with a fresh 12-byte salt, as the plugin makes it. */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { DEFAULT_ITERATIONS, SALT_BYTES, pbkdf2 } from '../../passwd/hash.js';
import type { PasswordHash } from './model.js';

export function hashNewPassword(password: string): PasswordHash {
  const salt = randomBytes(SALT_BYTES);
  return { salt, iterations: DEFAULT_ITERATIONS, hash: pbkdf2(password, salt, DEFAULT_ITERATIONS) };
}

export function passwordMatches(stored: PasswordHash, password: Buffer): boolean {
  return timingSafeEqual(pbkdf2(password, stored.salt, stored.iterations), stored.hash);
}
