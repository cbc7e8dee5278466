import assert from 'node:assert/strict';
import { brokerSubscribed, useBroker, unique } from '../support/hooks.js';
import { mqt, startMosquittoSub } from '../support/spawn.js';

/**
 * mqt sub -v shows the MQTT 5 properties a message carries, and stays byte-identical to
 * mosquitto_sub -v for messages without any (scripts parse that output).
 */
describe('interop: mqt sub -v with v5 properties', function () {
  this.timeout(15_000);
  const { broker, hp, subscribeMqt } = useBroker();

  async function pubMqt(args: string[]): Promise<void> {
    const result = await mqt(['pub', ...hp(), ...args]);
    assert.equal(result.code, 0, result.stderr);
  }

  it('prints user properties and the other properties between the topic and the payload', async () => {
    const topic = unique('vprops');
    const sub = await subscribeMqt(['-V', '5', '-t', topic, '-v', '-C', '2', '-D', 'subscribe', 'subscription-identifier', '9']);
    await pubMqt([
      '-t', topic, '-m', 'hello world',
      '-D', 'publish', 'user-property', 'unit', 'deg C',
      '-D', 'publish', 'user-property', 'unit', 'K',
      '-D', 'publish', 'content-type', 'text/plain',
      '-D', 'publish', 'response-topic', 'resp/t',
      '-D', 'publish', 'correlation-data', 'id-42',
    ]);
    await pubMqt(['-V', '5', '-t', topic, '-n', '-D', 'publish', 'payload-format-indicator', '1']);
    const result = await sub.waitForExit(5000);
    assert.equal(result.code, 0, sub.describe());
    assert.equal(
      result.stdout,
      `${topic} [content-type=text/plain response-topic=resp/t correlation-data=id-42 subscription-identifier=9 unit:"deg C" unit:K] hello world\n` +
        `${topic} [payload-format-indicator=1 subscription-identifier=9] (null)\n`,
    );
  });

  for (const version of ['5', '311']) {
    it(`-V ${version}: a message without properties prints exactly as mosquitto_sub -v prints it`, async () => {
      const topic = unique('vplain');
      const args = ['-V', version, '-t', topic, '-v', '-C', '2'];
      const ours = await subscribeMqt(args);
      const theirsId = unique('mosquitto-sub');
      const theirs = startMosquittoSub([...hp(), '-i', theirsId, ...args]);
      await brokerSubscribed(broker(), theirsId);
      await pubMqt(['-V', version, '-t', topic, '-m', 'plain text']);
      await pubMqt(['-V', version, '-t', topic, '-n']);
      const [a, b] = await Promise.all([ours.waitForExit(5000), theirs.waitForExit(5000)]);
      assert.equal(b.code, 0, theirs.describe());
      assert.equal(a.code, 0, ours.describe());
      assert.equal(a.stdout, `${topic} plain text\n${topic} (null)\n`);
      assert.equal(a.stdout, b.stdout);
    });
  }
});
