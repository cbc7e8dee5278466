import { ErrorCode, MqttError } from '../errors.js';

/** Well under every limit met (OpenSSL 256 bytes, Node 128); mosquitto's files have no length limit of their own. */
const MAX_IDENTITY_BYTES = 64;

/**
 * An identity must survive a psk_file line (`identity:key`, split at the first ':', trimmed,
 * '#' starts a comment) and TLS (bytes on the wire, no terminal surprises).
 */
export function checkIdentity(identity: string): string {
  const refuse = (why: string): never => {
    throw new MqttError(ErrorCode.InvalidArgument, `Invalid PSK identity '${printable(identity)}': ${why}.`);
  };
  if (identity === '') refuse('it is empty');
  if (identity.includes(':')) refuse("it contains ':', which ends the identity in a psk_file line");
  if (/\s/u.test(identity)) refuse('it contains whitespace');
  if (/\p{Cc}/u.test(identity)) refuse('it contains control characters');
  if (identity.startsWith('#')) refuse("it starts with '#', which makes the psk_file line a comment");
  if (identity.startsWith('-')) refuse("it starts with '-', which reads as an option");
  if (Buffer.byteLength(identity, 'utf8') > MAX_IDENTITY_BYTES) refuse(`it is longer than ${MAX_IDENTITY_BYTES} bytes`);
  return identity;
}

/**
 * Even-length hex only: mosquitto reads an odd-length key such as `abc` as 0a bc while Node
 * reads ab, so the two ends would disagree. Returned lower-case.
 */
export function parseKeyHex(text: string): string {
  if (text === '' || !/^[0-9a-f]+$/i.test(text)) {
    throw new MqttError(ErrorCode.InvalidArgument, `Invalid PSK key '${printable(text)}': use hexadecimal digits only (no 0x, spaces or colons).`);
  }
  if (text.length % 2 !== 0) {
    throw new MqttError(ErrorCode.InvalidArgument, `Invalid PSK key: ${text.length} hex digits; a key is whole bytes, an even number of digits.`);
  }
  return text.toLowerCase();
}

/** Control characters shown as \xNN so that an error line stays one line. */
function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
