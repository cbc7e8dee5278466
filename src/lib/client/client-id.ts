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
