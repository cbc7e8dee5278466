import { ErrorCode, MqttError } from '../lib/errors.js';
import { refuseLink, resolveTarget, writeFileAtomic } from '../lib/fs/atomic-write.js';
import { withFileLock } from '../lib/fs/lock-file.js';
import {
  deleteUser,
  findProblems,
  findUser,
  hashPlainPasswords,
  listUsers,
  readPasswdFile,
  refuseForeignFile,
  serializePasswdFile,
  setPassword,
  type PasswdLine,
} from '../lib/passwd/file.js';
import { makePasswordHash, verifyPassword } from '../lib/passwd/hash.js';
import { indexFlags } from './options/argv.js';
import { passwdOptionGroups, resolvePasswd, type PasswdSettings } from './options/passwd.js';
import { settingsFromArgv } from './ui/command-args.js';
import { chownHintIfNeeded } from './ui/service-user.js';
import { programOf, type Invocation } from './ui/program.js';
import { ExitCode } from './ui/exit-codes.js';
import { InputError } from './ui/input-error.js';
import type { PasswordInput } from './ui/prompt.js';
import { printWarning, reportError } from './ui/report.js';
import { onTerminate, signalExitCode } from './ui/signals.js';

const byFlag = indexFlags(passwdOptionGroups);

const NO_FILE_HINT = 'no such file — use -c to create it';

/** `mqt passwd`: mosquitto_passwd's flags, messages and exit codes, without its data-loss bugs. */
export async function run(argv: readonly string[], invocation: Invocation = {}): Promise<number> {
  const parsed = await settingsFromArgv('passwd', argv, byFlag, resolvePasswd, { ...invocation, positionals: true });
  if ('exitCode' in parsed) return parsed.exitCode;
  const settings = parsed.settings;
  try {
    const code = await runMode(settings);
    if (code === ExitCode.Ok && settings.mode !== 'check' && settings.mode !== 'list') hintOwner(settings.file);
    return code;
  } catch (err) {
    const missing = err instanceof MqttError && err.code === ErrorCode.FileNotFound && settings.mode === 'add';
    return reportError(missing ? new MqttError(err.code, err.message, { hint: NO_FILE_HINT, cause: err }) : err, programOf('passwd', invocation));
  }
}

/**
 * The file is 0600: a mosquitto service, which drops to its own user, cannot read it until it owns
 * it. Told to a person at a terminal; scripts get mosquitto_passwd's silence.
 */
function hintOwner(file: string): void {
  if (!process.stderr.isTTY) return;
  const lines = chownHintIfNeeded('the password file', file);
  if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`);
}

async function runMode(settings: PasswdSettings): Promise<number> {
  const { mode, file, user } = settings;
  switch (mode) {
    case 'list': {
      const users = listUsers(await loadChecked(file));
      process.stdout.write(users.map((name) => `${name}\n`).join(''));
      return ExitCode.Ok;
    }
    case 'check':
      return check(settings, await loadChecked(file));
    case 'delete':
      return updateFile(settings, (lines) => {
        const result = deleteUser(lines, user);
        if (result.removed > 0) return result.lines;
        printWarning(`User ${user} not found in password file.`, false);
        return 'failed';
      });
    case 'update':
      return updateFile(settings, async (lines) => {
        const result = await hashPlainPasswords(lines, (plain) => makePasswordHash(plain, settings.hashType, settings.iterations));
        return result.hashed > 0 ? result.lines : 'unchanged';
      });
    case 'add':
    case 'create': {
      // As mosquitto_passwd: a missing file is reported before anyone types a password; so is a link.
      await refuseLink(file);
      if (mode === 'add') refuseUnlessForced(settings, await readPasswdFile(file));
      const input = await passwordOf(settings, true);
      if ('interrupted' in input) return signalExitCode('SIGINT');
      // Hashed before the lock is taken: with a high -I, other writers need not wait for it.
      const field = await makePasswordHash(input.password, settings.hashType, settings.iterations);
      if (mode === 'create') {
        return locked(file, () => writeFileAtomic(file, `${user}:${field}\n`, { overwrite: true, private: true }));
      }
      return updateFile(settings, (lines) => setPassword(lines, user, field).lines);
    }
  }
}

/**
 * Read, change, write back, all under the file's lock, so that concurrent runs never lose each
 * other's change. `change` returns the new lines, 'unchanged' (nothing to write), or 'failed'
 * for a failure it has reported (exit 1, file untouched).
 */
async function updateFile(
  settings: PasswdSettings,
  change: (lines: PasswdLine[]) => PasswdLine[] | 'unchanged' | 'failed' | Promise<PasswdLine[] | 'unchanged'>,
): Promise<number> {
  const { file } = settings;
  let failed = false;
  const code = await locked(file, async () => {
    const lines = await readPasswdFile(file);
    refuseUnlessForced(settings, lines);
    const next = await change(warnAboutProblems(file, lines));
    failed = next === 'failed';
    if (typeof next !== 'string') await writeFileAtomic(file, serializePasswdFile(next), { overwrite: true, private: true });
  });
  return code === ExitCode.Ok && failed ? ExitCode.Failure : code;
}

/**
 * Holds the lock on the file (after symlinks) while `work` runs. SIGINT and SIGTERM wait for it
 * to finish, so that an interrupted run leaves neither a temporary file nor a lock behind.
 */
async function locked(file: string, work: () => Promise<void>): Promise<number> {
  let signal: NodeJS.Signals | undefined;
  const stopSignals = onTerminate((received) => {
    signal = received;
  });
  try {
    await withFileLock(await resolveTarget(file), work);
  } finally {
    stopSignals();
  }
  return signal === undefined ? ExitCode.Ok : signalExitCode(signal);
}

/** A mosquitto.conf named by mistake is left alone, unless --force says it is meant. */
function refuseUnlessForced(settings: PasswdSettings, lines: readonly PasswdLine[]): void {
  if (!settings.force) refuseForeignFile(settings.file, lines);
}

/** Reads the file and warns about every line a broker will trip over; those lines are kept. */
async function loadChecked(file: string): Promise<PasswdLine[]> {
  return warnAboutProblems(file, await readPasswdFile(file));
}

function warnAboutProblems(file: string, lines: PasswdLine[]): PasswdLine[] {
  for (const problem of findProblems(lines)) {
    switch (problem.kind) {
      case 'corrupt':
        printWarning(`Line ${problem.line} of ${file} is corrupt (${problem.reason}); kept unchanged.`, false);
        break;
      case 'malformed':
        printWarning(`Line ${problem.line} of ${file} (user ${problem.user}): ${problem.reason}; brokers refuse this user.`, false);
        break;
      case 'duplicate':
        printWarning(
          `User ${problem.user} is on lines ${problem.lines.join(', ')} of ${file}: mosquitto 2.0 uses the last, 2.1 refuses the file.`,
          false,
        );
        break;
    }
  }
  return lines;
}

async function check(settings: PasswdSettings, lines: readonly PasswdLine[]): Promise<number> {
  const { user } = settings;
  const line = findUser(lines, user);
  if (line === undefined) throw new InputError(`User ${user} not found in password file.`, ExitCode.Failure);
  const input = await passwordOf(settings, false);
  if ('interrupted' in input) return signalExitCode('SIGINT');
  const verdict = await verifyPassword(input.password, line.entry.password);
  switch (verdict.result) {
    case 'match':
      process.stdout.write(`The password of user ${user} matches.\n`);
      return ExitCode.Ok;
    case 'mismatch':
      throw new InputError(`The password of user ${user} does not match.`, ExitCode.Failure);
    case 'unverifiable':
      throw new InputError(`Cannot check the password of user ${user}: ${verdict.reason}${verdict.notHashed === true ? ' (hash the file with -U)' : ''}.`, ExitCode.Failure);
  }
}

/** -b's password, or the prompts (the prompt code, and inquirer with it, loads only here). */
async function passwordOf(settings: PasswdSettings, confirm: boolean): Promise<PasswordInput> {
  if (settings.password !== undefined) return { password: settings.password };
  const { readNewPassword, readPassword } = await import('./ui/prompt.js');
  return confirm ? readNewPassword() : readPassword();
}
