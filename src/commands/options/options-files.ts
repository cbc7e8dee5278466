import { isUtf8 } from 'node:buffer';
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
  /** The value as the file's bytes, where they are not UTF-8 (its word holds U+FFFD there). */
  readonly valueBytes?: Buffer;
}

/** Flags whose value is a topic: mosquitto refuses one that is not UTF-8, before anything else. */
const TOPIC_KEYS: ReadonlySet<string> = new Set(['topic', 'filterOut', 'unsubscribe', 'willTopic', 'responseTopic']);

/**
 * mosquitto's check of a value whose bytes are not UTF-8, on the command line or in a file: a
 * topic's is refused ("Malformed UTF-8 in -t argument."); others (-m) are kept as they are.
 */
export function checkValueBytes(flag: string, spec: OptionSpec | undefined): void {
  if (spec !== undefined && TOPIC_KEYS.has(spec.key)) throw new UsageError(`Malformed UTF-8 in ${flag} argument.`);
}

/** A line of a file: its text, and its bytes where they are not UTF-8. */
interface FileLine {
  readonly text: string;
  readonly bytes?: Buffer;
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
export function optionLines(file: string | Buffer, byFlag: ReadonlyMap<string, OptionSpec>): OptionLine[] {
  const lines: OptionLine[] = [];
  fileLines(file).forEach((line, index) => {
    const words = lineWords(line, byFlag);
    if (words !== undefined) lines.push({ number: index + 1, ...words });
  });
  return lines;
}

/**
 * The profiles file: `[name]` headers, each followed by option lines as in an options file.
 * Mistakes in its layout are errors naming the file and line.
 */
export function profileSections(text: string | Buffer, byFlag: ReadonlyMap<string, OptionSpec>, file: string): Map<string, ProfileSection> {
  const sections = new Map<string, ProfileSection>();
  let current: ProfileSection | undefined;
  fileLines(text).forEach((line, index) => {
    const number = index + 1;
    const body = line.text.trim();
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
    current.lines.push({ number, ...words });
  });
  return sections;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
/** A byte-order mark, as some Windows editors write: not part of the first option. */
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The file's lines without their CR LF; read as bytes, so a value that is not UTF-8 keeps its bytes. */
function fileLines(file: string | Buffer): FileLine[] {
  let bytes = typeof file === 'string' ? Buffer.from(file) : file;
  if (bytes.subarray(0, BOM.length).equals(BOM)) bytes = bytes.subarray(BOM.length);
  const lines: FileLine[] = [];
  for (let start = 0; start <= bytes.length; ) {
    const newline = bytes.indexOf(NEWLINE, start);
    const next = newline < 0 ? bytes.length : newline;
    let end = next;
    while (end > start && bytes[end - 1] === CR) end--;
    const line = bytes.subarray(start, end);
    lines.push(isUtf8(line) ? { text: line.toString('utf8') } : { text: line.toString('utf8'), bytes: line });
    start = next + 1;
  }
  return lines;
}

function lineWords(line: FileLine, byFlag: ReadonlyMap<string, OptionSpec>): Omit<OptionLine, 'number'> | undefined {
  const body = line.text.replace(/^ +/, '');
  if (body.trim() === '' || body.startsWith('#')) return undefined;
  const space = body.indexOf(' ');
  if (space < 0) return { words: [body] };
  const flag = body.slice(0, space);
  const rest = body.slice(space + 1);
  if (rest === '') return { words: [flag] };
  if (byFlag.get(flag)?.arity === 'property') return { words: [flag, ...propertyWords(rest)] };
  return line.bytes === undefined ? { words: [flag, rest] } : { words: [flag, rest], valueBytes: valueBytes(line.bytes) };
}

/** The bytes after the flag and the one space that ends it, as lineWords splits the text. */
function valueBytes(line: Buffer): Buffer {
  let start = 0;
  while (line[start] === SPACE) start++;
  return line.subarray(line.indexOf(SPACE, start) + 1);
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
