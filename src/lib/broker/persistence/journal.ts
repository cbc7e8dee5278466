import { mkdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { asError, ErrorCode, MqttError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic-write.js';
import { fileError } from '../../fs/file-errors.js';
import { lockFile, type FileLock } from '../../fs/lock-file.js';
import { encodeFrame } from './frame.js';
import { createJournalFile, JOURNAL_MAGIC, listJournals, removeFile, replay, SNAPSHOT, SNAPSHOT_MAGIC, writeAll, type MosquittoImported, type Opened, type StoreFound } from './journal-files.js';
import { stringifyRecords, type JournalRecord } from './records.js';
import { applyRecord, stateToRecords, type DurableState } from './state.js';

/**
 * The broker's durable state as an append-only journal in a folder of its own (the files and
 * their replay: journal-files.ts):
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
  /**
   * The file that holds the snapshot (persistence_file), instead of one in the folder. It is made
   * at once, so deleting it later resets the store, as deleting mosquitto.db resets mosquitto.
   */
  readonly stateFile?: string;
}

export interface JournalStats {
  /** Group commits (write + fdatasync) done. */
  commits: number;
  records: number;
  /** Torn bytes cut off the last journal file when it was opened. */
  readonly tornBytesDropped: number;
  /** How the store was found at open. */
  readonly found: StoreFound;
  /** found 'imported': what the mosquitto database gave. */
  readonly imported?: MosquittoImported;
}

const DEFAULT_COMPACT_AFTER = 64 * 1024 * 1024;

interface Pending {
  readonly record: JournalRecord;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class Journal {
  readonly dir: string;
  /** The snapshot's file: the state file, else one in the folder. */
  readonly snapshotPath: string;
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
    this.snapshotPath = options.stateFile ?? join(dir, SNAPSHOT);
    this.#options = options;
    this.#lock = opened.lock;
    this.#state = opened.state;
    this.#file = opened.file;
    this.#generation = opened.generation;
    this.#fileBytes = opened.fileBytes;
    this.#snapshotBytes = opened.snapshotBytes;
    this.stats = { commits: 0, records: 0, tornBytesDropped: opened.tornBytes, found: opened.found, ...(opened.imported === undefined ? {} : { imported: opened.imported }) };
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
      return new Journal(dir, options, await replay(dir, lock, options.stateFile));
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
    await writeFileAtomic(this.snapshotPath, snapshot, { overwrite: true, mode: 0o600 });
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

function asMqttError(err: unknown, dir: string): MqttError {
  return err instanceof MqttError ? err : new MqttError(ErrorCode.FileError, `Compaction of the journal in ${dir} failed: ${asError(err).message}`, { cause: err });
}
