import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import { ErrorCode, MqttError } from '../../src/lib/errors.js';
import { loadCa } from '../../src/lib/pki/ca.js';
import { STACKS, checkCertificate, type CheckReport } from '../../src/lib/pki/check.js';
import { certificatesInPem, inspectCertificate, type InspectedCertificate } from '../../src/lib/pki/inspect.js';
import { requireOpenssl } from '../support/tools.js';
import { runTool } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

/**
 * The verdicts of `gen-ca --check` against the matrix of shared/reference/cert-psk.md §3.1,
 * which was measured with mosquitto_sub 2.0.11, OpenSSL's host checks (mosquitto 2.1), mbedTLS
 * 2.28 (ESP32) and BearSSL (ESP8266). The certificates are made with openssl, the way tutorials
 * make them. Each verdict string is one letter per stack, in STACKS order: Y accepts, N refuses.
 */
describe('gen-ca --check verdicts', function () {
  this.timeout(30_000);
  let dir: string;
  let openssl: string;
  let n = 0;

  const run = async (args: string[]): Promise<void> => {
    const result = await runTool(openssl, args, { timeoutMs: 10_000 });
    assert.equal(result.code, 0, `openssl ${args.join(' ')}: ${result.stderr}`);
  };

  /** A certificate for CN signed by `ca` (or self-signed), with these extension lines (none: version 1). */
  const make = async (cn: string, extensions: string[] | undefined, ca?: string, digest = 'sha256'): Promise<string> => {
    const stem = join(dir, `c${++n}`);
    const ext = extensions === undefined ? [] : ['-extfile', `${stem}.ext`, '-extensions', 'e'];
    if (extensions !== undefined) await writeFile(`${stem}.ext`, `[e]\n${extensions.join('\n')}\n`);
    await run(['req', '-new', '-key', join(dir, 'key.pem'), '-subj', `/CN=${cn}`, '-config', join(dir, 'min.cnf'), '-out', `${stem}.csr`]);
    const signer = ca === undefined ? ['-signkey', join(dir, 'key.pem')] : ['-CA', ca, '-CAkey', join(dir, 'key.pem'), '-set_serial', String(1000 + n)];
    await run(['x509', '-req', '-in', `${stem}.csr`, ...signer, '-days', '30', `-${digest}`, ...ext, '-out', `${stem}.pem`]);
    return `${stem}.pem`;
  };

  const inspect = async (file: string): Promise<InspectedCertificate> => inspectCertificate((await readFile(file, 'utf8')).trim(), file);

  const verdicts = (report: CheckReport, host: string): string => {
    const check = report.hosts.find((h) => h.host === host);
    assert.ok(check !== undefined, `no verdict for ${host}`);
    return STACKS.map((stack) => (check.refusals[stack].length === 0 ? 'Y' : 'N')).join('');
  };

  let caV3: string;
  const serverExt = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth'];

  before(async function () {
    openssl = requireOpenssl(this);
    dir = await makeTempFolder('mqt-check');
    await writeFile(join(dir, 'min.cnf'), '[req]\ndistinguished_name=dn\n[dn]\n');
    await run(['genrsa', '-out', join(dir, 'key.pem'), '2048']);
    caV3 = await make('Test CA', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash']);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const rows: [string, string, string[] | undefined, string, string][] = [
    // row, CN, extensions, verdicts for localhost, for 127.0.0.1 (2.0, 2.1, ESP32, ESP8266)
    ['1: version 1, CN=localhost', 'localhost', undefined, 'YYYY', 'NNNN'],
    ['3: DNS:localhost, IP:127.0.0.1', 'localhost', [...serverExt, 'subjectAltName=DNS:localhost,IP:127.0.0.1'], 'YYYY', 'YYNN'],
    ['5: IP:127.0.0.1 only', 'localhost', [...serverExt, 'subjectAltName=IP:127.0.0.1'], 'YYNN', 'YYNN'],
    ['6: DNS:127.0.0.1 only', 'myhost', [...serverExt, 'subjectAltName=DNS:127.0.0.1'], 'NNNN', 'YNYY'],
    ['7: the gen-ca layout', 'localhost', [...serverExt, 'subjectAltName=DNS:localhost,DNS:127.0.0.1,IP:127.0.0.1'], 'YYYY', 'YYYY'],
    ['8: extendedKeyUsage clientAuth only', 'localhost', ['extendedKeyUsage=clientAuth', 'subjectAltName=DNS:localhost'], 'NNNY', 'NNNN'],
    ['9: keyUsage without digitalSignature', 'localhost', ['keyUsage=critical,keyEncipherment', 'subjectAltName=DNS:localhost'], 'YYNN', 'NNNN'],
  ];
  for (const [row, cn, extensions, atName, atIp] of rows) {
    it(`row ${row}`, async () => {
      const report = checkCertificate({ cert: await inspect(await make(cn, extensions, caV3)), ca: await inspect(caV3), hosts: ['localhost', '127.0.0.1'], now: new Date() });
      assert.equal(report.chain, 'verified');
      assert.equal(verdicts(report, 'localhost'), atName, 'localhost');
      assert.equal(verdicts(report, '127.0.0.1'), atIp, '127.0.0.1');
    });
  }

  it('row 10: a SHA-1 signature is refused by OpenSSL 3 and mbedTLS, not BearSSL', async () => {
    const cert = await inspect(await make('localhost', [...serverExt, 'subjectAltName=DNS:localhost'], caV3, 'sha1'));
    assert.equal(cert.facts.signature.algorithm, 'RSA with SHA-1');
    assert.equal(verdicts(checkCertificate({ cert, ca: await inspect(caV3), hosts: ['localhost'], now: new Date() }), 'localhost'), 'NNNY');
  });

  it('rows 16 and 17: a version 1 CA fails only on BearSSL; a CA without basicConstraints on both boards', async () => {
    const leafExt = [...serverExt, 'subjectAltName=DNS:localhost'];
    const v1 = await make('Old CA', undefined);
    const noBc = await make('Half CA', ['keyUsage=critical,keyCertSign,cRLSign']);
    const v1Report = checkCertificate({ cert: await inspect(await make('localhost', leafExt, v1)), ca: await inspect(v1), hosts: ['localhost'], now: new Date() });
    assert.equal(verdicts(v1Report, 'localhost'), 'YYYN');
    const noBcReport = checkCertificate({ cert: await inspect(await make('localhost', leafExt, noBc)), ca: await inspect(noBc), hosts: ['localhost'], now: new Date() });
    assert.equal(verdicts(noBcReport, 'localhost'), 'YYNN');
    assert.match(noBcReport.hosts[0]!.refusals.esp32.join(' '), /no basicConstraints CA:TRUE/);
  });

  it("forge's AKI trap: the leaf's own key id in the AKI fails OpenSSL, not the boards", async () => {
    const caCert = forge.pki.certificateFromPem(await readFile(caV3, 'utf8'));
    const caKey = forge.pki.privateKeyFromPem(await readFile(join(dir, 'key.pem'), 'utf8'));
    // A key of its own, so that its id differs from the CA's.
    const own = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const leaf = forge.pki.createCertificate();
    leaf.publicKey = forge.pki.publicKeyFromPem(own.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    leaf.serialNumber = '01';
    leaf.validity.notBefore = new Date(Date.now() - 60_000);
    leaf.validity.notAfter = new Date(Date.now() + 86_400_000);
    leaf.setSubject([{ name: 'commonName', value: 'localhost' }]);
    leaf.setIssuer(caCert.subject.attributes);
    leaf.setExtensions([
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] },
      { name: 'subjectKeyIdentifier' },
      { name: 'authorityKeyIdentifier', keyIdentifier: true },
    ]);
    leaf.sign(caKey, forge.md.sha256.create());
    const cert = inspectCertificate(forge.pki.certificateToPem(leaf), 'leaf');
    const report = checkCertificate({ cert, ca: await inspect(caV3), hosts: ['localhost'], now: new Date() });
    assert.equal(verdicts(report, 'localhost'), 'NNYY');
    assert.match(report.hosts[0]!.refusals['mosquitto-2.1'].join(' '), /authority key id/);
  });

  it('says when a certificate was not signed by the CA given, or is the CA itself', async () => {
    const other = await make('Other CA', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign']);
    const cert = await inspect(await make('localhost', [...serverExt, 'subjectAltName=DNS:localhost'], caV3));
    const report = checkCertificate({ cert, ca: await inspect(other), hosts: [], now: new Date() });
    assert.equal(report.chain, 'broken');
    assert.equal(verdicts(report, 'localhost'), 'NNNN', 'without hosts, the names in the certificate are judged');
    const same = checkCertificate({ cert: await inspect(caV3), ca: await inspect(caV3), hosts: [], now: new Date() });
    assert.equal(same.chain, 'same');
    assert.deepEqual([same.roles.ca, same.hosts.length], [true, 0]);
  });

  it('judges expiry with the clock given, and client certificates by their CN', async () => {
    const client = await inspect(await make('device7', ['extendedKeyUsage=clientAuth'], caV3));
    const later = new Date(Date.now() + 90 * 86_400_000);
    const report = checkCertificate({ cert: client, ca: await inspect(caV3), hosts: [], now: later });
    assert.deepEqual(report.roles, { ca: false, server: false, client: true });
    assert.equal(report.hosts.length, 0);
    assert.equal(report.client?.username, 'device7');
    assert.match(report.client?.refusals.join(' ') ?? '', /expired on/);
    assert.deepEqual(checkCertificate({ cert: client, ca: await inspect(caV3), hosts: [], now: new Date() }).client?.refusals, []);
  });

  it('reads EC certificates, which node-forge cannot, and refuses them as a CA to sign with', async () => {
    const ecKey = join(dir, 'ec.pem');
    await run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', ecKey]);
    await run(['req', '-x509', '-new', '-key', ecKey, '-subj', '/CN=EC CA', '-config', join(dir, 'min.cnf'), '-addext', 'basicConstraints=critical,CA:TRUE', '-out', join(dir, 'ec.crt')]);
    const certPem = await readFile(join(dir, 'ec.crt'), 'utf8');
    const { facts } = inspectCertificate(certificatesInPem(certPem)[0]!, 'ec.crt');
    assert.deepEqual(facts.key, { type: 'EC', curve: 'prime256v1' });
    assert.equal(facts.signature.algorithm, 'ECDSA with SHA-256');
    assert.throws(
      () => loadCa(certPem, 'unused', { cert: 'ec.crt', key: 'ec.key' }, new Date()),
      (err: unknown) => err instanceof MqttError && err.code === ErrorCode.InvalidCertificate && /ec\.crt has no RSA key: only an RSA CA can sign/.test(err.message),
    );
  });
});
