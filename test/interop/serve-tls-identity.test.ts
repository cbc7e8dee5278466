import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { requireOpenssl } from '../support/tools.js';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { startServe, type RunningServe } from '../support/serve.js';
import { mqtInProcess } from '../support/in-process.js';
import { mosquittoPub, runTool } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

/** A subject with a comma to escape and a multi-valued RDN: where RFC 2253 printing differs from the certificate's order. */
const SUBJECT = '/C=DE/O=Lab, Inc./OU=IoT+CN=device2';

/**
 * The usernames TLS gives, compared with the real mosquitto running the same listener lines:
 * use_subject_as_username (OpenSSL's RFC 2253 string) and use_identity_as_username without
 * require_certificate (no certificate is asked for, so every client is refused).
 */
describe('interop: usernames from TLS, mqt serve beside mosquitto', function () {
  this.timeout(60_000);
  let dir: string;
  let mosquitto: Mosquitto | undefined;
  let serve: RunningServe | undefined;
  const mqtPorts = { subject: 0, identity: 0 };
  const mosquittoPorts = { subject: 0, identity: 0 };
  const file = (name: string): string => join(dir, 'certs', name);
  const listenerLines = (ports: typeof mqtPorts): string[] => {
    const tls = [`cafile ${file('ca.crt')}`, `certfile ${file('server.crt')}`, `keyfile ${file('server.key')}`];
    return [
      `listener ${ports.subject} 127.0.0.1`,
      ...tls,
      'require_certificate true',
      'use_subject_as_username true',
      `listener ${ports.identity} 127.0.0.1`,
      ...tls,
      'use_identity_as_username true',
    ];
  };

  before(async function () {
    requireMosquitto(this);
    const openssl = requireOpenssl(this);
    dir = await makeTempFolder('mqt-serve-tls-identity');
    const made = await mqtInProcess(['gen-ca', '--out', join(dir, 'certs')]);
    assert.equal(made.code, 0, made.stderr);
    const steps = [
      ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('d2.key'), '-subj', SUBJECT, '-out', file('d2.csr')],
      ['x509', '-req', '-in', file('d2.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-days', '2', '-sha256', '-out', file('d2.crt')],
    ];
    for (const args of steps) {
      const result = await runTool(openssl, args, { timeoutMs: 20_000 });
      assert.equal(result.code, 0, result.stderr);
    }
    Object.assign(mosquittoPorts, { subject: await freePort(), identity: await freePort() });
    mosquitto = await startMosquitto(listenerLines(mosquittoPorts));
    mqtPorts.identity = await freePort();
    serve = await startServe((port) => {
      mqtPorts.subject = port;
      const conf = join(dir, `mqt-${port}.conf`);
      writeFileSync(conf, `${['allow_anonymous true', ...listenerLines(mqtPorts)].join('\n')}\n`);
      return ['-c', conf, '-v'];
    });
  });
  after(async () => {
    serve?.tool.kill();
    await serve?.tool.exited;
    await mosquitto?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('use_subject_as_username: the same RFC 2253 subject as mosquitto, the CONNECT username ignored', async () => {
    const connect = (port: number, id: string) =>
      mosquittoPub(['--cafile', file('ca.crt'), '--cert', file('d2.crt'), '--key', file('d2.key'), '-h', 'localhost', '-p', String(port), '-u', 'ignored', '-i', id, '-t', 'x', '-m', 'x']);
    for (const [port, id] of [[mqtPorts.subject, 'subj-mqt'], [mosquittoPorts.subject, 'subj-mosquitto']] as const) {
      const result = await connect(port, id);
      assert.equal(result.code, 0, result.stderr);
    }
    const username = (log: string, id: string) => new RegExp(`as ${id} \\(.*, u'(.*)'\\)\\.`).exec(log)?.[1];
    const expected = username(mosquitto!.log(), 'subj-mosquitto');
    assert.equal(expected, 'CN=device2+OU=IoT,O=Lab\\, Inc.,C=DE');
    await serve!.tool.waitForOutput(/as subj-mqt \(.*\)\.$/m, 5000);
    assert.equal(username(serve!.tool.stderr, 'subj-mqt'), expected);
  });

  for (const version of ['mqttv311', 'mqttv5'] as const) {
    it(`use_identity_as_username without a certificate: refused like mosquitto (${version})`, async () => {
      const connect = (port: number) => mosquittoPub(['--cafile', file('ca.crt'), '-h', 'localhost', '-p', String(port), '-V', version, '-u', 'someone', '-t', 'x', '-m', 'x']);
      const [ours, theirs] = [await connect(mqtPorts.identity), await connect(mosquittoPorts.identity)];
      assert.notEqual(theirs.code, 0);
      assert.match(theirs.stderr, /bad user name or password/i);
      assert.deepEqual({ code: ours.code, stderr: ours.stderr }, { code: theirs.code, stderr: theirs.stderr });
    });
  }
});
