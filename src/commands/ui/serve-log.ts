import { createWriteStream, fstatSync, writeSync, type WriteStream } from 'node:fs';
import { isatty } from 'node:tty';
import type { LoggingConfig } from '../../lib/broker/config/types.js';
import type { LogLevel } from '../../lib/broker/types.js';
import { fileError } from '../../lib/fs/file-errors.js';
import { systemClock, type Clock } from '../../lib/output/clock.js';
import { strftime } from '../../lib/output/strftime.js';

export interface ServeLog {
  /** Whether lines of this type are written anywhere (to skip building them). */
  wants(level: LogLevel): boolean;
  log(level: LogLevel, text: string): void;
  /** Closes and opens the log file again (after logrotate moved it), as mosquitto does on SIGHUP. */
  reopen(): Promise<void>;
  /** Flushes and closes the log file, if any. */
  close(): Promise<void>;
}

/**
 * The broker's log as mosquitto writes it: "TIMESTAMP: text" (Unix seconds unless
 * log_timestamp_format says otherwise), the log types configured, to every log_dest.
 */
export async function openServeLog(config: LoggingConfig, clock: Clock = systemClock): Promise<ServeLog> {
  const types = new Set(config.types);
  const path = config.destinations.includes('file') ? config.file : undefined;
  let file = path === undefined ? undefined : await openLogFile(path);
  const writers: ((line: string) => void)[] = [];
  if (config.destinations.includes('stderr')) writers.push(standardWriter(process.stderr, 2));
  if (config.destinations.includes('stdout')) writers.push(standardWriter(process.stdout, 1));
  if (file !== undefined) writers.push((line) => file?.write(line));
  const closeFile = (): Promise<void> => {
    const closing = file;
    file = undefined;
    return closing === undefined ? Promise.resolve() : new Promise<void>((resolve) => closing.end(resolve));
  };
  // Timestamps have whole seconds: one rendering serves every line of the same second.
  let stampSecond = Number.NaN;
  let stampText = '';
  const stamp = (): string => {
    if (!config.timestamps) return '';
    const second = Math.floor(Date.now() / 1000);
    if (second !== stampSecond) {
      stampSecond = second;
      // Plain seconds need no calendar: the clock's time zone lookup alone costs tens of ms at first use.
      stampText = `${config.timestampFormat === undefined ? second : strftime(config.timestampFormat, clock())}: `;
    }
    return stampText;
  };
  // Lines go out once per event-loop turn: a connect and disconnect burst logs three lines per
  // client, and stderr on a file or /dev/null costs one synchronous write each.
  let pending = '';
  const flush = (): void => {
    const text = pending;
    if (text === '') return;
    pending = '';
    for (const write of writers) write(text);
  };
  return {
    wants: (level) => types.has(level) && writers.length > 0,
    log: (level, text) => {
      if (!types.has(level) || writers.length === 0) return;
      if (pending === '') setImmediate(flush);
      pending += `${stamp()}${text}\n`;
    },
    reopen: async () => {
      if (path === undefined) return;
      flush();
      await closeFile();
      file = await openLogFile(path).catch((err: unknown) => {
        process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
        return undefined;
      });
    },
    close: () => {
      flush();
      return closeFile();
    },
  };
}

/**
 * Writes to stdout or stderr. On a file or /dev/null Node's stream is only a synchronous write
 * behind a Writable (a Buffer and callbacks per call); writing to the descriptor directly took the
 * log's share of a connect-disconnect burst (three lines per client) from ~14 to ~5 µs per client.
 * Pipes and terminals keep the stream: a pipe may be non-blocking, and a synchronous write would
 * then fail when it is full.
 */
function standardWriter(stream: NodeJS.WriteStream, fd: 1 | 2): (text: string) => void {
  let direct = false;
  try {
    const stat = fstatSync(fd);
    direct = stat.isFile() || (stat.isCharacterDevice() && !isatty(fd));
  } catch {
    // A closed descriptor: the stream reports it its own way.
  }
  if (!direct) return (text) => stream.write(text);
  return (text) => {
    try {
      writeSync(fd, text);
    } catch {
      // A full disk loses log lines, as it does for mosquitto; it must not stop the broker.
    }
  };
}

function openLogFile(path: string): Promise<WriteStream> {
  return new Promise((resolve, reject) => {
    const stream = createWriteStream(path, { flags: 'a' });
    stream.once('open', () => resolve(stream));
    stream.once('error', (err) => reject(fileError(err, `Unable to open log file ${path} for writing`)));
  });
}
