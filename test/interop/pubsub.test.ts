import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brokerSubscribed, useBroker, unique } from '../support/hooks.js';
import { type CommandRun, mqtInProcess, startInProcess, stopInProcess } from '../support/in-process.js';
import { type ToolHandle, SUBSCRIBED, mosquittoPub, startMosquittoSub, startMqt, stopAllTools } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

/**
 * mqt pub → mosquitto_sub, mosquitto_pub → mqt sub and mqt pub → mqt sub, at every QoS and
 * protocol version: the message arrives with its topic and payload, at the QoS asked for.
 */
describe('interop: publish and subscribe across mqt and mosquitto', function () {
  this.timeout(15_000);
  const { broker, hp } = useBroker();
  afterEach(async () => {
    await stopInProcess();
    await stopAllTools();
  });

  const versions = ['31', '311', '5'] as const;
  const qoses = ['0', '1', '2'] as const;

  type Starter = (args: string[]) => ToolHandle | CommandRun;
  type Publisher = (args: string[]) => Promise<{ code: number | null; stderr: string }>;
  // One side runs in this process (a command at a time can); in the last pair mqt sub is a process.
  const pairs: { name: string; pub: Publisher; sub: Starter }[] = [
    { name: 'mqt pub → mosquitto_sub', pub: (a) => mqtInProcess(['pub', ...a]), sub: startMosquittoSub },
    { name: 'mosquitto_pub → mqt sub', pub: (a) => mosquittoPub(a), sub: (a) => startInProcess(['sub', ...a]) },
    { name: 'mqt pub → mqt sub', pub: (a) => mqtInProcess(['pub', ...a]), sub: (a) => startMqt(['sub', ...a]) },
  ];

  for (const { name, pub, sub } of pairs) {
    describe(name, () => {
      for (const v of versions) {
        for (const q of qoses) {
          it(`-V ${v} -q ${q}: "topic payload" arrives after "Subscribed"`, async () => {
            const topic = unique(`matrix/v${v}/q${q}`);
            const payload = `hello v${v} q${q} ünïcode`;
            const subscriber = sub([...hp(), '-V', v, '-q', q, '-t', topic, '-v', '-d', '-C', '1']);
            await subscriber.waitForOutput(SUBSCRIBED, 5000, 'stdout');

            const published = await pub([...hp(), '-V', v, '-q', q, '-t', topic, '-m', payload]);
            assert.equal(published.code, 0, published.stderr);
            assert.equal(published.stderr, '');

            const result = await subscriber.waitForExit(5000);
            assert.equal(result.code, 0, subscriber.describe());
            assert.equal(result.stderr, '');
            const lines = result.stdout.split('\n');
            const subscribedAt = lines.findIndex((l) => SUBSCRIBED.test(l));
            assert.equal(lines[subscribedAt], `Subscribed (mid: 1): ${q}`);
            const messageAt = lines.indexOf(`${topic} ${payload}`);
            assert.ok(messageAt > subscribedAt, `message line after "Subscribed":\n${result.stdout}`);
            // It was delivered at the QoS both sides asked for.
            const received = lines.find((l) => l.includes('received PUBLISH'));
            assert.match(received ?? '', new RegExp(`received PUBLISH \\(d0, q${q}, r0, m\\d+, '${topic}', \\.\\.\\. \\(${Buffer.byteLength(payload)} bytes\\)\\)$`));
          });
        }
      }
    });
  }

  describe('binary payloads (every byte value, 256 KiB)', () => {
    const payload = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(256 * 1024 - 256)]);
    let dir = '';
    let file = '';
    before(async () => {
      dir = await makeTempFolder('mqt-binary');
      file = join(dir, 'payload.bin');
      await writeFile(file, payload);
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    for (const { name, pub, sub } of pairs) {
      for (const mode of ['-f', '-s'] as const) {
        it(`${name}, pub ${mode}: sub -N prints exactly the bytes`, async () => {
          const topic = unique('binary');
          const id = unique('binary-sub');
          const subscriber = sub([...hp(), '-i', id, '-q', '1', '-t', topic, '-N', '-C', '1']);
          await brokerSubscribed(broker(), id);
          const args = [...hp(), '-q', '1', '-t', topic, ...(mode === '-f' ? ['-f', file] : ['-s'])];
          const published = mode === '-f' ? await pub(args) : await pubWithInput(name, args, payload);
          assert.equal(published.code, 0, published.stderr);
          const result = await subscriber.waitForExit(5000);
          assert.equal(result.code, 0, subscriber.describe());
          assert.equal(result.stderr, '');
          const bytes = subscriber.stdoutBytes;
          assert.equal(bytes.length, payload.length);
          assert.ok(bytes.equals(payload), 'payload bytes differ');
        });
      }
    }
  });

  function pubWithInput(name: string, args: string[], input: Buffer): Promise<{ code: number | null; stderr: string }> {
    return name.startsWith('mqt pub') ? mqtInProcess(['pub', ...args], { input }) : mosquittoPub(args, { input });
  }
});
