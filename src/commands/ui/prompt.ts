import { openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { WriteStream } from 'node:tty';
import { ExitCode } from './exit-codes.js';
import { InputError } from './input-error.js';
import { defaultExport } from './esm-default.js';

/** A password, or Ctrl-C at the prompt (which mosquitto_passwd answered with exit 0). */
export type PasswordInput = { readonly password: string } | { readonly interrupted: true };

type PasswordPrompt = typeof import('@inquirer/password').default;

const PROMPT = 'Password: ';
const CONFIRM = 'Reenter password: ';

/** mosquitto_passwd's "Password: " and "Reenter password: ": mismatch exits 2, an empty password 1. */
export async function readNewPassword(): Promise<PasswordInput> {
  const answers = await ask([PROMPT, CONFIRM]);
  if (answers === undefined) return { interrupted: true };
  const [password, again] = answers;
  if (password === undefined || again === undefined) throw new InputError('Empty password.', ExitCode.Failure);
  if (password !== again) throw new InputError('Passwords do not match.', ExitCode.PasswordMismatch);
  return { password };
}

/** One "Password: " prompt (or another question), for checking a password rather than setting it. */
export async function readPassword(prompt = PROMPT): Promise<PasswordInput> {
  const answers = await ask([prompt]);
  if (answers === undefined) return { interrupted: true };
  const [password] = answers;
  if (password === undefined) throw new InputError('Empty password.', ExitCode.Failure);
  return { password };
}

/** Two prompts in another tool's words (mosquitto_ctrl's "New password for NAME: "): the answers up to the first empty one; undefined after Ctrl-C. */
export async function askTwice(prompt: string, confirm: string): Promise<string[] | undefined> {
  return ask([prompt, confirm]);
}

/**
 * On a terminal each answer is typed hidden; otherwise the answers are the next lines of stdin,
 * after the same prompts on stdout (as mosquitto_passwd, which reads with fgets), so that
 * `printf 'pw\npw\n' | mqt passwd FILE USER` keeps the password out of argv and `ps`. Asking
 * stops at the first empty answer or the end of input, which mosquitto_passwd calls an empty
 * password, so fewer answers come back; none at all after Ctrl-C.
 */
async function ask(prompts: readonly string[]): Promise<string[] | undefined> {
  if (process.stdin.isTTY) return askTerminal(prompts);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  const next = lines[Symbol.asyncIterator]();
  const answers: string[] = [];
  try {
    for (const prompt of prompts) {
      process.stdout.write(prompt);
      const line = await next.next();
      if (line.done === true || line.value === '') break;
      process.stdout.write('\n');
      answers.push(line.value);
    }
  } finally {
    lines.close();
    // An open pipe (say, `yes |`) would keep the process alive.
    process.stdin.destroy();
  }
  return answers;
}

async function askTerminal(prompts: readonly string[]): Promise<string[] | undefined> {
  const prompt = await loadPasswordPrompt();
  const answers: string[] = [];
  try {
    for (const message of prompts) {
      // A fresh stream each time: inquirer ends the one it was given when its prompt is done.
      const answer = await prompt({ message: message.trimEnd() }, { output: terminalOutput() });
      if (answer === '') break;
      answers.push(answer);
    }
  } catch (err) {
    if (err instanceof Error && err.name === 'ExitPromptError') return undefined;
    throw err;
  }
  return answers;
}

/**
 * Where a hidden prompt is drawn: the terminal, never stdout, which may be a file or a pipe that
 * must not receive the prompt and its escape sequences (`mqt pub -P ... > log`). stderr when it is
 * the terminal; else the controlling terminal itself; stderr when there is none.
 */
function terminalOutput(): NodeJS.WritableStream {
  if (process.stderr.isTTY) return process.stderr;
  try {
    return new WriteStream(openSync('/dev/tty', 'w'));
  } catch {
    return process.stderr;
  }
}

/** Loaded only when a terminal prompt is shown, so that no other path pays for it. */
async function loadPasswordPrompt(): Promise<PasswordPrompt> {
  return defaultExport<PasswordPrompt>(await import('@inquirer/password'));
}
