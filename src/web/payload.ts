/** How a payload is shown: the page's text, pretty JSON and hex views, and the number a chart plots. */

export type PayloadFormat = 'text' | 'json' | 'hex';

const strict = new TextDecoder('utf-8', { fatal: true });

/** The payload as UTF-8 text, or undefined when it is not valid UTF-8 (binary). */
export function asText(payload: Uint8Array): string | undefined {
  try {
    return strict.decode(payload);
  } catch {
    return undefined;
  }
}

export function asHex(payload: Uint8Array, max = Infinity): string {
  const shown = payload.length > max ? payload.subarray(0, max) : payload;
  const pairs = Array.from(shown, (b) => b.toString(16).padStart(2, '0')).join(' ');
  return shown.length < payload.length ? `${pairs} …` : pairs;
}

/** In the requested format when it fits (JSON that parses, text that decodes), else hex. */
export function formatPayload(payload: Uint8Array, format: PayloadFormat): string {
  if (format === 'hex') return asHex(payload);
  const text = asText(payload);
  if (text === undefined) return asHex(payload);
  if (format === 'json') {
    try {
      return JSON.stringify(JSON.parse(text) as unknown, null, 2);
    } catch {
      return text;
    }
  }
  return text;
}

/** One line for the tree: text cut short, or hex for binary. */
export function preview(payload: Uint8Array, max = 60): string {
  const text = asText(payload.length > max * 4 ? payload.subarray(0, max * 4) : payload);
  if (text === undefined) return asHex(payload, 16);
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** The number a payload holds ("21.5", " 3 "), for the chart; undefined when it is not one. */
export function numberOf(payload: Uint8Array): number | undefined {
  if (payload.length === 0 || payload.length > 40) return undefined;
  const text = asText(payload)?.trim();
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}
