import { join } from 'node:path';
import { planConnections } from '../lib/bench/plan.js';
import { progressLine, summaryText } from './ui/bench-report.js';
import type { BenchResult } from '../lib/bench/result.js';
import { runBench, type Progress } from '../lib/bench/runner.js';
import { threadSpawner } from '../lib/bench/threads.js';
import { indexFlags } from './options/argv.js';
import { benchOptionGroups, resolveBench } from './options/bench.js';
import { settingsFromArgv } from './ui/command-args.js';
import { ExitCode } from './ui/exit-codes.js';
import { reportError } from './ui/report.js';
import { connectSecrets } from './ui/secrets.js';
import { onTerminate, signalExitCode } from './ui/signals.js';
import { fromCommandLine } from './ui/usage-error.js';

const byFlag = indexFlags(benchOptionGroups);

/** `mqt bench pub|sub|pubsub|conn`: a load run against a broker; resolves to the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = await settingsFromArgv(
    'bench',
    argv,
    byFlag,
    (args) => {
      const settings = resolveBench(args);
      fromCommandLine(() => planConnections(settings.bench));
      return settings;
    },
    { positionals: true, interleaved: true },
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const { bench, connect, json } = parsed.settings;
  const abort = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  const stopSignals = onTerminate((signal) => {
    interrupted = signal;
    abort.abort();
  });
  // With --json stdout carries only the summary object.
  const progressStream = json ? process.stderr : process.stdout;
  const progress = connect.quiet ? undefined : progressPrinter(progressStream);
  try {
    const password = await connectSecrets(connect);
    if (password !== undefined) bench.client.password = password;
    // The worker bundle sits under this command's bundle, in dist/commands/workers.
    const spawn = threadSpawner(join(__dirname, 'workers', 'bench.cjs'));
    const result = await runBench(bench, spawn, { signal: abort.signal, ...(progress === undefined ? {} : { onProgress: progress.line }) });
    progress?.end();
    process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : summaryText(result));
    if (interrupted !== undefined) return signalExitCode(interrupted);
    if (!result.ok && !connect.quiet) process.stderr.write(`Error: ${result.reason ?? 'the run failed'}\n`);
    return exitCodeOf(result);
  } catch (err) {
    progress?.end();
    return interrupted === undefined ? await reportError(err, 'bench', connect.quiet) : signalExitCode(interrupted);
  } finally {
    stopSignals();
  }
}

/** Errors exit 1 as everywhere; a run that only lost QoS 1/2 messages exits MessagesLost. */
function exitCodeOf(result: BenchResult): number {
  if (result.ok) return ExitCode.Ok;
  return result.errors.count > 0 ? ExitCode.Failure : ExitCode.MessagesLost;
}

/** On a terminal one line rewritten in place; in a pipe or file one line per second. */
function progressPrinter(stream: NodeJS.WriteStream): { line: (p: Progress) => void; end: () => void } {
  const live = stream.isTTY;
  let shown = false;
  return {
    line: (p) => {
      shown = true;
      stream.write(live ? `\r\x1b[2K${progressLine(p)}` : `${progressLine(p)}\n`);
    },
    end: () => {
      if (live && shown) stream.write('\r\x1b[2K');
    },
  };
}
