import type { MqttClient } from '../../lib/client/client.js';
import { checkKeyPair, isEncryptedKey } from '../../lib/transport/tls-files.js';
import type { TlsSettings } from '../../lib/transport/types.js';
import type { ConnectSettings, PasswordSource } from '../options/connect.js';
import { UsageError } from './usage-error.js';
import { errnoText } from '../../lib/errno-text.js';

/**
 * The secrets a connection needs, asked for before connecting: the password (into the client)
 * and the passphrase of an encrypted client key, whose match with the certificate is checked.
 */
export async function readConnectSecrets(settings: ConnectSettings, client: MqttClient): Promise<void> {
  const password = await connectSecrets(settings);
  if (password !== undefined) client.options.password = password;
}

/** The same for commands that make many clients (bench): returns the password. */
export async function connectSecrets(settings: ConnectSettings): Promise<Buffer | undefined> {
  const password = await readSecret(settings.passwordSource);
  const { target } = settings;
  if (target.kind !== 'unix' && target.tls !== undefined) await openClientKey(target.tls);
  return password;
}

async function openClientKey(tls: TlsSettings): Promise<void> {
  const { cert, key, clientFiles } = tls;
  if (cert === undefined || key === undefined || clientFiles === undefined) return;
  if (tls.passphrase === undefined && isEncryptedKey(key)) {
    if (!process.stdin.isTTY) {
      throw new UsageError(`Key file ${clientFiles.key} is encrypted: give its passphrase with --keypass (stdin is not a terminal to ask on).`);
    }
    const { readPassword } = await import('./prompt.js');
    const answer = await readPassword(`Passphrase for ${clientFiles.key}: `);
    if ('interrupted' in answer) throw new UsageError('No passphrase given.');
    tls.passphrase = answer.password;
  }
  await checkKeyPair(clientFiles, cert, key, tls.passphrase);
}

/**
 * Reads the password where the flags said it is. The environment and a file keep it off argv,
 * where `ps` and shell history would show it; -P alone asks on the terminal.
 */
async function readSecret(source: PasswordSource | undefined): Promise<Buffer | undefined> {
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
