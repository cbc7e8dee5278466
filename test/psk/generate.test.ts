import assert from 'node:assert/strict';
import { ErrorCode, MqttError } from '../../src/lib/errors.js';
import { randomKeyHex } from '../../src/lib/psk/generate.js';
import { checkIdentity, parseKeyHex } from '../../src/lib/psk/validate.js';

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof MqttError && err.code === ErrorCode.InvalidArgument && pattern.test(err.message));
}

describe('PSK identities', () => {
  it('take anything a psk_file line and TLS carry', () => {
    for (const id of ['device1', 'btsiot1', 'küche.sensor_2', 'a'.repeat(64), 'x#y']) assert.equal(checkIdentity(id), id);
  });

  it("refuse ':', whitespace, control characters, over 64 bytes, and lines mosquitto would skip", () => {
    refused(() => checkIdentity('dev:1'), /Invalid PSK identity 'dev:1': it contains ':'/);
    refused(() => checkIdentity('dev 1'), /whitespace/);
    refused(() => checkIdentity('dev\t1'), /whitespace/);
    refused(() => checkIdentity('dev\u00001'), /control characters/);
    refused(() => checkIdentity('dev\u001b[31m'), /'dev\\x1b\[31m': it contains control characters/);
    refused(() => checkIdentity('ü'.repeat(33)), /longer than 64 bytes/);
    refused(() => checkIdentity(''), /empty/);
    refused(() => checkIdentity('#dev'), /comment/);
    refused(() => checkIdentity('--file'), /reads as an option/);
  });
});

describe('PSK keys', () => {
  it('are random, lower-case, even-length hex of 16 or 32 bytes', () => {
    const a = randomKeyHex(16);
    assert.match(a, /^[0-9a-f]{32}$/);
    assert.notEqual(a, randomKeyHex(16));
    assert.match(randomKeyHex(32), /^[0-9a-f]{64}$/);
  });

  it('given by hand must be even-length hex, and come back lower-case', () => {
    assert.equal(parseKeyHex('0123456789ABCDEF0123'), '0123456789abcdef0123');
    refused(() => parseKeyHex('abc'), /3 hex digits; a key is whole bytes/);
    refused(() => parseKeyHex('0x1234'), /hexadecimal digits only/);
    refused(() => parseKeyHex('12 34'), /hexadecimal digits only/);
    refused(() => parseKeyHex('12:34'), /hexadecimal digits only/);
    refused(() => parseKeyHex(''), /hexadecimal digits only/);
  });
});
