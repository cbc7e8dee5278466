import type { Ora } from 'ora';
import { defaultExport } from './esm-default.js';

/** Progress text for slow steps: an ora spinner for a person at a terminal, nothing otherwise. */
export interface Spinner {
  text(step: string): void;
  stop(): void;
}

const SILENT: Spinner = { text: () => undefined, stop: () => undefined };

/** Never in pipes, files, CI logs or dumb terminals, where the frames would be noise. */
function wantsSpinner(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY && (process.env.CI ?? '') === '' && process.env.TERM !== 'dumb';
}

/** ora is loaded only when it will be shown, so piped and scripted runs never pay for it. */
export async function startSpinner(stream: NodeJS.WriteStream = process.stderr): Promise<Spinner> {
  if (!wantsSpinner(stream)) return SILENT;
  const ora = defaultExport(await import('ora'));
  // ora would put stdin in raw mode, where Ctrl-C no longer interrupts; isEnabled: we decided above.
  const spinner: Ora = ora({ stream, discardStdin: false, isEnabled: true }).start();
  return {
    text: (step) => {
      spinner.text = step;
    },
    stop: () => spinner.stop(),
  };
}
