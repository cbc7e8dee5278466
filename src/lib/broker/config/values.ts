/**
 * Reading directive values as mosquitto's conf.c does, with its error wording, but strictly:
 * mosquitto reads numbers with atoi, so "max_keepalive abc" silently meant 0. Here it is an error.
 */

/** The largest value of a C int, mosquitto's limit for most numbers. */
export const INT_MAX = 2_147_483_647;

/** A bad value; the parser adds the file and line. */
export class DirectiveError extends Error {
  override readonly name = 'DirectiveError';
}

/**
 * The single word a directive takes. A comment may follow it (mosquitto reads only the first word,
 * so `allow_anonymous true # for the lab` works there); anything else after it is an error.
 */
export function word(name: string, args: string): string {
  const [first, ...rest] = args.split(/\s+/).filter((w) => w !== '');
  if (first === undefined) throw new DirectiveError(`Empty ${name} value in configuration.`);
  if (rest.length > 0 && !rest[0]!.startsWith('#')) throw new DirectiveError(`Unexpected "${rest.join(' ')}" after the ${name} value.`);
  return first;
}

/** The rest of the line, for paths and formats that may hold spaces. */
export function text(name: string, args: string): string {
  const value = args.trim();
  if (value === '') throw new DirectiveError(`Empty ${name} value in configuration.`);
  return value;
}

export function bool(name: string, args: string): boolean {
  const value = word(name, args);
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new DirectiveError(`Invalid ${name} value (${value}).`);
}

export function int(name: string, args: string, min: number, max: number): number {
  const value = word(name, args);
  const n = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) throw new DirectiveError(`Invalid ${name} value (${value}).`);
  return n;
}

export function oneOf<const T extends string>(name: string, args: string, choices: readonly T[]): T {
  const value = word(name, args);
  const found = choices.find((c) => c === value);
  if (found === undefined) throw new DirectiveError(`Invalid ${name} value (${value}): use ${choices.join(', ')}.`);
  return found;
}
