import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import type { OptionSpec } from '../options/spec.js';
import { propertyWordCount, type ParsedArgs } from '../options/argv.js';
import type { MessageSettings } from '../options/message.js';
import { checkValueBytes } from '../options/options-files.js';

/**
 * Node decodes argv as UTF-8 and turns bytes that are not into U+FFFD, for good. On Linux the bytes
 * the shell passed are still in /proc/self/cmdline: when an argument holds U+FFFD, the last
 * argv.length entries there are read back, and used if each decodes to its argument. Elsewhere,
 * or when they do not line up, nothing can be recovered and every entry is undefined.
 */
export function argumentBytes(argv: readonly string[]): (Buffer | undefined)[] {
  const none = argv.map(() => undefined);
  if (!argv.some((arg) => arg.includes('\uFFFD'))) return none;
  let cmdline: Buffer;
  try {
    cmdline = readFileSync('/proc/self/cmdline');
  } catch {
    return none;
  }
  const entries: Buffer[] = [];
  let start = 0;
  for (let end = cmdline.indexOf(0); end !== -1; end = cmdline.indexOf(0, start)) {
    entries.push(cmdline.subarray(start, end));
    start = end + 1;
  }
  const ours = entries.slice(-argv.length);
  if (ours.length !== argv.length || ours.some((bytes, i) => bytes.toString('utf8') !== argv[i])) return none;
  return ours.map((bytes) => (isUtf8(bytes) ? undefined : bytes));
}

/**
 * Checks the arguments' bytes as mosquitto's clients do: a topic flag's value that is not UTF-8
 * is a usage error ("Malformed UTF-8 in -t argument."). Returns the bytes of the last -m value
 * when they are not UTF-8, which are the payload to send as given (mosquitto sends them as they
 * are), or undefined.
 */
export function checkArgumentBytes(argv: readonly string[], byFlag: ReadonlyMap<string, OptionSpec>): Buffer | undefined {
  const bytes = argumentBytes(argv);
  if (bytes.every((b) => b === undefined)) return undefined;
  let message: Buffer | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const spec = byFlag.get(flag);
    if (spec === undefined) return message;
    if (spec.arity === 0) continue;
    if (spec.arity !== 1) {
      i += propertyWordCount(argv[i + 2]);
      continue;
    }
    i++;
    const raw = bytes[i];
    if (spec.key === 'message') message = raw;
    else if (raw !== undefined) checkValueBytes(flag, spec);
  }
  return message;
}

/**
 * The -m bytes found by checkArgumentBytes, or else an options file's -m that is not UTF-8,
 * become the payload, unchanged, as mosquitto sends them.
 */
export function useMessageBytes(message: MessageSettings, fromArgv: Buffer | undefined, args: ParsedArgs): void {
  const bytes = fromArgv ?? args.valueBytes?.get('message');
  if (bytes !== undefined && message.source.kind === 'fixed') message.source = { kind: 'fixed', load: () => Promise.resolve(bytes) };
}
