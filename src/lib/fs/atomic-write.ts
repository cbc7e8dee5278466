import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { link, lstat, open, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ErrorCode, MqttError } from '../errors.js';
import { errnoOf } from '../errno-text.js';
import { fileError } from './file-errors.js';

export interface AtomicWriteOptions {
  /** Replace the file if it exists; without it an existing file is refused (FileExists). */
  readonly overwrite?: boolean;
  /** Mode of a new file; an existing file keeps its own. Default 0600: these files hold secrets. */
  readonly mode?: number;
  /**
   * The file holds secrets (a key, passwords): it is never written through a symbolic link, whose
   * target could be any other file, and it ends 0600 whatever mode the old file had.
   */
  readonly private?: boolean;
}

/** Refuses a path that is a symbolic link, before anything is made for a private file. */
export async function refuseLink(path: string): Promise<void> {
  let link: string;
  try {
    if (!(await lstat(path)).isSymbolicLink()) return;
    link = await readlink(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return;
    throw fileError(err, `Unable to open ${path}`);
  }
  throw new MqttError(ErrorCode.FileError, `${path} is a symbolic link to ${link}: a private file is never written through a link.`, {
    hint: 'remove the link first',
  });
}

/**
 * The file a write to `path` really changes. Symlinks are followed, as mosquitto_passwd does:
 * renaming onto the link itself would replace the link with a file and leave its target stale.
 */
export async function resolveTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return path;
    throw fileError(err, `Unable to open ${path}`);
  }
}

/**
 * Replaces `path` with `data` so that every reader sees either the old or the new content, never
 * a mix, and a crash leaves the old file: the data goes to a temporary file in the same folder
 * (a rename is atomic only within one file system), is flushed to disk, then renamed over the
 * file. An existing file keeps its mode (a private one becomes 0600) and, when we may set it
 * (root), its owner, so a broker running as another user can still read it. Without `overwrite`, the temporary file is
 * hard-linked into place, which fails if the name exists even when another process created it
 * a moment ago.
 */
export async function writeFileAtomic(path: string, data: Buffer | string, options: AtomicWriteOptions = {}): Promise<void> {
  if (options.private === true) await refuseLink(path);
  const target = await resolveTarget(path);
  const what = `Unable to open file ${path} for writing`;
  let existing: Stats | undefined;
  try {
    existing = await stat(target);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw fileError(err, what);
  }
  if (existing !== undefined && options.overwrite !== true) {
    throw new MqttError(ErrorCode.FileExists, `${what}. File exists.`);
  }
  const mode = existing === undefined || options.private === true ? (options.mode ?? 0o600) : existing.mode & 0o7777;
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data);
      // open() applied the umask; the file must end up with exactly the old (or asked) mode.
      await handle.chmod(mode);
      if (existing !== undefined) await keepOwner(handle, existing);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.overwrite === true) {
      await rename(temp, target);
    } else {
      await link(temp, target);
      await unlink(temp);
    }
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw fileError(err, what);
  }
  await syncDirectory(dir);
}

async function keepOwner(handle: Awaited<ReturnType<typeof open>>, existing: Stats): Promise<void> {
  const mine = await handle.stat();
  if (mine.uid === existing.uid && mine.gid === existing.gid) return;
  try {
    await handle.chown(existing.uid, existing.gid);
  } catch (err) {
    // Only root may give a file away; anyone else ends up owning the new file, as with any editor.
    if (errnoOf(err) !== 'EPERM' && errnoOf(err) !== 'EINVAL') throw err;
  }
}

/**
 * Makes a rename or a new name in `dir` durable. Some file systems cannot sync a directory; the
 * data is already safe.
 */
export async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort, see above.
  }
}
