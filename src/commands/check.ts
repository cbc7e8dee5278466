import { ErrorCode } from '../lib/errors.js';
import { checkBroker } from '../lib/probe/check-broker.js';
import { hostPort } from '../lib/transport/host-port.js';
import type { TransportTarget } from '../lib/transport/types.js';
import { indexFlags } from './options/argv.js';
import { checkOptionGroups, resolveCheck } from './options/check.js';
import { checkJson, checkTable } from './ui/check-report.js';
import { settingsFromArgv } from './ui/command-args.js';
import { ExitCode } from './ui/exit-codes.js';
import { exitCodeFor, reportError } from './ui/report.js';
import { connectSecrets } from './ui/secrets.js';

const byFlag = indexFlags(checkOptionGroups);

/** `mqt check`: what a broker supports and allows, as a table or JSON. Exit 0 when it let us in at all. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = await settingsFromArgv('check', argv, byFlag, resolveCheck, { optionsFiles: true });
  if ('exitCode' in parsed) return parsed.exitCode;
  const settings = parsed.settings;
  const { connect } = settings;
  try {
    const password = await connectSecrets(connect);
    const check = await checkBroker({
      target: connect.target,
      versions: settings.versions,
      keepalive: connect.client.keepalive,
      ...(connect.client.username === undefined ? {} : { username: connect.client.username }),
      ...(password === undefined ? {} : { password }),
      maxPayload: settings.maxPayload,
      stepTimeoutMs: settings.timeoutMs,
    });
    const broker = where(connect.target);
    process.stdout.write(settings.json ? `${JSON.stringify(checkJson(check, broker), null, 2)}\n` : checkTable(check, broker));
    if (check.probedWith !== undefined) return ExitCode.Ok;
    // Refused by every version: the CONNACK code of the last, as mqt pub exits with its one.
    const refusals = [...check.versions.values()].flatMap((o) => (!o.connected && o.error.code === ErrorCode.ConnectionRefused ? [o.error] : []));
    return exitCodeFor(refusals.at(-1));
  } catch (err) {
    return reportError(err, 'check', connect.quiet);
  }
}

function where(target: TransportTarget): string {
  switch (target.kind) {
    case 'unix':
      return target.path;
    case 'websocket':
      return `${target.tls === undefined ? 'ws' : 'wss'}://${hostPort(target.host, target.port)}${target.path}`;
    case 'tcp':
      return `${target.tls === undefined ? 'mqtt' : 'mqtts'}://${hostPort(target.host, target.port)}`;
  }
}
