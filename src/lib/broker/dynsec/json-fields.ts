/**
 * Reading fields of parsed JSON as the plugin's cJSON does: a key is found whatever its case
 * (cJSON_GetObjectItem), so a file with "textName" reads as "textname".
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value under `key`, matched without regard to case; the first such key wins. */
export function field(object: JsonObject, key: string): unknown {
  if (Object.hasOwn(object, key)) return object[key];
  const lower = key.toLowerCase();
  for (const name of Object.keys(object)) if (name.toLowerCase() === lower) return object[name];
  return undefined;
}

export function stringField(object: JsonObject, key: string): string | undefined {
  const value = field(object, key);
  return typeof value === 'string' ? value : undefined;
}

/** A number as C's int cast takes it; `fallback` when absent or not a number. */
export function intField(object: JsonObject, key: string, fallback: number): number {
  const value = field(object, key);
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : fallback;
}

export function boolField(object: JsonObject, key: string, fallback: boolean): boolean {
  const value = field(object, key);
  return typeof value === 'boolean' ? value : fallback;
}

/** The objects of an array field (other members are skipped, as the plugin does). */
export function objectsOf(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}
