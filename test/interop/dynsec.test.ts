/**
 * Dynamic security side by side: mosquitto 2.0 with its plugin, and mqt serve (in this process)
 * with the plugin built in, started from the same file. The same control session goes to both
 * and their answers are compared; mosquitto_ctrl drives mqt and mqt ctrl drives mosquitto; logins
 * and access decisions are compared on the same data; each loads the file the other wrote.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { run as ctrl } from '../../src/commands/ctrl.js';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { RawClient } from '../support/raw-client.js';
import { makeTempFolder } from '../support/run-folder.js';
import { runTool } from '../support/spawn.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { requireTool } from '../support/tools.js';

const PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';
const ADMIN = { username: 'admin', password: Buffer.from('adminpw') };

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** mqt ctrl in this process, under the name mosquitto_ctrl, keeping what it writes. */
async function mqtCtrl(argv: readonly string[]): Promise<Outcome> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const outWrite = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  const keep =
    (into: string[]) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      into.push(Buffer.from(chunk).toString());
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    };
  process.stdout.write = keep(stdout);
  process.stderr.write = keep(stderr);
  try {
    const code = await ctrl(argv, { mosquitto: true });
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
  }
}

/** One control message as admin; the response's payload. */
async function control(port: number, commands: readonly unknown[]): Promise<string> {
  const { client } = await RawClient.connected(port, { clientId: 'ctl', ...ADMIN }, 5);
  client.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: '$CONTROL/dynamic-security/v1/response', qos: 0 }] });
  await client.next('suback');
  client.send({ type: 'publish', topic: '$CONTROL/dynamic-security/v1', payload: Buffer.from(JSON.stringify({ commands })), qos: 1, packetId: 2, retain: false, dup: false });
  const response = await client.next('publish');
  client.send({ type: 'disconnect' });
  return response.payload.toString();
}

const acl = (acltype: string, topic: string, allow: boolean, priority?: number): Record<string, unknown> => ({ acltype, topic, allow, ...(priority === undefined ? {} : { priority }) });

/** Builds users, groups and roles exercising priorities, allow/deny and the anonymous group; then every kind of answer. */
const SESSION: readonly unknown[] = [
  { command: 'createRole', rolename: 'reader', acls: [acl('subscribePattern', 'sensors/#', true), acl('publishClientReceive', 'sensors/#', true)] },
  { command: 'createRole', rolename: 'writer', textname: 'Writer', acls: [acl('publishClientSend', 'sensors/+/temp', true, 1), acl('publishClientSend', 'sensors/#', false, 0)] },
  { command: 'createRole', rolename: 'veto', acls: [acl('publishClientSend', 'sensors/kitchen/#', false, 5), acl('subscribeLiteral', 'sensors/secret', false)] },
  { command: 'createRole', rolename: 'all', acls: [acl('publishClientSend', '#', true), acl('subscribePattern', '#', true), acl('publishClientReceive', '#', true)] },
  { command: 'addRoleACL', rolename: 'reader', acltype: 'unsubscribeLiteral', topic: 'sensors/locked', allow: false },
  { command: 'addRoleACL', rolename: 'reader', acltype: 'publishClientReceive', topic: 'sensors/hidden', allow: false, priority: 9 },
  { command: 'createClient', username: 'alice', password: 'alicepw', roles: [{ rolename: 'writer', priority: 1 }] },
  { command: 'createClient', username: 'bob', password: 'bobpw', clientid: 'bob-1', textname: 'Bob' },
  { command: 'createClient', username: 'carol', password: 'carolpw', roles: [{ rolename: 'all' }] },
  { command: 'createClient', username: 'dave', password: 'davepw' },
  { command: 'createGroup', groupname: 'staff', roles: [{ rolename: 'reader' }] },
  { command: 'createGroup', groupname: 'strict', roles: [{ rolename: 'veto', priority: 3 }] },
  { command: 'createGroup', groupname: 'guests', roles: [{ rolename: 'reader' }] },
  { command: 'addGroupClient', groupname: 'staff', username: 'alice', priority: 2 },
  { command: 'addGroupClient', groupname: 'strict', username: 'alice', priority: 5 },
  { command: 'addGroupClient', groupname: 'staff', username: 'bob' },
  { command: 'addGroupRole', groupname: 'staff', rolename: 'writer', priority: -5 },
  { command: 'disableClient', username: 'dave' },
  { command: 'setAnonymousGroup', groupname: 'guests' },
  { command: 'getClient', username: 'alice', correlationData: 'c1' },
  { command: 'getClient', username: 'bob' },
  { command: 'getGroup', groupname: 'staff' },
  { command: 'getRole', rolename: 'reader' },
  { command: 'listClients', verbose: true },
  { command: 'listClients', count: 2, offset: 1 },
  { command: 'listGroups', verbose: true },
  { command: 'listRoles', count: 0 },
  { command: 'getDefaultACLAccess' },
  { command: 'getAnonymousGroup' },
  { command: 'createClient', username: 'alice' },
  { command: 'createClient', username: 'eve', roles: [{ rolename: 'nope' }] },
  { command: 'createClient', username: 'eve', roles: 'reader' },
  { command: 'addClientRole', username: 'alice', rolename: 'writer' },
  { command: 'addGroupClient', groupname: 'staff', username: 'alice' },
  { command: 'addGroupRole', groupname: 'staff', rolename: 'reader' },
  { command: 'addRoleACL', rolename: 'reader', acltype: 'subscribePattern', topic: 'sensors/#', allow: true },
  { command: 'addRoleACL', rolename: 'reader', acltype: 'bogus', topic: 'a' },
  { command: 'addRoleACL', rolename: 'reader', acltype: 'publishClientSend', topic: 'a/#/b' },
  { command: 'removeRoleACL', rolename: 'reader', acltype: 'publishClientSend', topic: 'x' },
  { command: 'setClientPassword', username: 'bob', password: '' },
  { command: 'getClient', username: 'nobody' },
  { command: 'modifyRole', rolename: 'nobody' },
  { command: 'GETROLE', rolename: 'veto' },
  { command: 'frobnicate' },
  { nocommand: true },
  'not an object',
];

describe('dynamic security: mqt serve and mqt ctrl against mosquitto 2.0 and its plugin', function () {
  let dir: string;
  let mosquittoFile: string;
  let mqtFile: string;
  let mosquitto: Mosquitto | undefined;
  let mqtBroker: TestBroker | undefined;
  const answers: string[] = [];

  before(async function () {
    requireMosquitto(this);
    requireTool(this, 'mosquitto_ctrl', 'apt-get install mosquitto-clients');
    if (!existsSync(PLUGIN)) this.skip();
    dir = await makeTempFolder('dynsec');
    mosquittoFile = join(dir, 'mosquitto.json');
    mqtFile = join(dir, 'mqt.json');
    // The first file is mqt's (dynsec init): mosquitto's admin logs in with it or nothing below works.
    const init = await mqtCtrl(['dynsec', 'init', mosquittoFile, ADMIN.username, ADMIN.password.toString()]);
    assert.equal(init.code, 0, init.stderr);
    assert.equal((await stat(mosquittoFile)).mode & 0o777, 0o600);
    await copyFile(mosquittoFile, mqtFile);
    mosquitto = await startMosquitto([`plugin ${PLUGIN}`, `plugin_opt_config_file ${mosquittoFile}`]);
    mqtBroker = await startTestBroker({ security: { dynsec: { path: PLUGIN, origin: { file: 'test', line: 1 }, configFile: mqtFile } } });
    for (const port of [mosquitto.port, mqtBroker.port]) answers.push(await control(port, SESSION));
  });

  after(async () => {
    await mqtBroker?.close();
    await mosquitto?.stop();
  });

  it('answers the same control session with the same JSON, and logs the same lines', async () => {
    assert.equal(answers[1], answers[0]);
    await mosquitto!.waitForLog(/getAnonymousGroup/, 5000);
    const theirs = mosquitto!.log().split('\n').flatMap((line) => /^\d+: (dynsec: .*)$/.exec(line)?.[1] ?? []);
    const ours = mqtBroker!.log.flatMap((line) => /^information: (dynsec: .*)$/.exec(line)?.[1] ?? []);
    assert.deepEqual(ours, theirs);
    const responses = (JSON.parse(answers[0]!) as { responses: { error?: string }[] }).responses;
    assert.equal(responses.length, SESSION.length);
    assert.ok(responses.filter((r) => r.error !== undefined).length >= 15);
  });

  it('prints the same for mosquitto_ctrl driving mqt serve as for mqt ctrl driving mosquitto', async () => {
    const lines = [
      ['getClient', 'alice'],
      ['getGroup', 'staff'],
      ['getRole', 'writer'],
      ['listClients'],
      ['listRoles', '2', '1'],
      ['getDefaultACLAccess'],
      ['getAnonymousGroup'],
      ['getClient', 'nobody'],
      ['createRole', 'extra'],
      ['addRoleACL', 'extra', 'subscribeLiteral', 'x/y', 'allow', '4'],
      ['getRole', 'extra'],
      ['addRoleACL', 'extra', 'subscribeLiteral'],
      ['frobnicate'],
    ];
    const connect = (port: number): string[] => ['-p', String(port), '-u', ADMIN.username, '-P', ADMIN.password.toString(), 'dynsec'];
    for (const line of lines) {
      const theirs = await runTool('mosquitto_ctrl', [...connect(mqtBroker!.port), ...line], { timeoutMs: 15_000 });
      const ours = await mqtCtrl([...connect(mosquitto!.port), ...line]);
      assert.deepEqual({ code: ours.code, stdout: ours.stdout, stderr: ours.stderr }, { code: theirs.code, stdout: theirs.stdout, stderr: theirs.stderr }, line.join(' '));
    }
  });

  it('exits as mosquitto_ctrl does, with its error lines, when nothing is sent', async () => {
    const lines = [[], ['dynsec'], ['foo', 'bar'], ['dynsec', 'nope'], ['dynsec', 'getClient'], ['dynsec', 'createClient', 'x', '-c'], ['dynsec', 'init', 'only-a-file'], ['dynsec', 'help']];
    for (const line of lines) {
      const theirs = await runTool('mosquitto_ctrl', line, { timeoutMs: 15_000 });
      const ours = await mqtCtrl(line);
      // The usage texts are mqt's own; the error lines and codes are mosquitto_ctrl's.
      assert.deepEqual({ code: ours.code, stderr: ours.stderr }, { code: theirs.code, stderr: theirs.stderr }, line.join(' '));
      assert.equal(ours.stdout === '', theirs.stdout === '', line.join(' '));
    }
  });

  it('lets in and refuses the same logins', async () => {
    const tries: { clientId: string; username?: string; password?: string; version?: ProtocolVersion }[] = [
      { clientId: 'a1', username: 'alice', password: 'alicepw' },
      { clientId: 'a2', username: 'alice', password: 'wrong' },
      { clientId: 'b1', username: 'bob', password: 'bobpw' },
      { clientId: 'bob-1', username: 'bob', password: 'bobpw' },
      { clientId: 'd1', username: 'dave', password: 'davepw' },
      { clientId: 'n1', username: 'nobody', password: 'x' },
      { clientId: 'n2', username: 'alice' },
      { clientId: 'anon' },
      { clientId: 'a3', username: 'alice', password: 'wrong', version: 4 },
    ];
    const codes = async (port: number): Promise<number[]> => {
      const out: number[] = [];
      for (const t of tries) {
        const { client, connack } = await RawClient.connected(port, { clientId: t.clientId, username: t.username, ...(t.password === undefined ? {} : { password: Buffer.from(t.password) }) }, t.version ?? 5);
        out.push(connack.reasonCode);
        client.close();
      }
      return out;
    };
    const theirs = await codes(mosquitto!.port);
    assert.deepEqual(await codes(mqtBroker!.port), theirs);
    assert.deepEqual(theirs, [0, 0x87, 0x87, 0, 0x87, 0x87, 0x87, 0, 5]);
  });

  it('decides publish, subscribe, delivery and unsubscribe alike: priorities, allow and deny, groups, the anonymous group', async () => {
    const topics = ['sensors/kitchen/temp', 'sensors/hall/temp', 'sensors/hall/humidity', 'sensors/hidden', 'other', '$CONTROL/x'];
    const filters = ['sensors/#', 'sensors/+/temp', 'sensors/secret', 'sensors', '#', 'other/#', '$share/g/sensors/#'];
    const decide = async (port: number): Promise<unknown> => {
      const result: Record<string, unknown> = {};
      const users = [
        { clientId: 'alice-1', username: 'alice', password: Buffer.from('alicepw') },
        { clientId: 'bob-1', username: 'bob', password: Buffer.from('bobpw') },
        { clientId: 'anon-1' },
      ];
      const { client: feeder } = await RawClient.connected(port, { clientId: 'carol-1', username: 'carol', password: Buffer.from('carolpw') }, 5);
      for (const user of users) {
        const { client } = await RawClient.connected(port, user, 5);
        client.send({ type: 'subscribe', packetId: 1, subscriptions: filters.map((topicFilter) => ({ topicFilter, qos: 0 as const })) });
        const suback = await client.next('suback');
        let id = 10;
        const published: number[] = [];
        for (const topic of topics) {
          client.send({ type: 'publish', topic, payload: Buffer.from('x'), qos: 1, packetId: ++id, retain: false, dup: false });
          published.push((await client.next('puback')).reasonCode ?? 0);
        }
        await client.ping();
        client.received.length = 0;
        for (const topic of topics.slice(0, 5)) feeder.send({ type: 'publish', topic, payload: Buffer.from('y'), qos: 1, packetId: ++id, retain: false, dup: false });
        for (let i = 0; i < 5; i++) await feeder.next('puback');
        await client.ping();
        // mosquitto sends a copy per matching subscription, mqt one per client: the topics are compared.
        const delivered = [...new Set(client.received.flatMap((p) => (p.type === 'publish' ? [p.topic] : [])))].sort();
        client.send({ type: 'unsubscribe', packetId: 99, topicFilters: ['sensors/locked', 'sensors/#'] });
        const unsuback = await client.next('unsuback');
        result[user.clientId] = { suback: suback.reasonCodes, published, delivered, unsuback: unsuback.reasonCodes };
        client.close();
      }
      feeder.close();
      return result;
    };
    const theirs = await decide(mosquitto!.port);
    const ours = await decide(mqtBroker!.port);
    assert.deepEqual(JSON.stringify(ours), JSON.stringify(theirs));
  });

  it('disconnects a client the moment it is disabled, without its will (0x98), as mosquitto does', async () => {
    const kicked = async (port: number): Promise<unknown> => {
      const { client: watcher } = await RawClient.connected(port, { clientId: 'carol-w', username: 'carol', password: Buffer.from('carolpw') }, 5);
      watcher.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'wills/#', qos: 0 }] });
      await watcher.next('suback');
      const will = { topic: 'wills/bob', payload: Buffer.from('gone'), qos: 0 as const, retain: false };
      const { client: bob } = await RawClient.connected(port, { clientId: 'bob-1', username: 'bob', password: Buffer.from('bobpw'), will }, 5);
      const answer = await control(port, [{ command: 'disableClient', username: 'bob' }, { command: 'enableClient', username: 'bob' }]);
      const disconnect = await bob.next('disconnect');
      await bob.waitClosed();
      await watcher.assertNone('publish', 'no will');
      watcher.close();
      return { answer, reasonCode: disconnect.reasonCode };
    };
    const theirs = await kicked(mosquitto!.port);
    assert.deepEqual(await kicked(mqtBroker!.port), theirs);
    assert.equal((theirs as { reasonCode: number }).reasonCode, 0x98);
  });

  it('reads %c and %u in ACL topics as the client id and username (mosquitto 2.1; 2.0.11 takes them literally)', async () => {
    const setUp = [
      { command: 'createRole', rolename: 'own', acls: [acl('publishClientSend', 'devices/%c/#', true), acl('subscribePattern', 'users/%u/#', true)] },
      { command: 'addClientRole', username: 'bob', rolename: 'own' },
    ];
    const tryOwn = async (port: number): Promise<unknown> => {
      await control(port, setUp);
      const { client } = await RawClient.connected(port, { clientId: 'bob-1', username: 'bob', password: Buffer.from('bobpw') }, 5);
      client.send({ type: 'publish', topic: 'devices/bob-1/t', payload: Buffer.from('x'), qos: 1, packetId: 1, retain: false, dup: false });
      const own = (await client.next('puback')).reasonCode;
      client.send({ type: 'publish', topic: 'devices/other/t', payload: Buffer.from('x'), qos: 1, packetId: 2, retain: false, dup: false });
      const other = (await client.next('puback')).reasonCode;
      client.send({ type: 'subscribe', packetId: 3, subscriptions: [{ topicFilter: 'users/bob/#', qos: 0 }, { topicFilter: 'users/alice/#', qos: 0 }] });
      const suback = (await client.next('suback')).reasonCodes;
      client.close();
      return { own, other, suback };
    };
    assert.deepEqual(await tryOwn(mqtBroker!.port), { own: 0x10, other: 0x87, suback: [0, 0x87] });
    assert.deepEqual(await tryOwn(mosquitto!.port), { own: 0x87, other: 0x87, suback: [0x87, 0x87] });
  });

  it('writes the file as mosquitto does, and each loads what the other wrote', async () => {
    const strip = (text: string): unknown =>
      JSON.parse(text, (key, value: unknown) => (key === 'password' || key === 'salt' ? '' : value));
    // mqt's file, after the same session, holds what mosquitto's holds (the hashes' salts differ).
    assert.deepEqual(strip(await readFile(mqtFile, 'utf8')), strip(await readFile(mosquittoFile, 'utf8')));
    assert.equal((await stat(mqtFile)).mode & 0o777, 0o600);
    // mosquitto's file, with its password hashes, in a second mqt broker: the same answers, alice's password works.
    const copy = join(dir, 'from-mosquitto.json');
    await copyFile(mosquittoFile, copy);
    const second = await startTestBroker({ security: { dynsec: { path: 'dynamic-security', origin: { file: 'test', line: 1 }, configFile: copy } } });
    try {
      const read = [{ command: 'listClients', verbose: true }, { command: 'listGroups', verbose: true }, { command: 'listRoles', verbose: true }, { command: 'getAnonymousGroup' }];
      assert.equal(await control(second.port, read), await control(mosquitto!.port, read));
      const { client, connack } = await RawClient.connected(second.port, { clientId: 'a9', username: 'alice', password: Buffer.from('alicepw') }, 5);
      assert.equal(connack.reasonCode, 0);
      client.close();
    } finally {
      await second.close();
    }
  });
});
