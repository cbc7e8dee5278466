import { renderPlain } from '../../lib/output/plain.js';
import type { MessageFormat } from '../../lib/output/format.js';
import type { PublishPacket } from '../../lib/protocol/packets.js';
import type { Output } from './output.js';

/** How sub and rr print a received message: -F/--json when given, else the plain output (-v, -N). */
export interface MessageOutput {
  verbose: boolean;
  eol: boolean;
  format: MessageFormat | undefined;
}

/** Complaints of the format (%J, %d, %f) go to stderr unless --quiet, as mosquitto's err_printf. */
export function printMessage(message: PublishPacket, output: MessageOutput, out: Output, quiet: boolean): void {
  if (output.format === undefined) {
    renderPlain(message, output, out.pending());
    return;
  }
  const problems = output.format.render(message, out.pending());
  if (!quiet) for (const problem of problems) process.stderr.write(`${problem}\n`);
}
