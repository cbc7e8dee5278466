/**
 * The C an ESP8266/ESP32 sketch needs, in the shapes the classroom tutorials use (a PROGMEM raw
 * string for the CA, a byte array for the SHA-1 fingerprint), so students paste rather than type.
 */

/** The CA as a raw string literal: the PEM goes in as it is, line breaks and all. */
export function caCertLiteral(certPem: string, source: string): string {
  return [`/* CA certificate in PEM format (${source}) */`, 'const char caCert[] PROGMEM = R"EOF(', certPem.trim(), ')EOF";'].join('\n');
}

/** `{0x61,0x5B,…}`: what BearSSL's setFingerprint(const uint8_t[20]) compares with the server's certificate. */
export function fingerprintArray(sha1: Buffer, source: string): string {
  const bytes = [...sha1].map((b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(',');
  return [`/* SHA-1 fingerprint of the broker certificate (${source}) */`, `const uint8_t mqttCertFingerprint[] = {${bytes}};`].join('\n');
}

/** How the two literals are used, for each board. */
export function tlsUsageComment(names: readonly string[]): string {
  return [
    '// ESP8266: X509List caCertX509(caCert); espClient.setTrustAnchors(&caCertX509);',
    '//          or espClient.setFingerprint(mqttCertFingerprint); (no clock needed, but re-paste it',
    '//          whenever the broker certificate is made again)',
    '// ESP32:   espClient.setCACert(caCert);',
    '// Checking against the CA needs the board clock set first (configTime, NTP).',
    `// Connect to a name the certificate covers: ${names.join(', ')}.`,
  ].join('\n');
}

/** arduino-esp32's WiFiClientSecure takes the key as a hex string. */
export function esp32PskLine(identity: string, keyHex: string): string {
  return `espClient.setPreSharedKey(${cString(identity)}, ${cString(keyHex)});`;
}

function cString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
