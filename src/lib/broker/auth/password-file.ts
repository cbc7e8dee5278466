import { ErrorCode, MqttError, type Remedy } from '../../errors.js';
import { findProblems, findUser, listUsers, readPasswdFileSync, type PasswdLine } from '../../passwd/file.js';
import { ARGON2ID_DEFAULTS } from '../../passwd/argon2.js';
import { DEFAULT_ITERATIONS, HASH_BYTES, parseStoredPassword, SALT_BYTES, verifyQuick, verifyStored, type CheckableStored, type Verdict } from '../../passwd/hash.js';
import { slowChecks } from './slow-check-queue.js';

/**
 * A mosquitto password_file as the broker uses it. The lines are read by the same parser as
 * `mqt passwd` (src/lib/passwd/file.ts) and checked by the same hasher (hash.ts).
 *
 * Like mosquitto 2.0, a bad line does not stop the broker: the line is left out and reported.
 * mosquitto logs "Invalid password hash type for user X, removing entry." and skips lines without
 * ':' silently; we report every such line, as an MqttError naming file and line, in `problems`.
 *
 * One deliberate difference: when a user appears on several lines, mosquitto 2.0 uses the last
 * line it could decode, so a damaged newest line lets the previous password in again. Here the
 * last line decides, as `mqt passwd` reads it, and a damaged last line refuses the user.
 */
export class PasswordFile {
  readonly path: string;
  #table: ReadonlyMap<string, CheckableStored>;
  /** What an unknown user's check costs: an argon2id hash when the file has argon2id users. */
  #decoy: CheckableStored;
  #problems: readonly MqttError[];

  private constructor(path: string, table: ReadonlyMap<string, CheckableStored>, problems: readonly MqttError[]) {
    this.path = path;
    this.#table = table;
    this.#decoy = decoyFor(table);
    this.#problems = problems;
  }

  /** Reads the file; an unreadable file throws (mosquitto refuses to start), bad lines do not. */
  static load(path: string): PasswordFile {
    const { table, problems } = readTable(path);
    return new PasswordFile(path, table, problems);
  }

  /** Builds a table from lines already read, e.g. for tests or a file given inline. */
  static fromLines(path: string, lines: readonly PasswdLine[]): PasswordFile {
    const { table, problems } = buildTable(path, lines);
    return new PasswordFile(path, table, problems);
  }

  /** The lines left out at the last successful (re)load, one error each, in file order. */
  get problems(): readonly MqttError[] {
    return this.#problems;
  }

  get users(): readonly string[] {
    return [...this.#table.keys()];
  }

  /**
   * Reads the file again (SIGHUP). On failure the old table stays in force and the error is
   * thrown for the caller to log: a broker must not lock everyone out because an editor was
   * half-way through saving. The read is synchronous, so that nothing that arrives after the
   * signal is judged by the old table.
   */
  reload(): void {
    const { table, problems } = readTable(this.path);
    this.#table = table;
    this.#decoy = decoyFor(table);
    this.#problems = problems;
  }

  /**
   * True when `username` is in the file and `password` matches its hash. The hashes are compared
   * in constant time, and an unknown user costs a hash computation too, so that timing does not
   * tell which user names exist: an argon2id one when the file holds argon2id lines. A
   * zero-length password is no password, as mosquitto reads it, so it never matches, even the
   * hash of an empty password.
   *
   * The SHA-512 formats answer at once. argon2id answers with a promise, from the broker's one
   * queue of slow checks (slow-check-queue.ts); `abandoned` says the client has gone, so its
   * check, still waiting, is skipped.
   */
  check(username: string, password: Buffer | undefined, abandoned?: () => boolean): boolean | Promise<boolean> {
    const stored = this.#table.get(username);
    if (stored === undefined || password === undefined || password.length === 0) {
      return settle(this.#decoy, password ?? Buffer.alloc(0), abandoned, () => false);
    }
    return settle(stored, password, abandoned, (verdict) => verdict.result === 'match');
  }
}

function settle(stored: CheckableStored, password: Buffer, abandoned: (() => boolean) | undefined, judge: (verdict: Verdict) => boolean): boolean | Promise<boolean> {
  if (stored.kind !== 'argon2id') return judge(verifyQuick(password, stored));
  return slowChecks.run(async () => judge(await verifyStored(password, stored)), abandoned);
}

/** Well-formed hashes nobody knows the password of, checked when the user does not exist. */
const PBKDF2_DECOY: CheckableStored = { kind: 'pbkdf2', iterations: DEFAULT_ITERATIONS, salt: Buffer.alloc(SALT_BYTES), hash: Buffer.alloc(HASH_BYTES) };
const { memoryKiB, passes, lanes, saltBytes, hashBytes } = ARGON2ID_DEFAULTS;
const ARGON2ID_DECOY: CheckableStored = { kind: 'argon2id', memoryKiB, passes, lanes, salt: Buffer.alloc(saltBytes), hash: Buffer.alloc(hashBytes) };

function decoyFor(table: ReadonlyMap<string, CheckableStored>): CheckableStored {
  for (const entry of table.values()) if (entry.kind === 'argon2id') return ARGON2ID_DECOY;
  return PBKDF2_DECOY;
}

function readTable(path: string): { table: Map<string, CheckableStored>; problems: MqttError[] } {
  return buildTable(path, readPasswdFileSync(path));
}

function buildTable(path: string, lines: readonly PasswdLine[]): { table: Map<string, CheckableStored>; problems: MqttError[] } {
  const table = new Map<string, CheckableStored>();
  const problems: { line: number; message: string; remedy?: Remedy }[] = [];
  for (const user of listUsers(lines)) {
    const line = findUser(lines, user)!;
    const stored = parseStoredPassword(line.entry.password);
    if (stored.kind === 'sha512' || stored.kind === 'pbkdf2' || stored.kind === 'argon2id') {
      table.set(user, stored);
    } else if (stored.kind !== 'malformed') {
      // Malformed hashes come from findProblems below; these are the readable-but-unusable ones.
      const at = lines.indexOf(line) + 1;
      if (stored.kind === 'plain') problems.push({ line: at, message: `user ${user} removed: the password is not hashed`, remedy: { kind: 'hash-passwords' } });
      else problems.push({ line: at, message: `user ${user} removed: ${stored.reason}` });
    }
  }
  for (const problem of findProblems(lines)) {
    if (problem.kind === 'corrupt') problems.push({ line: problem.line, message: `line ignored: ${problem.reason}` });
    if (problem.kind === 'malformed') problems.push({ line: problem.line, message: `user ${problem.user} removed: ${problem.reason}` });
    if (problem.kind === 'duplicate') {
      const last = problem.lines[problem.lines.length - 1]!;
      problems.push({ line: last, message: `user ${problem.user} is also on line ${problem.lines.slice(0, -1).join(', ')}: line ${last} is used` });
    }
  }
  problems.sort((a, b) => a.line - b.line);
  return { table, problems: problems.map((p) => new MqttError(ErrorCode.InvalidFile, `${path}:${p.line}: ${p.message}`, p.remedy === undefined ? {} : { remedy: p.remedy })) };
}
