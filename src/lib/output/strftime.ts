import type { Moment } from './clock.js';

/**
 * strftime(3) conversions as glibc prints them in the C locale, which is what mosquitto_sub's
 * `@X` sequences and %I produce (it never calls setlocale). One function per conversion letter.
 */
export type Conversion = (m: Moment) => string;

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MS_PER_DAY = 86_400_000;

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));
const spaced = (n: number): string => (n < 10 ? ` ${n}` : String(n));
const hour12 = (m: Moment): number => (m.hour % 12 === 0 ? 12 : m.hour % 12);

/** ISO 8601 week-based year and week (%G, %V): weeks start on Monday, week 1 holds a Thursday. */
function isoWeek(m: Moment): { year: number; week: number } {
  const mondayBased = (m.weekday + 6) % 7;
  const thursday = new Date(Date.UTC(m.year, m.month - 1, m.day + 3 - mondayBased));
  const year = thursday.getUTCFullYear();
  return { year, week: Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / MS_PER_DAY / 7) + 1 };
}

const date: Conversion = (m) => `${two(m.month)}/${two(m.day)}/${two(m.year % 100)}`;
const time: Conversion = (m) => `${two(m.hour)}:${two(m.minute)}:${two(m.second)}`;

const CONVERSIONS: Readonly<Record<string, Conversion>> = {
  a: (m) => DAYS[m.weekday]!.slice(0, 3),
  A: (m) => DAYS[m.weekday]!,
  b: (m) => MONTHS[m.month - 1]!.slice(0, 3),
  h: (m) => MONTHS[m.month - 1]!.slice(0, 3),
  B: (m) => MONTHS[m.month - 1]!,
  c: (m) => `${DAYS[m.weekday]!.slice(0, 3)} ${MONTHS[m.month - 1]!.slice(0, 3)} ${spaced(m.day)} ${time(m)} ${m.year}`,
  C: (m) => two(Math.floor(m.year / 100)),
  d: (m) => two(m.day),
  D: date,
  e: (m) => spaced(m.day),
  F: (m) => `${m.year}-${two(m.month)}-${two(m.day)}`,
  g: (m) => two(isoWeek(m).year % 100),
  G: (m) => String(isoWeek(m).year),
  H: (m) => two(m.hour),
  I: (m) => two(hour12(m)),
  j: (m) => String(m.yearDay).padStart(3, '0'),
  k: (m) => spaced(m.hour),
  l: (m) => spaced(hour12(m)),
  m: (m) => two(m.month),
  M: (m) => two(m.minute),
  n: () => '\n',
  p: (m) => (m.hour < 12 ? 'AM' : 'PM'),
  P: (m) => (m.hour < 12 ? 'am' : 'pm'),
  r: (m) => `${two(hour12(m))}:${two(m.minute)}:${two(m.second)} ${m.hour < 12 ? 'AM' : 'PM'}`,
  R: (m) => `${two(m.hour)}:${two(m.minute)}`,
  s: (m) => String(m.seconds),
  S: (m) => two(m.second),
  t: () => '\t',
  T: time,
  u: (m) => String(m.weekday === 0 ? 7 : m.weekday),
  U: (m) => two(Math.floor((m.yearDay - 1 + 7 - m.weekday) / 7)),
  V: (m) => two(isoWeek(m).week),
  w: (m) => String(m.weekday),
  W: (m) => two(Math.floor((m.yearDay - 1 + 7 - ((m.weekday + 6) % 7)) / 7)),
  x: date,
  X: time,
  y: (m) => two(m.year % 100),
  Y: (m) => String(m.year),
  z: (m) => utcOffset(m.utcOffsetMinutes),
  Z: (m) => m.zone,
  '%': () => '%',
};

/** strftime's %z: +hhmm or -hhmm. */
function utcOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}${two(abs % 60)}`;
}

/**
 * The conversion for `letter`, or undefined for one glibc does not know; glibc then prints the
 * sequence as written ("%Q"), which does not depend on the time.
 */
export function strftimeConversion(letter: string): Conversion | undefined {
  return Object.hasOwn(CONVERSIONS, letter) ? CONVERSIONS[letter] : undefined;
}

/** strftime("%FT%T%z"), mosquitto's %I: 2026-11-21T23:56:03+0000. */
export function isoLocalTime(m: Moment): string {
  return `${m.year}-${two(m.month)}-${two(m.day)}T${time(m)}${utcOffset(m.utcOffsetMinutes)}`;
}

/** The JSON "tst" of mosquitto 2.0.13 and later: 2026-11-21T23:56:03.280505+0000 (microseconds). */
export function isoLocalTimeMicroseconds(m: Moment): string {
  const micro = String(Math.floor(m.nanoseconds / 1000)).padStart(6, '0');
  return `${m.year}-${two(m.month)}-${two(m.day)}T${time(m)}.${micro}${utcOffset(m.utcOffsetMinutes)}`;
}

/** strftime(3) of a whole format (mosquitto's log_timestamp_format); unknown conversions stay as written. */
export function strftime(format: string, m: Moment): string {
  return format.replace(/%(.)/gsu, (sequence, letter: string) => strftimeConversion(letter)?.(m) ?? sequence);
}
