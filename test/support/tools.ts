import { which } from './spawn.js';

/**
 * Skips the suite (or test) when something it needs is not installed, except on CI (CI=true),
 * where .ci/run installs everything, so a missing piece is a failure, never a silent skip.
 */
export function skipOrFail(ctx: Mocha.Context, message: string): never {
  if (process.env.CI === 'true') throw new Error(`${message}, and CI=true forbids skipping`);
  console.warn(`skipping: ${message}`);
  ctx.skip();
}

/** The path of the command `name`, or a skip (a failure on CI) saying how to install it. */
export function requireTool(ctx: Mocha.Context, name: string, install: string): string {
  const path = which(name);
  if (path === undefined) skipOrFail(ctx, `these tests need the ${name} command (${install})`);
  return path;
}

export function requireOpenssl(ctx: Mocha.Context): string {
  return requireTool(ctx, 'openssl', 'apt-get install openssl');
}

/** util-linux's `script`, which gives a tool a pseudo-terminal. */
export function requireScript(ctx: Mocha.Context): string {
  return requireTool(ctx, 'script', 'apt-get install bsdutils');
}
