import assert from 'node:assert/strict';
import { caCertLiteral, esp32PskLine, fingerprintArray } from '../../src/lib/output/board-snippets.js';
import { fingerprintBytes } from '../../src/lib/pki/fingerprint.js';

describe('board snippets', () => {
  it('put the CA in a PROGMEM raw string literal, as the ESP8266 tutorial does', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIDsjCC\n-----END CERTIFICATE-----\n';
    assert.equal(
      caCertLiteral(pem, 'certs/ca.crt'),
      '/* CA certificate in PEM format (certs/ca.crt) */\nconst char caCert[] PROGMEM = R"EOF(\n-----BEGIN CERTIFICATE-----\nMIIDsjCC\n-----END CERTIFICATE-----\n)EOF";',
    );
  });

  it("write the SHA-1 fingerprint as the tutorial's byte array", () => {
    const sha1 = fingerprintBytes('61:5B:5A:B9:AF:35:79:AA:21:09:04:5C:C2:32:43:6C:57:CC:8C:F4');
    assert.equal(
      fingerprintArray(sha1, 'certs/server.crt').split('\n')[1],
      'const uint8_t mqttCertFingerprint[] = {0x61,0x5B,0x5A,0xB9,0xAF,0x35,0x79,0xAA,0x21,0x09,0x04,0x5C,0xC2,0x32,0x43,0x6C,0x57,0xCC,0x8C,0xF4};',
    );
  });

  it('give the ESP32 setPreSharedKey() line with C string quoting', () => {
    assert.equal(esp32PskLine('btsiot1', '0123456789abcdef0123'), 'espClient.setPreSharedKey("btsiot1", "0123456789abcdef0123");');
    assert.equal(esp32PskLine('a"b\\c', '00'), 'espClient.setPreSharedKey("a\\"b\\\\c", "00");');
  });
});
