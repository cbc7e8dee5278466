import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unique } from '../support/hooks.js';
import { requireMosquitto, startMosquitto } from '../support/mosquitto.js';
import { confArgs, startServe, stopServe } from '../support/serve.js';
import { mosquittoPub, mosquittoSub, stopAllTools } from '../support/spawn.js';

const dir = await mkdtemp(join(tmpdir(), 'mqt-serve-queue-'));

/** Runs `flow` against mqt serve and the real mosquitto, each started with `lines`; what each returned. */
async function onBoth(lines: string[], flow: (hp: string[]) => Promise<string>): Promise<{ mqt: string; mosquitto: string }> {
  const serve = await startServe(confArgs(dir, unique('queue'), (port) => [`listener ${port} 127.0.0.1`, 'allow_anonymous true', ...lines]));
  const mosquitto = await startMosquitto(lines);
  try {
    return { mqt: await flow(serve.hp), mosquitto: await flow(['-h', '127.0.0.1', '-p', String(mosquitto.port)]) };
  } finally {
    await mosquitto.stop();
    await stopServe(serve);
  }
}

/** A persistent session subscribes and leaves; one QoS 0 message is published; what the session gets when it is back. */
async function qos0WhileAway(hp: string[]): Promise<string> {
  const session = [...hp, '-c', '-i', unique('away'), '-q', '1', '-t', 'away/#'];
  assert.equal((await mosquittoSub([...session, '-E'])).code, 0);
  assert.equal((await mosquittoPub([...hp, '-q', '0', '-t', 'away/zero', '-m', 'sent at QoS 0'])).code, 0);
  const back = await mosquittoSub([...session, '-v', '-C', '1', '-W', '2']);
  return back.code === 0 ? back.stdout.trim() : `exit ${String(back.code)}`;
}

/** A QoS 2 subscriber receives a message published at QoS 0: the QoS of the PUBLISH it got, from its -d line. */
async function qosReceived(hp: string[]): Promise<string> {
  const topic = unique('upgrade');
  const sub = mosquittoSub([...hp, '-q', '2', '-t', topic, '-C', '1', '-W', '5', '-d']);
  // mosquitto_sub subscribes well within this; the retained copy makes the order irrelevant.
  assert.equal((await mosquittoPub([...hp, '-q', '0', '-r', '-t', topic, '-m', 'x'])).code, 0);
  const { stdout } = await sub;
  return /received PUBLISH \(d\d, (q\d)/.exec(stdout)?.[1] ?? stdout;
}

/** queue_qos0_messages and upgrade_outgoing_qos: mqt serve against mosquitto 2.0.11 with the same lines. */
describe('interop: queue_qos0_messages and upgrade_outgoing_qos, as mosquitto', function () {
  this.timeout(30_000);
  before(function () {
    requireMosquitto(this);
  });
  afterEach(stopAllTools);
  after(() => rm(dir, { recursive: true, force: true }));

  it('queue_qos0_messages true keeps a QoS 0 message for a persistent session whose client is away', async () => {
    assert.deepEqual(await onBoth(['queue_qos0_messages true'], qos0WhileAway), { mqt: 'away/zero sent at QoS 0', mosquitto: 'away/zero sent at QoS 0' });
  });

  it('without it the QoS 0 message is dropped (mosquitto_sub -W times out: exit 27)', async () => {
    assert.deepEqual(await onBoth([], qos0WhileAway), { mqt: 'exit 27', mosquitto: 'exit 27' });
  });

  it('upgrade_outgoing_qos true sends a QoS 0 message to a QoS 2 subscription at QoS 2; the default keeps QoS 0', async () => {
    assert.deepEqual(await onBoth(['upgrade_outgoing_qos true'], qosReceived), { mqt: 'q2', mosquitto: 'q2' });
    assert.deepEqual(await onBoth([], qosReceived), { mqt: 'q0', mosquitto: 'q0' });
  });
});
