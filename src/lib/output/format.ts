import { ErrorCode, MqttError } from '../errors.js';
import type { PublishPacket } from '../protocol/packets.js';
import { systemClock, type Clock, type Moment } from './clock.js';
import { messageJson, messageJsonWithDocument, type JsonShape } from './ndjson.js';
import { formatFixed, formatInteger, padChar, padding, pushPadded, pushText, type Field } from './printf.js';
import { isoLocalTime, strftimeConversion, type Conversion } from './strftime.js';

/**
 * mosquitto_sub's -F language (mosquitto 2.1's, reference §12): compiled once into a list of
 * parts, so that each message only walks the list and pushes Buffers; payloads are pushed as the
 * bytes they are, never decoded. Grammar of a specifier: %[-][0][width][.precision][sep]letter.
 */
export interface FormatOptions {
  /** Print a newline after each message (-N turns it off). */
  eol: boolean;
  /** --pretty: indent the JSON of %j and %J. */
  pretty: boolean;
  /** Where the time of %I, %U, %j, %J and the @ sequences comes from; tests fix it. */
  clock?: Clock;
}

type NumberOf = (message: PublishPacket) => number | undefined;
type TextOf = (message: PublishPacket) => string | undefined;

type Part =
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  | { readonly kind: 'topic'; readonly field: Field }
  | { readonly kind: 'payload'; readonly field: Field }
  | { readonly kind: 'hex'; readonly upper: boolean; readonly field: Field }
  | { readonly kind: 'number'; readonly value: NumberOf; readonly field: Field }
  /** Content type blanks the width when absent; response topic prints nothing (as mosquitto). */
  | { readonly kind: 'text'; readonly value: TextOf; readonly blank: boolean; readonly field: Field }
  | { readonly kind: 'qos' }
  | { readonly kind: 'retain' }
  | { readonly kind: 'correlation' }
  | { readonly kind: 'user-properties' }
  | { readonly kind: 'iso-time'; readonly field: Field }
  | { readonly kind: 'unix-time' }
  | { readonly kind: 'nanoseconds' }
  | { readonly kind: 'strftime'; readonly conversion: Conversion }
  | { readonly kind: 'json'; readonly document: boolean; readonly shape: JsonShape }
  | { readonly kind: 'float'; readonly size: 4 | 8; readonly field: Field };

const SPECIFIERS: Readonly<Record<string, (field: Field) => Part>> = {
  t: (field) => ({ kind: 'topic', field }),
  p: (field) => ({ kind: 'payload', field }),
  x: (field) => ({ kind: 'hex', upper: false, field }),
  X: (field) => ({ kind: 'hex', upper: true, field }),
  l: (field) => ({ kind: 'number', value: (m) => m.payload.length, field }),
  m: (field) => ({ kind: 'number', value: (m) => m.packetId ?? 0, field }),
  q: () => ({ kind: 'qos' }),
  r: () => ({ kind: 'retain' }),
  I: (field) => ({ kind: 'iso-time', field }),
  U: () => ({ kind: 'unix-time' }),
  j: () => ({ kind: 'json', document: false, shape: 'mosquitto' }),
  J: () => ({ kind: 'json', document: true, shape: 'mosquitto' }),
  A: (field) => ({ kind: 'number', value: (m) => m.properties?.topicAlias, field }),
  C: (field) => ({ kind: 'text', value: (m) => m.properties?.contentType, blank: true, field }),
  D: () => ({ kind: 'correlation' }),
  E: (field) => ({ kind: 'number', value: (m) => m.properties?.messageExpiryInterval, field }),
  F: (field) => ({ kind: 'number', value: (m) => m.properties?.payloadFormatIndicator, field }),
  P: () => ({ kind: 'user-properties' }),
  R: (field) => ({ kind: 'text', value: (m) => m.properties?.responseTopic, blank: false, field }),
  S: (field) => ({ kind: 'number', value: (m) => m.properties?.subscriptionIdentifiers?.[0], field }),
  d: (field) => ({ kind: 'float', size: 8, field }),
  f: (field) => ({ kind: 'float', size: 4, field }),
};

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '0': '\0', a: '\x07', e: '\x1b', n: '\n', r: '\r', t: '\t', v: '\v' };

/** mosquitto 2.1's hex group separators, allowed right before the letter: %.4-X. */
const SEPARATORS = `!"#$&'()*+,-./:;<=>?@[\\]^_\`{|}~ `;

/** Widths and precisions above this are refused (printf would fail; Buffer.alloc would throw). */
const MAX_FIELD = 65535;

const QOS_DIGITS = [Buffer.from('0'), Buffer.from('1'), Buffer.from('2')];
const RETAIN_DIGITS = [Buffer.from('0'), Buffer.from('1')];
const HEX_LOWER = Buffer.from('0123456789abcdef');
const HEX_UPPER = Buffer.from('0123456789ABCDEF');
const NO_PROBLEMS: readonly string[] = [];

function formatError(message: string): MqttError {
  return new MqttError(ErrorCode.InvalidArgument, message);
}

const incomplete = (): MqttError => formatError('Incomplete format specifier.');

/** Reads the specifier that starts after a '%' at `start`; returns the part and where the text goes on. */
function readSpecifier(text: string, start: number): { part: Part | '%'; next: number } {
  let i = start;
  const left = text[i] === '-';
  if (left) i++;
  const zero = text[i] === '0';
  if (zero) i++;
  const readNumber = (): number => {
    let value = 0;
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') {
      value = value * 10 + Number(text[i]);
      if (value > MAX_FIELD) throw formatError(`Format width or precision too large (at most ${MAX_FIELD}).`);
      i++;
    }
    return value;
  };
  const width = readNumber();
  let precision = -1;
  if (text[i] === '.') {
    i++;
    precision = readNumber();
  }
  let separator = ' ';
  if (i < text.length && SEPARATORS.includes(text[i]!)) separator = text[i++]!;
  if (i >= text.length) throw incomplete();
  const letter = String.fromCodePoint(text.codePointAt(i)!);
  if (letter === '%') return { part: '%', next: i + 1 };
  const make = Object.hasOwn(SPECIFIERS, letter) ? SPECIFIERS[letter] : undefined;
  if (make === undefined) throw formatError(`Invalid format specifier '${letter}'.`);
  return { part: make({ left, zero, width, precision, separator }), next: i + letter.length };
}

/** Turns -F text into parts, with runs of literal text (and escapes) merged into one Buffer. */
function compileParts(text: string, eol: boolean): Part[] {
  const parts: Part[] = [];
  let literal = '';
  const add = (part: Part): void => {
    if (literal !== '') parts.push({ kind: 'bytes', bytes: Buffer.from(literal) });
    literal = '';
    parts.push(part);
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '%') {
      const { part, next } = readSpecifier(text, i + 1);
      if (part === '%') literal += '%';
      else add(part);
      i = next;
    } else if (c === '@') {
      if (i + 1 >= text.length) throw incomplete();
      const letter = String.fromCodePoint(text.codePointAt(i + 1)!);
      const conversion = strftimeConversion(letter);
      if (letter === '@') literal += '@';
      else if (letter === 'N') add({ kind: 'nanoseconds' });
      // glibc prints a conversion it does not know as written, whatever the time.
      else if (conversion === undefined) literal += `%${letter}`;
      else add({ kind: 'strftime', conversion });
      i += 1 + letter.length;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw formatError('Incomplete escape specifier.');
      const letter = String.fromCodePoint(text.codePointAt(i + 1)!);
      const escaped = Object.hasOwn(ESCAPES, letter) ? ESCAPES[letter] : undefined;
      if (escaped === undefined) throw formatError(`Invalid escape specifier '${letter}'.`);
      literal += escaped;
      i += 1 + letter.length;
    } else {
      literal += c;
      i++;
    }
  }
  if (eol) literal += '\n';
  if (literal !== '') parts.push({ kind: 'bytes', bytes: Buffer.from(literal) });
  return parts;
}

/**
 * Hex digits of the payload. The width counts digits, not separators. With a group size
 * (precision) the separator goes between groups of that many digits and, as mosquitto 2.1 does,
 * right-aligned padding counts as leading digits: %08.2x of "ab" is "00 00 61 62".
 */
function pushHex(payload: Buffer, upper: boolean, field: Field, into: Buffer[]): void {
  const alphabet = upper ? HEX_UPPER : HEX_LOWER;
  const digits = payload.length * 2;
  const group = field.precision;
  if (group <= 0) {
    const hex = payload.toString('hex');
    pushPadded(Buffer.from(upper ? hex.toUpperCase() : hex, 'latin1'), field, padChar(field), into);
    return;
  }
  const missing = Math.max(0, field.width - digits);
  const lead = field.left ? 0 : missing;
  const positions = lead + digits;
  const out = Buffer.allocUnsafe(positions + Math.floor((positions - 1) / group));
  const pad = padChar(field).charCodeAt(0);
  const separator = field.separator.charCodeAt(0);
  let o = 0;
  for (let pos = 0; pos < positions; pos++) {
    if (pos > 0 && pos % group === 0) out[o++] = separator;
    const nibble = pos - lead;
    if (nibble < 0) out[o++] = pad;
    else out[o++] = alphabet[(nibble & 1) === 0 ? payload[nibble >> 1]! >> 4 : payload[nibble >> 1]! & 0x0f]!;
  }
  into.push(out.subarray(0, o));
  if (field.left && missing > 0) into.push(padding(' ', missing));
}

/** %f and %d: the payload's 4 or 8 bytes as an IEEE 754 number, little-endian as on x86 and ARM. */
function floatText(payload: Buffer, size: 4 | 8, field: Field): string | undefined {
  if (payload.length !== size) return undefined;
  const value = size === 4 ? payload.readFloatLE(0) : payload.readDoubleLE(0);
  return formatFixed(value, (payload[size - 1]! & 0x80) !== 0, field);
}

function userPropertiesText(pairs: readonly [string, string][]): string {
  let text = '';
  for (const [key, value] of pairs) text += text === '' ? `${key}:${value}` : ` ${key}:${value}`;
  return text;
}

export class MessageFormat {
  /** The last topic printed and its bytes: most streams repeat topics, so encode each once. */
  private lastTopic = '';
  private lastTopicBytes = Buffer.alloc(0);

  private constructor(
    private readonly parts: readonly Part[],
    private readonly pretty: boolean,
    private readonly clock: Clock,
  ) {}

  /** Throws an MqttError (InvalidArgument) with mosquitto's text for a malformed format. */
  static compile(text: string, options: FormatOptions): MessageFormat {
    return new MessageFormat(compileParts(text, options.eol), options.pretty, options.clock ?? systemClock);
  }

  /** --json: -F %j with mqt's own schema of the properties (see ndjson.ts). */
  static json(options: FormatOptions): MessageFormat {
    const parts = compileParts('%j', options.eol).map((part): Part => (part.kind === 'json' ? { ...part, shape: 'mqt' } : part));
    return new MessageFormat(parts, options.pretty, options.clock ?? systemClock);
  }

  /**
   * Appends the message's output to `into`. Returns what goes to standard error: mosquitto's
   * complaint about a payload that %J or %f/%d cannot print (the rest of the line still prints).
   */
  render(message: PublishPacket, into: Buffer[]): readonly string[] {
    let moment: Moment | undefined;
    let problems: string[] | undefined;
    for (const part of this.parts) {
      switch (part.kind) {
        case 'bytes':
          into.push(part.bytes);
          break;
        case 'topic':
          pushText(this.topicBytes(message.topic), part.field, into);
          break;
        case 'payload': {
          const { payload } = message;
          const cut = part.field.precision >= 0 && payload.length > part.field.precision;
          pushPadded(cut ? payload.subarray(0, part.field.precision) : payload, part.field, padChar(part.field), into);
          break;
        }
        case 'hex':
          pushHex(message.payload, part.upper, part.field, into);
          break;
        case 'number': {
          const value = part.value(message);
          if (value !== undefined) into.push(Buffer.from(formatInteger(value, part.field), 'latin1'));
          else if (part.field.width > 0) into.push(padding(padChar(part.field), part.field.width));
          break;
        }
        case 'text': {
          const value = part.value(message);
          if (value !== undefined) pushText(Buffer.from(value), part.field, into);
          else if (part.blank && part.field.width > 0) into.push(padding(' ', part.field.width));
          break;
        }
        case 'qos':
          into.push(QOS_DIGITS[message.qos]!);
          break;
        case 'retain':
          into.push(RETAIN_DIGITS[message.retain ? 1 : 0]!);
          break;
        case 'correlation': {
          const data = message.properties?.correlationData;
          if (data !== undefined) into.push(data);
          break;
        }
        case 'user-properties': {
          const pairs = message.properties?.userProperties;
          if (pairs !== undefined) into.push(Buffer.from(userPropertiesText(pairs)));
          break;
        }
        case 'iso-time':
          moment ??= this.clock();
          pushText(Buffer.from(isoLocalTime(moment), 'latin1'), part.field, into);
          break;
        case 'unix-time':
          moment ??= this.clock();
          into.push(Buffer.from(`${moment.seconds}.${String(moment.nanoseconds).padStart(9, '0')}`, 'latin1'));
          break;
        case 'nanoseconds':
          moment ??= this.clock();
          into.push(Buffer.from(String(moment.nanoseconds).padStart(9, '0'), 'latin1'));
          break;
        case 'strftime':
          moment ??= this.clock();
          into.push(Buffer.from(part.conversion(moment)));
          break;
        case 'json': {
          moment ??= this.clock();
          const json = part.document
            ? messageJsonWithDocument(message, moment, this.pretty, part.shape)
            : messageJson(message, moment, this.pretty, part.shape);
          if (json !== undefined) into.push(Buffer.from(json));
          else (problems ??= []).push(`Error: Message payload is not valid JSON on topic ${message.topic}.`);
          break;
        }
        case 'float': {
          const text = floatText(message.payload, part.size, part.field);
          if (text !== undefined) into.push(Buffer.from(text, 'latin1'));
          else {
            const kind = part.size === 4 ? 'float' : 'double';
            (problems ??= []).push(`requested ${kind} printing, but non-${kind} data received`);
          }
          break;
        }
      }
    }
    return problems ?? NO_PROBLEMS;
  }

  private topicBytes(topic: string): Buffer {
    if (topic !== this.lastTopic) {
      this.lastTopic = topic;
      this.lastTopicBytes = Buffer.from(topic);
    }
    return this.lastTopicBytes;
  }
}
