import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Journal } from '../../../src/lib/broker/persistence/journal.js';
import type { JournalRecord } from '../../../src/lib/broker/persistence/records.js';
import { isMqttError } from '../../../src/lib/errors.js';
import { clientChunk, configChunk, dbFile, retainChunk, storeChunk, subscriptionChunk } from '../../support/mosquitto-db-bytes.js';
import { makeTempFolder } from '../../support/run-folder.js';

const RETAIN: JournalRecord = { type: 'retain', message: { topic: 'kept', payload: Buffer.from('x'), qos: 1, retain: true } };

/** persistence_file: mosquitto.db holds the state, the journal folder beside it the changes since. */
describe('broker persistence: the state file (persistence_file)', () => {
  let dir: string;
  let folder: string;
  let stateFile: string;
  beforeEach(async () => {
    dir = await makeTempFolder('mqt-state-file');
    folder = join(dir, 'mosquitto.db.journal');
    stateFile = join(dir, 'mosquitto.db');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function session(work: (journal: Journal) => Promise<void>): Promise<Journal> {
    const journal = await Journal.open(folder, { stateFile });
    try {
      await work(journal);
    } finally {
      await journal.close();
    }
    return journal;
  }

  const retainedTopics = (journal: Journal): string[] => [...journal.state.retained.keys()];

  it('exists from the first start, holds the state after a compaction, and deleting it resets the broker', async () => {
    const first = await session(async (journal) => {
      assert.equal(journal.stats.found, 'new');
      assert.equal((await stat(stateFile)).mode & 0o777, 0o600);
      await journal.append(RETAIN);
    });
    assert.deepEqual(retainedTopics(first), ['kept']);
    await session(async (journal) => {
      assert.equal(journal.stats.found, 'restored');
      assert.deepEqual(retainedTopics(journal), ['kept']);
      await journal.compact();
    });
    await unlink(stateFile);
    await session((journal) => {
      assert.equal(journal.stats.found, 'reset');
      assert.deepEqual(retainedTopics(journal), []);
      return Promise.resolve();
    });
    await session((journal) => {
      assert.equal(journal.stats.found, 'restored', 'the reset made a new state file');
      return Promise.resolve();
    });
  });

  it('says a zero-length state file is empty, and refuses a truncated one saying all it held is lost', async () => {
    await session((journal) => journal.append(RETAIN));
    await writeFile(stateFile, '');
    await session((journal) => {
      assert.equal(journal.stats.found, 'empty');
      assert.deepEqual(retainedTopics(journal), []);
      return journal.append(RETAIN).then(() => journal.compact());
    });
    const size = (await stat(stateFile)).size;
    await truncate(stateFile, size - 5);
    await assert.rejects(Journal.open(folder, { stateFile }), (err: unknown) => isMqttError(err) && err.message === `${stateFile} is truncated (${size - 21} of its ${size - 16} bytes of state): none of the retained messages and sessions it held can be read`);
  });

  it("imports mosquitto's own mosquitto.db, keeping the original under another name, and starts from its own state file next time", async () => {
    const mosquittoDb = dbFile(6, configChunk(), storeChunk({ id: 1, topic: 'kept', payload: 'x', qos: 1, retain: true }), retainChunk(1), clientChunk({ id: 'c', interval: 60 }), subscriptionChunk('c', 'a/#', 1));
    await writeFile(stateFile, mosquittoDb);
    await mkdir(folder);
    await writeFile(join(folder, 'journal-0000000009.log'), 'left by an earlier mqt');
    const first = await session((journal) => {
      assert.equal(journal.stats.found, 'imported');
      assert.deepEqual({ ...journal.stats.imported, dropped: undefined }, { retained: 1, sessions: 1, subscriptions: 1, messages: 0, dropped: undefined, version: 6, keptAs: `${stateFile}.mosquitto-2.0` });
      return Promise.resolve();
    });
    assert.deepEqual(retainedTopics(first), ['kept']);
    assert.deepEqual(await readFile(`${stateFile}.mosquitto-2.0`), mosquittoDb, 'the original is kept byte for byte');
    assert.deepEqual((await readdir(folder)).filter((name) => name.startsWith('journal-')), ['journal-0000000001.log'], 'the stale journal went');
    await session((journal) => {
      assert.equal(journal.stats.found, 'restored');
      assert.deepEqual(retainedTopics(journal), ['kept']);
      assert.deepEqual([...journal.state.sessions.get('c')!.subscriptions.keys()], ['a/#']);
      return Promise.resolve();
    });
  });

  it('refuses to import when the name the original would be kept under is taken by another file, touching neither', async () => {
    const mosquittoDb = dbFile(6, configChunk());
    await writeFile(stateFile, mosquittoDb);
    await writeFile(`${stateFile}.mosquitto-2.0`, 'something else');
    await assert.rejects(
      Journal.open(folder, { stateFile }),
      (err: unknown) => isMqttError(err) && err.message === `${stateFile} is a mosquitto database to import, but ${stateFile}.mosquitto-2.0, where mqt would keep the original, already exists`,
    );
    assert.deepEqual(await readFile(stateFile), mosquittoDb);
    assert.equal(await readFile(`${stateFile}.mosquitto-2.0`, 'utf8'), 'something else');
  });

  it('refuses a mosquitto database of a format it cannot read, naming the version, and leaves it as it is', async () => {
    const mosquittoDb = dbFile(1, configChunk());
    await writeFile(stateFile, mosquittoDb);
    await assert.rejects(Journal.open(folder, { stateFile }), (err: unknown) => isMqttError(err) && err.message.startsWith(`${stateFile} is a mosquitto database of format version 1, which mqt cannot read`));
    assert.deepEqual(await readFile(stateFile), mosquittoDb);
  });

  it('moves the snapshot of a store made before the state file into it', async () => {
    const older = await Journal.open(folder);
    await older.append(RETAIN);
    await older.compact();
    await older.close();
    await mkdir(folder, { recursive: true });
    assert.ok((await readdir(folder)).includes('snapshot'));
    await session((journal) => {
      assert.equal(journal.stats.found, 'restored');
      assert.deepEqual(retainedTopics(journal), ['kept']);
      return Promise.resolve();
    });
    assert.ok(!(await readdir(folder)).includes('snapshot'));
  });
});
