import { ErrorCode, MqttError } from '../errors.js';
import type { ProtocolVersion } from '../protocol/constants.js';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * MQTT 3.1 servers may refuse an empty client id (only 3.1.1 made it legal), so for level 3 a
 * random one is made, as libmosquitto does: "mosq-" and 18 alphanumerics (23 characters, 3.1's limit).
 */
export function generateV31ClientId(): string {
  let id = 'mosq-';
  // Math.random is enough for uniqueness here and spares loading node:crypto at start-up.
  for (let i = 0; i < 18; i++) id += ID_ALPHABET.charAt(Math.floor(Math.random() * ID_ALPHABET.length));
  return id;
}

/**
 * The client-side rules each version puts on the client id, checked before connecting so the user
 * gets a clear error instead of a refused CONNACK.
 */
export function checkClientId(clientId: string, clean: boolean, version: ProtocolVersion): void {
  if (Buffer.byteLength(clientId) > 65535) {
    throw new MqttError(ErrorCode.InvalidArgument, 'Client id is longer than 65535 bytes.');
  }
  if (clientId.includes('\u0000')) {
    throw new MqttError(ErrorCode.InvalidArgument, 'Client id must not contain U+0000.');
  }
  if (version === 4 && clientId === '' && !clean) {
    throw new MqttError(ErrorCode.InvalidArgument, 'An empty client id needs a clean session in MQTT 3.1.1.', {
      hint: 'give a client id with -i, or drop -c',
    });
  }
  if (version === 3 && (clientId.length === 0 || clientId.length > 23)) {
    throw new MqttError(ErrorCode.InvalidArgument, 'MQTT 3.1 client ids must be 1 to 23 characters long.');
  }
}
