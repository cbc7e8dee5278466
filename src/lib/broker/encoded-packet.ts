/** Byte-level edits of packets already encoded, so a PUBLISH encoded once can go to many clients. */
import { Buffer } from 'node:buffer';

/** Where the body of an encoded packet starts: after the type byte and the Remaining Length. */
function bodyStart(bytes: Buffer): number {
  let i = 1;
  while ((bytes[i]! & 0x80) !== 0) i++;
  return i + 1;
}

/** The Remaining Length of an encoded packet, as mosquitto's size messages count it. */
export function remainingLength(bytes: Buffer): number {
  return bytes.length - bodyStart(bytes);
}

/** A copy of an encoded QoS 1/2 PUBLISH with another packet id (it follows the topic) and DUP flag. */
export function withPacketId(template: Buffer, packetId: number, dup: boolean): Buffer {
  const copy = Buffer.allocUnsafe(template.length);
  template.copy(copy);
  if (dup) copy[0] = copy[0]! | 0x08;
  const at = bodyStart(copy);
  const idAt = at + 2 + ((copy[at]! << 8) | copy[at + 1]!);
  copy[idAt] = packetId >> 8;
  copy[idAt + 1] = packetId & 0xff;
  return copy;
}
