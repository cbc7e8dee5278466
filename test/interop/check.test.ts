import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireOpenssl } from '../support/tools.js';
import { passwordFile, requireMosquitto, startMosquitto } from '../support/mosquitto.js';
import { opensslPki } from '../support/openssl-pki.js';
import { mqtInProcess } from '../support/in-process.js';
import { makeTempFolder } from '../support/run-folder.js';
import { startConfBroker } from '../support/test-broker.js';

interface Running {
  port: number;
  stop(): Promise<void>;
}

/** A broker started with mosquitto.conf lines: the real mosquitto 2.0, or `mqt serve -c`. */
interface Target {
  name: string;
  start(ctx: Mocha.Context, dir: string, lines: string[]): Promise<Running>;
}

const TARGETS: Target[] = [
  {
    name: 'mosquitto 2.0',
    start: async (ctx, _dir, lines) => {
      requireMosquitto(ctx);
      const broker = await startMosquitto(lines);
      return { port: broker.port, stop: () => broker.stop() };
    },
  },
  {
    name: 'mqt serve',
    start: async (_ctx, dir, lines) => {
      // As startMosquitto does: anonymous clients are let in unless the lines say otherwise.
      const anonymous = lines.some((l) => l.startsWith('allow_anonymous ')) ? [] : ['allow_anonymous true'];
      // The broker mqt serve -c starts, in this process: these tests are about mqt check.
      const serve = await startConfBroker(dir, (port) => [`listener ${port} 127.0.0.1`, ...anonymous, ...lines]);
      return { port: serve.port, stop: () => serve.close() };
    },
  },
];

/** The --json findings, as far as these tests read them. */
interface Findings {
  versions: { version: string; connected: boolean; reasonCode?: number }[];
  probedWith?: string;
  anonymous?: boolean;
  maximumQoS?: number;
  retain?: boolean;
  wildcardSubscriptions?: boolean;
  sharedSubscriptions?: boolean;
  topicAliasMaximum?: number;
  maximumPacketSize?: number | null;
  serverKeepAlive?: { asked: number; granted: number };
  echo?: boolean;
  payload?: { took?: number; refused?: { size: number; how: { kind: string; reasonCode?: number } }; limit: number };
  sys?: { readable: boolean; version?: string };
  tls?: { protocol: string; verified: boolean; certificate?: { subject: string; issuer: string; names: string[]; selfSigned: boolean } };
}

for (const target of TARGETS) {
  describe(`mqt check against ${target.name}`, function () {
    this.timeout(60_000);
    let dir: string;
    let broker: Running | undefined;

    beforeEach(async () => {
      dir = await makeTempFolder('mqt-check');
    });
    afterEach(async () => {
      await broker?.stop();
      broker = undefined;
      await rm(dir, { recursive: true, force: true });
    });

    const check = async (ctx: Mocha.Context, lines: string[], args: string[] = []): Promise<{ code: number | null; findings: Findings; stderr: string }> => {
      broker = await target.start(ctx, dir, lines);
      const result = await mqtInProcess(['check', '-h', '127.0.0.1', '-p', String(broker.port), '--max-payload', '65536', '--json', ...args]);
      return { code: result.code, findings: JSON.parse(result.stdout || '{}') as Findings, stderr: result.stderr };
    };

    it('an open broker: every version, anonymous, QoS 2, retain, wildcards, shared subscriptions, the whole payload probe', async function () {
      const { code, findings, stderr } = await check(this, ['allow_anonymous true']);
      assert.equal(code, 0, stderr);
      assert.deepEqual(
        findings.versions.map((v) => [v.version, v.connected]),
        [
          ['3.1', true],
          ['3.1.1', true],
          ['5', true],
        ],
      );
      assert.equal(findings.probedWith, '5');
      assert.equal(findings.anonymous, true);
      assert.equal(findings.maximumQoS, 2);
      assert.equal(findings.retain, true);
      assert.equal(findings.wildcardSubscriptions, true);
      assert.equal(findings.sharedSubscriptions, true);
      assert.equal(findings.maximumPacketSize, null);
      assert.equal(findings.echo, true);
      assert.deepEqual(findings.payload, { took: 65536, limit: 65536 });
      assert.equal(findings.sys?.readable, true);
    });

    it('allow_anonymous false: refused without a password (exit with the CONNACK code), and said so with one', async function () {
      const passwd = await passwordFile(dir, { alice: 'secret' });
      const lines = ['allow_anonymous false', `password_file ${passwd}`];
      const anonymous = await check(this, lines);
      assert.equal(anonymous.code, 135, anonymous.stderr);
      assert.ok(anonymous.findings.versions.every((v) => !v.connected));
      assert.equal(anonymous.findings.anonymous, false);
      await broker?.stop();
      const withPassword = await check(this, lines, ['-u', 'alice', '-P', 'secret']);
      assert.equal(withPassword.code, 0, withPassword.stderr);
      assert.equal(withPassword.findings.anonymous, false);
      assert.equal(withPassword.findings.echo, true);
    });

    it('max_qos 1 and retain_available false: from the v5 CONNACK, and found by trying with -V mqttv311', async function () {
      const lines = ['max_qos 1', 'retain_available false'];
      const v5 = await check(this, lines);
      assert.equal(v5.code, 0, v5.stderr);
      assert.equal(v5.findings.maximumQoS, 1);
      assert.equal(v5.findings.retain, false);
      await broker?.stop();
      const v311 = await check(this, lines, ['-V', 'mqttv311']);
      assert.equal(v311.code, 0, v311.stderr);
      assert.deepEqual(v311.findings.versions.map((v) => v.version), ['3.1.1']);
      assert.equal(v311.findings.maximumQoS, 1);
      assert.equal(v311.findings.retain, false);
    });

    it('max_packet_size: stated in the v5 CONNACK, and the payload probe stops under it', async function () {
      const { code, findings, stderr } = await check(this, ['max_packet_size 2000']);
      assert.equal(code, 0, stderr);
      assert.equal(findings.maximumPacketSize, 2000);
      assert.equal(findings.payload?.took, 1024);
      assert.equal(findings.payload?.refused?.size, 4096);
    });

    it('message_size_limit: refused in the v5 PUBACK, acknowledged and dropped for v3.1.1', async function () {
      const lines = ['message_size_limit 1000'];
      const v5 = await check(this, lines, ['--max-payload', '4096']);
      assert.equal(v5.code, 0, v5.stderr);
      assert.deepEqual(v5.findings.payload, { took: 256, refused: { size: 1024, how: { kind: 'refused', reasonCode: 0x95 } }, limit: 4096 });
      await broker?.stop();
      const v311 = await check(this, lines, ['--max-payload', '4096', '-V', 'mqttv311']);
      assert.equal(v311.code, 0, v311.stderr);
      assert.deepEqual(v311.findings.payload, { took: 256, refused: { size: 1024, how: { kind: 'dropped' } }, limit: 4096 });
    });

    it('max_keepalive: the v5 server keep alive under the one asked for', async function () {
      const { code, findings, stderr } = await check(this, ['max_keepalive 30']);
      assert.equal(code, 0, stderr);
      assert.deepEqual(findings.serverKeepAlive, { asked: 60, granted: 30 });
    });

    it('an acl_file that keeps the check off its own topics and $SYS: said so, and what depends on them unknown', async function () {
      const acl = join(dir, 'acl');
      await writeFile(acl, 'topic read nothing/#\n');
      const { code, findings, stderr } = await check(this, [`acl_file ${acl}`]);
      assert.equal(code, 0, stderr);
      assert.equal(findings.echo, false);
      assert.equal(findings.retain, undefined);
      assert.equal(findings.payload, undefined);
      assert.equal(findings.sys?.readable, false);
    });

    it('TLS: the version, and the facts of the certificate the listener has', async function () {
      const pki = await opensslPki(requireOpenssl(this));
      const lines = [`cafile ${pki.ca}`, `certfile ${pki.server.cert}`, `keyfile ${pki.server.key}`];
      // The version reported is the one spoken: the client is held to 1.2, the broker takes 1.3 too.
      const { code, findings, stderr } = await check(this, lines, ['--cafile', pki.ca, '--tls-version', 'tlsv1.2']);
      assert.equal(code, 0, stderr);
      assert.equal(findings.tls?.protocol, 'TLSv1.2');
      assert.equal(findings.tls?.verified, true);
      assert.equal(findings.tls?.certificate?.issuer, 'CN=Test CA');
      assert.equal(findings.tls?.certificate?.selfSigned, false);
      assert.deepEqual(findings.tls?.certificate?.names, ['localhost', '127.0.0.1']);
    });
  });
}

describe('mqt check, its table and its failures', function () {
  this.timeout(30_000);

  it('prints a table a student can read: one fact a line', async () => {
    const dir = await makeTempFolder('mqt-check');
    const serve = await startConfBroker(dir, (port) => [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'max_qos 1']);
    try {
      const result = await mqtInProcess(['check', '-h', '127.0.0.1', '-p', String(serve.port), '--max-payload', '1024']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Broker mqtt:\/\/127\.0\.0\.1:\d+ \(probed with MQTT 5\)$/m);
      assert.match(result.stdout, /^ {2}MQTT 3\.1\.1 +yes$/m);
      assert.match(result.stdout, /^ {2}anonymous clients +allowed$/m);
      assert.match(result.stdout, /^ {2}maximum QoS +1$/m);
      assert.match(result.stdout, /^ {2}largest payload taken +1 KiB and more/m);
    } finally {
      await serve.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('no broker: the one-line connection error and exit 1, as mqt pub', async () => {
    const result = await mqtInProcess(['check', '-h', '127.0.0.1', '-p', '1']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^Error: Connection refused\n/);
  });

  it('a bad flag value is a usage error', async () => {
    const result = await mqtInProcess(['check', '--max-payload', 'lots']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error: --max-payload must be a number of bytes/);
  });
});
