import type { PublishPacket } from '../protocol/packets.js';
import { propertiesText } from './property-text.js';

export interface PlainFormat {
  /** -v: "topic payload". */
  verbose: boolean;
  /** -N turns the newline off. */
  eol: boolean;
}

const SPACE = Buffer.from(' ');
const NEWLINE = Buffer.from('\n');
const NULL_TEXT = Buffer.from(' (null)');

/**
 * mosquitto_sub's output without -F: the payload bytes as they are, or "topic payload" with -v.
 * An empty payload prints nothing, or "topic (null)" with -v (and nothing with -v -N), exactly as
 * mosquitto does, so scripts that parse its output keep working. Added over mosquitto: with -v, a
 * message that carries MQTT 5 properties shows them between the topic and the payload,
 * "topic [content-type=text/plain unit:C] payload"; without properties nothing changes.
 */
export function renderPlain(message: PublishPacket, format: PlainFormat, into: Buffer[]): void {
  const empty = message.payload.length === 0;
  if (!format.verbose) {
    if (empty) return;
    into.push(message.payload);
    if (format.eol) into.push(NEWLINE);
    return;
  }
  if (empty && !format.eol) return;
  const properties = propertiesText(message.properties);
  into.push(Buffer.from(properties === undefined ? message.topic : `${message.topic} ${properties}`));
  if (empty) {
    into.push(NULL_TEXT, NEWLINE);
    return;
  }
  into.push(SPACE, message.payload);
  if (format.eol) into.push(NEWLINE);
}
