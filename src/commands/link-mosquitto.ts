import { accessSync, constants, realpathSync } from 'node:fs';
import { basename, delimiter, dirname, resolve } from 'node:path';
import { ErrorCode, MqttError } from '../lib/errors.js';
import { linkEach, type LinkResult } from '../lib/fs/symlinks.js';
import { indexFlags } from './options/argv.js';
import { linkMosquittoOptionGroups, resolveLinkMosquitto } from './options/link-mosquitto.js';
import { settingsFromArgv } from './ui/command-args.js';
import { ExitCode } from './ui/exit-codes.js';
import { printWarning, reportError } from './ui/report.js';

const byFlag = indexFlags(linkMosquittoOptionGroups);

/** The names the launcher answers to as mosquitto's clients (see cli.ts). */
const NAMES = ['mosquitto_pub', 'mosquitto_sub', 'mosquitto_rr', 'mosquitto_passwd', 'mosquitto_ctrl'];

const SAY: Readonly<Record<LinkResult['outcome'], string>> = { made: 'made', replaced: 'replaced', unchanged: 'already there' };

/**
 * `mqt link-mosquitto DIR`: links named mosquitto_pub, mosquitto_sub, mosquitto_rr,
 * mosquitto_passwd and mosquitto_ctrl in DIR to mqt's launcher, which then runs mqt pub (and the others) as
 * mosquitto's clients; a script or handout written for them needs no edit.
 */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = await settingsFromArgv('link-mosquitto', argv, byFlag, resolveLinkMosquitto, { positionals: true });
  if ('exitCode' in parsed) return parsed.exitCode;
  const { dir, force } = parsed.settings;
  try {
    // The launcher the user ran, wherever npm linked it from: the links point at the real file.
    const launcher = realpathSync(process.argv[1] ?? '');
    const results = await linkEach(resolve(dir), NAMES, launcher, force);
    for (const { path, outcome } of results) process.stdout.write(`${path} -> ${launcher} (${SAY[outcome]})\n`);
    warnIfShadowed(results);
    return ExitCode.Ok;
  } catch (err) {
    const exists = err instanceof MqttError && err.code === ErrorCode.FileExists && !err.message.endsWith('is a folder.');
    return reportError(exists ? new MqttError(err.code, err.message, { hint: 'give --force to replace it', cause: err }) : err, 'link-mosquitto');
  }
}

/**
 * The links work by name only if the shell finds them first: a mosquitto_pub earlier on PATH
 * (Debian's /usr/bin) would still be the one a script runs.
 */
function warnIfShadowed(results: readonly LinkResult[]): void {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  for (const { path } of results) {
    const first = dirs.map((d) => resolve(d, basename(path))).find((candidate) => isExecutable(candidate));
    if (first === path) continue;
    printWarning(
      first === undefined
        ? `${dirname(path)} is not in PATH: add it, or scripts will not find ${basename(path)}.`
        : `${basename(path)} runs ${first}, which comes first in PATH: put ${dirname(path)} before ${dirname(first)}.`,
      false,
    );
    return;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
