import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { brokerDisconnected, brokerSubscribed, unique, useBroker } from '../support/hooks.js';
import { mqtInProcess } from '../support/in-process.js';
import { SUBSCRIBED, startMosquittoSub, startMqt } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

const socketDir = await makeTempFolder('mqt-unix');
const socketPath = join(socketDir, 'mosquitto.sock');

/**
 * The unix-socket transport (--unix), -A and --nodelay over TCP, and how pub ends on a signal:
 * DISCONNECT first, then the shell's 128+signal exit code, as an interrupted mosquitto_pub shows.
 */
describe('interop: transports and signals', function () {
  this.timeout(15_000);
  const { broker, hp } = useBroker([`listener 0 ${socketPath}`]);
  after(() => rm(socketDir, { recursive: true, force: true }));

  it('--unix publishes to and subscribes from a unix socket listener', async () => {
    const topic = unique('unix');
    const sub = startMqt(['sub', '--unix', socketPath, '-t', topic, '-C', '1', '-v', '-d']);
    await sub.waitForOutput(SUBSCRIBED, 5000, 'stdout');
    const pub = await mqtInProcess(['pub', '--unix', socketPath, '-t', topic, '-m', 'over a socket', '-q', '1']);
    assert.equal(pub.code, 0, pub.stderr);
    const result = await sub.waitForExit(5000);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^${topic} over a socket$`, 'm'));
  });

  it('--unix to a missing socket says so and exits 1', async () => {
    const result = await mqtInProcess(['pub', '--unix', join(socketDir, 'nope.sock'), '-t', 't', '-m', 'x']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error: No such file or directory$/m);
  });

  it('-A binds the local address and --nodelay still delivers', async () => {
    const topic = unique('bind');
    const watcher = startMosquittoSub([...hp(), '-t', topic, '-C', '1', '-d']);
    await watcher.waitForOutput(SUBSCRIBED, 5000, 'stdout');
    const id = unique('bound');
    const pub = await mqtInProcess(['pub', ...hp(), '-A', '127.0.0.1', '--nodelay', '-i', id, '-t', topic, '-m', 'bound']);
    assert.equal(pub.code, 0, pub.stderr);
    assert.match((await watcher.waitForExit(5000)).stdout, /^bound$/m);
    assert.match(broker().log(), new RegExp(`New client connected from 127\\.0\\.0\\.1:\\d+ as ${id}`));
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`pub -l ends on ${signal} with a DISCONNECT and exit ${code}`, async () => {
      const topic = unique('sigpub');
      const id = unique('interrupted-pub');
      const watcher = startMosquittoSub([...hp(), '-t', topic, '-C', '1', '-d']);
      await watcher.waitForOutput(SUBSCRIBED, 5000, 'stdout');
      const pub = startMqt(['pub', ...hp(), '-i', id, '-t', topic, '-l', '-q', '1', '-d']);
      pub.child.stdin?.write('first line\n');
      assert.match((await watcher.waitForExit(5000)).stdout, /^first line$/m);
      await pub.waitForOutput(/received PUBACK/, 5000, 'stdout');
      pub.kill(signal);
      const result = await pub.waitForExit(5000);
      assert.equal(result.code, code, pub.describe());
      assert.match(result.stdout, /sending DISCONNECT$/m);
      const [line] = await brokerDisconnected(broker(), id);
      assert.match(line, /disconnected/, 'the broker saw a DISCONNECT, not a dropped connection');
    });
  }

  it('sub subscribes again after the broker closes the connection', async () => {
    const topic = unique('resub');
    const id = unique('resubscriber');
    const sub = startMqt(['sub', ...hp(), '-i', id, '-t', topic, '-C', '1', '-v']);
    await brokerSubscribed(broker(), id);
    // A second client with the same id takes the session over: the first is disconnected by the broker.
    const thief = startMqt(['sub', ...hp(), '-i', id, '-t', unique('other'), '-W', '1']);
    await thief.waitForExit(5000);
    // The third SUBACK to this id (the first sub, the thief, the first sub again): it is back.
    await broker().waitForLog(new RegExp(`Sending SUBACK to ${id}\\n[^]*Sending SUBACK to ${id}\\n[^]*Sending SUBACK to ${id}\\n`), 8000);
    const pub = await mqtInProcess(['pub', ...hp(), '-t', topic, '-m', 'after reconnect']);
    assert.equal(pub.code, 0, pub.stderr);
    const result = await sub.waitForExit(8000);
    assert.equal(result.code, 0, sub.describe());
    assert.match(result.stdout, new RegExp(`^${topic} after reconnect$`, 'm'));
  });
});
