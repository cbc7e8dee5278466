import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Journal, type CompactionStep } from '../../../src/lib/broker/persistence/journal.js';
import type { JournalRecord, StoredMessage } from '../../../src/lib/broker/persistence/records.js';
import { applyRecord, emptyState, type DurableState } from '../../../src/lib/broker/persistence/state.js';
import { ErrorCode, isMqttError } from '../../../src/lib/errors.js';
import { makeTempFolder } from '../../support/run-folder.js';

function message(topic: string, text: string, extra: Partial<StoredMessage> = {}): StoredMessage {
  return { topic, payload: Buffer.from(text), qos: 1, retain: false, ...extra };
}

/** Every record type, in an order a broker could produce. */
const HISTORY: JournalRecord[] = [
  { type: 'retain', message: message('home/temp', '21.5', { retain: true, properties: { contentType: 'text/plain', userProperties: [['unit', '°C']] } }) },
  { type: 'retain', message: message('home/bin', '', { retain: true, payload: Buffer.from([0, 255, 1]), expiresAt: 1_900_000_000_000 }) },
  { type: 'retain', message: message('home/gone', 'x', { retain: true }) },
  { type: 'unretain', topic: 'home/gone' },
  { type: 'session-create', clientId: 'sensor', expiryInterval: 3600 },
  { type: 'subscribe', clientId: 'sensor', subscription: { topicFilter: 'cmd/#', qos: 2, noLocal: true, retainHandling: 1, subscriptionIdentifier: 7 } },
  { type: 'subscribe', clientId: 'sensor', subscription: { topicFilter: 'old/+', qos: 0 } },
  { type: 'unsubscribe', clientId: 'sensor', topicFilter: 'old/+' },
  { type: 'enqueue', clientId: 'sensor', id: 1, message: message('cmd/a', 'one') },
  { type: 'enqueue', clientId: 'sensor', id: 2, message: message('cmd/b', 'two', { qos: 2, properties: { correlationData: Buffer.from('c0ffee', 'hex') } }) },
  { type: 'enqueue', clientId: 'sensor', id: 3, message: message('cmd/c', 'three', { qos: 2 }) },
  { type: 'sent', clientId: 'sensor', id: 1, packetId: 10 },
  { type: 'complete', clientId: 'sensor', id: 1 },
  { type: 'sent', clientId: 'sensor', id: 2, packetId: 11 },
  { type: 'released', clientId: 'sensor', id: 2 },
  { type: 'sent', clientId: 'sensor', id: 3, packetId: 12 },
  { type: 'receive', clientId: 'sensor', packetId: 5, message: message('up/x', 'in', { qos: 2 }) },
  { type: 'receive', clientId: 'sensor', packetId: 6, message: message('up/y', 'in2', { qos: 2 }) },
  { type: 'release', clientId: 'sensor', packetId: 5 },
  { type: 'session-expire', clientId: 'sensor', expiresAt: 1_800_000_000_000 },
  { type: 'session-create', clientId: 'temp', expiryInterval: 60 },
  { type: 'subscribe', clientId: 'temp', subscription: { topicFilter: 'x', qos: 1 } },
  { type: 'session-delete', clientId: 'temp' },
];

function stateOf(records: readonly JournalRecord[]): DurableState {
  const state = emptyState();
  for (const record of records) applyRecord(state, record);
  return state;
}

async function withJournal<T>(dir: string, work: (journal: Journal) => Promise<T>): Promise<T> {
  const journal = await Journal.open(dir);
  try {
    return await work(journal);
  } finally {
    await journal.close();
  }
}

async function journalFile(dir: string): Promise<string> {
  const names = (await readdir(dir)).filter((name) => name.startsWith('journal-') && name.endsWith('.log'));
  assert.equal(names.length, 1, names.join(' '));
  return join(dir, names[0]!);
}

describe('broker journal', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempFolder('mqt-journal');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replays what was appended: retained messages, sessions, subscriptions, queues', async () => {
    await withJournal(join(dir, 'db'), async (journal) => {
      await Promise.all(HISTORY.map((record) => journal.append(record)));
    });
    const state = await withJournal(join(dir, 'db'), async (journal) => Promise.resolve(journal.state));
    assert.deepEqual(state, stateOf(HISTORY));
    assert.deepEqual([...state.retained.keys()], ['home/temp', 'home/bin']);
    assert.deepEqual(state.retained.get('home/bin')?.payload, Buffer.from([0, 255, 1]));
    assert.deepEqual(state.retained.get('home/temp')?.properties?.userProperties, [['unit', '°C']]);
    const sensor = state.sessions.get('sensor')!;
    assert.deepEqual([...state.sessions.keys()], ['sensor']);
    assert.deepEqual([...sensor.subscriptions.keys()], ['cmd/#']);
    assert.deepEqual(
      [...sensor.outgoing.values()].map((m) => [m.id, m.phase, m.packetId, m.message?.payload.toString()]),
      [
        [2, 'released', 11, undefined],
        [3, 'sent', 12, 'three'],
      ],
    );
    assert.deepEqual([...sensor.incoming.keys()], [6]);
    assert.equal(sensor.expiresAt, 1_800_000_000_000);
    assert.equal(state.lastMessageId, 3);
  });

  it('commits the appends of one event-loop turn with one write', async () => {
    await withJournal(dir, async (journal) => {
      await Promise.all(Array.from({ length: 1000 }, (_, i) => journal.append({ type: 'unretain', topic: `t/${i}` })));
      assert.equal(journal.stats.commits, 1);
      assert.equal(journal.stats.records, 1000);
    });
  });

  it('ignores a tail torn at any byte of the last write, and cuts it off', async () => {
    let before = 0;
    await withJournal(dir, async (journal) => {
      for (const record of HISTORY.slice(0, -1)) await journal.append(record);
      before = (await stat(await journalFile(dir))).size;
      await journal.append(HISTORY[HISTORY.length - 1]!);
    });
    const path = await journalFile(dir);
    const whole = await readFile(path);
    const expected = stateOf(HISTORY.slice(0, -1));
    for (let cut = before; cut < whole.length; cut++) {
      // Cut short, or full length with the missing bytes as zeros (a crash after the size grew).
      for (const tail of [Buffer.alloc(0), Buffer.alloc(whole.length - cut)]) {
        await writeFile(path, Buffer.concat([whole.subarray(0, cut), tail]));
        const state = await withJournal(dir, async (journal) => {
          assert.equal(journal.stats.tornBytesDropped, cut - before + tail.length);
          return Promise.resolve(journal.state);
        });
        assert.deepEqual(state, expected, `cut at ${cut}, tail of ${tail.length} zero bytes`);
        assert.equal((await stat(path)).size, before);
      }
    }
    // And the journal goes on after the cut.
    await writeFile(path, whole.subarray(0, before + 3));
    await withJournal(dir, (journal) => journal.append(HISTORY[HISTORY.length - 1]!));
    assert.deepEqual(await withJournal(dir, async (journal) => Promise.resolve(journal.state)), stateOf(HISTORY));
  });

  it('refuses to open a journal damaged in the middle, naming file and byte', async () => {
    let second = 0;
    await withJournal(dir, async (journal) => {
      await journal.append(HISTORY[0]!);
      second = (await stat(await journalFile(dir))).size;
      await journal.append(HISTORY[1]!);
      await journal.append(HISTORY[2]!);
    });
    const path = await journalFile(dir);
    const data = await readFile(path);
    data[second + 20] = data[second + 20]! ^ 0x01;
    await writeFile(path, data);
    await assert.rejects(
      Journal.open(dir),
      (err: unknown) => isMqttError(err) && err.code === ErrorCode.InvalidFile && err.message.includes(`${path} is damaged: the frame at byte ${second} (frame 2)`),
    );
    // The refusal released the folder's lock.
    await writeFile(path, data.subarray(0, second));
    assert.deepEqual(await withJournal(dir, async (journal) => Promise.resolve(journal.state)), stateOf(HISTORY.slice(0, 1)));
  });

  it('refuses a damaged snapshot and a file that is not a journal', async () => {
    await withJournal(dir, async (journal) => {
      await journal.append(HISTORY[0]!);
      await journal.compact();
    });
    const snapshot = join(dir, 'snapshot');
    const data = await readFile(snapshot);
    await writeFile(snapshot, data.subarray(0, data.length - 1));
    await assert.rejects(Journal.open(dir), (err: unknown) => isMqttError(err) && err.message.startsWith(`${snapshot} is truncated (${data.length - 17} of its ${data.length - 16} bytes of state)`));
    const flipped = Buffer.from(data);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 1) ^ 1, flipped.length - 1);
    await writeFile(snapshot, flipped);
    await assert.rejects(Journal.open(dir), (err: unknown) => isMqttError(err) && err.message === `${snapshot} is damaged: not a complete snapshot`);
    await writeFile(snapshot, '');
    await assert.rejects(Journal.open(dir), (err: unknown) => isMqttError(err) && err.message === `${snapshot} is empty (0 bytes): the state it held is lost`);
    await writeFile(snapshot, data);
    await writeFile(await journalFile(dir), 'something else entirely');
    await assert.rejects(Journal.open(dir), (err: unknown) => isMqttError(err) && err.code === ErrorCode.InvalidFile && /is not a MQTJRNL1 file/.test(err.message));
  });

  it('compacts to a snapshot and a fresh journal, keeping the state and taking appends meanwhile', async () => {
    await withJournal(dir, async (journal) => {
      for (const record of HISTORY.slice(0, 12)) await journal.append(record);
      const during = HISTORY.slice(12).map((record) => journal.append(record));
      await Promise.all([journal.compact(), ...during]);
    });
    const names = (await readdir(dir)).sort();
    assert.deepEqual(names, ['journal-0000000002.log', 'snapshot']);
    assert.deepEqual(await withJournal(dir, async (journal) => Promise.resolve(journal.state)), stateOf(HISTORY));
  });

  it('compacts by itself once the journal outgrows the limit and the last snapshot', async () => {
    const errors: Error[] = [];
    const records: JournalRecord[] = Array.from({ length: 200 }, (_, i) => ({ type: 'retain', message: message(`t/${i % 20}`, `v${i}`) }));
    const journal = await Journal.open(dir, { compactAfterBytes: 2048, onBackgroundError: (err) => errors.push(err) });
    for (const record of records) await journal.append(record);
    await journal.close();
    assert.deepEqual(errors, []);
    const names = await readdir(dir);
    assert.ok(names.includes('snapshot'), names.join(' '));
    const generation = Number(/journal-(\d+)\.log/.exec(names.join(' '))![1]);
    assert.ok(generation > 2, `only ${generation - 1} compactions`);
    assert.deepEqual(await withJournal(dir, async (j) => Promise.resolve(j.state)), stateOf(records));
  });

  it('leaves a readable state when a crash stops the compaction at any step', async () => {
    const copies = new Map<string, string>();
    const copy = async (step: string, source: string): Promise<void> => {
      const target = join(dir, `crash-${step}`);
      await cp(source, target, { recursive: true });
      copies.set(step, target);
    };
    const db = join(dir, 'db');
    const journal = await Journal.open(db, {
      onCompactionStep: async (step: CompactionStep) => {
        await copy(step, db);
        if (step === 'rotated') {
          // Also the moment the snapshot's temporary file exists but is not renamed yet.
          await copy('snapshot-half-written', db);
          await writeFile(join(copies.get('snapshot-half-written')!, `.snapshot.${process.pid}.abcdef.tmp`), 'MQTSNAP1 half');
        }
      },
    });
    for (const record of HISTORY) await journal.append(record);
    await journal.compact();
    await journal.close();
    assert.deepEqual([...copies.keys()].sort(), ['old-journals-removed', 'rotated', 'snapshot-half-written', 'snapshot-written']);
    for (const [step, copyDir] of copies) {
      await rm(join(copyDir, 'journal.lock'), { force: true });
      const state = await withJournal(copyDir, async (j) => Promise.resolve(j.state));
      assert.deepEqual(state, stateOf(HISTORY), step);
      assert.ok(!(await readdir(copyDir)).some((name) => name.endsWith('.tmp')), step);
    }
  });

  it('loses no acknowledged append when the writer is killed with SIGKILL under load', async function () {
    this.timeout(30_000);
    const db = join(dir, 'db');
    const writer = fileURLToPath(new URL('./journal-writer.js', import.meta.url));
    const child = spawn(process.execPath, [writer, db], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    let compactions = 0;
    let stderr = '';
    let buffered = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the writer acknowledged only ${acked.length} appends: ${stderr}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        const lines = (buffered + chunk.toString()).split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          if (/^\d+$/.test(line)) acked.push(Number(line));
          if (line === 'compacted') compactions++;
        }
        // Past several compactions (64 KiB each), then kill it in the middle of whatever it does.
        if (acked.length >= 20_000) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await exited;
    assert.equal(child.signalCode, 'SIGKILL');
    assert.ok(compactions >= 2, `${compactions} compactions under load`);
    const state = await withJournal(db, async (journal) => Promise.resolve(journal.state));
    const missing = acked.filter((id) => state.retained.get(`load/${id}`)?.payload.toString() !== `message ${id}`);
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} of ${acked.length} acknowledged appends lost`);
  });
});
