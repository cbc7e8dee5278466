import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ErrorCode, MqttError } from '../errors.js';
import { fileError } from '../fs/file-errors.js';
import { parseStoredPassword } from './hash.js';

/**
 * A mosquitto password_file, read the way the broker reads it (2.0 `pwfile__parse`, 2.1
 * `password_parse.c`):
 *
 *   # a comment: the line's first byte is '#'
 *   alice:$7$101$<salt>$<hash>       user and password split at ':', each trimmed of
 *    bob : $6$<salt>$<hash>          C whitespace (so CRLF and spaces around ':' work)
 *
 * Like strtok(), runs of ':' separate fields and text after the second field is ignored. When a
 * user appears twice the 2.0 broker uses the last line (2.1 refuses the file).
 *
 * Every line is kept as bytes with its own line ending, so writing the file back changes only the
 * lines that were meant to change; comments, blank lines and lines the broker cannot read survive
 * untouched (mosquitto_passwd 2.0 dropped everything from the first such line on).
 */
export interface PasswdLine {
  /** The line's bytes without its line ending. */
  readonly raw: Buffer;
  /** '\n', '\r\n', or '' for a last line without one. */
  readonly eol: string;
  readonly entry: LineEntry;
}

export type LineEntry =
  | { readonly kind: 'blank' }
  | { readonly kind: 'comment' }
  | { readonly kind: 'user'; readonly user: string; readonly password: string }
  | { readonly kind: 'corrupt'; readonly reason: string };

/** Something about a file that a broker will trip over, for the caller to report. Lines count from 1. */
export type Problem =
  | { readonly kind: 'corrupt'; readonly line: number; readonly reason: string }
  | { readonly kind: 'duplicate'; readonly user: string; readonly lines: readonly number[] }
  | { readonly kind: 'malformed'; readonly line: number; readonly user: string; readonly reason: string };

type UserLine = PasswdLine & { readonly entry: { readonly kind: 'user'; readonly user: string; readonly password: string } };

const NEWLINE = 0x0a;
const CR = 0x0d;
/** isspace() in the C locale, which mosquitto trims with; String.trim() would also strip Unicode spaces. */
const C_SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;

function trimC(text: string): string {
  return text.replace(C_SPACE, '');
}

export function parsePasswdFile(data: Buffer): PasswdLine[] {
  const lines: PasswdLine[] = [];
  let start = 0;
  while (start < data.length) {
    const end = data.indexOf(NEWLINE, start);
    if (end === -1) {
      const raw = data.subarray(start);
      lines.push({ raw, eol: '', entry: classify(raw) });
      break;
    }
    const crlf = end > start && data[end - 1] === CR;
    const raw = data.subarray(start, crlf ? end - 1 : end);
    lines.push({ raw, eol: crlf ? '\r\n' : '\n', entry: classify(raw) });
    start = end + 1;
  }
  return lines;
}

export function serializePasswdFile(lines: readonly PasswdLine[]): Buffer {
  return Buffer.concat(lines.flatMap((line) => (line.eol === '' ? [line.raw] : [line.raw, Buffer.from(line.eol)])));
}

/** Reads and parses a password file; a missing file is a FileNotFound error in mosquitto_passwd's words. */
export async function readPasswdFile(path: string): Promise<PasswdLine[]> {
  try {
    return parsePasswdFile(await readFile(path));
  } catch (err) {
    throw fileError(err, `Unable to open password file ${path}`);
  }
}

/** readPasswdFile for the broker's SIGHUP, which must not let anything be handled before the new file is in force. */
export function readPasswdFileSync(path: string): PasswdLine[] {
  try {
    return parsePasswdFile(readFileSync(path));
  } catch (err) {
    throw fileError(err, `Unable to open password file ${path}`);
  }
}

function classify(raw: Buffer): LineEntry {
  const text = raw.toString('utf8');
  if (text.startsWith('#')) return { kind: 'comment' };
  if (trimC(text) === '') return { kind: 'blank' };
  const colon = text.indexOf(':');
  if (colon === -1) return { kind: 'corrupt', reason: "no ':' between user name and password" };
  if (trimC(text.slice(0, colon)) === '') return { kind: 'corrupt', reason: 'empty user name' };
  const [user = '', password = ''] = text.split(':').filter((field) => field !== '');
  if (trimC(password) === '') return { kind: 'corrupt', reason: 'no password' };
  return { kind: 'user', user: trimC(user), password: trimC(password) };
}

function isUserLine(line: PasswdLine, user?: string): line is UserLine {
  return line.entry.kind === 'user' && (user === undefined || line.entry.user === user);
}

/**
 * A file given where the password file was meant (a mosquitto.conf, an acl_file) has mostly lines
 * that are neither user:password lines, comments nor blank. Refused before anything is written,
 * with what was counted.
 */
export function refuseForeignFile(path: string, lines: readonly PasswdLine[]): void {
  const users = lines.filter((line) => line.entry.kind === 'user').length;
  const stray = lines.filter((line) => line.entry.kind === 'corrupt').length;
  if (stray <= users) return;
  throw new MqttError(ErrorCode.InvalidFile, `${path} does not look like a password file: ${stray} of its ${stray + users} lines are not user:password lines.`, {
    remedy: { kind: 'foreign-file', action: 'change' },
  });
}

/** The line the broker uses for `user`: the last one. */
export function findUser(lines: readonly PasswdLine[], user: string): UserLine | undefined {
  return lines.findLast((line): line is UserLine => isUserLine(line, user));
}

/** Distinct user names, in the order they first appear. */
export function listUsers(lines: readonly PasswdLine[]): string[] {
  return [...new Set(lines.filter((line): line is UserLine => isUserLine(line)).map((line) => line.entry.user))];
}

function userLine(user: string, password: string, eol: string): PasswdLine {
  return { raw: Buffer.from(`${user}:${password}`, 'utf8'), eol, entry: { kind: 'user', user, password } };
}

/**
 * Sets `user`'s stored password field. An existing user's (last) line is replaced in place and
 * keeps its line ending; a new user is appended, ending the previous last line first if it had no
 * newline (appending straight after it would glue two users into one corrupt line).
 */
export function setPassword(lines: readonly PasswdLine[], user: string, password: string): { lines: PasswdLine[]; added: boolean } {
  const index = lines.findLastIndex((line) => isUserLine(line, user));
  if (index !== -1) {
    const next = [...lines];
    next[index] = userLine(user, password, lines[index]!.eol);
    return { lines: next, added: false };
  }
  const eol = lines.find((line) => line.eol !== '')?.eol ?? '\n';
  const next = lines.map((line, i) => (i === lines.length - 1 && line.eol === '' ? { ...line, eol } : line));
  next.push(userLine(user, password, eol));
  return { lines: next, added: true };
}

/** Removes every line of `user`: keeping an older duplicate would let its old password in again. */
export function deleteUser(lines: readonly PasswdLine[], user: string): { lines: PasswdLine[]; removed: number } {
  const next = lines.filter((line) => !isUserLine(line, user));
  return { lines: next, removed: lines.length - next.length };
}

/**
 * Hashes the passwords still in plain text (`mosquitto_passwd -U`). Lines already hashed, in any
 * format, are left alone: mosquitto_passwd hashed the hash, locking those users out.
 */
export async function hashPlainPasswords(
  lines: readonly PasswdLine[],
  hash: (plain: string) => string | Promise<string>,
): Promise<{ lines: PasswdLine[]; hashed: number }> {
  let hashed = 0;
  const next: PasswdLine[] = [];
  for (const line of lines) {
    if (!isUserLine(line) || parseStoredPassword(line.entry.password).kind !== 'plain') {
      next.push(line);
      continue;
    }
    hashed++;
    next.push(userLine(line.entry.user, await hash(line.entry.password), line.eol));
  }
  return { lines: next, hashed };
}

/** Corrupt lines, users on several lines, and hashes that do not decode. */
export function findProblems(lines: readonly PasswdLine[]): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number[]>();
  lines.forEach((line, i) => {
    const { entry } = line;
    if (entry.kind === 'corrupt') problems.push({ kind: 'corrupt', line: i + 1, reason: entry.reason });
    if (entry.kind !== 'user') return;
    const stored = parseStoredPassword(entry.password);
    if (stored.kind === 'malformed') problems.push({ kind: 'malformed', line: i + 1, user: entry.user, reason: stored.reason });
    const where = seen.get(entry.user);
    if (where === undefined) seen.set(entry.user, [i + 1]);
    else where.push(i + 1);
  });
  for (const [user, where] of seen) if (where.length > 1) problems.push({ kind: 'duplicate', user, lines: where });
  return problems;
}
