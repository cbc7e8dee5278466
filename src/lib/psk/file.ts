import { readFile } from 'node:fs/promises';
import { ErrorCode, MqttError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { errnoOf } from '../errno-text.js';
import { fileError } from '../fs/file-errors.js';
import { withFileLock } from '../fs/lock-file.js';

/** A key as mosquitto reads it: hexadecimal digits. */
const HEX_KEY = /^[0-9a-fA-F]+$/;

export interface PskEntry {
  readonly identity: string;
  readonly key: string;
}

export interface PskUpdate {
  readonly added: readonly string[];
  readonly replaced: readonly string[];
  /** Given with the key the file already had. */
  readonly unchanged: readonly string[];
  /** Identities in the file after the update. */
  readonly total: number;
  readonly created: boolean;
}

/**
 * The identity of a psk_file line as mosquitto reads it (security_default.c): trimmed, up to
 * the first ':'; comments and blank lines have none.
 */
export function identityOf(line: string): string | undefined {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : text.slice(0, colon).trim();
}

/** The key of a line that has an identity: after the first ':', trimmed. */
export function keyOf(line: string): string {
  return line.slice(line.indexOf(':') + 1).trim();
}

/**
 * Puts `entries` into psk_file text: an identity already there gets its line replaced in place
 * (only with `replace`), new ones are appended; comments and every other line stay as they were.
 */
export function updatePskText(text: string, entries: readonly PskEntry[], replace: boolean): { text: string; update: Omit<PskUpdate, 'created'> } {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const added: string[] = [];
  const replaced: string[] = [];
  const unchanged: string[] = [];
  for (const entry of entries) {
    const at = lines.findIndex((line) => identityOf(line) === entry.identity);
    const line = `${entry.identity}:${entry.key}`;
    if (at < 0) {
      lines.push(line);
      added.push(entry.identity);
    } else if (keyOf(lines[at]!).toLowerCase() === entry.key) {
      unchanged.push(entry.identity);
    } else if (!replace) {
      throw new MqttError(ErrorCode.FileExists, `The psk_file already has a different key for '${entry.identity}'.`, {
        remedy: { kind: 'replace', what: 'psk-key' },
      });
    } else {
      lines[at] = line;
      replaced.push(entry.identity);
    }
  }
  const total = new Set(lines.map(identityOf).filter((id) => id !== undefined)).size;
  return { text: `${lines.join('\n')}\n`, update: { added, replaced, unchanged, total } };
}

/**
 * A file given where the psk_file was meant (a mosquitto.conf) has mostly lines that are neither
 * identity:hex-key lines, comments nor blank: refused before anything is written.
 */
function refuseForeignText(path: string, text: string): void {
  const counted = text.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  const stray = counted.filter((line) => identityOf(line) === undefined || !HEX_KEY.test(keyOf(line))).length;
  if (stray * 2 <= counted.length) return;
  throw new MqttError(ErrorCode.InvalidFile, `${path} does not look like a psk_file: ${stray} of its ${counted.length} lines are not identity:key lines.`, {
    remedy: { kind: 'foreign-file', action: 'add to' },
  });
}

/**
 * Reads, updates and atomically rewrites a psk_file under its lock; it ends 0600 and is never
 * written through a symbolic link. `replace` (gen-psk's --force) gives known identities their new
 * key, and lets a file that does not look like a psk_file be added to.
 */
export function updatePskFile(path: string, entries: readonly PskEntry[], replace: boolean): Promise<PskUpdate> {
  // Two runs at once (two terminals, a script) must not lose each other's identities.
  return withFileLock(path, () => rewrite(path, entries, replace));
}

async function rewrite(path: string, entries: readonly PskEntry[], replace: boolean): Promise<PskUpdate> {
  let text = '';
  let created = false;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw fileError(err, `Unable to read psk_file ${path}`);
    created = true;
  }
  if (!replace) refuseForeignText(path, text);
  const result = updatePskText(text, entries, replace);
  if (created || result.update.added.length > 0 || result.update.replaced.length > 0) {
    await writeFileAtomic(path, result.text, { mode: 0o600, overwrite: !created, private: true });
  }
  return { ...result.update, created };
}
