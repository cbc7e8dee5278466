import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { requireOpenssl } from '../support/tools.js';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { opensslPki, type OpensslPki } from '../support/openssl-pki.js';
import { freePort } from '../support/ports.js';
import { assertOneConfigError, confArgs, startServe, type RunningServe } from '../support/serve.js';
import { mqtInProcess } from '../support/in-process.js';
import { mosquittoPub, runTool } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

/** More than Node's default limit of 16 KiB of HTTP headers. */
const BIG_COOKIE = `session=${'c'.repeat(20_000)}`;

interface Ports {
  /** require_certificate with crlfile. */
  crl: number;
  /** The same with a two-level CA: cafile root and intermediate, crlfile both CRLs. */
  chain: number;
  /** dhparamfile with 3072-bit parameters. */
  dh: number;
  /** TLS without dhparamfile. */
  tls: number;
  /** bind_interface lo. */
  lo: number;
}

/**
 * crlfile, dhparamfile and bind_interface against the real mosquitto running the same lines, and
 * http_dir with websockets_headers_size (Debian's mosquitto has no WebSocket support).
 */
describe('interop: crlfile, dhparamfile, bind_interface, http_dir of mqt serve', function () {
  this.timeout(90_000);
  let dir: string;
  let openssl: string;
  let pki: OpensslPki;
  let mosquitto: Mosquitto | undefined;
  let serve: RunningServe | undefined;
  const mqtPorts: Ports = { crl: 0, chain: 0, dh: 0, tls: 0, lo: 0 };
  const mosquittoPorts: Ports = { crl: 0, chain: 0, dh: 0, tls: 0, lo: 0 };
  let ws = 0;
  const file = (name: string): string => join(dir, name);
  const lines = (ports: Ports): string[] => {
    const server = [`certfile ${pki.server.cert}`, `keyfile ${pki.server.key}`];
    return [
      `listener ${ports.crl} 127.0.0.1`,
      `cafile ${pki.ca}`,
      ...server,
      'require_certificate true',
      `crlfile ${pki.crl}`,
      `listener ${ports.chain} 127.0.0.1`,
      `cafile ${pki.chain.bundle}`,
      ...server,
      'require_certificate true',
      `crlfile ${pki.chainCrl}`,
      `listener ${ports.dh} 127.0.0.1`,
      ...server,
      `dhparamfile ${file('dh3072.pem')}`,
      `listener ${ports.tls} 127.0.0.1`,
      ...server,
      `listener ${ports.lo}`,
      'bind_interface lo',
    ];
  };
  const run = async (args: string[]): Promise<string> => {
    const result = await runTool(openssl, args, { timeoutMs: 20_000 });
    assert.equal(result.code, 0, `openssl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };

  before(async function () {
    requireMosquitto(this);
    openssl = requireOpenssl(this);
    dir = await makeTempFolder('mqt-serve-conf-extras');
    pki = await opensslPki(openssl);
    await run(['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe3072', '-out', file('dh3072.pem')]);
    await mkdir(file('www'));
    await writeFile(file('www/index.html'), '<script src="mqtt.js"></script>');

    Object.assign(mosquittoPorts, { crl: await freePort(), chain: await freePort(), dh: await freePort(), tls: await freePort(), lo: await freePort() });
    mosquitto = await startMosquitto(lines(mosquittoPorts));
    Object.assign(mqtPorts, { chain: await freePort(), dh: await freePort(), tls: await freePort(), lo: await freePort() });
    ws = await freePort();
    serve = await startServe(
      confArgs(dir, 'extras', (port) => {
        mqtPorts.crl = port;
        return ['allow_anonymous true', 'websockets_headers_size 32768', ...lines(mqtPorts), `listener ${ws} 127.0.0.1`, 'protocol websockets', `http_dir ${file('www')}`];
      }, ['-v']),
    );
  });
  after(async () => {
    serve?.tool.kill();
    await serve?.tool.exited;
    await mosquitto?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const publish = (port: number, cert: { cert: string; key: string }) =>
    mosquittoPub(['--cafile', pki.ca, '--cert', cert.cert, '--key', cert.key, '-h', '127.0.0.1', '-p', String(port), '-t', 'crl', '-m', 'x']);

  it('crlfile: a client certificate the CRL revokes is refused, the others accepted, as by mosquitto', async () => {
    for (const port of [mqtPorts.crl, mosquittoPorts.crl]) {
      const good = await publish(port, pki.client);
      assert.equal(good.code, 0, good.stderr);
      const revoked = await publish(port, pki.revoked);
      assert.notEqual(revoked.code, 0, `port ${port} let a revoked certificate in`);
    }
    await serve!.tool.waitForOutput(/failed: TLS error: client certificate refused \(CERT_REVOKED\)\.$/m, 5000);
  });

  it("crlfile with a two-level CA: only the client's own certificate is checked, against every CRL of the file, as by mosquitto", async () => {
    const results: Record<string, boolean[]> = {};
    for (const [name, port] of [['mqt', mqtPorts.chain], ['mosquitto', mosquittoPorts.chain]] as const) {
      const accepted = async (cert: { cert: string; key: string }): Promise<boolean> => (await publish(port, cert)).code === 0;
      results[name] = [await accepted(pki.chainClient), await accepted(pki.chainRevoked), await accepted(pki.client), await accepted(pki.revoked)];
    }
    assert.deepEqual(results, { mqt: [true, false, true, false], mosquitto: [true, false, true, false] });
  });

  /** The DH group the server offers a TLS 1.2 client that speaks only DHE. */
  const dheKey = async (port: number): Promise<string | undefined> => {
    const result = await runTool(openssl, ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-cipher', 'DHE-RSA-AES128-GCM-SHA256'], { timeoutMs: 20_000, input: '' });
    return /Server Temp Key: (.*)/.exec(result.stdout)?.[1];
  };

  it("dhparamfile: the DHE suites use the file's parameters; without it OpenSSL's, as in mosquitto", async () => {
    // mosquitto 2.0 on OpenSSL 3 keeps OpenSSL's automatic parameters even with dhparamfile; mqt uses the file.
    assert.equal(await dheKey(mqtPorts.dh), 'DH, 3072 bits');
    const automatic = await dheKey(mosquittoPorts.tls);
    assert.match(automatic ?? '', /^DH, \d+ bits$/);
    assert.equal(await dheKey(mqtPorts.tls), automatic);
  });

  it('bind_interface lo: reachable on 127.0.0.1, as with mosquitto', async () => {
    for (const port of [mqtPorts.lo, mosquittoPorts.lo]) {
      const result = await mosquittoPub(['-h', '127.0.0.1', '-p', String(port), '-t', 'lo', '-m', 'x']);
      assert.equal(result.code, 0, result.stderr);
    }
  });

  it('http_dir: the websockets port serves the page, takes big cookies (websockets_headers_size) and still speaks MQTT', async () => {
    const page = await fetch(`http://127.0.0.1:${ws}/`, { headers: { Cookie: BIG_COOKIE } });
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await page.text(), '<script src="mqtt.js"></script>');
    assert.equal((await fetch(`http://127.0.0.1:${ws}/mqtt.js`)).status, 404);
    const client = await mqtt.connectAsync(`ws://127.0.0.1:${ws}`, { reconnectPeriod: 0, connectTimeout: 5000 });
    try {
      assert.equal(client.connected, true);
    } finally {
      await client.endAsync();
    }
  });
});

describe('interop: mqt serve refuses bad crlfile, dhparamfile, bind_interface, http_dir lines at start-up', function () {
  this.timeout(30_000);
  let dir: string;
  let pki: OpensslPki;
  before(async function () {
    const openssl = requireOpenssl(this);
    dir = await makeTempFolder('mqt-serve-conf-extras-bad');
    pki = await opensslPki(openssl);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const cases: [string, (d: string) => string[], RegExp][] = [
    ['a missing crlfile', (d) => [`crlfile ${d}/none.crl`], /^Error: \S+bad\.conf:5: Unable to load certificate revocation file "\S+none\.crl": No such file or directory\. Check crlfile\.$/],
    ['a crlfile that is no CRL', () => [`crlfile ${pki.ca}`], /^Error: \S+bad\.conf:5: Unable to load certificate revocation file "\S+ca\.crt": .+\. Check crlfile\.$/],
    ['a dhparamfile with no DH parameters', () => [`dhparamfile ${pki.ca}`], /^Error: \S+bad\.conf:5: Unable to load Diffie-Hellman parameters "\S+ca\.crt": no PEM DH PARAMETERS in it\. Check dhparamfile\.$/],
    ['an unknown bind_interface', () => ['bind_interface nope0'], /^Error: \S+bad\.conf:5: Interface nope0 does not exist\.$/],
    ['a missing http_dir', (d) => ['protocol websockets', `http_dir ${d}/www`], /^Error: \S+bad\.conf:6: Unable to open http_dir "\S+www": No such file or directory\.$/],
  ];
  for (const [what, extra, error] of cases) {
    it(`${what}: one line naming file and line, exit 1`, async () => {
      const conf = join(dir, 'bad.conf');
      const port = await freePort();
      await writeFile(conf, `${[`listener ${port} 127.0.0.1`, `cafile ${pki.ca}`, `certfile ${pki.server.cert}`, `keyfile ${pki.server.key}`, ...extra(dir)].join('\n')}\n`);
      assertOneConfigError(await mqtInProcess(['serve', '-c', conf]), error);
    });
  }
});
