import assert from 'node:assert/strict';
import { appendFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../support/ports.js';
import { RUNNING } from '../support/serve.js';
import { mqtInProcess } from '../support/in-process.js';
import { mosquittoPub, mosquittoSub, startMosquittoSub, startMqt, startTool, stopAllTools, which, type ToolHandle } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

/**
 * `persistence true`: mqt serve is stopped (SIGTERM) or killed (SIGKILL) and started again on
 * the same journal; the real mosquitto clients find their retained messages, their persistent
 * session and its messages again.
 */
describe('interop: mqt serve persistence', function () {
  this.timeout(30_000);
  let dir: string;
  let port: number;
  let conf: string;
  let broker: ToolHandle | undefined;
  const hp = (): string[] => ['-h', '127.0.0.1', '-p', String(port)];

  beforeEach(async () => {
    dir = await makeTempFolder('mqt-persist');
    port = await freePort();
    conf = join(dir, 'mosquitto.conf');
    const lines = [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence true', `persistence_location ${dir}/`, 'max_queued_messages 0'];
    await writeFile(conf, `${lines.join('\n')}\n`);
  });

  afterEach(async () => {
    await stopAllTools();
    broker = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function start(): Promise<ToolHandle> {
    broker = startMqt(['serve', '-c', conf]);
    await broker.waitForOutput(RUNNING, 5000);
    return broker;
  }

  async function publish(args: string[]): Promise<void> {
    const result = await mosquittoPub([...hp(), ...args]);
    assert.equal(result.code, 0, result.stderr);
  }

  it('SIGTERM and restart keep retained messages, a persistent session, its subscriptions and its queued QoS 1/2 messages', async () => {
    const first = await start();
    await publish(['-r', '-q', '1', '-t', 'keep/retained', '-m', 'kept']);
    const session = [...hp(), '-c', '-i', 'persisted', '-q', '1', '-t', 'queue/#'];
    const subscribed = await mosquittoSub([...session, '-E']);
    assert.equal(subscribed.code, 0, subscribed.stderr);
    await publish(['-q', '1', '-t', 'queue/one', '-m', 'qos1']);
    await publish(['-q', '2', '-t', 'queue/two', '-m', 'qos2']);
    first.kill('SIGTERM');
    const stopped = await first.waitForExit(5000);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.deepEqual(await readdir(dir).then((names) => names.includes('mosquitto.db')), true);

    const second = await start();
    assert.match(second.stderr, /Restored 1 retained messages, 1 sessions and 2 queued or in-flight messages\./);
    // Published after the restart while the client is away: only a restored subscription queues it.
    await publish(['-q', '1', '-t', 'queue/three', '-m', 'after restart']);
    const resumed = await mosquittoSub([...session, '-v', '-C', '3', '-W', '5']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(resumed.stdout.trim().split('\n').sort(), ['queue/one qos1', 'queue/three after restart', 'queue/two qos2']);
    const retained = await mosquittoSub([...hp(), '-t', 'keep/#', '-v', '-C', '1', '-W', '5']);
    assert.equal(retained.stdout, 'keep/retained kept\n');
  });

  for (const perListener of [false, true]) {
    it(`a restored session still away reads only what its listener's acl_file allows (per_listener_settings ${perListener})`, async () => {
      const acl = join(dir, 'acl');
      await writeFile(acl, 'topic read open/#\ntopic write #\n');
      // A second listener with no acl_file: under per_listener_settings it must not lend its freedom to the first one's sessions.
      const other = await freePort();
      const lines = [
        `per_listener_settings ${perListener}`,
        'persistence true',
        `persistence_location ${dir}/`,
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        ...(perListener ? [`acl_file ${acl}`] : []),
        `listener ${other} 127.0.0.1`,
        'allow_anonymous true',
        ...(perListener ? [] : [`acl_file ${acl}`]),
      ];
      await writeFile(conf, `${lines.join('\n')}\n`);
      const first = await start();
      const session = [...hp(), '-c', '-i', 'reader', '-q', '1', '-t', '#'];
      assert.equal((await mosquittoSub([...session, '-E'])).code, 0);
      first.kill('SIGTERM');
      assert.equal((await first.waitForExit(5000)).code, 0);

      await start();
      await publish(['-q', '1', '-t', 'closed/secret', '-m', 'not for reader']);
      await publish(['-q', '1', '-t', 'open/news', '-m', 'for reader']);
      const resumed = await mosquittoSub([...session, '-v', '-C', '1', '-W', '5']);
      assert.equal(resumed.stdout, 'open/news for reader\n');
    });
  }

  it('cuts a torn tail off with a warning, and refuses a damaged journal with one line naming the file', async () => {
    const first = await start();
    await publish(['-r', '-q', '1', '-t', 'keep/it', '-m', 'kept']);
    first.kill('SIGKILL');
    await first.exited;
    const journal = join(dir, 'mosquitto.db.journal');
    const newest = (await readdir(journal)).filter((name) => name.startsWith('journal-')).sort().pop()!;
    await appendFile(join(journal, newest), 'half a frame');
    const second = await start();
    assert.match(second.stderr, /Warning: cut 12 bytes of an unfinished write off the journal in .*mosquitto\.db\.journal/);
    assert.equal((await mosquittoSub([...hp(), '-t', 'keep/it', '-C', '1', '-W', '5'])).stdout, 'kept\n');
    second.kill('SIGTERM');
    await second.exited;

    await writeFile(join(dir, 'mosquitto.db'), 'not a snapshot');
    const refused = await mqtInProcess(['serve', '-c', conf]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Error: .*\/mosquitto\.db is not a MQTSNAP1 file \(wrong magic bytes\)$/m);
    assert.doesNotMatch(refused.stderr, /\n\s+at /);
  });

  it('kill -9 under QoS 1 load loses no acknowledged message and no retained message', async () => {
    const first = await start();
    for (const n of [1, 2, 3]) await publish(['-r', '-q', '1', '-t', `keep/${n}`, '-m', `retained ${n}`]);
    const session = [...hp(), '-c', '-i', 'loaded', '-q', '1', '-t', 'load'];
    assert.equal((await mosquittoSub([...session, '-E'])).code, 0);

    // mosquitto_pub -l numbers its PUBLISH packets 1, 2, 3... in line order: line n goes out with
    // message id n, so "received PUBACK (Mid: n" says the broker took line n (payload n).
    const stdbuf = which('stdbuf') ?? 'stdbuf';
    const publisher = startTool(stdbuf, ['-oL', which('mosquitto_pub') ?? 'mosquitto_pub', ...hp(), '-d', '-l', '-q', '1', '-t', 'load']);
    const lines = Array.from({ length: 200_000 }, (_, i) => `${i + 1}\n`).join('');
    publisher.write(lines);
    await publisher.waitForOutput(/received PUBACK \(Mid: 3000,/, 10_000, 'stdout');
    first.kill('SIGKILL');
    await first.exited;
    publisher.kill('SIGKILL');
    await publisher.exited;
    const acked = [...publisher.stdout.matchAll(/received PUBACK \(Mid: (\d+),/g)].map((m) => m[1]!);
    assert.ok(acked.length >= 3000, `only ${acked.length} PUBACKs`);

    await start();
    const subscriber = startMosquittoSub([...session]);
    const last = acked[acked.length - 1]!;
    // The last acknowledged line arrives last; if it is lost, the wait ends and the count below says how much is.
    await subscriber.waitForOutput(new RegExp(`^${last}$`, 'm'), 10_000, 'stdout').catch(() => undefined);
    subscriber.kill('SIGTERM');
    await subscriber.exited;
    const received = new Set(subscriber.stdout.split('\n'));
    const lost = acked.filter((n) => !received.has(n));
    assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged messages lost`);

    const retained = await mosquittoSub([...hp(), '-t', 'keep/#', '-C', '3', '-W', '5']);
    assert.deepEqual(retained.stdout.trim().split('\n').sort(), ['retained 1', 'retained 2', 'retained 3']);
  });
});
