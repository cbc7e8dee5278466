import { ErrorCode, MqttError } from '../../lib/errors.js';
import { loadChalk, wantsColour } from './colour.js';
import { ExitCode } from './exit-codes.js';
import { InputError } from './input-error.js';
import { UsageError } from './usage-error.js';

/**
 * The one place an error becomes a line of text and an exit code. Usage errors ignore --quiet
 * (a script must learn it called us wrong); runtime errors respect it.
 */
export async function reportError(err: unknown, command: string, quiet = false): Promise<number> {
  if (err instanceof UsageError) {
    await printLines(`Error: ${err.message}`, `Use 'mqt ${command} --help' to see usage.`);
    return ExitCode.Failure;
  }
  if (err instanceof InputError) {
    await printLines(`Error: ${err.message}`);
    return err.exitCode;
  }
  if (!quiet) {
    const hint = err instanceof MqttError && err.hint !== undefined ? `Hint: ${err.hint}${/[.?!]$/.test(err.hint) ? "" : "."}` : undefined;
    await printLines(errorText(err), hint);
  }
  return exitCodeFor(err);
}

/** mosquitto's wording: "Connection error: ..." for refusals, bare "Timed out", "Error: ..." otherwise. */
function errorText(err: unknown): string {
  if (!(err instanceof MqttError)) return `Error: ${err instanceof Error ? err.message : String(err)}`;
  if (err.code === ErrorCode.ConnectionRefused) return `Connection error: ${err.message}`;
  if (err.code === ErrorCode.Timeout || err.message.startsWith('Unable to connect')) return err.message;
  return `Error: ${err.message}`;
}

export function exitCodeFor(err: unknown): number {
  if (!(err instanceof MqttError)) return ExitCode.Failure;
  switch (err.code) {
    case ErrorCode.ConnectionRefused:
    case ErrorCode.PublishRefused:
    case ErrorCode.SubscribeRefused:
      return err.reasonCode !== undefined && err.reasonCode > 0 && err.reasonCode < 256 ? err.reasonCode : ExitCode.Failure;
    case ErrorCode.Timeout:
      return ExitCode.Timeout;
    default:
      return ExitCode.Failure;
  }
}

async function printLines(line: string, hint?: string): Promise<void> {
  if (!wantsColour(process.stderr)) {
    process.stderr.write(`${line}\n${hint === undefined ? '' : `${hint}\n`}`);
    return;
  }
  const chalk = await loadChalk();
  const coloured = line.replace(/^(Error|Connection error):/, (m) => chalk.red.bold(m));
  process.stderr.write(`${coloured}\n${hint === undefined ? '' : `${chalk.dim(hint)}\n`}`);
}

/** A warning that does not stop the command (mosquitto's "Warning: Publish 1 failed: ..."). */
export function printWarning(text: string, quiet: boolean): void {
  if (!quiet) process.stderr.write(`Warning: ${text}\n`);
}
