import { randomBytes } from 'node:crypto';
import { lstat, readlink, rename, stat, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoOf } from '../errno-text.js';
import { ErrorCode, MqttError } from '../errors.js';
import { fileError } from './file-errors.js';

/** What became of one name: a new link, an existing file or link replaced, or already right. */
export type LinkOutcome = 'made' | 'replaced' | 'unchanged';

export interface LinkResult {
  readonly path: string;
  readonly outcome: LinkOutcome;
}

/**
 * Makes `dir/NAME` a symbolic link to `target` for each name. Every name is judged before any link
 * is made, so a refusal leaves the folder as it was. An existing entry is replaced only with
 * `replace`, and never followed: a new link is renamed over the old entry itself, so a link that
 * points elsewhere is not written through. A folder in the way is always refused.
 */
export async function linkEach(dir: string, names: readonly string[], target: string, replace: boolean): Promise<LinkResult[]> {
  let folder;
  try {
    folder = await stat(dir);
  } catch (err) {
    throw fileError(err, `Unable to use folder ${dir}`);
  }
  if (!folder.isDirectory()) throw new MqttError(ErrorCode.FileError, `${dir} is not a folder.`);
  const plans = await Promise.all(names.map((name) => plan(join(dir, name), target, replace)));
  for (const { path, outcome } of plans) {
    if (outcome === 'made') await makeLink(target, path);
    if (outcome === 'replaced') await replaceWithLink(target, path);
  }
  return plans;
}

async function plan(path: string, target: string, replace: boolean): Promise<LinkResult> {
  let entry;
  try {
    entry = await lstat(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return { path, outcome: 'made' };
    throw fileError(err, `Unable to look at ${path}`);
  }
  if (entry.isSymbolicLink() && (await readlink(path)) === target) return { path, outcome: 'unchanged' };
  if (entry.isDirectory()) throw new MqttError(ErrorCode.FileExists, `${path} is a folder.`);
  if (!replace) {
    const what = entry.isSymbolicLink() ? `a link to ${await readlink(path)}` : 'a file';
    throw new MqttError(ErrorCode.FileExists, `${path} already exists (${what}).`);
  }
  return { path, outcome: 'replaced' };
}

async function makeLink(target: string, path: string): Promise<void> {
  try {
    await symlink(target, path);
  } catch (err) {
    throw fileError(err, `Unable to make the link ${path}`);
  }
}

/** A new link beside the old entry, renamed over it: the name is never missing, nothing is followed. */
async function replaceWithLink(target: string, path: string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await makeLink(target, temporary);
  try {
    await rename(temporary, path);
  } catch (err) {
    await unlink(temporary).catch(() => undefined);
    throw fileError(err, `Unable to replace ${path}`);
  }
}
