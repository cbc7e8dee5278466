import type { PasswordSource } from '../options/connect.js';
import { UsageError } from './usage-error.js';
import { errnoText } from '../../lib/errno-text.js';

/**
 * Reads the password where the flags said it is. The environment and a file keep it off argv,
 * where `ps` and shell history would show it; -P alone asks on the terminal.
 */
export async function readSecret(source: PasswordSource | undefined): Promise<Buffer | undefined> {
  if (source === undefined) return undefined;
  switch (source.kind) {
    case 'value':
      return Buffer.from(source.value);
    case 'env': {
      const value = process.env[source.name];
      if (value === undefined) throw new UsageError(`--pw-env: the environment variable ${source.name} is not set.`);
      return Buffer.from(value);
    }
    case 'file': {
      let text: string;
      try {
        // Loaded here, not at start-up: `mqt pub` without --pw-file must not pay for it.
        const { readFile } = await import('node:fs/promises');
        text = await readFile(source.path, 'utf8');
      } catch (err) {
        const reason = errnoText(err);
        throw new UsageError(`Unable to read password file "${source.path}": ${reason}.`);
      }
      return Buffer.from(text.split(/\r?\n/, 1)[0] ?? '');
    }
    case 'prompt': {
      if (!process.stdin.isTTY) {
        throw new UsageError('-P without a value asks on a terminal, and stdin is not one: use --pw-env VAR or --pw-file FILE.');
      }
      const { readPassword } = await import('./prompt.js');
      const answer = await readPassword();
      if ('interrupted' in answer) throw new UsageError('No password given.');
      return Buffer.from(answer.password);
    }
  }
}
