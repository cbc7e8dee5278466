/**
 * Topic names and topic filters (MQTT 3.1.1 §4.7, MQTT 5 §4.7 and §4.8.2).
 *
 * The boolean checks are written as single charCode scans because isValidTopicName runs for every
 * received PUBLISH. The assert* functions take the slow road through the describe* helpers so
 * that the message can say exactly what is wrong; randomized tests keep the two in agreement.
 *
 * A filter whose first level is exactly "$share" is read as an MQTT 5 shared subscription whatever
 * the protocol version, as brokers do; a malformed one is invalid rather than a plain filter.
 */
import { Buffer } from 'node:buffer';
import { ErrorCode, MqttError } from './errors.js';

/** The longest topic a UTF-8 string with a two-byte length prefix can carry. */
export const MAX_TOPIC_BYTES = 65535;

/**
 * The most '/' separators a broker accepts in a topic or filter (mosquitto's TOPIC_HIERARCHY_LIMIT,
 * counted as it counts them): deeper ones are refused, so no topic costs an unbounded walk.
 */
export const MAX_TOPIC_SEPARATORS = 200;

/** True when `topic` (a name or a filter) has more levels than a broker accepts. */
export function exceedsTopicDepth(topic: string): boolean {
  let separators = 0;
  for (let i = topic.indexOf('/'); i !== -1; i = topic.indexOf('/', i + 1)) {
    if (++separators > MAX_TOPIC_SEPARATORS) return true;
  }
  return false;
}

/**
 * A UTF-16 code unit becomes at most 3 UTF-8 bytes (a surrogate pair is 2 units for 4 bytes), so
 * a string this short can never exceed MAX_TOPIC_BYTES and needs no byte count.
 */
const ALWAYS_SHORT_ENOUGH = Math.floor(MAX_TOPIC_BYTES / 3);

const SLASH = 0x2f;
const PLUS = 0x2b;
const HASH = 0x23;
const DOLLAR = 0x24;

const SHARE_PREFIX = '$share/';
const SHARE_LEVEL = '$share';

/**
 * Returns false when the string cannot be sent as a UTF-8 string of at most MAX_TOPIC_BYTES.
 * Only called for strings whose length alone does not settle it.
 */
function fitsByteLimit(s: string): boolean {
  return s.length <= ALWAYS_SHORT_ENOUGH || Buffer.byteLength(s, 'utf8') <= MAX_TOPIC_BYTES;
}

/** True for a topic name a PUBLISH may carry. */
export function isValidTopicName(name: string): boolean {
  const len = name.length;
  // Each code unit is at least one byte, so longer strings are over the limit without counting.
  if (len === 0 || len > MAX_TOPIC_BYTES) return false;
  for (let i = 0; i < len; i++) {
    const c = name.charCodeAt(i);
    if (c === PLUS || c === HASH || c === 0) return false;
    if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate has no UTF-8 encoding. charCodeAt past the end gives NaN, and
      // NaN & 0xfc00 is 0, so a high surrogate at the very end is caught without a bound check.
      if (c >= 0xdc00 || (name.charCodeAt(++i) & 0xfc00) !== 0xdc00) return false;
    }
  }
  return fitsByteLimit(name);
}

/**
 * Checks a filter without the $share prefix logic; `start` lets a shared subscription's inner
 * filter be checked in place without slicing.
 */
function isValidPlainFilter(filter: string, start: number): boolean {
  const len = filter.length;
  if (start >= len) return false;
  for (let i = start; i < len; i++) {
    const c = filter.charCodeAt(i);
    if (c === PLUS) {
      if (i !== start && filter.charCodeAt(i - 1) !== SLASH) return false;
      if (i + 1 !== len && filter.charCodeAt(i + 1) !== SLASH) return false;
    } else if (c === HASH) {
      if (i + 1 !== len) return false;
      if (i !== start && filter.charCodeAt(i - 1) !== SLASH) return false;
    } else if (c === 0) {
      return false;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      if (c >= 0xdc00 || (filter.charCodeAt(++i) & 0xfc00) !== 0xdc00) return false;
    }
  }
  return true;
}

/** True when the first level is exactly "$share", i.e. the filter claims to be shared. */
function hasShareLevel(filter: string): boolean {
  return filter.startsWith(SHARE_PREFIX) || filter === SHARE_LEVEL;
}

/**
 * Index where the inner filter of `$share/{ShareName}/{filter}` starts, or -1 when the share name
 * is missing or malformed or nothing follows it. The inner filter itself is not checked here.
 */
function shareFilterStart(filter: string): number {
  const len = filter.length;
  let i = SHARE_PREFIX.length;
  for (; i < len; i++) {
    const c = filter.charCodeAt(i);
    if (c === SLASH) break;
    if (c === PLUS || c === HASH) return -1;
    if (c === 0 || (c >= 0xd800 && c <= 0xdfff)) {
      if (isBadCodeUnit(filter, i, len)) return -1;
      i++;
    }
  }
  if (i === SHARE_PREFIX.length || i >= len) return -1;
  return i + 1;
}

/**
 * True for `$share/...` that is a well-formed filter read as an ordinary one, but not a shared
 * subscription (no share name, or nothing after it): "$share//a", "$share/g".
 */
export function isMalformedShare(filter: string): boolean {
  return filter.startsWith(SHARE_PREFIX) && shareFilterStart(filter) < 0 && isValidPlainFilter(filter, 0) && fitsByteLimit(filter);
}

/** True for a topic filter a SUBSCRIBE may carry, including MQTT 5 shared subscriptions. */
export function isValidTopicFilter(filter: string): boolean {
  const len = filter.length;
  if (len === 0 || len > MAX_TOPIC_BYTES) return false;
  let start = 0;
  if (hasShareLevel(filter)) {
    start = shareFilterStart(filter);
    if (start < 0) return false;
  }
  return isValidPlainFilter(filter, start) && fitsByteLimit(filter);
}

/**
 * Splits `$share/{ShareName}/{filter}` (MQTT 5 §4.8.2). Returns undefined for a filter that is not
 * a shared subscription, and also for a malformed one (empty or wildcard share name, missing or
 * invalid inner filter): isValidTopicFilter tells those two cases apart.
 */
export function parseSharedSubscription(filter: string): { group: string; filter: string } | undefined {
  if (!hasShareLevel(filter) || !isValidTopicFilter(filter)) return undefined;
  const start = shareFilterStart(filter);
  return { group: filter.slice(SHARE_PREFIX.length, start - 1), filter: filter.slice(start) };
}

/**
 * True when a message published to `name` is delivered to a subscription on `filter`. A shared
 * subscription matches on its inner filter. False whenever either argument is invalid, so a bad
 * filter can never match by accident.
 */
export function topicMatches(filter: string, name: string): boolean {
  if (!isValidTopicFilter(filter) || !isValidTopicName(name)) return false;
  const f = hasShareLevel(filter) ? filter.slice(shareFilterStart(filter)) : filter;

  // MQTT §4.7.2: a leading wildcard must not match the server's $-topics.
  const first = f.charCodeAt(0);
  if (name.charCodeAt(0) === DOLLAR && (first === PLUS || first === HASH)) return false;

  const flen = f.length;
  const nlen = name.length;
  let fi = 0;
  let ni = 0;
  // Both indexes sit at the start of a level at the top of each turn; the filter is known valid,
  // so '+' and '#' here always fill their whole level.
  for (;;) {
    const c = f.charCodeAt(fi);
    if (c === HASH) return true;
    if (c === PLUS) {
      fi++;
      while (ni < nlen && name.charCodeAt(ni) !== SLASH) ni++;
    } else {
      while (fi < flen) {
        const fc = f.charCodeAt(fi);
        if (fc === SLASH) break;
        if (ni >= nlen || name.charCodeAt(ni) !== fc) return false;
        fi++;
        ni++;
      }
      if (ni < nlen && name.charCodeAt(ni) !== SLASH) return false;
    }
    if (fi >= flen) return ni >= nlen;
    if (ni >= nlen) {
      // The name ran out one level early: only a trailing "/#" still matches ("sport/#" matches
      // "sport", §4.7.1.2).
      return fi + 2 === flen && f.charCodeAt(fi + 1) === HASH;
    }
    fi++;
    ni++;
  }
}

/** Keeps error messages one readable line even for a 64 KiB topic. */
function quote(s: string): string {
  const shown = s.length > 80 ? `${s.slice(0, 77)}...` : s;
  return JSON.stringify(shown);
}

/** True when s[i] is U+0000 or a surrogate without its partner before `end`. */
function isBadCodeUnit(s: string, i: number, end: number): boolean {
  const c = s.charCodeAt(i);
  if (c === 0) return true;
  if (c < 0xd800 || c > 0xdfff) return false;
  return c >= 0xdc00 || i + 1 >= end || (s.charCodeAt(i + 1) & 0xfc00) !== 0xdc00;
}

function describeBadCodeUnit(s: string, at: number): string {
  const c = s.charCodeAt(at);
  if (c === 0) return `contains U+0000 (null character) at index ${at}`;
  const hex = c.toString(16).toUpperCase();
  return `contains a lone surrogate U+${hex} at index ${at}, which is not valid UTF-8`;
}

/** The length rules shared by names and filters, or undefined when they hold. */
function describeLengthProblem(s: string): string | undefined {
  if (s.length === 0) return 'is empty';
  if (!fitsByteLimit(s)) {
    const bytes = Buffer.byteLength(s, 'utf8');
    return `is ${bytes} bytes in UTF-8, longer than the ${MAX_TOPIC_BYTES}-byte limit`;
  }
  return undefined;
}

/**
 * Reports the first offending code unit of s[from, end) so the message points at the earliest
 * mistake; `wildcards` decides whether '+' and '#' are checked as filter wildcards or refused.
 */
function describeTextProblem(s: string, from: number, end: number, wildcards: boolean): string | undefined {
  for (let i = from; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === PLUS || c === HASH) {
      const sign = s.charAt(i);
      if (!wildcards) {
        return `contains the wildcard '${sign}' at index ${i}; wildcards are only allowed in topic filters`;
      }
      const levelStarts = i === from || s.charCodeAt(i - 1) === SLASH;
      const levelEnds = i + 1 === end || s.charCodeAt(i + 1) === SLASH;
      if (!levelStarts || !levelEnds) {
        const example = c === PLUS ? '"a/+/b"' : '"a/#"';
        return (
          `has '${sign}' at index ${i} sharing its level with other characters; ` +
          `'${sign}' must fill a whole level (as in ${example})`
        );
      }
      if (c === HASH && i + 1 !== end) {
        return `has '#' at index ${i} before the last level; '#' is only allowed as the last level`;
      }
    } else if (c === 0 || (c >= 0xd800 && c <= 0xdfff)) {
      if (isBadCodeUnit(s, i, end)) return describeBadCodeUnit(s, i);
      i++;
    }
  }
  return undefined;
}

function describeNameProblem(name: string): string | undefined {
  return describeLengthProblem(name) ?? describeTextProblem(name, 0, name.length, false);
}

function describeFilterProblem(filter: string): string | undefined {
  const lengthProblem = describeLengthProblem(filter);
  if (lengthProblem !== undefined) return lengthProblem;
  if (!hasShareLevel(filter)) return describeTextProblem(filter, 0, filter.length, true);

  const nameStart = SHARE_PREFIX.length;
  const slash = filter.indexOf('/', nameStart);
  const nameEnd = slash < 0 ? Math.max(filter.length, nameStart) : slash;
  if (nameEnd === nameStart) {
    return 'is a shared subscription with an empty share name (the form is "$share/{ShareName}/{filter}")';
  }
  const group = filter.slice(nameStart, nameEnd);
  const wildcard = /[+#]/.exec(group);
  if (wildcard !== null) {
    return `is a shared subscription whose share name ${quote(group)} contains the wildcard '${wildcard[0]}'`;
  }
  const groupProblem = describeTextProblem(filter, nameStart, nameEnd, false);
  if (groupProblem !== undefined) return `is a shared subscription whose share name ${groupProblem}`;
  if (slash < 0 || slash + 1 === filter.length) {
    return 'is a shared subscription with no topic filter after the share name';
  }
  const inner = describeTextProblem(filter, slash + 1, filter.length, true);
  return inner === undefined ? undefined : `is a shared subscription whose topic filter ${inner}`;
}

/** Throws MqttError(InvalidTopic) saying what is wrong with the topic name. */
export function assertTopicName(name: string): void {
  if (isValidTopicName(name)) return;
  const problem = describeNameProblem(name) ?? 'is invalid';
  throw new MqttError(ErrorCode.InvalidTopic, `Topic name ${quote(name)} ${problem}`);
}

/** Throws MqttError(InvalidTopic) saying what is wrong with the topic filter. */
export function assertTopicFilter(filter: string): void {
  if (isValidTopicFilter(filter)) return;
  const problem = describeFilterProblem(filter) ?? 'is invalid';
  throw new MqttError(ErrorCode.InvalidTopic, `Topic filter ${quote(filter)} ${problem}`);
}
