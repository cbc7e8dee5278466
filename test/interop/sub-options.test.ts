import assert from 'node:assert/strict';
import { brokerSubscribed, useBroker, unique } from '../support/hooks.js';
import { mqtInProcess } from '../support/in-process.js';
import { mosquittoSub, startMosquittoSub } from '../support/spawn.js';

/**
 * What mqt sub prints and how it exits with -C, -W, -E, -R, -T, --retained-only, -N and -v,
 * against mosquitto. Subscribers run without -d so that stdout is exactly what a user sees; the
 * broker's log ("Sending SUBACK to ID") says when the subscription is in place.
 */
describe('interop: mqt sub options and retained messages', function () {
  this.timeout(15_000);
  const { broker, hp, publish, subscribeMqt: subscribe } = useBroker();

  const sortLines = (text: string): string[] => text.split('\n').filter((l) => l !== '').sort();

  describe('retained messages', () => {
    it('mqt pub -r is received by mqt sub -C 1 and mosquitto_sub -C 1; mqt pub -r -n clears it', async () => {
      const topic = unique('retained');
      const set = await mqtInProcess(['pub', ...hp(), '-t', topic, '-m', 'kept', '-r', '-q', '1']);
      assert.equal(set.code, 0, set.stderr);

      const ours = await mqtInProcess(['sub', ...hp(), '-t', topic, '-C', '1']);
      assert.deepEqual(ours, { code: 0, signal: null, stdout: 'kept\n', stderr: '' });
      const theirs = await mosquittoSub([...hp(), '-t', topic, '-C', '1']);
      assert.deepEqual(theirs, { code: 0, signal: null, stdout: 'kept\n', stderr: '' });
      const debug = await mqtInProcess(['sub', ...hp(), '-t', topic, '-C', '1', '-d', '-q', '1']);
      assert.match(debug.stdout, new RegExp(`received PUBLISH \\(d0, q1, r1, m\\d+, '${topic}', \\.\\.\\. \\(4 bytes\\)\\)`));

      const clear = await mqtInProcess(['pub', ...hp(), '-t', topic, '-r', '-n']);
      assert.equal(clear.code, 0, clear.stderr);
      const started = Date.now();
      const [after, theirsAfter] = await Promise.all([mqtInProcess(['sub', ...hp(), '-t', topic, '-W', '1']), mosquittoSub([...hp(), '-t', topic, '-W', '1'])]);
      assert.deepEqual(after, { code: 27, signal: null, stdout: '', stderr: 'Timed out\n' });
      assert.ok(Date.now() - started >= 900, 'waited about 1 s');
      assert.deepEqual(theirsAfter, { code: 27, signal: null, stdout: '', stderr: 'Timed out\n' });
    });

    it('-E exits 0 right after subscribing, printing the retained messages on the filter', async () => {
      const base = unique('exit-after-sub');
      await publish(`${base}/a`, ['-m', 'ra', '-r']);
      await publish(`${base}/b`, ['-m', 'rb', '-r']);
      await publish(`${base}-other`, ['-m', 'not on the filter', '-r']);
      const result = await mqtInProcess(['sub', ...hp(), '-t', `${base}/#`, '-E', '-v']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      assert.deepEqual(sortLines(result.stdout), [`${base}/a ra`, `${base}/b rb`]);
      // mosquitto_sub -E disconnects on the SUBACK (it may miss them: a documented mqt fix).
      const theirs = await mosquittoSub([...hp(), '-t', `${base}/#`, '-E', '-v'], { timeoutMs: 5000 });
      assert.equal(theirs.code, 0, theirs.stderr);
    });

    for (const qos of ['0', '1', '2']) {
      // At QoS > 0 the broker sends only its in-flight window (mosquitto: 20 messages) before the
      // PINGRESP and the rest after our acks: -E must keep pinging until nothing new arrives.
      it(`-E -q ${qos} prints all 30 retained messages on the filter (more than the in-flight window of 20)`, async () => {
        const base = unique(`exit-after-sub-many-q${qos}`);
        const expected: string[] = [];
        for (let batch = 0; batch < 3; batch++) {
          await Promise.all(Array.from({ length: 10 }, (_, i) => {
            const n = batch * 10 + i;
            expected.push(`${base}/${n} v${n}`);
            return publish(`${base}/${n}`, ['-m', `v${n}`, '-r', '-q', '1']);
          }));
        }
        const result = await mqtInProcess(['sub', ...hp(), '-t', `${base}/#`, '-E', '-v', '-q', qos]);
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stderr, '');
        const lines = sortLines(result.stdout);
        assert.equal(lines.length, 30, `printed ${lines.length} of 30 retained messages`);
        assert.deepEqual(lines, expected.sort());
      });
    }

    it('-E without retained messages exits 0 at once with no output', async () => {
      const started = Date.now();
      const result = await mqtInProcess(['sub', ...hp(), '-t', unique('nothing-retained'), '-E']);
      assert.deepEqual(result, { code: 0, signal: null, stdout: '', stderr: '' });
      assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    });

    for (const version of ['311', '5']) {
      it(`-V ${version} -R drops retained messages and prints live ones`, async () => {
        const topic = unique('no-retained');
        await publish(topic, ['-m', 'stale', '-r']);
        const sub = await subscribe(['-V', version, '-t', topic, '-R', '-v', '-C', '1']);
        await publish(topic, ['-m', 'live']);
        const result = await sub.waitForExit(5000);
        assert.deepEqual(result, { code: 0, signal: null, stdout: `${topic} live\n`, stderr: '' });
      });
    }

    it('--retained-only prints the retained messages, then exits 0 at the first live one', async () => {
      const base = unique('retained-only');
      await publish(`${base}/a`, ['-m', 'ra', '-r']);
      await publish(`${base}/b`, ['-m', 'rb', '-r']);
      const sub = await subscribe(['-t', `${base}/#`, '--retained-only', '-v']);
      await sub.waitForOutput(new RegExp(`^${base}/a ra\\n(.*\\n)*${base}/b rb\\n|^${base}/b rb\\n(.*\\n)*${base}/a ra\\n`), 5000, 'stdout');
      assert.ok(sub.running, 'still running before a live message');
      await publish(`${base}/c`, ['-m', 'live']);
      const result = await sub.waitForExit(5000);
      assert.equal(result.code, 0, sub.describe());
      assert.equal(result.stderr, '');
      assert.deepEqual(sortLines(result.stdout), [`${base}/a ra`, `${base}/b rb`]);
    });
  });

  it('-C N prints N messages and exits 0', async () => {
    const topic = unique('count');
    const sub = await subscribe(['-t', topic, '-C', '3', '-q', '1']);
    await publish(topic, ['-l', '-q', '1'], 'm1\nm2\nm3\nm4\nm5\n');
    const result = await sub.waitForExit(5000);
    assert.deepEqual(result, { code: 0, signal: null, stdout: 'm1\nm2\nm3\n', stderr: '' });
  });

  it('-W 1 exits 27 with "Timed out" when nothing arrives', async () => {
    const started = Date.now();
    const result = await mqtInProcess(['sub', ...hp(), '-t', unique('silence'), '-W', '1']);
    const elapsed = Date.now() - started;
    assert.deepEqual(result, { code: 27, signal: null, stdout: '', stderr: 'Timed out\n' });
    assert.ok(elapsed >= 900 && elapsed < 4000, `took ${elapsed} ms`);
  });

  it('-T drops messages on a filtered-out subtopic, and they are not counted by -C', async () => {
    const base = unique('filter-out');
    const sub = await subscribe(['-t', `${base}/#`, '-T', `${base}/skip/#`, '-v', '-C', '2']);
    await publish(`${base}/skip/x`, ['-m', 'dropped']);
    await publish(`${base}/keep`, ['-m', 'one']);
    await publish(`${base}/skip`, ['-m', 'dropped too']);
    await publish(`${base}/keep`, ['-m', 'two']);
    const result = await sub.waitForExit(5000);
    assert.deepEqual(result, { code: 0, signal: null, stdout: `${base}/keep one\n${base}/keep two\n`, stderr: '' });
  });

  describe('output shapes, with an empty payload in the middle', () => {
    // mosquitto_pub -l: an empty line is a zero-length message.
    const input = 'ab\n\ncd\n';
    const shapes: { flags: string[]; expected: (topic: string) => string }[] = [
      { flags: [], expected: () => 'ab\ncd\n' },
      { flags: ['-v'], expected: (t) => `${t} ab\n${t} (null)\n${t} cd\n` },
      { flags: ['-N'], expected: () => 'abcd' },
      { flags: ['-v', '-N'], expected: (t) => `${t} ab${t} cd` },
    ];
    for (const { flags, expected } of shapes) {
      it(`${flags.length === 0 ? 'default' : flags.join(' ')}: same as mosquitto_sub`, async () => {
        const topic = unique('shape');
        const ours = await subscribe(['-t', topic, '-C', '3', '-q', '1', ...flags]);
        const theirsId = unique('mosquitto-sub');
        const theirs = startMosquittoSub([...hp(), '-i', theirsId, '-t', topic, '-C', '3', '-q', '1', ...flags]);
        await brokerSubscribed(broker(), theirsId);
        await publish(topic, ['-l', '-q', '1'], input);
        const [a, b] = await Promise.all([ours.waitForExit(5000), theirs.waitForExit(5000)]);
        assert.deepEqual(b, { code: 0, signal: null, stdout: expected(topic), stderr: '' }, 'mosquitto_sub');
        assert.deepEqual(a, { code: 0, signal: null, stdout: expected(topic), stderr: '' }, 'mqt sub');
      });
    }
  });
});
