import assert from 'node:assert/strict';
import { useBroker, unique } from '../support/hooks.js';
import { mqtInProcess, stopInProcess } from '../support/in-process.js';
import { ScriptedServer } from '../support/scripted-server.js';

/**
 * The mosquitto_sub bugs mqt sub fixes (reference §16): --remove-retained with -C exits once the
 * removals are acknowledged (mosquitto never exits), --random-filter is a real percentage
 * (mosquitto prints p/10 %) and still counts every message for -C, and a refused subscription
 * exits non-zero (mosquitto exits 0).
 */
describe('interop: mqt sub where mosquitto_sub has bugs', function () {
  this.timeout(20_000);
  const { hp, publish, subscribeMqt: subscribe } = useBroker();

  it('--remove-retained -C 2 prints, clears and exits', async () => {
    const base = unique('remove');
    await publish(`${base}/1`, ['-r', '-m', 'one']);
    await publish(`${base}/2`, ['-r', '-m', 'two']);
    const result = await mqtInProcess(['sub', ...hp(), '-t', `${base}/#`, '--remove-retained', '-C', '2', '-v']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\n').filter(Boolean).sort(), [`${base}/1 one`, `${base}/2 two`]);
    const after = await mqtInProcess(['sub', ...hp(), '-t', `${base}/#`, '-E', '-v']);
    assert.deepEqual({ code: after.code, stdout: after.stdout }, { code: 0, stdout: '' }, 'the retained messages are gone');
  });

  it('--random-filter 50 prints about half of the messages and -C counts them all', async () => {
    const topic = unique('random');
    const sub = await subscribe(['-t', topic, '-C', '400', '--random-filter', '50']);
    await publish(topic, ['-l', '-q', '1'], Array.from({ length: 400 }, (_, i) => String(i)).join('\n') + '\n');
    const result = await sub.waitForExit(10_000);
    assert.equal(result.code, 0, result.stderr);
    const printed = result.stdout.split('\n').filter(Boolean).length;
    // Binomial(400, 0.5): 120..280 is more than 8 standard deviations wide.
    assert.ok(printed > 120 && printed < 280, `printed ${printed} of 400`);
  });

});

describe('mqt sub refused by the broker', function () {
  this.timeout(15_000);
  let server: ScriptedServer;
  afterEach(async () => {
    await stopInProcess();
    await server.close();
  });

  // mosquitto 2.0 cannot refuse a subscription, so a scripted broker answers the SUBACK.
  for (const [version, level, code] of [['311', 4, 0x80], ['5', 5, 0x87]] as const) {
    it(`-V ${version} exits with the SUBACK code ${code} when every filter is refused`, async () => {
      server = new ScriptedServer(level);
      const port = await server.listen();
      const running = mqtInProcess(['sub', '-h', '127.0.0.1', '-p', String(port), '-t', 'a', '-t', 'b', '-V', version]);
      const peer = await server.nextPeer();
      await peer.next('connect');
      peer.send({ type: 'connack', sessionPresent: false, reasonCode: 0 });
      const subscribe = await peer.next('subscribe');
      peer.send({ type: 'suback', packetId: subscribe.packetId, reasonCodes: [code, code] });
      const result = await running;
      assert.equal(result.code, code, result.stderr);
      assert.equal(result.stderr, 'All subscription requests were denied.\n');
    });
  }
});
