/**
 * What the project's codec imports from node:buffer, for the browser: the `buffer` package's
 * Buffer, and isUtf8 on the browser's strict decoder. The build maps node:buffer here for the page.
 */
export { Buffer } from 'buffer';

const strict = new TextDecoder('utf-8', { fatal: true });

export function isUtf8(bytes: Uint8Array): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
