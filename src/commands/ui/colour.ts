import type { ChalkInstance } from 'chalk';

/** Colour only for a person at a terminal: never in pipes or files, never with NO_COLOR set. */
export function wantsColour(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY && (process.env.NO_COLOR ?? '') === '' && process.env.TERM !== 'dumb';
}

/**
 * chalk costs start-up time, so it is loaded only when something will be coloured. Its named
 * export is used because the command bundles load it with require(), where `default` is the
 * module namespace rather than chalk; the level is fixed since wantsColour already decided.
 */
export async function loadChalk(): Promise<ChalkInstance> {
  const { Chalk } = await import('chalk');
  return new Chalk({ level: 1 });
}
