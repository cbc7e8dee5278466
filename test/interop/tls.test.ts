import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireOpenssl, requireScript } from '../support/tools.js';
import { brokerSubscribed, unique } from '../support/hooks.js';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { opensslPki, type OpensslPki } from '../support/openssl-pki.js';
import { freePort } from '../support/ports.js';
import { failedWith } from '../support/failures.js';
import { mqtInProcess } from '../support/in-process.js';
import { MQT_BIN, startMqt, startTool, stopAllTools, type ToolResult } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

/**
 * mqt pub and sub over TLS to a real mosquitto whose certificates openssl made, as in the
 * tutorials: accepted by name, refused in words for a wrong name, an unknown CA, an expired or
 * self-signed certificate, a plain port; --insecure; client certificates as usernames.
 */
describe('interop: TLS with openssl certificates', function () {
  this.timeout(60_000);
  let dir: string;
  let pki: OpensslPki;
  let broker: Mosquitto | undefined;
  const port = { tls: 0, elsewhere: 0, expired: 0, selfSigned: 0, mutual: 0 };

  before(async function () {
    requireMosquitto(this);
    const openssl = requireOpenssl(this);
    dir = await makeTempFolder('mqt-tls');
    pki = await opensslPki(openssl);
    for (const key of Object.keys(port) as (keyof typeof port)[]) port[key] = await freePort();
    const listener = (p: number, files: { cert: string; key: string }): string[] => [
      `listener ${p} 127.0.0.1`,
      `cafile ${pki.ca}`,
      `certfile ${files.cert}`,
      `keyfile ${files.key}`,
    ];
    broker = await startMosquitto([
      ...listener(port.tls, pki.server),
      ...listener(port.elsewhere, pki.elsewhere),
      ...listener(port.expired, pki.expired),
      ...listener(port.selfSigned, pki.selfSigned),
      ...listener(port.mutual, pki.server),
      'require_certificate true',
      'use_identity_as_username true',
    ]);
  });
  afterEach(() => stopAllTools());
  after(async () => {
    await broker?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const pub = (args: string[]): Promise<ToolResult> => mqtInProcess(['pub', '-t', 'tls/t', '-m', 'x', ...args]);

  it('carries a QoS 1 message from mqt pub to mqt sub, both checking the certificate by name (localhost, 127.0.0.1)', async () => {
    const id = unique('tls-sub');
    const topic = unique('tls');
    const sub = startMqt(['sub', '--cafile', pki.ca, '-h', 'localhost', '-p', String(port.tls), '-i', id, '-t', topic, '-q', '1', '-C', '1']);
    await brokerSubscribed(broker!, id);
    const sent = await mqtInProcess(['pub', '--cafile', pki.ca, '-h', '127.0.0.1', '-p', String(port.tls), '-t', topic, '-q', '1', '-m', 'over TLS', '-d', '-u', 'someone', '-P', 'hunter2']);
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /^Client \(null\) received PUBACK \(Mid: 1, RC:0\)$/m);
    assert.ok(!sent.stdout.includes('hunter2'), 'no password in -d output');
    const received = await sub.waitForExit(10_000);
    assert.equal(received.code, 0, received.stderr);
    assert.equal(received.stdout, 'over TLS\n');
  });

  it('refuses a certificate for other names, says which names it covers, and connects with --sni one of them', async () => {
    failedWith(
      await pub(['--cafile', pki.ca, '-h', '127.0.0.1', '-p', String(port.elsewhere)]),
      'Error: TLS: the broker\'s certificate does not cover "127.0.0.1"; it covers broker.test (connect with one of those names, or --sni NAME).',
    );
    failedWith(
      await pub(['--cafile', pki.ca, '-h', 'localhost', '-p', String(port.tls), '--sni', 'broker.test']),
      'Error: TLS: the broker\'s certificate does not cover "broker.test"; it covers localhost, 127.0.0.1 (connect with one of those names, or --sni NAME).',
    );
    const sni = await pub(['--cafile', pki.ca, '-h', '127.0.0.1', '-p', String(port.elsewhere), '--sni', 'broker.test']);
    assert.equal(sni.code, 0, sni.stderr);
  });

  it('refuses a CA it was not given: the public CAs only, or another CA file', async () => {
    const line = 'Error: TLS: the broker\'s certificate is signed by "Test CA", a CA mqt does not trust: pass that CA\'s certificate with --cafile FILE.';
    failedWith(await pub(['--tls-use-os-certs', '-h', 'localhost', '-p', String(port.tls)]), line);
    failedWith(await pub(['--cafile', pki.otherCa, '-h', 'localhost', '-p', String(port.tls)]), line);
  });

  it('refuses an expired and a self-signed certificate, each in one line', async () => {
    failedWith(
      await pub(['--cafile', pki.ca, '-h', 'localhost', '-p', String(port.expired)]),
      "Error: TLS: the broker's certificate expired on 2020-02-01: the broker needs a new one (or this computer's clock is wrong).",
    );
    failedWith(
      await pub(['--cafile', pki.ca, '-h', 'localhost', '-p', String(port.selfSigned)]),
      'Error: TLS: the broker\'s certificate ("localhost") is self-signed, no CA vouches for it: trust it with --cafile FILE (the certificate itself), or skip the checks with --insecure.',
    );
    const trusted = await pub(['--cafile', pki.selfSigned.cert, '-h', 'localhost', '-p', String(port.selfSigned)]);
    assert.equal(trusted.code, 0, trusted.stderr);
  });

  it('--insecure connects whatever the certificate: expired, for another name, of an unknown CA', async () => {
    for (const p of [port.expired, port.elsewhere, port.selfSigned]) {
      const result = await pub(['--insecure', '-h', '127.0.0.1', '-p', String(p)]);
      assert.equal(result.code, 0, result.stderr);
    }
  });

  it('names a plain MQTT port spoken to with TLS', async () => {
    failedWith(
      await pub(['--cafile', pki.ca, '-h', 'localhost', '-p', String(broker!.port)]),
      'Error: TLS: the broker closed the connection during the TLS handshake: no TLS on this port? (plain MQTT is usually on 1883, TLS on 8883)',
    );
  });

  it('says when a PSK client reaches a certificate port', async () => {
    failedWith(
      await pub(['--psk', '00112233', '--psk-identity', 'dev1', '-h', 'localhost', '-p', String(port.tls)]),
      "Error: TLS-PSK: this port answered with a certificate, not PSK (mosquitto ignores psk_hint on a listener with certfile): use the PSK listener's port.",
    );
  });

  it('require_certificate + use_identity_as_username: the client certificate logs in as its CN; none is refused in words', async () => {
    const id = unique('cert-user');
    const ok = await pub(['--cafile', pki.ca, '-h', 'localhost', '-p', String(port.mutual), '-i', id, '--cert', pki.client.cert, '--key', pki.client.key]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(broker!.log(), new RegExp(`New client connected from 127\\.0\\.0\\.1:\\d+ as ${id} \\(.*u'device7'\\)`));
    failedWith(
      await pub(['--cafile', pki.ca, '-h', 'localhost', '-p', String(port.mutual)]),
      'Error: TLS: the broker wants a client certificate (require_certificate): pass --cert FILE --key FILE.',
    );
  });

  it('opens an encrypted key with --keypass, and names a wrong passphrase, a key of another certificate and a missing one', async () => {
    const args = ['--cafile', pki.ca, '-h', 'localhost', '-p', String(port.mutual), '--cert', pki.client.cert];
    const ok = await pub([...args, '--key', pki.clientEncryptedKey, '--keypass', 'sesame']);
    assert.equal(ok.code, 0, ok.stderr);
    failedWith(await pub([...args, '--key', pki.clientEncryptedKey, '--keypass', 'wrong']), `Error: The passphrase does not open key file ${pki.clientEncryptedKey}.`);
    failedWith(
      await pub([...args, '--key', pki.server.key]),
      `Error: Key file ${pki.server.key} does not belong to certificate ${pki.client.cert} (they are not a pair).`,
    );
    const piped = await pub([...args, '--key', pki.clientEncryptedKey]);
    assert.equal(piped.code, 1);
    assert.match(piped.stderr, /^Error: Key file .*client-encrypted\.key is encrypted: give its passphrase with --keypass \(stdin is not a terminal to ask on\)\.$/m);
  });

  it('asks for the passphrase of an encrypted key on a terminal, without echoing it', async function () {
    const script = requireScript(this);
    const args = ['pub', '--cafile', pki.ca, '-h', 'localhost', '-p', String(port.mutual), '--cert', pki.client.cert, '--key', pki.clientEncryptedKey, '-t', 'tls/t', '-m', 'x'];
    const command = [process.execPath, MQT_BIN, ...args].map((a) => `'${a}'`).join(' ');
    const tool = startTool(script, ['-qefc', `stty rows 24 cols 100; exec ${command}`, '/dev/null'], { env: { CI: '', TERM: 'xterm' } });
    await tool.waitForOutput(/Passphrase for .*client-encrypted\.key/, 10_000, 'stdout');
    tool.write('sesame\r');
    const result = await tool.waitForExit(10_000);
    assert.equal(result.code, 0, tool.describe());
    assert.ok(!result.stdout.includes('sesame'), 'the passphrase is not echoed');
  });

  it('reads only PEM files, and says what is wrong with the others', async () => {
    const der = join(dir, 'ca.der');
    const pem = await readFile(pki.ca, 'utf8');
    await writeFile(der, Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
    const where = ['-h', 'localhost', '-p', String(port.tls)];
    failedWith(await pub(['--cafile', join(dir, 'missing.crt'), ...where]), `Error: Unable to read CA file ${join(dir, 'missing.crt')}. No such file or directory.`);
    failedWith(
      await pub(['--cafile', der, ...where]),
      `Error: CA file ${der} is a DER (binary) certificate; mqt reads PEM.\nHint: convert it with openssl x509 -inform der -in ${der} -out ${der}.pem.`,
    );
    failedWith(await pub(['--cafile', pki.server.key, ...where]), `Error: CA file ${pki.server.key} holds a private key, not a certificate.`);
    failedWith(
      await pub(['--cafile', pki.ca, '--cert', pki.client.key, '--key', pki.client.cert, ...where]),
      `Error: Certificate file ${pki.client.key} holds a private key, not a certificate.`,
    );
  });
});
