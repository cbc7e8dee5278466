import { mkdir, open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { asError, ErrorCode, MqttError } from '../../errors.js';
import { errnoOf } from '../../errno-text.js';
import { syncDirectory, writeFileAtomic } from '../../fs/atomic-write.js';
import { fileError } from '../../fs/file-errors.js';
import { lockFile, type FileLock } from '../../fs/lock-file.js';
import { encodeFrame, scanFrames } from './frame.js';
import { isRecordList, parseRecords, stringifyRecords, type JournalRecord } from './records.js';
import { applyRecord, emptyState, stateToRecords, type DurableState } from './state.js';

/**
 * The broker's durable state as an append-only journal in a folder of its own:
 *
 *   snapshot                  the whole state at one moment, with the generation it ends
 *   journal-0000000007.log    the changes since, one frame per group commit
 *
 * append() resolves once its record is on disk (write + fdatasync). Appends made while a write
 * is under way, or in the same event-loop turn, go out together in the next write: one fsync
 * acknowledges them all, so throughput grows with the load instead of being one fsync per
 * message.
 *
 * Compaction: between two commits the journal switches to the next generation's file and
 * serializes the state, which at that point is exactly snapshot + older journals; the snapshot
 * is then written beside (temporary file, fsync, rename) while appends go on, and the older
 * files are removed. Opening replays the snapshot and every journal of its generation or
 * later, and removes what a compaction left behind, so a crash at any step loses nothing.
 */

export type CompactionStep = 'rotated' | 'snapshot-written' | 'old-journals-removed';

export interface JournalOptions {
  /** Compact once the current journal file is larger than this and than the last snapshot (default 64 MiB). */
  readonly compactAfterBytes?: number;
  /** A background compaction failed; the journal goes on (the old files still hold the state). */
  readonly onBackgroundError?: (error: MqttError) => void;
  /** Awaited after each step of a compaction: tests stop there to look at the files a crash would leave. */
  readonly onCompactionStep?: (step: CompactionStep) => Promise<void>;
}

export interface JournalStats {
  /** Group commits (write + fdatasync) done. */
  commits: number;
  records: number;
  /** Torn bytes cut off the last journal file when it was opened. */
  readonly tornBytesDropped: number;
}

const JOURNAL_MAGIC = Buffer.from('MQTJRNL1', 'latin1');
const SNAPSHOT_MAGIC = Buffer.from('MQTSNAP1', 'latin1');
const SNAPSHOT = 'snapshot';
const JOURNAL_NAME = /^journal-(\d{10})\.log$/;
/** writeFileAtomic's temporary files for the snapshot. */
const SNAPSHOT_TEMP = /^\.snapshot\..*\.tmp$/;
const DEFAULT_COMPACT_AFTER = 64 * 1024 * 1024;

interface Pending {
  readonly record: JournalRecord;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class Journal {
  readonly dir: string;
  readonly stats: JournalStats;
  readonly #options: JournalOptions;
  readonly #lock: FileLock;
  readonly #state: DurableState;
  #file: FileHandle;
  #generation: number;
  #fileBytes: number;
  #snapshotBytes: number;
  #queue: Pending[] = [];
  #flushing: Promise<void> | undefined;
  #rotation: { resolve: (snapshot: Buffer) => void; reject: (error: Error) => void } | undefined;
  #compaction: Promise<void> | undefined;
  #failure: MqttError | undefined;
  #closed = false;

  private constructor(dir: string, options: JournalOptions, opened: Opened) {
    this.dir = dir;
    this.#options = options;
    this.#lock = opened.lock;
    this.#state = opened.state;
    this.#file = opened.file;
    this.#generation = opened.generation;
    this.#fileBytes = opened.fileBytes;
    this.#snapshotBytes = opened.snapshotBytes;
    this.stats = { commits: 0, records: 0, tornBytesDropped: opened.tornBytes };
  }

  /** Opens (or creates) the journal in `dir` and replays it. Only one process may hold it. */
  static async open(dir: string, options: JournalOptions = {}): Promise<Journal> {
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw fileError(err, `Unable to create persistence folder ${dir}`);
    }
    const lock = await lockFile(join(dir, 'journal'), { timeoutMs: 2000 });
    try {
      return new Journal(dir, options, await replay(dir, lock));
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  /** The state replayed at open, kept up to date with every committed append. Do not modify it. */
  get state(): DurableState {
    return this.#state;
  }

  /** Resolves once `record` is on disk; rejects if the journal is closed or a write failed. */
  append(record: JournalRecord): Promise<void> {
    const unusable = this.#unusable();
    if (unusable !== undefined) return Promise.reject(unusable);
    return new Promise((resolve, reject) => {
      this.#queue.push({ record, resolve, reject });
      if (this.#flushing === undefined) this.#flushing = this.#flushSoon();
    });
  }

  /** Writes a snapshot and drops the journal files it replaces; concurrent calls share one run. */
  compact(): Promise<void> {
    const unusable = this.#unusable();
    if (unusable !== undefined) return Promise.reject(unusable);
    this.#compaction ??= this.#compact().finally(() => {
      this.#compaction = undefined;
    });
    return this.#compaction;
  }

  /** Waits for pending appends and a running compaction, then closes the files. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#flushing;
    await this.#compaction?.catch(() => undefined);
    await this.#file.close().catch(() => undefined);
    await this.#lock.release();
  }

  #unusable(): MqttError | undefined {
    if (this.#failure !== undefined) return this.#failure;
    return this.#closed ? new MqttError(ErrorCode.ClientClosed, `The journal in ${this.dir} is closed`) : undefined;
  }

  /** Lets the current event-loop turn add its appends before the batch is cut. */
  async #flushSoon(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    // Under steady load this loop never ends, so it is also where compaction starts.
    while (this.#failure === undefined && (this.#queue.length > 0 || this.#rotation !== undefined)) {
      if (this.#queue.length > 0) await this.#commit();
      if (this.#shouldCompact()) {
        this.compact().catch((err: unknown) => this.#options.onBackgroundError?.(asMqttError(err, this.dir)));
      }
      if (this.#rotation !== undefined && this.#failure === undefined) await this.#rotate();
    }
    this.#flushing = undefined;
  }

  async #commit(): Promise<void> {
    const batch = this.#queue;
    this.#queue = [];
    try {
      const frame = encodeFrame(stringifyRecords(batch.map((pending) => pending.record)));
      await writeAll(this.#file, frame);
      await this.#file.datasync();
      this.#fileBytes += frame.length;
    } catch (err) {
      // After a failed write or fsync the file's content is unknown: nothing more is acknowledged.
      this.#failure = fileError(err, `Unable to write the journal in ${this.dir}`);
      for (const pending of [...batch, ...this.#queue]) pending.reject(this.#failure);
      this.#queue = [];
      this.#rotation?.reject(this.#failure);
      return;
    }
    for (const pending of batch) applyRecord(this.#state, pending.record);
    this.stats.commits++;
    this.stats.records += batch.length;
    for (const pending of batch) pending.resolve();
  }

  /** Between two commits: the next generation's file takes the appends, and the compaction gets the state of those before. */
  async #rotate(): Promise<void> {
    const rotation = this.#rotation!;
    this.#rotation = undefined;
    try {
      const generation = this.#generation + 1;
      const file = await createJournalFile(this.dir, generation);
      const snapshot = encodeFrame(stringifyRecords({ generation, records: stateToRecords(this.#state) }));
      // Everything in it is fsynced already: a failing close loses nothing.
      await this.#file.close().catch(() => undefined);
      this.#file = file;
      this.#generation = generation;
      this.#fileBytes = JOURNAL_MAGIC.length;
      rotation.resolve(Buffer.concat([SNAPSHOT_MAGIC, snapshot]));
    } catch (err) {
      rotation.reject(asError(err));
    }
  }

  async #compact(): Promise<void> {
    const snapshot = await new Promise<Buffer>((resolve, reject) => {
      this.#rotation = { resolve, reject };
      this.#flushing ??= this.#flushSoon();
    });
    const generation = this.#generation;
    await this.#options.onCompactionStep?.('rotated');
    await writeFileAtomic(join(this.dir, SNAPSHOT), snapshot, { overwrite: true, mode: 0o600 });
    this.#snapshotBytes = snapshot.length;
    await this.#options.onCompactionStep?.('snapshot-written');
    for (const old of await listJournals(this.dir)) {
      if (old.generation < generation) await removeFile(join(this.dir, old.name));
    }
    await this.#options.onCompactionStep?.('old-journals-removed');
  }

  #shouldCompact(): boolean {
    const limit = this.#options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER;
    return this.#failure === undefined && !this.#closed && this.#compaction === undefined && this.#fileBytes > limit && this.#fileBytes > this.#snapshotBytes;
  }
}

interface Opened {
  readonly lock: FileLock;
  readonly state: DurableState;
  readonly file: FileHandle;
  readonly generation: number;
  readonly fileBytes: number;
  readonly tornBytes: number;
  readonly snapshotBytes: number;
}

async function replay(dir: string, lock: FileLock): Promise<Opened> {
  for (const name of await readdir(dir)) if (SNAPSHOT_TEMP.test(name)) await removeFile(join(dir, name));
  const { state, generation: base, bytes: snapshotBytes } = await readSnapshot(join(dir, SNAPSHOT));
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
  return { lock, state, file, generation, fileBytes, tornBytes, snapshotBytes };
}

async function readSnapshot(path: string): Promise<{ state: DurableState; generation: number; bytes: number }> {
  const state = emptyState();
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return { state, generation: 0, bytes: 0 };
    throw fileError(err, `Unable to read ${path}`);
  }
  // A snapshot is renamed into place only once complete: anything short of one good frame is damage.
  const scan = scanFrames(data, path, SNAPSHOT_MAGIC);
  const content = scan.bodies.length === 1 && scan.tornBytes === 0 ? parseRecords(scan.bodies[0]!) : undefined;
  if (!isSnapshot(content)) throw new MqttError(ErrorCode.InvalidFile, `${path} is damaged: not a complete snapshot`);
  for (const record of content.records) applyRecord(state, record);
  return { state, generation: content.generation, bytes: data.length };
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

function journalName(generation: number): string {
  return `journal-${String(generation).padStart(10, '0')}.log`;
}

async function listJournals(dir: string): Promise<{ name: string; generation: number }[]> {
  const found: { name: string; generation: number }[] = [];
  for (const name of await readdir(dir)) {
    const match = JOURNAL_NAME.exec(name);
    if (match !== null) found.push({ name, generation: Number(match[1]) });
  }
  return found.sort((a, b) => a.generation - b.generation);
}

/** A new journal file with its magic on disk, and its name in the folder, before anything is appended. */
async function createJournalFile(dir: string, generation: number): Promise<FileHandle> {
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

async function writeAll(file: FileHandle, data: Buffer): Promise<void> {
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

async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw fileError(err, `Unable to remove ${path}`);
  }
}

function asMqttError(err: unknown, dir: string): MqttError {
  return err instanceof MqttError ? err : new MqttError(ErrorCode.FileError, `Compaction of the journal in ${dir} failed: ${asError(err).message}`, { cause: err });
}
