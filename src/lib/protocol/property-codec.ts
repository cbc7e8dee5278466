/**
 * The MQTT 5 properties block (5.0 §2.2.2): a Variable Byte Integer length, then (identifier,
 * value) rows. Decoding and encoding both walk the PROPERTIES table; nothing here names a property
 * except the value ranges the spec sets beyond the wire type.
 */
import { MAX_VARINT } from './constants.js';
import {
  PROPERTY_BY_ID,
  PROPERTY_BY_KEY,
  type Properties,
  type PropertyScope,
  type PropertySpec,
  type PropertyValues,
} from './properties.js';
import {
  binaryFieldLength,
  invalidArgument,
  malformed,
  protocolError,
  utf8FieldLength,
  varintLength,
  writeBinary,
  writeU16,
  writeU32,
  writeUtf8,
  writeVarint,
  type Reader,
} from './wire.js';

/** The property fields seen as one bag, so a single table-driven loop can fill any field. */
type PropertyBag = { [K in keyof PropertyValues]?: unknown };

/** The Properties field that is not a property: the arrival order of the rows. */
const ORDER_KEY = 'order';

const WIRE_MAX = { byte: 0xff, u16: 0xffff, u32: 0xffff_ffff, varint: MAX_VARINT } as const;

/**
 * Values the wire type could carry but the spec calls a Protocol Error (5.0 §3.1.2.11, §3.2.2.3,
 * §3.3.2.3): flags that must be 0 or 1, and fields where 0 would be meaningless. The payload format
 * indicator is not among them: the spec defines 0 and 1 without forbidding the rest, and mosquitto
 * passes any value through, so a subscriber must be able to read it.
 */
const VALUE_RANGE: ReadonlyMap<number, readonly [number, number]> = new Map([
  [0x0b, [1, MAX_VARINT]], // subscription identifier
  [0x17, [0, 1]], // request problem information
  [0x19, [0, 1]], // request response information
  [0x21, [1, 0xffff]], // receive maximum
  [0x23, [1, 0xffff]], // topic alias
  [0x24, [0, 1]], // maximum QoS
  [0x25, [0, 1]], // retain available
  [0x27, [1, 0xffff_ffff]], // maximum packet size
  [0x28, [0, 1]], // wildcard subscription available
  [0x29, [0, 1]], // subscription identifier available
  [0x2a, [0, 1]], // shared subscription available
]);

/** Repeating properties are always arrays, but a subscription identifier repeats only in PUBLISH. */
function mayRepeat(spec: PropertySpec, scope: PropertyScope): boolean {
  return spec.repeats === true && (spec.id !== 0x0b || scope === 'publish');
}

function inRange(spec: PropertySpec, value: number): boolean {
  const range = VALUE_RANGE.get(spec.id);
  return range === undefined || (value >= range[0] && value <= range[1]);
}

/**
 * Reads a properties block at the reader's position. Returns undefined for an empty block so that
 * packets without properties carry no `properties` field at all.
 */
export function readProperties(r: Reader, scope: PropertyScope): Properties | undefined {
  const length = r.varint('property length');
  if (length === 0) return undefined;
  if (length > r.remaining()) throw malformed('property length overruns the packet');
  const outerEnd = r.end;
  // Narrowing the reader makes a value that runs past the block a truncation error.
  r.end = r.pos + length;
  const props: Properties = {};
  const bag: PropertyBag = props;
  // Kept only from the first value of a repeating property that arrives after another kind.
  let order: number[] | undefined;
  let lastId = 0;
  while (r.pos < r.end) {
    const id = r.varint('property identifier');
    const spec = PROPERTY_BY_ID.get(id);
    if (spec === undefined) throw malformed(`unknown property identifier 0x${id.toString(16)}`);
    if (!spec.in.includes(scope)) throw malformed(`property ${spec.name} is not allowed in ${scope}`);
    const value = readValue(r, spec);
    if (typeof value === 'number' && !inRange(spec, value)) {
      throw protocolError(`property ${spec.name} has invalid value ${value}`);
    }
    const previous = bag[spec.key];
    if (previous === undefined) {
      bag[spec.key] = spec.repeats === true ? [value] : value;
    } else if (mayRepeat(spec, scope)) {
      if (order === undefined && id !== lastId) order = fieldOrder(bag);
      (previous as unknown[]).push(value);
    } else {
      throw protocolError(`property ${spec.name} appears more than once`);
    }
    order?.push(id);
    lastId = id;
  }
  r.end = outerEnd;
  if (order !== undefined) props.order = order;
  return props;
}

/** The row identifiers the fields of `bag` stand for, written in field order: its order so far. */
function fieldOrder(bag: PropertyBag): number[] {
  const order: number[] = [];
  for (const key in bag) {
    const spec = PROPERTY_BY_KEY.get(key as keyof PropertyValues)!;
    const count = spec.repeats === true ? (bag[spec.key] as unknown[]).length : 1;
    for (let i = 0; i < count; i++) order.push(spec.id);
  }
  return order;
}

function readValue(r: Reader, spec: PropertySpec): number | string | Buffer | [string, string] {
  switch (spec.type) {
    case 'byte':
      return r.u8(spec.name);
    case 'u16':
      return r.u16(spec.name);
    case 'u32':
      return r.u32(spec.name);
    case 'varint':
      return r.varint(spec.name);
    case 'string':
      return r.utf8(spec.name);
    case 'binary':
      return r.binary(spec.name);
    case 'pair':
      return r.pair(spec.name);
  }
}

/**
 * The byte count of a properties block's rows (not its length prefix). It is also where every
 * value is checked, so writeProperties can trust what it is given.
 */
export function propertiesLength(props: Properties | undefined, scope: PropertyScope): number {
  if (props === undefined) return 0;
  const bag: PropertyBag = props;
  let size = 0;
  for (const key in bag) {
    if (key === ORDER_KEY) {
      if (props.order !== undefined) checkOrder(props.order);
      continue;
    }
    const value = bag[key as keyof PropertyValues];
    if (value === undefined) continue;
    const spec = PROPERTY_BY_KEY.get(key as keyof PropertyValues);
    if (spec === undefined) throw invalidArgument(`unknown property ${key}`);
    if (!spec.in.includes(scope)) throw invalidArgument(`property ${spec.name} is not allowed in ${scope}`);
    if (spec.repeats !== true) {
      size += rowLength(spec, value);
      continue;
    }
    if (!Array.isArray(value)) throw invalidArgument(`property ${key} must be an array`);
    if (value.length > 1 && !mayRepeat(spec, scope)) {
      throw invalidArgument(`property ${spec.name} may appear only once in ${scope}`);
    }
    for (const item of value as unknown[]) size += rowLength(spec, item);
  }
  return size;
}

/** The order only places rows, so any list of identifiers will do; it must be a list. */
function checkOrder(order: unknown): void {
  if (!Array.isArray(order)) throw invalidArgument('property order must be a list of property identifiers');
  for (const id of order as unknown[]) {
    if (typeof id !== 'number') throw invalidArgument('property order must be a list of property identifiers');
  }
}

/** Identifier plus value; every identifier in the table fits one byte. */
function rowLength(spec: PropertySpec, value: unknown): number {
  switch (spec.type) {
    case 'byte':
    case 'u16':
    case 'u32':
    case 'varint': {
      const max = WIRE_MAX[spec.type];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max || !inRange(spec, value)) {
        throw invalidArgument(`property ${spec.name} cannot carry ${String(value)}`);
      }
      const bytes = spec.type === 'byte' ? 1 : spec.type === 'u16' ? 2 : spec.type === 'u32' ? 4 : varintLength(value);
      return 1 + bytes;
    }
    case 'string':
      return 1 + utf8FieldLength(value, `property ${spec.name}`);
    case 'binary':
      return 1 + binaryFieldLength(value, `property ${spec.name}`);
    case 'pair':
      if (!Array.isArray(value) || value.length !== 2) {
        throw invalidArgument(`property ${spec.name} must be a [name, value] pair`);
      }
      return 1 + utf8FieldLength(value[0], `property ${spec.name} name`) + utf8FieldLength(value[1], `property ${spec.name} value`);
  }
}

/**
 * Writes the rows measured by propertiesLength (every value once, whatever the order says),
 * without the prefix.
 */
export function writeProperties(buf: Buffer, off: number, props: Properties | undefined): number {
  if (props === undefined) return off;
  const order = props.order;
  if (order !== undefined) return writeOrdered(buf, off, props, order);
  const bag: PropertyBag = props;
  for (const key in bag) {
    const value = bag[key as keyof PropertyValues];
    if (value === undefined) continue;
    off = writeValues(buf, off, PROPERTY_BY_KEY.get(key as keyof PropertyValues)!, value, 0);
  }
  return off;
}

/** One row, or a repeating property's rows from `from` on. */
function writeValues(buf: Buffer, off: number, spec: PropertySpec, value: unknown, from: number): number {
  if (spec.repeats !== true) return from === 0 ? writeRow(buf, off, spec, value) : off;
  const list = value as unknown[];
  for (let i = from; i < list.length; i++) off = writeRow(buf, off, spec, list[i]);
  return off;
}

/** Rows written so far per property identifier, while writing in a recorded order. */
const written = new Uint32Array(0x80);

/**
 * The fields the order names go out as one run, in its order, where the first of them stands;
 * the others keep their own places (a relay puts its subscription identifiers before the run
 * and the expiry after it, as mosquitto does).
 */
function writeOrdered(buf: Buffer, off: number, props: Properties, order: readonly number[]): number {
  const bag: PropertyBag = props;
  let runWritten = false;
  for (const key in bag) {
    if (key === ORDER_KEY) continue;
    const value = bag[key as keyof PropertyValues];
    if (value === undefined) continue;
    const spec = PROPERTY_BY_KEY.get(key as keyof PropertyValues)!;
    if (!order.includes(spec.id)) off = writeValues(buf, off, spec, value, 0);
    else if (!runWritten) {
      off = writeRun(buf, off, bag, order);
      runWritten = true;
    }
  }
  return off;
}

/** The run: a row per identifier of the order, then the values it does not name (added since). */
function writeRun(buf: Buffer, off: number, bag: PropertyBag, order: readonly number[]): number {
  for (let i = 0; i < order.length; i++) written[order[i]!] = 0;
  // Rows written, and values the fields hold, of every kind the order names.
  let rows = 0;
  let values = 0;
  for (let i = 0; i < order.length; i++) {
    const id = order[i]!;
    const spec = PROPERTY_BY_ID.get(id);
    const value = spec === undefined ? undefined : bag[spec.key];
    if (spec === undefined || value === undefined) continue;
    const next = written[id]!;
    const count = spec.repeats === true ? (value as unknown[]).length : 1;
    if (next === 0) values += count;
    if (next < count) {
      off = writeRow(buf, off, spec, spec.repeats === true ? (value as unknown[])[next] : value);
      written[id] = next + 1;
      rows++;
    }
  }
  if (rows === values) return off;
  // Values added after decoding, which the order does not name.
  for (let i = 0; i < order.length; i++) {
    const id = order[i]!;
    const spec = PROPERTY_BY_ID.get(id);
    const value = spec === undefined ? undefined : bag[spec.key];
    if (spec === undefined || value === undefined) continue;
    off = writeValues(buf, off, spec, value, written[id]!);
    written[id] = spec.repeats === true ? (value as unknown[]).length : 1;
  }
  return off;
}

function writeRow(buf: Buffer, off: number, spec: PropertySpec, value: unknown): number {
  buf[off++] = spec.id;
  switch (spec.type) {
    case 'byte':
      buf[off] = value as number;
      return off + 1;
    case 'u16':
      return writeU16(buf, off, value as number);
    case 'u32':
      return writeU32(buf, off, value as number);
    case 'varint':
      return writeVarint(buf, off, value as number);
    case 'string':
      return writeUtf8(buf, off, value as string);
    case 'binary':
      return writeBinary(buf, off, value as Uint8Array);
    case 'pair': {
      const [name, text] = value as [string, string];
      return writeUtf8(buf, writeUtf8(buf, off, name), text);
    }
  }
}
