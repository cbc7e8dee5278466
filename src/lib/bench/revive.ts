/**
 * Structured clone (workerData, postMessage) turns every Buffer into a plain Uint8Array; the
 * client and the transports want Buffers back (passwords, will payloads, TLS keys...). This
 * walks a cloned value and rewraps each one, without copying the bytes.
 */
export function reviveBuffers<T>(value: T): T {
  return revive(value) as T;
}

function revive(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value.map(revive);
  if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) object[key] = revive(object[key]);
  }
  return value;
}
