import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MqttClient } from '../../src/lib/client/client.js';
import { connectClient } from '../../src/lib/client/connect.js';
import { isMqttError } from '../../src/lib/errors.js';
import { unique } from '../support/hooks.js';
import { passwordFile, requireMosquitto, startMosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { confArgs, startServe, stopServe, type RunningServe } from '../support/serve.js';
import { mqtInProcess } from '../support/in-process.js';
import { SUBSCRIBED, mosquittoPub, mosquittoSub, startMosquittoSub, stopAllTools } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

const dir = await makeTempFolder('mqt-serve-security');

/** Seed 000's mymosqui.conf, as the student types it, on the port the test picked. */
function seedConf(port: number, passfile: string, extra: string[] = []): string[] {
  return [
    '# My personal config file for mosquitto',
    '',
    '# Port to listen (1883 is also used with password!)',
    `listener ${port} 127.0.0.1`,
    '',
    '### Security ###',
    '# Allow anonymous',
    'allow_anonymous false',
    '# Client Prefix:',
    '#clientid_prefixes btsiot-',
    ...extra,
    '# Path to password file',
    `password_file ${passfile}`,
    '',
    `# Logging (don't define "log_dest file" because already defined in default!)`,
    'log_dest stdout',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'connection_messages true',
    'log_timestamp true',
  ];
}

/** mosquitto_sub with `subLogin` waits for one message, mosquitto_pub with `pubLogin` sends it; what the subscriber printed. */
async function roundTrip(serve: RunningServe, subLogin: string[], pubLogin: string[]): Promise<string> {
  const topic = unique('PV/sunshine');
  const sub = startMosquittoSub(['-V', 'mqttv311', ...serve.hp, ...subLogin, '-t', topic, '-C', '1', '-d']);
  await sub.waitForOutput(SUBSCRIBED, 5000, 'stdout');
  const pub = await mosquittoPub(['-V', 'mqttv311', ...serve.hp, ...pubLogin, '-t', topic, '-m', 'Greetings', '-d']);
  assert.equal(pub.code, 0, pub.stderr);
  const done = await sub.exited;
  assert.equal(done.code, 0, done.stderr);
  return done.stdout.split('\n').filter((line) => line !== '' && !/^Client |^Subscribed/.test(line)).join('\n');
}

describe('mqt serve security: seed 000 password_file, clientid_prefixes, SIGHUP', function () {
  this.timeout(30_000);
  before(function () {
    requireMosquitto(this);
  });
  afterEach(stopAllTools);
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const maker of ['mqt passwd', 'mosquitto_passwd']) {
    it(`runs the seed's mymosqui.conf with a password file written by ${maker}: right logins connect, wrong get 5`, async () => {
      const users = { btsiot1: 'btsiotpass1', btsiot2: 'btsiotpass2' };
      let passfile: string;
      if (maker === 'mqt passwd') {
        passfile = join(dir, `mqt-passfile-${unique('p')}`);
        for (const [i, [user, password]] of Object.entries(users).entries()) {
          const made = await mqtInProcess(['passwd', ...(i === 0 ? ['-c'] : []), '-b', passfile, user, password]);
          assert.equal(made.code, 0, made.stderr);
        }
      } else {
        const own = join(dir, unique('mosq'));
        await mkdir(own);
        passfile = await passwordFile(own, users);
      }
      const serve = await startServe(confArgs(dir, 'mymosqui', (port) => seedConf(port, passfile)), /mqt version \S+ running$/m);
      const mosquitto = await startMosquitto([`password_file ${passfile}`, 'allow_anonymous false']);
      try {
        const printed = await roundTrip(serve, ['-i', 'mycl1', '-u', 'btsiot1', '-P', 'btsiotpass1'], ['-i', 'mycl2', '-u', 'btsiot2', '-P', 'btsiotpass2']);
        assert.equal(printed, 'Greetings');
        assert.match(serve.tool.stdout, /New client connected from 127\.0\.0\.1:\d+ as mycl2 \(p2, c1, k60, u'btsiot2'\)\./);
        for (const login of [
          ['-u', 'btsiot1', '-P', 'wrong'],
          ['-u', 'nobody', '-P', 'btsiotpass1'],
          [],
        ]) {
          const pub = await mosquittoPub(['-V', 'mqttv311', ...serve.hp, '-i', 'mycl3', ...login, '-t', 'PV/sunshine', '-m', 'x']);
          assert.equal(pub.code, 5, `${login.join(' ')}: ${pub.stderr}`);
          assert.match(pub.stderr, /^Connection error: Connection Refused: not authorised\.$/m);
          const theirs = await mosquittoPub(['-V', 'mqttv311', '-h', '127.0.0.1', '-p', String(mosquitto.port), '-i', 'mycl3', ...login, '-t', 'PV/sunshine', '-m', 'x']);
          assert.equal(theirs.code, 5);
        }
        // mosquitto forgets the id of a client whose login fails: "Client <unknown> ...", whatever -i said.
        const threeRefusals = /(?:not authorised\.\n[\s\S]*){3}/;
        await mosquitto.waitForLog(threeRefusals, 5000);
        await serve.tool.waitForOutput(threeRefusals, 5000);
        const refusals = (log: string): string[] => log.split('\n').filter((l) => l.endsWith('not authorised.')).map((l) => l.replace(/^\d+: /, ''));
        assert.deepEqual(refusals(serve.tool.stdout + serve.tool.stderr), refusals(mosquitto.log()));
        assert.deepEqual(refusals(mosquitto.log()), Array(3).fill('Client <unknown> disconnected, not authorised.'));
        assert.doesNotMatch(serve.tool.stdout + serve.tool.stderr, /btsiotpass|wrong/, 'passwords never reach the log');
      } finally {
        await mosquitto.stop();
      }
      await stopServe(serve);
    });
  }

  it('clientid_prefixes (uncommented in the seed) refuses other client ids with 5, logs the deprecation notice', async () => {
    const passfile = join(dir, unique('prefix-passfile'));
    assert.equal((await mqtInProcess(['passwd', '-c', '-b', passfile, 'btsiot1', 'btsiotpass1'])).code, 0);
    const serve = await startServe(confArgs(dir, 'prefix', (port) => seedConf(port, passfile, ['clientid_prefixes btsiot-'])), /mqt version \S+ running$/m);
    assert.match(serve.tool.stdout, /The 'clientid_prefixes' option is now deprecated and will be removed in a future version\.$/m);
    const login = ['-u', 'btsiot1', '-P', 'btsiotpass1'];
    const refused = await mosquittoPub([...serve.hp, '-i', 'mycl1', ...login, '-t', 't', '-m', 'x']);
    assert.equal(refused.code, 5, refused.stderr);
    const accepted = await mosquittoPub([...serve.hp, '-i', 'btsiot-1', ...login, '-t', 't', '-m', 'x']);
    assert.equal(accepted.code, 0, accepted.stderr);
    await stopServe(serve);
  });

  it('per_listener_settings: each listener its own allow_anonymous and password_file', async () => {
    const passfile = join(dir, unique('per-listener-passfile'));
    assert.equal((await mqtInProcess(['passwd', '-c', '-b', passfile, 'btsiot1', 'btsiotpass1'])).code, 0);
    const open = await freePort();
    const serve = await startServe(
      confArgs(dir, 'per-listener', (port) => [
        'per_listener_settings true',
        `listener ${open} 127.0.0.1`,
        'allow_anonymous true',
        `listener ${port} 127.0.0.1`,
        `password_file ${passfile}`,
      ]),
    );
    const publish = (port: number, login: string[]): Promise<number | null> =>
      mosquittoPub(['-h', '127.0.0.1', '-p', String(port), ...login, '-t', 't', '-m', 'x']).then((r) => r.code);
    assert.equal(await publish(open, []), 0);
    assert.equal(await publish(serve.port, []), 5, 'allow_anonymous defaults to false on the second listener');
    assert.equal(await publish(serve.port, ['-u', 'btsiot1', '-P', 'btsiotpass1']), 0);
    assert.equal(await publish(open, ['-u', 'btsiot1', '-P', 'btsiotpass1']), 0, 'the first listener has no password file: anonymous rules');
    await stopServe(serve);
  });

  it('allow_zero_length_clientid, auto_id_prefix, use_username_as_clientid, pid_file and retry_interval as mosquitto 2.0', async () => {
    const pidFile = join(dir, unique('pid'));
    const named = await freePort();
    const serve = await startServe(
      confArgs(dir, 'ids', (port) => [
        `pid_file ${pidFile}`,
        'retry_interval 20',
        'per_listener_settings true',
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'auto_id_prefix lab-',
        `listener ${named} 127.0.0.1`,
        'allow_anonymous true',
        'allow_zero_length_clientid false',
        'use_username_as_clientid true',
        'log_timestamp false',
      ]),
    );
    assert.match(serve.tool.stderr, /^Warning: The retry_interval option is no longer available\.$/m);
    assert.equal(await readFile(pidFile, 'utf8'), String(serve.tool.child.pid));
    const connect = async (port: number, options: { clientId: string; username?: string; protocolVersion: 4 | 5 }): Promise<string> => {
      const client = new MqttClient({ clean: true, keepalive: 60, ...options });
      try {
        const connack = await connectClient(client, { kind: 'tcp', host: '127.0.0.1', port });
        return connack.properties?.assignedClientIdentifier ?? 'accepted';
      } catch (err) {
        return isMqttError(err) ? `refused ${String(err.reasonCode)}` : String(err);
      } finally {
        client.destroy();
      }
    };
    assert.match(await connect(serve.port, { clientId: '', protocolVersion: 5 }), /^lab-[0-9A-F-]{36}$/);
    assert.equal(await connect(named, { clientId: '', protocolVersion: 5 }), 'refused 133');
    assert.equal(await connect(named, { clientId: '', protocolVersion: 4 }), 'refused 2');
    assert.equal(await connect(named, { clientId: 'c1', protocolVersion: 4 }), 'refused 5', 'no username to use as client id');
    assert.equal(await connect(named, { clientId: 'c1', username: 'alice', protocolVersion: 4 }), 'accepted');
    await serve.tool.waitForOutput(/^New client connected from 127\.0\.0\.1:\d+ as alice \(p2, c1, k60, u'alice'\)\.$/m, 5000);
    await stopServe(serve);
    await assert.rejects(readFile(pidFile), /ENOENT/, 'the pid file goes with the broker');
  });

  it('SIGHUP rereads password_file and acl_file; a broken file keeps the old rules in force', async () => {
    const passfile = join(dir, unique('hup-passfile'));
    const aclfile = join(dir, unique('hup-acl'));
    assert.equal((await mqtInProcess(['passwd', '-c', '-b', passfile, 'alice', 'one'])).code, 0);
    await writeFile(aclfile, 'user alice\ntopic readwrite lab/#\n');
    const serve = await startServe(
      confArgs(dir, 'hup', (port) => [`listener ${port} 127.0.0.1`, `password_file ${passfile}`, `acl_file ${aclfile}`, 'log_timestamp false']),
    );
    try {
      // mqt pub -V 5 exits with the reason code of a refusal (135 = 0x87 not authorised); mosquitto_pub exits 0 for a refused PUBLISH.
      const publish = (user: string, password: string, topic: string): Promise<number | null> =>
        mqtInProcess(['pub', '-V', '5', ...serve.hp, '-u', user, '-P', password, '-t', topic, '-m', 'x', '-q', '1']).then((r) => r.code);
      assert.equal(await publish('alice', 'one', 'lab/a'), 0);
      assert.equal(await publish('bob', 'two', 'lab/a'), 135, 'CONNACK 0x87: unknown user');
      assert.equal(await publish('alice', 'one', 'other/a'), 135, 'PUBACK 0x87: the ACL has no rule for it');

      assert.equal((await mqtInProcess(['passwd', '-b', passfile, 'bob', 'two'])).code, 0);
      await writeFile(aclfile, 'user alice\ntopic readwrite lab/#\nuser bob\ntopic write lab/b/#\n');
      serve.tool.kill('SIGHUP');
      await serve.tool.waitForOutput(/^Reloading config\.$/m, 5000);
      // The files are reread before the broker handles anything else: no retry needed.
      assert.equal(await publish('bob', 'two', 'lab/b/1'), 0);
      assert.equal(await publish('bob', 'two', 'lab/a'), 135);

      await writeFile(aclfile, 'user alice\nbogus line here\n');
      serve.tool.kill('SIGHUP');
      await serve.tool.waitForOutput(new RegExp(`^Error: ${aclfile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: .*$`, 'm'), 5000);
      assert.equal(await publish('bob', 'two', 'lab/b/2'), 0, 'the old rules stay in force');
      assert.equal(await publish('alice', 'one', 'lab/a'), 0);
    } finally {
      // A failed assertion must not leave the broker running (mocha would wait for it).
      await stopServe(serve);
    }
  });

  it('a message queued for an offline client is not sent once a reloaded acl_file denies it, as with mosquitto', async () => {
    const aclfile = join(dir, unique('hup-queued-acl'));
    const before = 'topic read open/#\ntopic read barrier\ntopic write #\n';
    await writeFile(aclfile, before);
    const serve = await startServe(confArgs(dir, 'hup-queued', (port) => [`listener ${port} 127.0.0.1`, 'allow_anonymous true', `acl_file ${aclfile}`]));
    const mosquitto = await startMosquitto([`acl_file ${aclfile}`]);
    const results: Record<string, string> = {};
    try {
      for (const [name, hp, reload] of [
        ['mqt', serve.hp, () => serve.tool.kill('SIGHUP')],
        ['mosquitto', ['-h', '127.0.0.1', '-p', String(mosquitto.port)], () => mosquitto.reload()],
      ] as const) {
        await writeFile(aclfile, before);
        reload();
        // Retained at QoS 0 before the session exists, so nothing of them is queued for it.
        for (const topic of ['reloaded', 'barrier']) assert.equal((await mosquittoPub([...hp, '-r', '-t', topic, '-m', topic])).code, 0);
        const session = [...hp, '-c', '-i', unique('away'), '-q', '1', '-t', '#'];
        const subscribed = await mosquittoSub([...session, '-E']);
        assert.equal(subscribed.code, 0, subscribed.stderr);
        for (const topic of ['open/first', 'open/second']) assert.equal((await mosquittoPub([...hp, '-q', '1', '-t', topic, '-m', topic])).code, 0);
        // The barrier: retained messages come in the order of the filters, so the first one a probe
        // gets is `reloaded` once the new rules (which let it be read) are in force, `barrier` before.
        const probe = async (): Promise<string> => (await mosquittoSub([...hp, '-t', 'reloaded', '-t', 'barrier', '-C', '1', '-W', '5'])).stdout.trim();
        assert.equal(await probe(), 'barrier', 'the old rules hide the retained reloaded');
        await writeFile(aclfile, 'topic read open/second\ntopic read reloaded\ntopic read barrier\ntopic write #\n');
        reload();
        await waitUntil(async () => (await probe()) === 'reloaded');
        const back = await mosquittoSub([...session, '-v', '-C', '1', '-W', '3']);
        results[name] = back.stdout.trim();
      }
    } finally {
      await mosquitto.stop();
      await stopServe(serve);
    }
    assert.deepEqual(results, { mqt: 'open/second open/second', mosquitto: 'open/second open/second' });
  });

  it('a missing password_file or a bad acl_file line stops the start with one line naming the file', async () => {
    const missing = join(dir, 'no-such-passfile');
    const conf = join(dir, 'missing.conf');
    await writeFile(conf, `listener 1883 127.0.0.1\npassword_file ${missing}\n`);
    const result = await mqtInProcess(['serve', '-c', conf]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `Error: Unable to open password file ${missing}. No such file or directory.\n`);

    const acl = join(dir, 'bad-acl');
    await writeFile(acl, 'topic read a\nfrobnicate b\n');
    const badConf = join(dir, 'bad-acl.conf');
    await writeFile(badConf, `listener 1883 127.0.0.1\nacl_file ${acl}\n`);
    const bad = await mqtInProcess(['serve', '-c', badConf]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, new RegExp(`^Error: ${acl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: [^\\n]+\\n$`));

    const dup = join(dir, 'dup.conf');
    await writeFile(dup, `listener 1883 127.0.0.1\npassword_file a\npassword_file b\n`);
    const duplicate = await mqtInProcess(['serve', '-c', dup]);
    assert.equal(duplicate.code, 1);
    assert.equal(duplicate.stderr, `Error: ${dup}:3: Duplicate password_file value in configuration.\n`);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
