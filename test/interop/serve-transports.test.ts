import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { unique } from '../support/hooks.js';
import { requireMosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { confArgs, startServe } from '../support/serve.js';
import { SUBSCRIBED, mosquittoPub, startMosquittoSub, stopAllTools } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

const dir = await makeTempFolder('mqt-serve-transports');

/** A config for the port startServe picked, then `-c` it. */
const confFor = (name: string, lines: (port: number) => string[]): ((port: number) => string[]) => confArgs(dir, name, lines);

/** Publishes with the mqtt npm package over WebSocket and resolves once the PUBACK is in. */
async function publishOverWebSocket(url: string, topic: string, payload: string, protocolVersion: 4 | 5): Promise<void> {
  const client = await mqtt.connectAsync(url, { protocolVersion, reconnectPeriod: 0, connectTimeout: 5000 });
  try {
    await client.publishAsync(topic, payload, { qos: 1 });
  } finally {
    await client.endAsync();
  }
}

/**
 * The listeners besides plain TCP: WebSocket (mosquitto's `protocol websockets`; Debian's
 * mosquitto is built without it, so the client here is the mqtt npm package) and unix sockets,
 * and the log written to a file with log_timestamp_format.
 */
describe('interop: mqt serve listeners and log', function () {
  this.timeout(20_000);
  before(function () {
    requireMosquitto(this);
  });
  afterEach(stopAllTools);
  after(() => rm(dir, { recursive: true, force: true }));

  it('a websockets listener takes MQTT 3.1.1 and 5 from the mqtt package; mosquitto_sub gets it over TCP', async () => {
    const wsPort = await freePort();
    const serve = await startServe(
      confFor('ws', (port) => ['allow_anonymous true', `listener ${port} 127.0.0.1`, `listener ${wsPort} 127.0.0.1`, 'protocol websockets']),
    );
    assert.match(serve.tool.stderr, new RegExp(`Opening websockets listen socket on port ${wsPort}\\.`));
    for (const version of [4, 5] as const) {
      const topic = unique('ws');
      const sub = startMosquittoSub([...serve.hp, '-t', topic, '-C', '1', '-v', '-d']);
      await sub.waitForOutput(SUBSCRIBED, 5000, 'stdout');
      await publishOverWebSocket(`ws://127.0.0.1:${wsPort}/mqtt`, topic, `over WebSocket v${version}`, version);
      const result = await sub.waitForExit(5000);
      assert.match(result.stdout, new RegExp(`^${topic} over WebSocket v${version}$`, 'm'));
    }
  });

  it('a plain HTTP request to the websockets port gets 426, not a hang', async () => {
    const wsPort = await freePort();
    const serve = await startServe((port) => ['-p', String(port), '--ws-port', String(wsPort), '-v']);
    assert.equal(serve.tool.stderr.split(`Opening websockets listen socket on port ${wsPort}.`).length, 2, 'said once for both loopback addresses');
    const response = await fetch(`http://127.0.0.1:${wsPort}/`);
    assert.equal(response.status, 426);
    assert.match(await response.text(), /MQTT over WebSocket/);
  });

  it('`listener 0 PATH` and --unix serve mosquitto_pub/mosquitto_sub --unix', async () => {
    const fromConfig = join(dir, 'conf.sock');
    const fromFlag = join(dir, 'flag.sock');
    const serve = await startServe((port) => [...confFor('unix', () => [`listener ${port} 127.0.0.1`, `listener 0 ${fromConfig}`, 'allow_anonymous true'])(port), '--unix', fromFlag]);
    assert.match(serve.tool.stderr, new RegExp(`Opening unix listen socket on path ${fromConfig}\\.`));
    const topic = unique('unix');
    const sub = startMosquittoSub(['--unix', fromConfig, '-t', topic, '-C', '1', '-v', '-d']);
    await sub.waitForOutput(SUBSCRIBED, 5000, 'stdout');
    const pub = await mosquittoPub(['--unix', fromFlag, '-t', topic, '-m', 'through two sockets', '-q', '1']);
    assert.equal(pub.code, 0, pub.stderr);
    assert.match((await sub.waitForExit(5000)).stdout, new RegExp(`^${topic} through two sockets$`, 'm'));
    assert.match(serve.tool.stderr, new RegExp(`New connection from ${fromConfig}:0 on port 0\\.`));
  });

  it('log_dest file with log_timestamp_format, log_type and connection_messages', async () => {
    const logFile = join(dir, 'broker.log');
    const serve = await startServe(
      confFor('log', (port) => [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        `log_dest file ${logFile}`,
        'log_dest stdout',
        'log_timestamp_format %Y-%m-%dT%H:%M:%S',
        'log_type information',
        'log_type notice',
        'connection_messages false',
      ]),
    );
    const pub = await mosquittoPub([...serve.hp, '-t', unique('log'), '-m', 'x']);
    assert.equal(pub.code, 0, pub.stderr);
    serve.tool.kill('SIGTERM');
    const result = await serve.tool.waitForExit(3000);
    assert.equal(result.code, 0);
    const written = await readFile(logFile, 'utf8');
    assert.match(written, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d: mqt version \S+ starting$/m);
    assert.match(written, /: mqt version \S+ terminating\n$/);
    assert.equal(result.stdout, written, 'stdout and the file get the same lines');
    assert.equal(result.stderr, '');
    assert.doesNotMatch(written, /New connection from|New client connected|disconnected\./);
  });

  it('log_type error only and log_timestamp false: a quiet broker', async () => {
    const serve = await startServe(confFor('quiet', (port) => [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'log_type error', 'log_timestamp false']), 'accepting');
    const pub = await mosquittoPub([...serve.hp, '-t', unique('quiet'), '-m', 'x']);
    assert.equal(pub.code, 0, pub.stderr);
    serve.tool.kill('SIGTERM');
    const result = await serve.tool.waitForExit(3000);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
  });
});
