import type { ChalkInstance } from 'chalk';

/** The values of FORCE_COLOR that turn colour on, as Node reads them (1 to 3 are colour depths). */
const FORCING = new Set(['', '1', 'true', '2', '3']);

/**
 * Colour only for a person at a terminal: never in pipes or files, never with NO_COLOR set or on a
 * dumb terminal. FORCE_COLOR overrides all of that, as it does for Node itself: a CI log viewer
 * that shows colours sets it, and FORCE_COLOR=0 (any other value) turns colour off everywhere.
 */
export function wantsColour(stream: Pick<NodeJS.WriteStream, 'isTTY'>, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return FORCING.has(force);
  return stream.isTTY && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb';
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
