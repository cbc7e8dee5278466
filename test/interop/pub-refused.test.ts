import assert from 'node:assert/strict';
import { unique, useBroker } from '../support/hooks.js';
import { mqtInProcess } from '../support/in-process.js';
import { mosquittoPub } from '../support/spawn.js';

/**
 * A broker whose ACL forbids publishing answers an MQTT 5 QoS 1/2 PUBLISH with reason 0x87.
 * mosquitto_pub prints a warning and exits 0; mqt pub prints the same warning and exits 135.
 */
describe('interop: a publish the broker refuses', function () {
  this.timeout(15_000);
  // An empty acl_file gives anonymous clients no write access.
  const { hp } = useBroker(['acl_file /dev/null']);

  for (const qos of ['1', '2']) {
    it(`-V 5 -q ${qos}: warns like mosquitto_pub and exits with the reason code`, async () => {
      const topic = unique('forbidden');
      const ours = await mqtInProcess(['pub', ...hp(), '-V', '5', '-q', qos, '-t', topic, '-m', 'x']);
      const theirs = await mosquittoPub([...hp(), '-V', '5', '-q', qos, '-t', topic, '-m', 'x']);
      assert.equal(ours.stderr, theirs.stderr);
      assert.match(ours.stderr, /^Warning: Publish 1 failed: Not authorized\.$/m);
      assert.equal(theirs.code, 0, 'mosquitto_pub exits 0 here (its bug)');
      assert.equal(ours.code, 135);
    });
  }

  it('pub -l keeps sending after a refusal and exits with its reason code', async () => {
    const result = await mqtInProcess(['pub', ...hp(), '-V', '5', '-q', '1', '-t', unique('forbidden-lines'), '-l'], { input: 'a\nb\nc\n' });
    assert.equal(result.code, 135, result.stderr);
    assert.match(result.stderr, /^Warning: Publish \d+ failed: Not authorized\.$/m);
  });
});
