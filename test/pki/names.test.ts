import assert from 'node:assert/strict';
import { ErrorCode, MqttError } from '../../src/lib/errors.js';
import { checkClientName, defaultHostNames, ipBytes, ipText, isDnsName, parseHostName, parseIpAddress, uniqueHostNames } from '../../src/lib/pki/names.js';

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof MqttError && err.code === ErrorCode.InvalidArgument && pattern.test(err.message));
}

describe('server names', () => {
  it('tells IP addresses from host names, and writes both the usual way', () => {
    assert.deepEqual(parseHostName('Broker.Local.'), { kind: 'dns', text: 'broker.local' });
    assert.deepEqual(parseHostName('192.168.1.10'), { kind: 'ip', text: '192.168.1.10' });
    assert.deepEqual(parseHostName('0:0:0:0:0:0:0:1'), { kind: 'ip', text: '::1' });
    assert.deepEqual(parseIpAddress('FE80::0:1'), { kind: 'ip', text: 'fe80::1' });
    assert.deepEqual(parseHostName('*.example.com'), { kind: 'dns', text: '*.example.com' });
  });

  it('refuses what is neither, and --ip values that are not addresses', () => {
    refused(() => parseHostName('bad_name'), /'bad_name' is neither a host name nor an IP address/);
    refused(() => parseHostName('-lead.example'), /neither/);
    refused(() => parseHostName('*.com'), /neither/);
    refused(() => parseIpAddress('broker.local'), /'broker.local' is not an IP address/);
    assert.equal(isDnsName('a'.repeat(64)), false);
    assert.equal(isDnsName(`${'a'.repeat(63)}.b`), true);
  });

  it('by default covers this machine: localhost, 127.0.0.1, ::1 and its host name', () => {
    assert.deepEqual(
      defaultHostNames('Pi4').map((n) => n.text),
      ['localhost', '127.0.0.1', '::1', 'pi4'],
    );
    assert.deepEqual(
      defaultHostNames('localhost').map((n) => n.text),
      ['localhost', '127.0.0.1', '::1'],
    );
    assert.deepEqual(
      defaultHostNames('my_box').map((n) => n.text),
      ['localhost', '127.0.0.1', '::1'],
      'a host name that is not a DNS name is left out',
    );
  });

  it('drops repeated names', () => {
    const names = uniqueHostNames(['a.lan', '127.0.0.1', 'A.lan', '::1', '0::1'].map(parseHostName));
    assert.deepEqual(
      names.map((n) => n.text),
      ['a.lan', '127.0.0.1', '::1'],
    );
  });

  it('turns addresses into bytes and back (RFC 5952 spelling)', () => {
    assert.deepEqual([...ipBytes('10.0.0.255')!], [10, 0, 0, 255]);
    assert.equal(ipBytes('localhost'), undefined);
    for (const [text, canonical] of [
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['::', '::'],
      ['::ffff:192.0.2.1', '::ffff:c000:201'],
      ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
      ['fe80::', 'fe80::'],
    ] as const) {
      assert.equal(ipText(ipBytes(text)!), canonical, text);
    }
  });
});

describe('client names', () => {
  it('are CNs and file names: letters, digits, . _ -', () => {
    assert.equal(checkClientName('esp32-kitchen_1.a'), 'esp32-kitchen_1.a');
    refused(() => checkClientName('../x'), /Invalid client name '..\/x'/);
    refused(() => checkClientName('a b'), /Invalid client name/);
    refused(() => checkClientName('x'.repeat(65)), /Invalid client name/);
    refused(() => checkClientName('Server'), /server\.crt is taken by the server certificate/);
    refused(() => checkClientName('ca'), /ca\.crt is taken/);
  });
});
