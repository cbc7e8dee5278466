/**
 * JSON laid out as cJSON_Print lays it out (tabs, "key":<TAB>value, arrays on one line), so a
 * file mqt writes differs from one mosquitto writes only where the data does.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };

export function cjsonPrint(value: JsonValue): string {
  return print(value, 0);
}

function print(value: JsonValue, depth: number): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => print(v, depth + 1)).join(', ')}]`;
  const inner = '\t'.repeat(depth + 1);
  const entries = Object.entries(value).filter((e): e is [string, JsonValue] => e[1] !== undefined);
  const lines = entries.map(([key, v]) => `${inner}${JSON.stringify(key)}:\t${print(v, depth + 1)}`);
  return `{\n${lines.join(',\n')}${lines.length > 0 ? '\n' : ''}${'\t'.repeat(depth)}}`;
}
