import { DEFAULT_ITERATIONS, HASH_TYPES, type HashType } from '../../lib/passwd/hash.js';
import { UsageError } from '../ui/usage-error.js';
import { hasFlag, lastValue, type ParsedArgs } from './argv.js';
import { parseInteger } from './numbers.js';
import type { OptionGroup } from './spec.js';

const fileOptions: OptionGroup = {
  title: 'Password file (as mosquitto_passwd)',
  options: [
    { key: 'create', flags: ['-c', '--create'], arity: 0, describe: 'create FILE with USER, replacing an existing FILE (atomically)' },
    { key: 'delete', flags: ['-D', '--delete'], arity: 0, describe: 'delete USER from FILE' },
    { key: 'batch', flags: ['-b', '--batch'], arity: 0, describe: 'take the password from the command line: FILE USER PASSWORD' },
    { key: 'update', flags: ['-U', '--hash-plain'], arity: 0, describe: 'hash the plain-text passwords of FILE; hashed lines are kept' },
    {
      key: 'hash',
      flags: ['-H', '--hash'],
      arity: 1,
      valueName: 'TYPE',
      missingValue: '-H argument given but not enough other arguments.',
      check: ([text = '']) => void parseHashType(text),
      describe: 'sha512-pbkdf2 ($7$, the default), sha512 ($6$) or argon2id (mosquitto 2.1; 2.0 brokers refuse it)',
    },
    {
      key: 'iterations',
      flags: ['-I', '--iterations'],
      arity: 1,
      valueName: 'N',
      missingValue: '-I argument given but not enough other arguments.',
      check: ([text = '']) => void parseIterations(text),
      describe: `PBKDF2 iterations (default ${DEFAULT_ITERATIONS} as mosquitto 2.0; 2.1 uses 1000)`,
    },
    { key: 'force', flags: ['--force'], arity: 0, describe: 'change FILE even if most of its lines are not user:password lines' },
  ],
};

const checkOptions: OptionGroup = {
  title: 'Checks (new)',
  options: [
    { key: 'check', flags: ['--check'], arity: 0, describe: "FILE USER: exit 0 if the password typed (or -b's) is USER's, 1 if not" },
    { key: 'list', flags: ['--list'], arity: 0, describe: 'FILE: print the user names, one per line' },
  ],
};

const helpOptions: OptionGroup = {
  title: 'Help',
  options: [
    { key: 'help', flags: ['--help'], arity: 0, describe: 'show this help' },
    { key: 'version', flags: ['--version'], arity: 0, describe: 'print the mqt version' },
  ],
};

export const passwdOptionGroups: readonly OptionGroup[] = [fileOptions, checkOptions, helpOptions];

/** What one run does; 'add' adds a user or changes a password, 'update' is -U. */
export type Mode = 'add' | 'create' | 'delete' | 'update' | 'check' | 'list';

export interface PasswdSettings {
  readonly mode: Mode;
  readonly file: string;
  /** Every mode but -U and --list names a user. */
  readonly user: string;
  /** From argv with -b; prompted for (or read from stdin) otherwise. */
  readonly password: string | undefined;
  readonly hashType: HashType;
  readonly iterations: number;
  /** Change a file that does not look like a password file (a mosquitto.conf named by mistake). */
  readonly force: boolean;
}

/** The longest user name or password mosquitto accepts, in bytes. */
const MAX_FIELD_BYTES = 65535;

/** Flags and positionals into settings, checked in mosquitto_passwd's order and words. */
export function resolvePasswd(args: ParsedArgs): PasswdSettings {
  const hashText = lastValue(args, 'hash');
  const hashType = hashText === undefined ? 'sha512-pbkdf2' : parseHashType(hashText);
  const iterationsText = lastValue(args, 'iterations');
  const iterations = iterationsText === undefined ? DEFAULT_ITERATIONS : parseIterations(iterationsText);
  const mode = resolveMode(args);
  const batch = hasFlag(args, 'batch');
  const [file = '', user = '', password] = args.positionals;
  const needed = { add: 2, create: 2, delete: 2, check: 2, update: 1, list: 1 }[mode] + (batch && mode !== 'update' ? 1 : 0);
  // mosquitto_passwd shows only its usage when adding a user with the wrong number of arguments.
  const usageOnly = mode === 'add' ? ({ noMessage: true, followUp: 'usage' } as const) : undefined;
  if (args.positionals.length < needed) throw new UsageError(missingText(mode, batch), usageOnly);
  if (args.positionals.length > needed) {
    const unexpected = args.positionals.slice(needed).join("' '");
    throw new UsageError(`Too many arguments: '${unexpected}'${batch ? ' (quote a password that contains spaces)' : ''}.`, usageOnly);
  }
  if (needed >= 2) checkUsername(user);
  if (batch && password !== undefined && Buffer.byteLength(password) > MAX_FIELD_BYTES) {
    throw new UsageError('Password must be less than 65536 characters long.');
  }
  return {
    mode,
    file,
    user,
    password: batch ? password : undefined,
    hashType,
    iterations,
    force: hasFlag(args, 'force'),
  };
}

function parseHashType(text: string): HashType {
  const found = HASH_TYPES.find((type) => type === text);
  if (found === undefined) throw new UsageError(`Unknown hash type '${text}'`);
  return found;
}

function parseIterations(text: string): number {
  return parseInteger(text, 1, 2 ** 31 - 1, (t) =>
    /^\s*\d+\s*$/.test(t) && Number(t) > 0 ? 'Number of iterations must be at most 2147483647.' : 'Number of iterations must be > 0.',
  );
}

/** The flag of each mode key, for messages. */
const FLAG: Readonly<Record<string, string>> = {
  create: '-c',
  delete: '-D',
  update: '-U',
  batch: '-b',
  check: '--check',
  list: '--list',
};

/** Pairs that cannot be combined: mosquitto_passwd's, in its order, then the new modes'. */
const CONFLICTS: readonly (readonly [string, string])[] = [
  ['create', 'delete'],
  ['create', 'update'],
  ['delete', 'update'],
  ['batch', 'delete'],
  ['check', 'list'],
  ...(['check', 'list'] as const).flatMap((mode) => (['create', 'delete', 'update'] as const).map((other) => [mode, other] as const)),
  ['list', 'batch'],
];

/** Which job the flags ask for, after refusing the combinations that make no sense. */
function resolveMode(args: ParsedArgs): Mode {
  for (const [a, b] of CONFLICTS) {
    if (hasFlag(args, a) && hasFlag(args, b)) throw new UsageError(`${FLAG[a]} and ${FLAG[b]} cannot be used together.`);
  }
  const modes: Mode[] = ['create', 'delete', 'update', 'check', 'list'];
  return modes.find((mode) => hasFlag(args, mode)) ?? 'add';
}

function missingText(mode: Mode, batch: boolean): string {
  switch (mode) {
    case 'create':
      return batch
        ? '-c argument given but password file, username, or password missing.'
        : '-c argument given but password file or username missing.';
    case 'delete':
      return '-D argument given but password file or username missing.';
    case 'update':
      return '-U argument given but password file missing.';
    case 'check':
      return '--check argument given but password file or username missing.';
    case 'list':
      return '--list argument given but password file missing.';
    case 'add':
      return batch ? 'Password file, username, or password missing.' : 'Password file or username missing.';
  }
}

/**
 * mosquitto_passwd's rules, plus the names it wrote but no broker can use: an empty name (a line
 * starting with ':'), one starting with '#' (read as a comment), and spaces at either end (trimmed
 * by the broker, so the line belongs to another name).
 */
function checkUsername(user: string): void {
  if (user === '') throw new UsageError('Username must not be empty.');
  if (Buffer.byteLength(user) > MAX_FIELD_BYTES) throw new UsageError('Username must be less than 65536 characters long.');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
  if (/[\x00-\x1f\x7f]/.test(user)) throw new UsageError('Username must not contain control characters.');
  if (user.includes(':')) throw new UsageError("Username must not contain the ':' character.");
  if (user.startsWith('#')) throw new UsageError("Username must not start with '#': the broker reads such a line as a comment.");
  // Tabs and other blanks are control characters, refused above.
  if (user.startsWith(' ') || user.endsWith(' ')) throw new UsageError('Username must not start or end with a space: the broker trims it.');
}
