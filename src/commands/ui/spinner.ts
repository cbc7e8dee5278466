import type { Ora } from 'ora';
import { defaultExport } from './esm-default.js';

/** Progress text for slow steps: an ora spinner for a person at a terminal, nothing otherwise. */
export interface Spinner {
  text(step: string): void;
  stop(): void;
}

const SILENT: Spinner = { text: () => undefined, stop: () => undefined };

/**
 * ora divides by the terminal's width to count the lines it must clear: a terminal that reports
 * 0 columns (serial consoles, `script`, `unbuffer`) makes that count infinite, and clearing then
 * never ends and blocks the event loop, so no signal is handled either.
 */
function hasWidth(stream: NodeJS.WriteStream): boolean {
  return Number.isFinite(stream.columns) && stream.columns > 0;
}

/** Never in pipes, files, CI logs, dumb terminals or terminals of no width, where the frames would be noise. */
function wantsSpinner(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY && (process.env.CI ?? '') === '' && process.env.TERM !== 'dumb' && hasWidth(stream);
}

/** ora is loaded only when it will be shown, so piped and scripted runs never pay for it. */
export async function startSpinner(stream: NodeJS.WriteStream = process.stderr): Promise<Spinner> {
  if (!wantsSpinner(stream)) return SILENT;
  const ora = defaultExport(await import('ora'));
  // ora would put stdin in raw mode, where Ctrl-C no longer interrupts; isEnabled: we decided above.
  const spinner: Ora = ora({ stream, discardStdin: false, isEnabled: true }).start();
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    stream.off('resize', onResize);
    spinner.stop();
  };
  // A terminal resized to no width mid-run: stopping draws nothing more, which is all ora can do safely.
  const onResize = (): void => {
    if (!hasWidth(stream)) stop();
  };
  stream.on('resize', onResize);
  return {
    text: (step) => {
      if (!stopped) spinner.text = step;
    },
    stop,
  };
}
