import assert from 'node:assert/strict';
import { brokerSubscribed, useBroker, unique } from '../support/hooks.js';
import { mosquittoPub, mqt, startMqt } from '../support/spawn.js';

/** `mqt sub ... | head -1`: when the reader goes away, mqt sub exits 0 without a word. */
describe('interop: mqt sub writing into a closed pipe', function () {
  this.timeout(15_000);
  const { broker, hp } = useBroker();

  for (const flags of [[], ['-v'], ['-q', '1']]) {
    it(`mqt sub ${flags.join(' ')} | head -1: exit 0, nothing on stderr`, async () => {
      const topic = unique('pipe');
      const id = unique('piped');
      const sub = startMqt(['sub', ...hp(), '-i', id, '-t', topic, ...flags]);
      await brokerSubscribed(broker(), id);

      const first = await mosquittoPub([...hp(), '-t', topic, '-m', 'first']);
      assert.equal(first.code, 0, first.stderr);
      await sub.waitForOutput(/\n/, 5000, 'stdout');
      sub.closeStdout(); // what head does after its first line

      // Keep messages coming until mqt notices the closed pipe (bounded).
      for (let i = 0; i < 40 && sub.running; i++) {
        const more = await mosquittoPub([...hp(), '-t', topic, '-m', `more ${i}`]);
        assert.equal(more.code, 0, more.stderr);
      }
      const result = await sub.waitForExit(5000);
      assert.equal(result.stdout.split('\n')[0], flags.includes('-v') ? `${topic} first` : 'first');
      assert.equal(result.stderr, '');
      assert.equal(result.signal, null);
      assert.equal(result.code, 0);
    });
  }

  it('mqt pub → mqt sub through the same broker still works afterwards (broker unharmed)', async () => {
    const topic = unique('pipe-after');
    const pub = await mqt(['pub', ...hp(), '-t', topic, '-m', 'ok', '-r']);
    assert.equal(pub.code, 0, pub.stderr);
    const sub = await mqt(['sub', ...hp(), '-t', topic, '-C', '1']);
    assert.deepEqual(sub, { code: 0, signal: null, stdout: 'ok\n', stderr: '' });
  });
});
