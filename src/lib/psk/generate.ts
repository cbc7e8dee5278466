import { randomBytes } from 'node:crypto';

/** 16 bytes is plenty for a PSK; 32 is the most an ESP32 takes (MBEDTLS_PSK_MAX_LEN). */
export const PSK_BYTES = [16, 32] as const;
export type PskBytes = (typeof PSK_BYTES)[number];

/** arduino-esp32's setPreSharedKey() refuses longer keys. */
export const ESP32_MAX_PSK_BYTES = 32;

export function randomKeyHex(bytes: PskBytes): string {
  return randomBytes(bytes).toString('hex');
}
