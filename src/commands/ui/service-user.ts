import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { shellWord } from './shell-word.js';

/** The user a packaged mosquitto (Debian, Raspberry Pi OS, Fedora) drops to after starting as root. */
const SERVICE_USER = 'mosquitto';

/** That user's uid, from /etc/passwd; undefined where there is no such user (or no such file). */
export function serviceUid(): number | undefined {
  let text: string;
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.split('\n').find((line) => line.startsWith(`${SERVICE_USER}:`))?.split(':');
  const uid = Number(fields?.[2]);
  return fields === undefined || !Number.isInteger(uid) ? undefined : uid;
}

/** The two lines that tell how a mosquitto started as root can read `file` (`what` names it). */
export function chownHint(what: string, file: string): string[] {
  return [`A mosquitto started as root reads ${what} as user ${SERVICE_USER}:`, `  sudo chown ${SERVICE_USER} ${shellWord(resolve(file))}`];
}

/**
 * The hint, for a file mqt just wrote 0600 that the service user cannot read: only where that
 * user exists and does not own the file already.
 */
export function chownHintIfNeeded(what: string, file: string): string[] {
  const uid = serviceUid();
  if (uid === undefined) return [];
  try {
    return statSync(file).uid === uid ? [] : chownHint(what, file);
  } catch {
    return [];
  }
}
