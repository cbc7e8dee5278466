import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { open } from 'node:fs/promises';
import type { RawClient } from '../support/raw-client.js';
import { ScriptedServer } from '../support/scripted-server.js';
import { mqtInProcess } from '../support/in-process.js';
import { MQT_BIN, mosquittoPub, startMqt, type ToolResult } from '../support/spawn.js';

/**
 * The client commands against a broker that breaks the protocol or says nothing: each ends at
 * once (or after the keepalive) with one line naming what went wrong and mosquitto's exit code.
 */
describe('interop: pub, sub and rr against a hostile broker', function () {
  this.timeout(20_000);
  let server: ScriptedServer;
  afterEach(() => server.close());

  async function accept(version: 4 | 5 = 4): Promise<{ port: number; peer: () => Promise<RawClient> }> {
    server = new ScriptedServer(version);
    const port = await server.listen();
    return { port, peer: () => server.nextPeer() };
  }

  async function connected(peer: RawClient): Promise<void> {
    await peer.next('connect');
    peer.send({ type: 'connack', sessionPresent: false, reasonCode: 0 });
  }

  /** The scripted wrong ack for a `-q QOS` publish, and how the publisher exits. */
  async function wrongAck(publisher: (args: string[]) => Promise<ToolResult>, qos: 1 | 2, ack: 'puback' | 'pubrec' | 'pubcomp'): Promise<ToolResult> {
    const { port, peer } = await accept();
    const running = publisher(['-p', String(port), '-t', 't', '-m', 'x', '-q', String(qos)]);
    const p = await peer();
    await connected(p);
    const publish = await p.next('publish');
    p.send({ type: ack, packetId: publish.packetId! });
    return running;
  }

  for (const [qos, ack, answer, mosquittoCode] of [
    [2, 'puback', 'PUBACK', 2],
    [1, 'pubrec', 'PUBREC', 2],
    // mosquitto_pub takes the early PUBCOMP as delivery (a listed difference).
    [2, 'pubcomp', 'PUBCOMP before PUBREC', 0],
  ] as const) {
    it(`pub -q ${qos} answered with ${ack.toUpperCase()}: a protocol error, exit 2 (mosquitto_pub: ${mosquittoCode})`, async () => {
      const result = await wrongAck((args) => mqtInProcess(['pub', ...args]), qos, ack);
      assert.equal(result.stderr, `Error: Protocol error: the broker answered the QoS ${qos} PUBLISH (mid 1) with ${answer}\n`);
      assert.equal(result.code, 2);
      await server.close();
      assert.equal((await wrongAck(mosquittoPub, qos, ack)).code, mosquittoCode);
    });
  }

  for (const command of ['pub', 'sub'] as const) {
    it(`${command}: a packet other than CONNACK first is a protocol error at once, exit 2`, async () => {
      const { port, peer } = await accept();
      const args = command === 'pub' ? ['-m', 'x'] : [];
      const running = mqtInProcess([command, '-p', String(port), '-t', 't', ...args]);
      const p = await peer();
      await p.next('connect');
      p.send({ type: 'suback', packetId: 1, reasonCodes: [0] });
      const result = await running;
      assert.equal(result.stderr, 'Error: Protocol error: the broker sent SUBACK before CONNACK\n');
      assert.equal(result.code, 2);
    });
  }

  it('pub -l: a line after the broker sent DISCONNECT reports the DISCONNECT, not "Client not connected"', async () => {
    const { port, peer } = await accept(5);
    const pub = startMqt(['pub', '-p', String(port), '-t', 't', '-l', '-V', '5']);
    const p = await peer();
    await connected(p);
    pub.write('first\n');
    await p.next('publish');
    const closed = once(p.socket, 'close');
    p.send({ type: 'disconnect', reasonCode: 0x89 });
    // mqt has taken the DISCONNECT in once it closes its side.
    await closed;
    pub.endStdin('second\n');
    const result = await pub.waitForExit(10_000);
    assert.equal(result.stderr, 'Error: Server busy\n');
    assert.equal(result.code, 1);
  });

  it('pub -k 5: a broker that accepts TCP and says nothing is given up after the keepalive, exit 19', async () => {
    const { port, peer } = await accept();
    const running = mqtInProcess(['pub', '-p', String(port), '-t', 't', '-m', 'x', '-k', '5']);
    await (await peer()).next('connect');
    const result = await running;
    assert.equal(result.stderr, 'Error: No CONNACK from the broker within 5 s.\n');
    assert.equal(result.code, 19);
  });
});

describe('interop: mqt sub robustness', function () {
  this.timeout(20_000);
  let server: ScriptedServer;
  afterEach(() => server.close());

  it('-c -C 2 -d on a resumed session that delivers both messages at once: -d lines are the packets written, in order', async () => {
    server = new ScriptedServer(4);
    const port = await server.listen();
    const running = mqtInProcess(['sub', '-p', String(port), '-t', 't', '-q', '1', '-c', '-i', 'keep', '-C', '2', '-d', '-V', '311']);
    const peer = await server.nextPeer();
    await peer.next('connect');
    // One chunk: the messages queued for the session arrive before the client has a chance to subscribe.
    peer.socket.cork();
    peer.send({ type: 'connack', sessionPresent: true, reasonCode: 0 });
    for (const packetId of [1, 2]) peer.send({ type: 'publish', topic: 't', payload: Buffer.from(`m${packetId}`), qos: 1, retain: false, dup: false, packetId });
    peer.socket.uncork();
    const result = await running;
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\n').filter((line) => line.startsWith('Client ')), [
      'Client keep sending CONNECT',
      'Client keep received CONNACK (0)',
      "Client keep received PUBLISH (d0, q1, r0, m1, 't', ... (2 bytes))",
      'Client keep sending PUBACK (m1, rc0)',
      "Client keep received PUBLISH (d0, q1, r0, m2, 't', ... (2 bytes))",
      'Client keep sending PUBACK (m2, rc0)',
      'Client keep sending DISCONNECT',
    ]);
  });

  type Script = (peer: RawClient) => Promise<void>;
  const answerConnect: Script = async (peer) => {
    await peer.next('connect');
    peer.send({ type: 'connack', sessionPresent: false, reasonCode: 0 });
  };
  const beforeSuback = (then: (peer: RawClient) => void): Script => async (peer) => {
    await answerConnect(peer);
    await peer.next('subscribe');
    then(peer);
  };
  for (const [name, version, script, line, code] of [
    ['the broker closes before CONNACK', 4, async (peer) => {
      await peer.next('connect');
      peer.socket.destroy();
    }, 'Error: The broker closed the connection before CONNACK.', 1],
    ['CONNACK refuses', 4, async (peer) => {
      await peer.next('connect');
      peer.send({ type: 'connack', sessionPresent: false, reasonCode: 5 });
    }, 'Connection error: Connection Refused: not authorised.', 5],
    ['a v5 DISCONNECT comes before SUBACK', 5, beforeSuback((peer) => peer.send({ type: 'disconnect', reasonCode: 0x89 })), 'Error: Server busy', 1],
  ] as [string, 4 | 5, Script, string | undefined, number][]) {
    it(`a fatal error before the subscription is confirmed is reported once: ${name}`, async () => {
      server = new ScriptedServer(version);
      const port = await server.listen();
      const running = mqtInProcess(['sub', '-p', String(port), '-t', 't', '-V', version === 5 ? '5' : '311']);
      await script(await server.nextPeer());
      const result = await running;
      // A refusal may add one "Hint:" line (the anonymous rule); the error itself comes once.
      const lines = result.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('Hint: '));
      assert.equal(lines.length, 1, result.stderr);
      if (line !== undefined) assert.equal(lines[0], line);
      assert.equal(result.code, code);
    });
  }

  it('reconnects after losing its broker without an Error line, and goes on', async () => {
    server = new ScriptedServer(4);
    const port = await server.listen();
    const running = mqtInProcess(['sub', '-p', String(port), '-t', 't', '-C', '1']);
    const first = await server.nextPeer();
    await first.next('connect');
    first.send({ type: 'connack', sessionPresent: false, reasonCode: 0 });
    first.send({ type: 'suback', packetId: (await first.next('subscribe')).packetId, reasonCodes: [0] });
    first.socket.destroy();
    const second = await server.nextPeer();
    await second.next('connect');
    second.send({ type: 'connack', sessionPresent: false, reasonCode: 0 });
    second.send({ type: 'suback', packetId: (await second.next('subscribe')).packetId, reasonCodes: [0] });
    second.send({ type: 'publish', topic: 't', payload: Buffer.from('after'), qos: 0, retain: false, dup: false });
    const result = await running;
    assert.deepEqual(result, { code: 0, signal: null, stdout: 'after\n', stderr: '' });
  });

  for (const [name, bytes] of [
    ['a remaining length of five bytes', [0x30, 0x80, 0x80, 0x80, 0x80, 0x01]],
    ['a topic that is not UTF-8', [0x30, 0x06, 0x00, 0x02, 0xc3, 0x28, 0x68, 0x69]],
  ] as [string, number[]][]) {
    it(`a packet it cannot read (${name}) drops the connection and it connects again, without a word (mosquitto_sub 2.1)`, async () => {
      server = new ScriptedServer(4);
      const port = await server.listen();
      const running = mqtInProcess(['sub', '-p', String(port), '-t', 't', '-C', '1']);
      const first = await server.nextPeer();
      await beforeSuback((peer) => {
        peer.send({ type: 'suback', packetId: 1, reasonCodes: [0] });
        peer.socket.write(Buffer.from(bytes));
      })(first);
      const second = await server.nextPeer();
      await answerConnect(second);
      second.send({ type: 'suback', packetId: (await second.next('subscribe')).packetId, reasonCodes: [0] });
      second.send({ type: 'publish', topic: 't', payload: Buffer.from('after'), qos: 0, retain: false, dup: false });
      assert.deepEqual(await running, { code: 0, signal: null, stdout: 'after\n', stderr: '' });
    });
  }

  /** Runs `mqt ARGS` with stdout on /dev/full while `script` plays the broker; its stderr and exit code. */
  async function withFullStdout(version: 4 | 5, args: string[], script: (peer: RawClient) => Promise<void>): Promise<{ stderr: string; code: number | null }> {
    server = new ScriptedServer(version);
    const port = await server.listen();
    const full = await open('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [MQT_BIN, ...args, '-p', String(port)], { stdio: ['ignore', full.fd, 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = once(child, 'exit');
      await script(await server.nextPeer());
      const [code] = (await exited) as [number | null];
      return { stderr, code };
    } finally {
      await full.close();
    }
  }

  it('-C 1 with stdout on a full disk: the lost message is one error line and exit 1', async () => {
    const result = await withFullStdout(4, ['sub', '-t', 't', '-C', '1'], async (peer) => {
      await peer.next('connect');
      peer.send({ type: 'connack', sessionPresent: false, reasonCode: 0 });
      peer.send({ type: 'suback', packetId: (await peer.next('subscribe')).packetId, reasonCodes: [0] });
      peer.send({ type: 'publish', topic: 't', payload: Buffer.from('lost'), qos: 0, retain: false, dup: false });
    });
    assert.deepEqual(result, { stderr: 'Error: cannot write to stdout: ENOSPC: no space left on device, write\n', code: 1 });
  });

  it('rr with stdout on a full disk: the lost response is one error line and exit 1', async () => {
    const result = await withFullStdout(5, ['rr', '-t', 'svc/req', '-e', 'svc/res', '-m', 'ask'], async (peer) => {
      await peer.next('connect');
      peer.send({ type: 'connack', sessionPresent: false, reasonCode: 0 });
      peer.send({ type: 'suback', packetId: (await peer.next('subscribe')).packetId, reasonCodes: [0] });
      await peer.next('publish');
      peer.send({ type: 'publish', topic: 'svc/res', payload: Buffer.from('lost'), qos: 0, retain: false, dup: false });
    });
    assert.deepEqual(result, { stderr: 'Error: cannot write to stdout: ENOSPC: no space left on device, write\n', code: 1 });
  });
});
