import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { indexFlags, readArgv } from '../../src/commands/options/argv.js';
import { resolveConnect } from '../../src/commands/options/connect.js';
import { subOptionGroups } from '../../src/commands/options/sub.js';
import { UsageError } from '../../src/commands/ui/usage-error.js';
import type { TcpTarget } from '../../src/lib/transport/types.js';
import { makeTempFolder } from '../support/run-folder.js';

const subFlags = indexFlags(subOptionGroups);

function target(argv: string[]): TcpTarget {
  const resolved = resolveConnect(readArgv(argv, subFlags), { invalidIdText: 'Invalid id.' }).target;
  assert.equal(resolved.kind, 'tcp');
  return resolved;
}

function usageError(argv: string[], message: string): void {
  assert.throws(
    () => target(argv),
    (err: Error) => err instanceof UsageError && err.message === message,
  );
}

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('TLS flags', () => {
  let dir: string;
  let ca: string;
  before(async () => {
    dir = await makeTempFolder('mqt-tls-options');
    ca = join(dir, 'ca.crt');
    await writeFile(ca, CA);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('leave a connection without TLS flags plain, on 1883', () => {
    const plain = target([]);
    assert.equal(plain.port, 1883);
    assert.equal(plain.tls, undefined);
  });

  it('turn TLS on and move the default port to 8883; -p still wins', () => {
    const tls = target(['--cafile', ca]);
    assert.equal(tls.port, 8883);
    assert.deepEqual(tls.tls, { verify: true, ca: [Buffer.from(CA)] });
    assert.equal(target(['--insecure', '-p', '9999']).port, 9999);
    assert.deepEqual(target(['--insecure', '-p', '9999']).tls, { verify: false });
  });

  it('-p 8883 alone turns TLS on, trusting the public CAs, as mosquitto does', () => {
    assert.deepEqual(target(['-p', '8883']).tls, { verify: true });
  });

  it('--no-tls keeps the connection plain: port 8883, an mqtts:// URL and the TLS flags set aside, files unread (mosquitto 2.1)', () => {
    assert.deepEqual(target(['-p', '8883', '--no-tls']), { kind: 'tcp', host: 'localhost', port: 8883, noDelay: false });
    assert.equal(target(['-L', 'mqtts://h/t', '--no-tls']).tls, undefined);
    const unread = target(['--cafile', '/nonexistent/ca.crt', '--no-tls']);
    assert.deepEqual([unread.port, unread.tls], [8883, undefined]);
    usageError(['--cert', ca, '--no-tls'], 'Both certfile and keyfile must be provided if one of them is set.');
  });

  it('--tls-engine, --tls-engine-kpass-sha1 and --keyform engine are refused, saying mqt has no OpenSSL engine support', () => {
    const reason = 'is not supported: mqt has no OpenSSL engine support (Node.js does not load OpenSSL engines).';
    usageError(['--tls-engine', 'pkcs11'], `--tls-engine ${reason}`);
    usageError(['--cert', ca, '--key', ca, '--keyform', 'engine'], `--keyform engine ${reason} Give --key a PEM file.`);
    usageError(['--tls-engine-kpass-sha1', 'ab'], 'when using tls-engine-kpass-sha1, both tls-engine and keyform must also be provided.');
    usageError(['--tls-engine', 'e', '--cert', ca, '--key', ca, '--keyform', 'pem', '--tls-engine-kpass-sha1', 'ab'], `--tls-engine ${reason}`);
  });

  it('--tls-version is the one version spoken; --sni, --ciphers and --tls-alpn pass through', () => {
    assert.deepEqual(target(['--tls-version', 'tlsv1.2', '--sni', 'broker.lan', '--ciphers', 'ECDHE-RSA-AES128-GCM-SHA256', '--tls-alpn', 'mqtt']).tls, {
      verify: true,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-RSA-AES128-GCM-SHA256',
      alpn: ['mqtt'],
      servername: 'broker.lan',
    });
    usageError(['--tls-version', 'tlsv1.1'], "--tls-version tlsv1.1 is too old: Node's OpenSSL refuses it. Use tlsv1.2 or tlsv1.3.");
    usageError(['--tls-version', '1.3'], "Invalid --tls-version '1.3': use tlsv1.3 or tlsv1.2.");
    usageError(['--sni', '10.0.0.1'], "--sni takes a host name, not '10.0.0.1': TLS sends no IP addresses as server names (use -h for the address).");
  });

  it('--psk takes even-length hex and needs --psk-identity; certificates and PSK exclude each other', () => {
    assert.deepEqual(target(['--psk', '00FF10', '--psk-identity', 'dev1']).tls, {
      verify: true,
      psk: { identity: 'dev1', key: Buffer.from([0x00, 0xff, 0x10]) },
    });
    usageError(['--psk', 'abc', '--psk-identity', 'dev1'], 'Invalid PSK key: 3 hex digits; a key is whole bytes, an even number of digits.');
    usageError(['--psk', '00ff'], '--psk-identity required if --psk used.');
    usageError(['--psk-identity', 'dev1'], '--psk-identity given but no --psk.');
    usageError(['--psk', '00ff', '--psk-identity', 'x'.repeat(129)], 'Invalid --psk-identity: it must be 1 to 128 bytes long.');
    usageError(
      ['--psk', '00ff', '--psk-identity', 'dev1', '--cafile', ca],
      'Only one of --psk or --cafile/--capath/--tls-use-os-certs/--cert/--insecure may be used at once.',
    );
  });

  it('--cert and --key go together, and --keypass with them', () => {
    usageError(['--cert', ca], 'Both certfile and keyfile must be provided if one of them is set.');
    usageError(['--keypass', 'x'], '--keypass given but no --key.');
  });

  it('--capath reads the certificates of every file in the folder, and refuses a folder without any', async () => {
    const folder = join(dir, 'cas');
    await mkdir(folder);
    await writeFile(join(folder, 'a.crt'), `${CA}${CA}`);
    await writeFile(join(folder, 'README'), 'not a certificate');
    assert.equal(target(['--capath', folder]).tls?.ca?.length, 2);
    await writeFile(join(folder, 'a.crt'), 'gone');
    assert.throws(() => target(['--capath', folder]), { message: `CA folder ${folder} holds no PEM certificates.` });
  });
});
