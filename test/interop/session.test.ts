import assert from 'node:assert/strict';
import { brokerDisconnected, useBroker, unique } from '../support/hooks.js';
import { mqtInProcess } from '../support/in-process.js';
import { mosquittoPub } from '../support/spawn.js';

/** A persistent session (-c -i ID): QoS 1 messages published while mqt sub is away are kept. */
describe('interop: persistent sessions', function () {
  this.timeout(15_000);
  const { broker, hp } = useBroker();

  for (const version of ['311', '5']) {
    it(`-V ${version}: a message queued while offline is printed on the next connection`, async () => {
      const id = unique(`persistent-v${version}`);
      const topic = unique('session');
      const session = ['sub', ...hp(), '-V', version, '-c', '-i', id, '-q', '1', '-t', topic];

      const first = await mqtInProcess([...session, '-E']);
      assert.deepEqual(first, { code: 0, signal: null, stdout: '', stderr: '' });
      await brokerDisconnected(broker(), id);

      const queued = await mosquittoPub([...hp(), '-q', '1', '-t', topic, '-m', 'queued']);
      assert.equal(queued.code, 0, queued.stderr);

      const second = await mqtInProcess([...session, '-C', '1', '-W', '5']);
      assert.deepEqual(second, { code: 0, signal: null, stdout: 'queued\n', stderr: '' });
    });
  }

  it('without -c the message is not kept (control)', async () => {
    const id = unique('clean');
    const topic = unique('session');
    const first = await mqtInProcess(['sub', ...hp(), '-i', id, '-q', '1', '-t', topic, '-E']);
    assert.equal(first.code, 0, first.stderr);
    await brokerDisconnected(broker(), id);
    const queued = await mosquittoPub([...hp(), '-q', '1', '-t', topic, '-m', 'lost']);
    assert.equal(queued.code, 0, queued.stderr);
    // A kept message would come right after the CONNACK, before the SUBACK that ends -E.
    const second = await mqtInProcess(['sub', ...hp(), '-i', id, '-q', '1', '-t', topic, '-E']);
    assert.deepEqual(second, { code: 0, signal: null, stdout: '', stderr: '' });
  });
});
