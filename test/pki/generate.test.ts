import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import { ErrorCode, MqttError } from '../../src/lib/errors.js';
import { generateCertificates, type CertificatePlan, type GeneratedSet } from '../../src/lib/pki/generate.js';
import { inspectCertificate, type CertificateFacts } from '../../src/lib/pki/inspect.js';
import { parseHostName } from '../../src/lib/pki/names.js';
import { makeTempFolder } from '../support/run-folder.js';

const DAY_MS = 86_400_000;

function plan(dir: string, overrides: Partial<CertificatePlan> = {}): CertificatePlan {
  return {
    dir,
    bits: 2048,
    force: false,
    now: new Date(),
    ca: { commonName: 'mqt CA test', days: 3650 },
    server: { names: ['localhost', '127.0.0.1', 'broker.lan'].map(parseHostName), days: 825, keepExisting: false },
    clients: ['device1'],
    clientDays: 400,
    ...overrides,
  };
}

function facts(pem: string): CertificateFacts {
  return inspectCertificate(pem, 'test').facts;
}

function rejectsWith(code: string, pattern: RegExp): (err: unknown) => boolean {
  return (err) => err instanceof MqttError && err.code === code && pattern.test(err.message);
}

/**
 * The certificate layout of shared/reference/cert-psk.md §0, which passed every client tried:
 * each item here prevents a failure reproduced there. One CA + server + client set (three RSA
 * keys) serves the whole file.
 */
describe('gen-ca certificates', function () {
  this.timeout(30_000);
  let dir: string;
  let set: GeneratedSet;
  let started: number;

  before(async () => {
    dir = await makeTempFolder('mqt-pki');
    started = Date.now();
    set = await generateCertificates(plan(join(dir, 'certs'), { now: new Date(started) }));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('make a CA that boards take as one: CA:TRUE critical, keyCertSign + cRLSign, SHA-256, its own subject', () => {
    const ca = facts(set.ca.certPem);
    assert.equal(set.ca.created, true);
    assert.equal(ca.subject, 'CN=mqt CA test, O=mqt');
    assert.equal(ca.issuer, ca.subject);
    assert.deepEqual(ca.basicConstraints, { ca: true, critical: true });
    assert.deepEqual(ca.keyUsage, { critical: true, usages: ['keyCertSign', 'cRLSign'] });
    assert.equal(ca.signature.hash, 'SHA-256');
    assert.deepEqual(ca.key, { type: 'RSA', bits: 2048 });
    assert.ok(ca.subjectKeyId !== undefined);
    assert.ok(Math.abs(ca.notAfter.getTime() - (started + 3650 * DAY_MS)) < 60_000);
  });

  it('make a server certificate with every IP also as a DNS entry, serverAuth, and the AKI of the CA', () => {
    const server = facts(set.server.certPem);
    const ca = facts(set.ca.certPem);
    assert.equal(server.subject, 'CN=localhost');
    assert.deepEqual(server.altNames, { dns: ['localhost', '127.0.0.1', 'broker.lan'], ip: ['127.0.0.1'], other: 0 });
    assert.deepEqual(server.basicConstraints, { ca: false, critical: true });
    assert.deepEqual(server.keyUsage, { critical: true, usages: ['digitalSignature', 'keyEncipherment'] });
    assert.deepEqual(server.extendedKeyUsage, ['serverAuth']);
    assert.equal(server.authorityKeyId, ca.subjectKeyId, "forge's keyIdentifier: true would put the server's own id here");
    assert.notEqual(server.subjectKeyId, ca.subjectKeyId);
    assert.equal(server.signature.hash, 'SHA-256', "forge's default is SHA-1");
    assert.ok(Math.abs(server.notBefore.getTime() - (started - 3_600_000)) < 60_000, 'valid from an hour ago');
    assert.ok(Math.abs(server.notAfter.getTime() - (started + 825 * DAY_MS)) < 60_000);
  });

  it('make client certificates named by their CN, for clientAuth', () => {
    const [client] = set.clients;
    const device = facts(client!.certPem);
    assert.equal(device.subject, 'CN=device1');
    assert.deepEqual(device.extendedKeyUsage, ['clientAuth']);
    assert.equal(device.altNames, undefined);
    assert.ok(Math.abs(device.notAfter.getTime() - (started + 400 * DAY_MS)) < 60_000);
  });

  it('chain in OpenSSL (through Node): issued by the CA and signed by its key', () => {
    const ca = new X509Certificate(set.ca.certPem);
    for (const pem of [set.server.certPem, set.clients[0]!.certPem]) {
      const leaf = new X509Certificate(pem);
      assert.equal(leaf.checkIssued(ca), true);
      assert.equal(leaf.verify(ca.publicKey), true);
    }
  });

  it('use positive 16-byte serials, different each time', () => {
    const serials = [set.ca.certPem, set.server.certPem, set.clients[0]!.certPem].map((pem) => facts(pem).serialHex);
    for (const serial of serials) {
      assert.match(serial, /^[0-9a-f]{32}$/);
      const first = parseInt(serial.slice(0, 2), 16);
      assert.ok(first >= 1 && first <= 0x7f, `first byte ${first}: positive, no leading zero`);
    }
    assert.equal(new Set(serials).size, 3);
  });

  it('write keys 0600 and certificates 0644 (PKCS#1 keys), and no temporary file', async () => {
    const certs = join(dir, 'certs');
    assert.deepEqual((await readdir(certs)).sort(), ['ca.crt', 'ca.key', 'device1.crt', 'device1.key', 'server.crt', 'server.key']);
    for (const name of ['ca.key', 'server.key', 'device1.key']) {
      assert.equal((await stat(join(certs, name))).mode & 0o777, 0o600, name);
      assert.match(await readFile(join(certs, name), 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----\n/);
    }
    for (const name of ['ca.crt', 'server.crt', 'device1.crt']) assert.equal((await stat(join(certs, name))).mode & 0o777, 0o644, name);
  });

  it('refuse to overwrite anything without force, before making a key', async () => {
    const certs = join(dir, 'certs');
    const before = await readFile(join(certs, 'server.crt'), 'utf8');
    await assert.rejects(generateCertificates(plan(certs)), rejectsWith(ErrorCode.FileExists, /server\.key exists already/));
    assert.equal(await readFile(join(certs, 'server.crt'), 'utf8'), before);
  });

  it('reuse the CA and keep the server certificate when only clients are added', async () => {
    const certs = join(dir, 'certs');
    const added = await generateCertificates(plan(certs, { clients: ['device2'], server: { ...plan(certs).server, keepExisting: true } }));
    assert.equal(added.ca.created, false);
    assert.equal(added.ca.certPem, set.ca.certPem);
    assert.equal(added.server.kept, true);
    assert.equal(added.server.certPem, set.server.certPem);
    assert.equal(new X509Certificate(added.clients[0]!.certPem).checkIssued(new X509Certificate(set.ca.certPem)), true);
  });

  it('replace the server certificate with force, under the same CA', async () => {
    const certs = join(dir, 'certs');
    const again = await generateCertificates(
      plan(certs, { force: true, clients: [], server: { names: [parseHostName('10.0.0.5')], days: 30, keepExisting: false } }),
    );
    assert.equal(again.ca.certPem, set.ca.certPem);
    assert.deepEqual(facts(again.server.certPem).altNames, { dns: ['10.0.0.5'], ip: ['10.0.0.5'], other: 0 });
    assert.equal(await readFile(join(certs, 'server.crt'), 'utf8'), again.server.certPem);
    assert.equal((await stat(join(certs, 'server.key'))).mode & 0o777, 0o600);
  });

  it('refuse a CA it cannot sign with: half a CA, a foreign key, an encrypted key, no certificate', async () => {
    const certs = join(dir, 'broken');
    await mkdir(certs);
    const fail = (pattern: RegExp, code: string = ErrorCode.InvalidCertificate) =>
      assert.rejects(generateCertificates(plan(certs, { clients: [] })), rejectsWith(code, pattern));
    await copyFile(join(dir, 'certs', 'ca.crt'), join(certs, 'ca.crt'));
    await fail(/ca\.crt exists but .*ca\.key does not/, ErrorCode.FileExists);
    await copyFile(join(dir, 'certs', 'server.key'), join(certs, 'ca.key'));
    await fail(/ca\.key is not the key of .*ca\.crt/);
    const rsa = forge.pki.privateKeyFromPem(await readFile(join(dir, 'certs', 'ca.key'), 'utf8'));
    await writeFile(join(certs, 'ca.key'), forge.pki.encryptRsaPrivateKey(rsa, 'secret'));
    await fail(/ca\.key is encrypted/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await writeFile(join(certs, 'ca.key'), ec.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await writeFile(join(certs, 'ca.crt'), 'not a certificate\n');
    await fail(/ca\.crt is not a PEM certificate: only an RSA CA can sign/);
    await unlink(join(certs, 'ca.crt'));
    assert.deepEqual((await readdir(certs)).sort(), ['ca.key'], 'nothing written by the refusals');
  });
});
