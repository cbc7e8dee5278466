import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errnoText } from '../../errno-text.js';
import { ErrorCode, MqttError } from '../../errors.js';
import type { DirectiveContext } from './directive.js';
import { DIRECTIVE_TABLE } from './directives.js';
import { pluginOptionDirective } from './plugin-directives.js';
import { emptyConfState, type ConfState, type ListenerSection } from './state.js';
import type { Origin } from './basics.js';
import { unsupportedReason } from './unsupported.js';
import { DirectiveError } from './values.js';

/** The file access the parser needs; tests hand in their own. */
export interface ConfFiles {
  read(path: string): string;
  /** The names of the entries of a directory. */
  list(dir: string): string[];
  isDirectory(path: string): boolean;
}

export const diskFiles: ConfFiles = {
  read: (path) => readFileSync(path, 'utf8'),
  list: (dir) => readdirSync(dir),
  isDirectory: (path) => statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false,
};

function configError(message: string, origin?: Origin, cause?: unknown): MqttError {
  const where = origin === undefined ? '' : `${origin.file}:${origin.line}: `;
  return new MqttError(ErrorCode.ConfigError, `${where}${message}`, cause === undefined ? {} : { cause });
}

/**
 * Reads a mosquitto.conf (and the files its include_dir names) into a ConfState. The first bad
 * line ends the reading with an error naming its file and line.
 */
export function readMosquittoConf(file: string, files: ConfFiles = diskFiles): ConfState {
  const conf = emptyConfState();
  readFile(conf, file, files, true);
  return conf;
}

function readFile(conf: ConfState, file: string, files: ConfFiles, main: boolean, includedFrom?: Origin): void {
  let text: string;
  try {
    if (files.isDirectory(file)) throw configError(`Config file ${file} is a directory.`, includedFrom);
    text = files.read(file);
  } catch (err) {
    if (err instanceof MqttError) throw err;
    throw configError(`Unable to open config file ${file}: ${errnoText(err)}.`, includedFrom, err);
  }
  parseConfText(conf, text, file, files, main);
}

/** Parses one file's text into `conf`. Only the main file's include_dir is read, as in mosquitto. */
export function parseConfText(conf: ConfState, text: string, file: string, files: ConfFiles = diskFiles, main = true): void {
  // mosquitto starts each file at the default listener: a file's listener settings never leak into the next.
  let listener: ListenerSection = conf.defaultListener;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const origin: Origin = { file, line: i + 1 };
    const space = line.search(/\s/);
    const name = space === -1 ? line : line.slice(0, space);
    const args = space === -1 ? '' : line.slice(space + 1);
    const directive = DIRECTIVE_TABLE.get(name) ?? pluginOptionDirective(name);
    if (directive === undefined) {
      throw configError(unsupportedReason(name) ?? `Unknown configuration variable "${name}".`, origin);
    }
    const ctx: DirectiveContext = {
      conf,
      listener,
      security: conf.perListenerSettings ? listener.security : conf.security,
      origin,
      startListener: (section) => {
        conf.listeners.push(section);
        listener = section;
      },
      includeDir: (dir) => {
        if (main) includeDir(conf, dir, files, origin);
      },
      note: (note) => conf.notes.push(note),
    };
    try {
      directive.apply(ctx, args);
    } catch (err) {
      if (err instanceof DirectiveError) throw configError(err.message, origin);
      throw err;
    }
    if (directive.scope === 'security') conf.securitySet = true;
  }
}

/** Every *.conf file of the directory, in the order of their names, as mosquitto reads them. */
function includeDir(conf: ConfState, dir: string, files: ConfFiles, origin: Origin): void {
  let names: string[];
  try {
    names = files.list(dir);
  } catch (err) {
    throw configError(`Unable to open include_dir ${dir}: ${errnoText(err)}.`, origin, err);
  }
  for (const name of names.filter((n) => n.endsWith('.conf')).sort(byName)) {
    const path = join(dir, name);
    conf.notes.push({ level: 'information', text: `Loading config file ${path}` });
    readFile(conf, path, files, false, origin);
  }
}

/** mosquitto's order of included files: letter by letter ignoring case, then upper case first. */
function byName(a: string, b: string): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const folded = a[i]!.toUpperCase().charCodeAt(0) - b[i]!.toUpperCase().charCodeAt(0);
    if (folded !== 0) return folded;
    const exact = a.charCodeAt(i) - b.charCodeAt(i);
    if (exact !== 0) return exact;
  }
  return a.length - b.length;
}
