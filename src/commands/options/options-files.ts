import { UsageError } from '../ui/usage-error.js';
import { propertyWordCount } from './argv.js';
import type { OptionGroup, OptionSpec } from './spec.js';

export const optionsFileOptions: OptionGroup = {
  title: 'Options files',
  options: [
    {
      key: 'optionsFile',
      flags: ['-o'],
      arity: 1,
      noun: 'options file',
      valueName: 'FILE',
      describe: 'read default options from FILE instead of ~/.config/mqt_<command>; the command line still wins',
    },
    {
      key: 'profile',
      flags: ['--profile'],
      arity: 1,
      noun: 'profile name',
      valueName: 'NAME',
      describe: 'take options from the [NAME] section of ~/.config/mqt/profiles; the command line still wins',
    },
  ],
};

/** One option line of a file: its line number, and the words it stands for on a command line. */
export interface OptionLine {
  readonly number: number;
  readonly words: readonly string[];
}

/** A [name] section of the profiles file. */
export interface ProfileSection {
  readonly name: string;
  readonly number: number;
  readonly lines: OptionLine[];
}

/**
 * mosquitto's options-file lines, so its files read the same here: one option per line, the
 * flag up to the first space and the value everything after it, spaces included (`-m hello
 * world`). Blank lines and lines starting with '#' are skipped, leading spaces ignored, CR LF
 * accepted. Over mosquitto: -D takes its three or four words from the line.
 */
export function optionLines(text: string, byFlag: ReadonlyMap<string, OptionSpec>): OptionLine[] {
  const lines: OptionLine[] = [];
  textLines(text).forEach((line, index) => {
    const words = lineWords(line, byFlag);
    if (words !== undefined) lines.push({ number: index + 1, words });
  });
  return lines;
}

/**
 * The profiles file: `[name]` headers, each followed by option lines as in an options file.
 * Mistakes in its layout are errors naming the file and line.
 */
export function profileSections(text: string, byFlag: ReadonlyMap<string, OptionSpec>, file: string): Map<string, ProfileSection> {
  const sections = new Map<string, ProfileSection>();
  let current: ProfileSection | undefined;
  textLines(text).forEach((line, index) => {
    const number = index + 1;
    const body = line.trim();
    if (body.startsWith('[')) {
      const name = /^\[([^\s[\]]+)\]$/.exec(body)?.[1];
      if (name === undefined) throw new UsageError(`${file}:${number}: a profile header is [NAME], with no spaces in NAME.`);
      const earlier = sections.get(name);
      if (earlier !== undefined) throw new UsageError(`${file}:${number}: profile '${name}' is already defined on line ${earlier.number}.`);
      current = { name, number, lines: [] };
      sections.set(name, current);
      return;
    }
    const words = lineWords(line, byFlag);
    if (words === undefined) return;
    if (current === undefined) throw new UsageError(`${file}:${number}: options must follow a [NAME] profile header.`);
    current.lines.push({ number, words });
  });
  return sections;
}

function textLines(text: string): string[] {
  // A byte-order mark, as some Windows editors write, is not part of the first option.
  return text.replace(/^\uFEFF/, '').split('\n').map((line) => line.replace(/\r+$/, ''));
}

function lineWords(line: string, byFlag: ReadonlyMap<string, OptionSpec>): string[] | undefined {
  const body = line.replace(/^ +/, '');
  if (body.trim() === '' || body.startsWith('#')) return undefined;
  const space = body.indexOf(' ');
  if (space < 0) return [body];
  const flag = body.slice(0, space);
  const rest = body.slice(space + 1);
  if (rest === '') return [flag];
  return byFlag.get(flag)?.arity === 'property' ? [flag, ...propertyWords(rest)] : [flag, rest];
}

/** -D's words are separated by spaces; the last one (the value) keeps the rest of the line. */
function propertyWords(rest: string): string[] {
  const words: string[] = [];
  let remaining = rest;
  for (;;) {
    remaining = remaining.replace(/^ +/, '');
    if (remaining === '') return words;
    const space = remaining.indexOf(' ');
    if (space < 0 || words.length === propertyWordCount(words[1]) - 1) {
      words.push(remaining);
      return words;
    }
    words.push(remaining.slice(0, space));
    remaining = remaining.slice(space + 1);
  }
}
