import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { MqttClient, type OutgoingMessage } from '../../src/lib/client/client.js';
import { connectClient } from '../../src/lib/client/connect.js';
import { encode } from '../../src/lib/protocol/encode.js';
import { PacketReader } from '../../src/lib/protocol/framer.js';
import type { Packet, PublishPacket } from '../../src/lib/protocol/packets.js';
import { brokerSubscribed, useBroker, unique } from '../support/hooks.js';
import { mqtInProcess, startInProcess, stopInProcess } from '../support/in-process.js';
import { MQT_BIN, runTool, startMosquittoSub, startMqt } from '../support/spawn.js';
import { requireTool } from '../support/tools.js';

/**
 * mqt rr against a real mosquitto, answered by a responder written with our MqttClient (or with
 * mosquitto_sub and mosquitto_pub): the request is mosquitto_rr's byte for byte, the response is
 * printed as sub prints messages, correlation data (given, or generated with --correlate) is
 * matched, -W times out with 27, and the session ends with a DISCONNECT, which mosquitto_rr never
 * sends.
 */
describe('interop: mqt rr', function () {
  this.timeout(15_000);
  const { broker, hp, publish } = useBroker();
  const clients: MqttClient[] = [];

  afterEach(async () => {
    await stopInProcess();
    await Promise.all(clients.splice(0).map((client) => client.disconnect()));
  });

  type Answer = (request: PublishPacket) => OutgoingMessage[];

  /** A v5 client on `topic` that publishes what `answer` makes of each request; resolves once subscribed. */
  async function responder(topic: string, answer: Answer): Promise<PublishPacket[]> {
    const client = new MqttClient({ protocolVersion: 5, clientId: unique('responder'), clean: true, keepalive: 60 });
    clients.push(client);
    await connectClient(client, { kind: 'tcp', host: '127.0.0.1', port: broker().port });
    const requests: PublishPacket[] = [];
    client.on('message', (message) => {
      requests.push(message);
      for (const reply of answer(message)) void client.publish(reply);
    });
    await client.subscribe([{ topicFilter: topic, qos: 1 }]);
    return requests;
  }

  /** The usual responder: "answer" on the request's response topic, with its correlation data. */
  const echo =
    (payload = 'answer'): Answer =>
    (request) => [reply(request, payload, request.properties?.correlationData)];

  function reply(request: PublishPacket, payload: string, correlationData: Buffer | undefined): OutgoingMessage {
    return {
      topic: request.properties?.responseTopic ?? 'no-response-topic',
      payload: Buffer.from(payload),
      qos: 0,
      retain: false,
      properties: { ...(correlationData === undefined ? {} : { correlationData }), userProperties: [['served-by', 'test']] },
    };
  }

  it('publishes the request with Response Topic and no Correlation Data, as mosquitto_rr, prints the response, then DISCONNECTs', async () => {
    const base = unique('rr');
    const requests = await responder(`${base}/req`, echo());
    const id = unique('rr-client');
    const result = await mqtInProcess(['rr', ...hp(), '-i', id, '-t', `${base}/req`, '-e', `${base}/res`, '-m', 'question', '-W', '5']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'answer\n');
    assert.equal(result.stderr, '');
    const [request] = requests;
    assert.equal(request?.payload.toString(), 'question');
    assert.deepEqual(request.properties, { responseTopic: `${base}/res` });
    await broker().waitForLog(new RegExp(`Received DISCONNECT from ${id}\\n`), 2000);
  });

  it('--correlate: sends a generated UUID, ignores a response with other correlation data, and one retained before the request was sent', async () => {
    const base = unique('rr');
    await publish(`${base}/res`, ['-r', '-m', 'stale']);
    await responder(`${base}/req`, (request) => [
      reply(request, 'for someone else', Buffer.from('not-yours')),
      reply(request, 'yours', request.properties?.correlationData),
    ]);
    const result = await mqtInProcess(['rr', ...hp(), '-t', `${base}/req`, '-e', `${base}/res`, '-m', 'q', '--correlate', '-v', '-d', '-W', '5']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n');
    const stale = new RegExp(`^Ignoring the PUBLISH on '${base}/res': it (arrived before the request was sent|is a retained message, not an answer)\\.$`);
    assert.ok(lines.some((l) => stale.test(l)), result.stdout);
    assert.ok(lines.some((l) => l.startsWith(`Ignoring the PUBLISH on '${base}/res': its correlation data 'not-yours' is not ours`)), result.stdout);
    const printed = lines.filter((l) => l.startsWith(`${base}/res `));
    assert.equal(printed.length, 1, result.stdout);
    assert.match(printed[0]!, new RegExp(`^${base}/res \\[correlation-data=[0-9a-f-]{36} served-by:test\\] yours$`));
  });

  it('sends the correlation data given with -D and takes the matching response; --json prints it as sub does', async () => {
    const base = unique('rr');
    await responder(`${base}/req`, echo('{"t":21.5}'));
    const result = await mqtInProcess([
      'rr', ...hp(), '-t', `${base}/req`, '-e', `${base}/res`, '-m', 'q', '-q', '1',
      '-D', 'publish', 'correlation-data', 'my-id-7', '--json', '-W', '5',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const object = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(object.topic, `${base}/res`);
    assert.equal(object.payload, '{"t":21.5}');
    assert.deepEqual(object.properties, { 'correlation-data': 'my-id-7', 'user-properties': [['served-by', 'test']] });
    assert.equal(result.stdout.split('\n').length, 2);
  });

  it('-s and -f send the bytes of stdin and of the file (mosquitto_rr 2.0 sent an empty request)', async () => {
    const base = unique('rr');
    const requests = await responder(`${base}/req`, (request) => [reply(request, `got ${request.payload.length} bytes`, request.properties?.correlationData)]);
    const fromStdin = await mqtInProcess(['rr', ...hp(), '-t', `${base}/req`, '-e', `${base}/res`, '-s', '-W', '5'], { input: 'from stdin\n' });
    assert.equal(fromStdin.stdout, 'got 11 bytes\n', fromStdin.stderr);
    const fromFile = await mqtInProcess(['rr', ...hp(), '-t', `${base}/req`, '-e', `${base}/res`, '-f', MQT_BIN, '-W', '5']);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.deepEqual(requests[1]?.payload, await readFile(MQT_BIN));
  });

  it('-W: "Timed out" on stderr and exit 27 when no response comes', async () => {
    const base = unique('rr');
    const started = Date.now();
    const result = await mqtInProcess(['rr', ...hp(), '-t', `${base}/req`, '-e', `${base}/res`, '-m', 'q', '-W', '1']);
    assert.equal(result.code, 27);
    assert.equal(result.stderr, 'Timed out\n');
    assert.equal(result.stdout, '');
    assert.ok(Date.now() - started >= 1000);
  });

  it('-q 1: warns when the broker says nobody is subscribed to the request topic', async () => {
    const base = unique('rr');
    const result = await mqtInProcess(['rr', ...hp(), '-t', `${base}/req`, '-e', `${base}/res`, '-m', 'q', '-q', '1', '-W', '1']);
    assert.equal(result.code, 27);
    assert.equal(
      result.stderr,
      `Warning: the broker says no client is subscribed to '${base}/req', so no response will come.\nTimed out\n`,
    );
  });

  it('--latency prints the round-trip time on stderr', async () => {
    const base = unique('rr');
    await responder(`${base}/req`, echo());
    const result = await mqtInProcess(['rr', ...hp(), '-t', `${base}/req`, '-e', `${base}/res`, '-m', 'q', '--latency', '-W', '5']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'answer\n');
    assert.match(result.stderr, /^Latency: \d+\.\d{3}(µs|ms)\n$/);
  });

  it('-V 311: no properties; the first message on the response topic is the response', async () => {
    const base = unique('rr');
    const requests = await responder(`${base}/req`, (request) => [{ ...reply(request, 'v3 answer', undefined), topic: `${base}/res`, properties: {} }]);
    const result = await mqtInProcess(['rr', ...hp(), '-V', '311', '-t', `${base}/req`, '-e', `${base}/res`, '-m', 'q', '-W', '5']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'v3 answer\n');
    assert.equal(requests[0]?.properties, undefined);
  });

  it('works with a responder made of mosquitto_sub and mosquitto_pub', async () => {
    const base = unique('rr');
    const subId = unique('mosquitto-sub');
    const listener = startMosquittoSub([...hp(), '-i', subId, '-V', '5', '-t', `${base}/req`, '-C', '1', '-F', '%R|%D|%p']);
    await brokerSubscribed(broker(), subId);
    const rr = startInProcess(['rr', ...hp(), '-t', `${base}/req`, '-e', `${base}/res`, '-m', 'ping', '-W', '5']);
    const [, responseTopic = '', correlation = '', payload = ''] = (await listener.waitForOutput(/^(.*)\|(.*)\|(.*)$/m, 5000, 'stdout')) ?? [];
    assert.equal(responseTopic, `${base}/res`);
    assert.equal(payload, 'ping');
    await publish(responseTopic, ['-V', '5', '-m', 'pong', '-D', 'publish', 'correlation-data', correlation]);
    const result = await rr.waitForExit(5000);
    assert.equal(result.code, 0, rr.describe());
    assert.equal(result.stdout, 'pong\n');
  });

  it("-d prints mosquitto_rr's lines, then the DISCONNECT mosquitto_rr leaves out", async function () {
    const mosquittoRr = requireTool(this, 'mosquitto_rr', 'apt-get install mosquitto-clients, 2.0 or later');
    const base = unique('rr');
    await responder(`${base}/req`, echo());
    const args = ['-t', `${base}/req`, '-e', `${base}/res`, '-m', 'q', '-q', '1', '-d', '-W', '5'];
    const theirs = await runTool(mosquittoRr, [...hp(), '-i', 'rr-debug-a', ...args], { timeoutMs: 10_000 });
    const ours = await mqtInProcess(['rr', ...hp(), '-i', 'rr-debug-b', ...args]);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.equal(ours.code, 0, ours.stderr);
    const expected = `${theirs.stdout.replaceAll('rr-debug-a', 'rr-debug-b')}Client rr-debug-b sending DISCONNECT\n`;
    assert.equal(ours.stdout, expected);
    assert.match(ours.stdout, /sending SUBSCRIBE \(Mid: 1, Topic: .*\/res, QoS: 1, Options: 0x00\)\n.*received SUBACK\n.*sending PUBLISH \(d0, q1, r0, m2,/);
  });

  it('SIGINT while waiting: DISCONNECT with reason 4, so the broker publishes the will; exit 130', async () => {
    const base = unique('rr');
    const watcherId = unique('will-watcher');
    const watcher = startMosquittoSub([...hp(), '-i', watcherId, '-t', `${base}/will`, '-C', '1']);
    await brokerSubscribed(broker(), watcherId);
    const id = unique('rr-client');
    const rr = startMqt(['rr', ...hp(), '-i', id, '-t', `${base}/req`, '-e', `${base}/res`, '-m', 'q', '--will-topic', `${base}/will`, '--will-payload', 'gone']);
    await broker().waitForLog(new RegExp(`Received PUBLISH from ${id} .*'${base}/req'`), 5000);
    rr.child.kill('SIGINT');
    const result = await rr.waitForExit(5000);
    assert.equal(result.code, 130, rr.describe());
    await broker().waitForLog(new RegExp(`Received DISCONNECT from ${id}\\n`), 2000);
    assert.equal((await watcher.waitForExit(5000)).stdout, 'gone\n');
  });

  describe('usage errors', () => {
    const cases: [string[], string][] = [
      [['-t', 'a', '-m', 'q'], 'Error: All of topic, message, and response topic must be supplied.'],
      [['-e', 'r', '-m', 'q'], 'Error: All of topic, message, and response topic must be supplied.'],
      [['-t', 'a', '-e', 'r'], 'Error: All of topic, message, and response topic must be supplied.'],
      [['-t', 'a', '-e', 'r/+', '-m', 'q'], "Error: Invalid response topic 'r/+', does it contain '+' or '#'?"],
      [['-t', 'a/#', '-e', 'r', '-m', 'q'], "Error: Invalid publish topic 'a/#', does it contain '+' or '#'?"],
      [['-t', 'a', '-e', 'r', '-m', 'q', '-D', 'publish', 'response-topic', 'x'], 'Error: Duplicate response topic: -e sets it, leave out -D publish response-topic.'],
      [['-t', 'a', '-e', 'r', '-m', 'q', '-l'], "Error: Unknown option '-l'."],
      [['-t', 'a', '-e', 'r', '-m', 'q', '-W', '0'], 'Error: Invalid timeout "0".'],
    ];
    for (const [args, message] of cases) {
      it(`${args.join(' ')}: ${message}`, async () => {
        const result = await mqtInProcess(['rr', ...args]);
        assert.equal(result.code, 1);
        assert.equal(result.stderr, `${message}\nUse 'mqt rr --help' to see usage.\n`);
      });
    }
  });
});

/** The frames of a byte stream: each whole packet (fixed header, remaining length, body) as sent. */
function splitFrames(bytes: Buffer): { frames: Buffer[]; rest: Buffer } {
  const frames: Buffer[] = [];
  let at = 0;
  for (;;) {
    let length = 0;
    let shift = 0;
    let i = at + 1;
    while (i < bytes.length && (bytes[i]! & 0x80) !== 0) length += (bytes[i++]! & 0x7f) << (7 * shift++);
    if (i >= bytes.length) break;
    length += bytes[i]! << (7 * shift);
    const end = i + 1 + length;
    if (end > bytes.length) break;
    frames.push(bytes.subarray(at, end));
    at = end;
  }
  return { frames, rest: bytes.subarray(at) };
}

/**
 * A broker on 127.0.0.1 that keeps every packet a client sends, byte for byte, and answers as a
 * broker would: CONNACK, SUBACK, PUBACK, and a response on the request's Response Topic.
 */
async function capturingBroker(): Promise<{ port: number; packets: Buffer[]; hungUp: Promise<void>; close: () => void }> {
  const packets: Buffer[] = [];
  let hangUp = (): void => undefined;
  const hungUp = new Promise<void>((resolve) => {
    hangUp = resolve;
  });
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    // The client's last bytes are read before this: a client in this process may return first.
    socket.once('close', hangUp);
    const reader = new PacketReader({ version: 5 });
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const { frames, rest } = splitFrames(Buffer.concat([pending, chunk]));
      pending = Buffer.from(rest);
      for (const frame of frames) {
        packets.push(Buffer.from(frame));
        reader.push(frame, (packet) => {
          const answer = (reply: Packet): boolean => socket.write(encode(reply, 5));
          if (packet.type === 'connect') answer({ type: 'connack', sessionPresent: false, reasonCode: 0 });
          if (packet.type === 'subscribe') answer({ type: 'suback', packetId: packet.packetId, reasonCodes: [1] });
          if (packet.type !== 'publish') return;
          if (packet.packetId !== undefined) answer({ type: 'puback', packetId: packet.packetId });
          const topic = packet.properties?.responseTopic ?? '';
          answer({ type: 'publish', topic, payload: Buffer.from('ans'), qos: 0, retain: false, dup: false });
        });
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, packets, hungUp, close: () => server.close() };
}

describe('interop: mqt rr on the wire, against mosquitto_rr', function () {
  this.timeout(15_000);

  it('sends the bytes mosquitto_rr sends for the same command line (CONNECT, SUBSCRIBE, PUBLISH)', async function () {
    requireTool(this, 'mosquitto_rr', 'apt-get install mosquitto-clients, 2.0 or later');
    const args = ['-t', 'svc/req', '-e', 'svc/res', '-m', 'hello', '-q', '1', '-i', 'rr-bytes', '-D', 'publish', 'user-property', 'k', 'v', '-D', 'publish', 'content-type', 'text/plain'];
    const sent: Buffer[][] = [];
    for (const run of [(port: number) => runTool('mosquitto_rr', ['-p', String(port), ...args], { timeoutMs: 10_000 }), (port: number) => mqtInProcess(['rr', '-p', String(port), ...args])]) {
      const broker = await capturingBroker();
      try {
        const result = await run(broker.port);
        await broker.hungUp;
        assert.deepEqual({ code: result.code, stdout: result.stdout }, { code: 0, stdout: 'ans\n' }, result.stderr);
        sent.push(broker.packets);
      } finally {
        broker.close();
      }
    }
    const [theirs, ours] = sent;
    // mosquitto_rr drops the connection without DISCONNECT; mqt's DISCONNECT is the one packet more.
    assert.deepEqual(ours!.slice(0, 3).map((b) => b.toString('hex')), theirs!.map((b) => b.toString('hex')));
    assert.equal(theirs!.length, 3);
    assert.deepEqual(ours![3], Buffer.from([0xe0, 0x00]));
  });
});
