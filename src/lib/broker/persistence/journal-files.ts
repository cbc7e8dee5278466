/**
 * The journal's folder on disk, as Journal (journal.ts) writes it: the file names, their magic, a
 * new journal file made durable, and the replay of snapshot + journals at open, which also
 * removes what a crashed compaction left behind.
 */
import { link, open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCode, MqttError } from '../../errors.js';
import { errnoOf } from '../../errno-text.js';
import { syncDirectory, writeFileAtomic } from '../../fs/atomic-write.js';
import { fileError } from '../../fs/file-errors.js';
import type { FileLock } from '../../fs/lock-file.js';
import { encodeFrame, FRAME_HEADER_BYTES, MAGIC_BYTES, scanFrames } from './frame.js';
import { isMosquittoDb, MOSQUITTO_RELEASE, readMosquittoDb } from './mosquitto-db.js';
import { importMosquittoDb, type MosquittoImport } from './mosquitto-import.js';
import { isRecordList, parseRecords, stringifyRecords, type JournalRecord } from './records.js';
import { applyRecord, emptyState, stateToRecords, type DurableState } from './state.js';

export const JOURNAL_MAGIC = Buffer.from('MQTJRNL1', 'latin1');
export const SNAPSHOT_MAGIC = Buffer.from('MQTSNAP1', 'latin1');
export const SNAPSHOT = 'snapshot';
const JOURNAL_NAME = /^journal-(\d{10})\.log$/;
/** writeFileAtomic's temporary files for the snapshot. */
const SNAPSHOT_TEMP = /^\.snapshot\..*\.tmp$/;

/**
 * How the store was found at open. With a state file of its own (persistence_file), a missing or
 * empty one while journals exist means it was deleted or emptied: the journals are dropped too.
 * 'imported': the state file was a mosquitto database, now read into mqt's own.
 */
export type StoreFound = 'restored' | 'new' | 'empty' | 'reset' | 'imported';

/** What a mosquitto database found where the state file goes gave, and where the original went. */
export interface MosquittoImported extends Omit<MosquittoImport, 'state'> {
  readonly version: number;
  readonly keptAs: string;
}

export interface Opened {
  readonly lock: FileLock;
  readonly state: DurableState;
  readonly file: FileHandle;
  readonly generation: number;
  readonly fileBytes: number;
  readonly tornBytes: number;
  readonly snapshotBytes: number;
  readonly found: StoreFound;
  readonly imported?: MosquittoImported;
}

/**
 * Replays the snapshot at `snapshotPath` and the journals of `dir`. When the snapshot is a state
 * file of its own (not in `dir`), it always exists after this: deleting it resets the store.
 */
export async function replay(dir: string, lock: FileLock, snapshotPath = join(dir, SNAPSHOT)): Promise<Opened> {
  for (const name of await readdir(dir)) if (SNAPSHOT_TEMP.test(name)) await removeFile(join(dir, name));
  const ownFile = snapshotPath !== join(dir, SNAPSHOT);
  let snapshot = await readSnapshot(snapshotPath);
  if (snapshot.kind === 'mosquitto') {
    const imported = await adoptMosquittoDb(dir, snapshotPath, snapshot.data);
    const { state, bytes } = imported;
    return { ...(await replayJournals(dir, lock, { kind: 'snapshot', state, generation: 1, bytes }, undefined)), found: 'imported', imported: imported.summary };
  }
  if (ownFile && snapshot.kind === 'missing') {
    // A store from before the state file had one: its snapshot moves there.
    const older = await readSnapshot(join(dir, SNAPSHOT));
    if (older.kind === 'snapshot') {
      await moveFile(join(dir, SNAPSHOT), snapshotPath);
      snapshot = older;
    }
  }
  if (!ownFile && snapshot.kind === 'empty') {
    // Written whole or not at all, a snapshot in the folder is never empty unless something emptied it.
    throw new MqttError(ErrorCode.InvalidFile, `${snapshotPath} is empty (0 bytes): the state it held is lost`, { hint: 'move it away to start from the journal files alone' });
  }
  let found: StoreFound = snapshot.kind === 'snapshot' ? 'restored' : snapshot.kind === 'empty' ? 'empty' : 'new';
  if (ownFile && snapshot.kind !== 'snapshot') {
    const left = await listJournals(dir);
    for (const old of left) await removeFile(join(dir, old.name));
    if (left.length > 0 && snapshot.kind === 'missing') found = 'reset';
  }
  const opened = await replayJournals(dir, lock, snapshot, ownFile && snapshot.kind !== 'snapshot' ? snapshotPath : undefined);
  return { ...opened, found };
}

/**
 * Replays the journals of `dir` on top of `snapshot`, and opens the last one for appending.
 * `emptySnapshotPath`: a state file to write, empty, once the journal is open.
 */
async function replayJournals(dir: string, lock: FileLock, snapshot: SnapshotRead, emptySnapshotPath: string | undefined): Promise<Omit<Opened, 'found'>> {
  const { state, generation: base, bytes: snapshotBytes } = snapshot;
  const journals = await listJournals(dir);
  for (const old of journals.filter((j) => j.generation < base)) await removeFile(join(dir, old.name));
  const live = journals.filter((j) => j.generation >= base);
  let tornBytes = 0;
  let fileBytes = JOURNAL_MAGIC.length;
  for (const [i, journal] of live.entries()) {
    const path = join(dir, journal.name);
    const scan = scanFrames(await readWhole(path), path, JOURNAL_MAGIC);
    if (scan.tornBytes > 0 && i < live.length - 1) {
      throw new MqttError(ErrorCode.InvalidFile, `${path} is damaged: it ends in ${scan.tornBytes} unreadable bytes, and a newer journal follows it`);
    }
    for (const body of scan.bodies) for (const record of decodeBatch(body, path)) applyRecord(state, record);
    tornBytes = scan.tornBytes;
    fileBytes = Math.max(scan.end, JOURNAL_MAGIC.length);
  }
  const last = live[live.length - 1];
  const generation = last?.generation ?? Math.max(base, 1);
  const path = join(dir, journalName(generation));
  let file: FileHandle;
  if (last === undefined || (fileBytes === JOURNAL_MAGIC.length && tornBytes > 0)) {
    await removeFile(path);
    file = await createJournalFile(dir, generation);
  } else {
    file = await openForAppend(path, tornBytes > 0 ? fileBytes : undefined);
  }
  let written = snapshotBytes;
  if (emptySnapshotPath !== undefined) written = await writeSnapshot(emptySnapshotPath, generation, emptyState());
  return { lock, state, file, generation, fileBytes, tornBytes, snapshotBytes: written };
}

async function writeSnapshot(path: string, generation: number, state: DurableState): Promise<number> {
  const data = Buffer.concat([SNAPSHOT_MAGIC, encodeFrame(stringifyRecords({ generation, records: stateToRecords(state) }))]);
  await writeFileAtomic(path, data, { overwrite: true, mode: 0o600 });
  return data.length;
}

/**
 * Reads the mosquitto database at `path` into mqt's state, keeps the file as it is under another
 * name (a hard link: the bytes are never rewritten), and puts mqt's snapshot of that state in its
 * place. Journals left in `dir` belong to neither and go. A crash at any step leaves either the
 * mosquitto file to import again or mqt's snapshot; a kept copy already there is taken as this
 * file's only when its bytes are the same.
 */
async function adoptMosquittoDb(dir: string, path: string, data: Buffer): Promise<{ state: DurableState; bytes: number; summary: MosquittoImported }> {
  const db = readMosquittoDb(data, path);
  const { state, ...counts } = importMosquittoDb(db, Date.now());
  const keptAs = `${path}.mosquitto-${MOSQUITTO_RELEASE[db.version]!}`;
  try {
    await link(path, keptAs);
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') throw fileError(err, `Unable to keep ${path} as ${keptAs}`);
    if (!(await readWhole(keptAs)).equals(data)) {
      throw new MqttError(ErrorCode.InvalidFile, `${path} is a mosquitto database to import, but ${keptAs}, where mqt would keep the original, already exists`, {
        hint: 'move one of the two away',
      });
    }
  }
  await syncDirectory(dirname(path));
  for (const old of await listJournals(dir)) await removeFile(join(dir, old.name));
  const bytes = await writeSnapshot(path, 1, state);
  return { state, bytes, summary: { ...counts, version: db.version, keptAs } };
}

interface SnapshotRead {
  kind: 'snapshot' | 'missing' | 'empty';
  state: DurableState;
  generation: number;
  bytes: number;
}

async function readSnapshot(path: string): Promise<SnapshotRead | { kind: 'mosquitto'; data: Buffer }> {
  const state = emptyState();
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return { kind: 'missing', state, generation: 0, bytes: 0 };
    throw fileError(err, `Unable to read ${path}`);
  }
  if (data.length === 0) return { kind: 'empty', state, generation: 0, bytes: 0 };
  if (isMosquittoDb(data)) return { kind: 'mosquitto', data };
  // A snapshot is renamed into place only once complete: anything short of one good frame is damage.
  const scan = scanFrames(data, path, SNAPSHOT_MAGIC);
  const start = MAGIC_BYTES + FRAME_HEADER_BYTES;
  if (scan.bodies.length === 0 && (data.length < start || data.length < start + data.readUInt32BE(MAGIC_BYTES))) throw truncated(path, data);
  const content = scan.bodies.length === 1 && scan.tornBytes === 0 ? parseRecords(scan.bodies[0]!) : undefined;
  if (!isSnapshot(content)) throw new MqttError(ErrorCode.InvalidFile, `${path} is damaged: not a complete snapshot`);
  for (const record of content.records) applyRecord(state, record);
  return { kind: 'snapshot', state, generation: content.generation, bytes: data.length };
}

/** A snapshot cut short (a copy or a disk that ran out): all it held is lost, and the error says so. */
function truncated(path: string, data: Buffer): MqttError {
  const start = MAGIC_BYTES + FRAME_HEADER_BYTES;
  const detail = data.length < start ? `only ${data.length} bytes` : `${data.length - start} of its ${data.readUInt32BE(MAGIC_BYTES)} bytes of state`;
  return new MqttError(ErrorCode.InvalidFile, `${path} is truncated (${detail}): none of the retained messages and sessions it held can be read`, {
    hint: 'restore it from a backup, or move it away to start with an empty store',
  });
}

async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    throw fileError(err, `Unable to move ${from} to ${to}`);
  }
}

function isSnapshot(value: unknown): value is { generation: number; records: JournalRecord[] } {
  if (typeof value !== 'object' || value === null) return false;
  const { generation, records } = value as Record<string, unknown>;
  return typeof generation === 'number' && isRecordList(records);
}

function decodeBatch(body: string, path: string): JournalRecord[] {
  const records = parseRecords(body);
  if (!isRecordList(records)) throw new MqttError(ErrorCode.InvalidFile, `${path} holds a frame that is not a list of journal records`);
  return records;
}

export function journalName(generation: number): string {
  return `journal-${String(generation).padStart(10, '0')}.log`;
}

export async function listJournals(dir: string): Promise<{ name: string; generation: number }[]> {
  const found: { name: string; generation: number }[] = [];
  for (const name of await readdir(dir)) {
    const match = JOURNAL_NAME.exec(name);
    if (match !== null) found.push({ name, generation: Number(match[1]) });
  }
  return found.sort((a, b) => a.generation - b.generation);
}

/** A new journal file with its magic on disk, and its name in the folder, before anything is appended. */
export async function createJournalFile(dir: string, generation: number): Promise<FileHandle> {
  const path = join(dir, journalName(generation));
  try {
    const file = await open(path, 'wx', 0o600);
    await writeAll(file, JOURNAL_MAGIC);
    await file.datasync();
    await syncDirectory(dir);
    await file.close();
    return await openForAppend(path, undefined);
  } catch (err) {
    throw fileError(err, `Unable to create ${path}`);
  }
}

/** Opens for appending, first cutting a torn tail off at `truncateAt`. */
async function openForAppend(path: string, truncateAt: number | undefined): Promise<FileHandle> {
  try {
    if (truncateAt !== undefined) {
      const file = await open(path, 'r+');
      await file.truncate(truncateAt);
      await file.datasync();
      await file.close();
    }
    return await open(path, 'a');
  } catch (err) {
    throw fileError(err, `Unable to open ${path}`);
  }
}

export async function writeAll(file: FileHandle, data: Buffer): Promise<void> {
  let done = 0;
  while (done < data.length) done += (await file.write(data, done, data.length - done)).bytesWritten;
}

async function readWhole(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw fileError(err, `Unable to read ${path}`);
  }
}

export async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw fileError(err, `Unable to remove ${path}`);
  }
}
