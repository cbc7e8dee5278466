import { isUtf8 } from 'node:buffer';
import { PUBLISH_PROPERTIES, type Properties } from '../protocol/properties.js';

/**
 * A message's MQTT 5 properties as one readable line for -v: "[name=value ... key:value]", the
 * -D names in table order, user properties as "key:value" (as -F %P writes them), in the order
 * received. Undefined when the message carries none, so -v stays byte-identical to mosquitto_sub.
 *
 * Text that would be ambiguous bare (empty, spaces, control characters, quotes, brackets, and in
 * user property keys also "=" or ":") is written as a JSON string; correlation data that is not
 * UTF-8 is written as 0x and hex digits (so text starting with "0x" is quoted too).
 */
export function propertiesText(properties: Properties | undefined): string | undefined {
  if (properties === undefined) return undefined;
  const items: string[] = [];
  for (const spec of PUBLISH_PROPERTIES) {
    const value = properties[spec.key];
    if (value === undefined) continue;
    if (spec.key === 'userProperties') {
      for (const [key, text] of value as [string, string][]) items.push(`${keyText(key)}:${valueText(text)}`);
    } else if (Array.isArray(value)) {
      for (const item of value) items.push(`${spec.name}=${String(item)}`);
    } else if (Buffer.isBuffer(value)) {
      items.push(`${spec.name}=${isUtf8(value) ? valueText(value.toString('utf8')) : `0x${value.toString('hex')}`}`);
    } else {
      items.push(`${spec.name}=${typeof value === 'string' ? valueText(value) : String(value)}`);
    }
  }
  return items.length === 0 ? undefined : `[${items.join(' ')}]`;
}

const BARE_VALUE = /^(?!0x)[^\s\p{Cc}"\\[\]]+$/u;
const BARE_KEY = /^(?!0x)[^\s\p{Cc}"\\[\]=:]+$/u;

function valueText(text: string): string {
  return BARE_VALUE.test(text) ? text : JSON.stringify(text);
}

function keyText(text: string): string {
  return BARE_KEY.test(text) ? text : JSON.stringify(text);
}
