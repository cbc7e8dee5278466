import { isUtf8 } from 'node:buffer';
import type { PublishPacket } from '../protocol/packets.js';
import { PUBLISH_PROPERTIES, type Properties, type PropertySpec } from '../protocol/properties.js';
import type { Moment } from './clock.js';
import { respaceJson } from './json-text.js';
import { isoLocalTimeMicroseconds } from './strftime.js';

/**
 * One message as one JSON object: --json, and -F's %j and %J. The keys come in mosquitto's
 * order: tst, topic, qos, retain, payloadlen, mid (QoS 1 and 2 only), properties (only when the
 * message carries some), then the payload. Unlike mosquitto's, every byte survives: a payload (or
 * correlation data) that is valid UTF-8 is a JSON string, anything else is base64 under a key with
 * "_base64" appended, so a binary payload is "payload_base64" and there is no "payload" key.
 *
 * Two shapes of the properties: %j and %J print mosquitto 2.1's (in the order received, user
 * properties as a list of one-key objects, a "subscription-identifier" key per identifier, an
 * empty payload as null), so scripts written for mosquitto_sub read them unchanged; --json prints
 * mqt's documented schema (a fixed order, [key, value] pairs, "subscription-identifiers" as a
 * list, an empty payload as ""), which a JSON reader keeping only the last of repeated keys reads
 * whole.
 */
export type JsonShape = 'mosquitto' | 'mqt';

/** --pretty indents by two spaces (mosquitto's cJSON uses tabs). */
const PRETTY_INDENT = '  ';

/** The JSON text of a message, with the payload as text or base64 (%j, --json). */
export function messageJson(message: PublishPacket, moment: Moment, pretty: boolean, shape: JsonShape = 'mqt'): string {
  if (shape === 'mosquitto') {
    const payload = message.payload.length === 0 ? '"payload":null' : bytesField('payload', message.payload);
    return layout(`${mosquittoHead(message, moment)},${payload}}`, pretty);
  }
  const object = head(message, moment);
  putBytes(object, 'payload', message.payload);
  return pretty ? JSON.stringify(object, null, PRETTY_INDENT) : JSON.stringify(object);
}

/**
 * %J: the payload inserted as the JSON document it holds, its numbers and strings as written.
 * Undefined when the payload is not a UTF-8 JSON document; an empty payload is null, as mosquitto.
 */
export function messageJsonWithDocument(message: PublishPacket, moment: Moment, pretty: boolean, shape: JsonShape = 'mqt'): string | undefined {
  let document = 'null';
  if (message.payload.length > 0) {
    if (!isUtf8(message.payload)) return undefined;
    document = message.payload.toString('utf8');
    try {
      JSON.parse(document);
    } catch {
      return undefined;
    }
  }
  if (shape === 'mosquitto') return layout(`${mosquittoHead(message, moment)},"payload":${respaceJson(document, '', 0)}}`, pretty);
  const object = head(message, moment);
  // The payload is the last key: close the object around the document ourselves.
  if (!pretty) return `${JSON.stringify(object).slice(0, -1)},"payload":${respaceJson(document, '', 0)}}`;
  const text = JSON.stringify(object, null, PRETTY_INDENT).slice(0, -2);
  return `${text},\n${PRETTY_INDENT}"payload": ${respaceJson(document, PRETTY_INDENT, 1)}\n}`;
}

/** Compact JSON text as printed, or laid out for --pretty. */
function layout(text: string, pretty: boolean): string {
  return pretty ? respaceJson(text, PRETTY_INDENT, 0) : text;
}

/**
 * mosquitto 2.1's object up to the payload, as text (it may repeat "subscription-identifier",
 * which no JavaScript object can), without the closing brace.
 */
function mosquittoHead(message: PublishPacket, moment: Moment): string {
  const { properties } = message;
  const fixed = JSON.stringify({
    tst: isoLocalTimeMicroseconds(moment),
    topic: message.topic,
    qos: message.qos,
    retain: message.retain,
    payloadlen: message.payload.length,
    ...(message.qos > 0 ? { mid: message.packetId } : {}),
  }).slice(0, -1);
  const fields = properties === undefined ? [] : mosquittoProperties(properties);
  return fields.length === 0 ? fixed : `${fixed},"properties":{${fields.join(',')}}`;
}

const PUBLISH_SPECS: ReadonlyMap<string, PropertySpec> = new Map(PUBLISH_PROPERTIES.map((spec) => [spec.key, spec]));

/** The properties' JSON fields in the order received (the decoder keeps it), as mosquitto 2.1 prints them. */
function mosquittoProperties(properties: Properties): string[] {
  const fields: string[] = [];
  for (const [key, value] of Object.entries(properties) as [keyof Properties, Properties[keyof Properties]][]) {
    const spec = PUBLISH_SPECS.get(key);
    if (spec === undefined || value === undefined) continue;
    if (spec.type === 'pair') {
      const pairs = (value as [string, string][]).map(([name, text]) => `{${JSON.stringify(name)}:${JSON.stringify(text)}}`);
      fields.push(`"user-properties":[${pairs.join(',')}]`);
    } else if (Array.isArray(value)) {
      for (const item of value) fields.push(`${JSON.stringify(spec.name)}:${JSON.stringify(item)}`);
    } else if (Buffer.isBuffer(value)) {
      fields.push(bytesField(spec.name, value));
    } else {
      fields.push(`${JSON.stringify(spec.name)}:${JSON.stringify(value)}`);
    }
  }
  return fields;
}

/** One "key":"text" field, or "key_base64":"..." when the bytes are not UTF-8. */
function bytesField(key: string, bytes: Buffer): string {
  return isUtf8(bytes) ? `${JSON.stringify(key)}:${JSON.stringify(bytes.toString('utf8'))}` : `"${key}_base64":"${bytes.toString('base64')}"`;
}

function head(message: PublishPacket, moment: Moment): Record<string, unknown> {
  const object: Record<string, unknown> = {
    tst: isoLocalTimeMicroseconds(moment),
    topic: message.topic,
    qos: message.qos,
    retain: message.retain,
    payloadlen: message.payload.length,
  };
  if (message.qos > 0) object.mid = message.packetId;
  const properties = message.properties === undefined ? undefined : propertiesJson(message.properties);
  if (properties !== undefined) object.properties = properties;
  return object;
}

/**
 * Properties under the -D names of the property table, in the table's order. Repeating ones are
 * lists under the plural name: "user-properties" as [key, value] pairs in the order received,
 * duplicates kept (mosquitto 2.0's object loses duplicates, 2.1's list of one-key objects is
 * awkward to query), and "subscription-identifiers" as numbers.
 */
function propertiesJson(properties: Properties): Record<string, unknown> | undefined {
  let object: Record<string, unknown> | undefined;
  for (const spec of PUBLISH_PROPERTIES) {
    const value = properties[spec.key];
    if (value === undefined) continue;
    object ??= {};
    if (Buffer.isBuffer(value)) putBytes(object, spec.name, value);
    else object[spec.repeats === true ? `${spec.name.replace(/y$/, 'ie')}s` : spec.name] = value;
  }
  return object;
}

function putBytes(object: Record<string, unknown>, key: string, bytes: Buffer): void {
  if (isUtf8(bytes)) object[key] = bytes.toString('utf8');
  else object[`${key}_base64`] = bytes.toString('base64');
}
