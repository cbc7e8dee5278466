import { readFile } from 'node:fs/promises';
import { errnoOf } from '../errno-text.js';
import { fileError } from './file-errors.js';

/** The file's text, or undefined when there is no such file; any other failure is an error naming it. */
export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw fileError(err, `Unable to read ${file}`);
  }
}
