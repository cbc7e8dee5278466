import { MqttClient } from '../lib/client/client.js';
import { connectClient } from '../lib/client/connect.js';
import { request } from '../lib/client/request-response.js';
import { ErrorCode, MqttError } from '../lib/errors.js';
import { dynsecResponseText } from '../lib/output/dynsec-text.js';
import { ReasonCode, connackText, reasonText } from '../lib/protocol/reason-codes.js';
import { indexFlags } from './options/argv.js';
import { ctrlOptionGroups, resolveCtrl } from './options/ctrl.js';
import { dynsecRequest, type DynsecRequest } from './options/ctrl-dynsec.js';
import type { ConnectSettings } from './options/connect.js';
import { settingsFromArgv } from './ui/command-args.js';
import { attachDebugLog } from './ui/debug-log.js';
import { Output } from './ui/output.js';
import { CTRL_USAGE, DYNSEC_USAGE, initDynsec, readCtrlPassword } from './ui/ctrl-text.js';
import { programName, programOf, type Invocation, type Program } from './ui/program.js';
import { reportError } from './ui/report.js';
import { readConnectSecrets } from './ui/secrets.js';

const byFlag = indexFlags(ctrlOptionGroups);

const REQUEST_TOPIC = '$CONTROL/dynamic-security/v1';
const RESPONSE_TOPIC = '$CONTROL/dynamic-security/v1/response';
/** mosquitto_ctrl waits this long for the answer, then ends quietly. */
const WAIT_MS = 10_000;

/** mosquitto_ctrl's exit codes: its libmosquitto error numbers. */
const CtrlExit = {
  Ok: 0,
  Usage: 1,
  /** MOSQ_ERR_INVAL: the command's arguments are wrong. */
  Invalid: 3,
  /** MOSQ_ERR_NOT_SUPPORTED: no such module. */
  NoModule: 10,
  /** MOSQ_ERR_UNKNOWN: no such command. */
  UnknownCommand: 13,
  /** MOSQ_ERR_ERRNO: the connection could not be made. */
  ConnectFailed: 14,
} as const;

/** `mqt ctrl`: mosquitto_ctrl's dynsec module, its syntax, output and exit codes. */
export async function run(argv: readonly string[], invocation: Invocation = {}): Promise<number> {
  const program = programOf('ctrl', invocation);
  if (argv.length === 0) {
    process.stdout.write(CTRL_USAGE(programName(program)));
    return CtrlExit.Usage;
  }
  const parsed = await settingsFromArgv('ctrl', argv, byFlag, resolveCtrl, { ...invocation, optionsFiles: true, positionals: true });
  if ('exitCode' in parsed) return parsed.exitCode;
  const { connect, words } = parsed.settings;
  const [module, name, ...args] = words;
  if (module === undefined || name === undefined) {
    process.stdout.write(CTRL_USAGE(programName(program)));
    return CtrlExit.Usage;
  }
  if (module.toLowerCase() !== 'dynsec') {
    process.stderr.write(`Error: Module '${module}' not supported.\n`);
    return CtrlExit.NoModule;
  }
  if (name.toLowerCase() === 'help') {
    process.stdout.write(DYNSEC_USAGE(programName(program)));
    return CtrlExit.Ok;
  }
  if (name.toLowerCase() === 'init') return initDynsec(args, programName(program));
  const built = await withPassword(dynsecRequest(name, args));
  switch (built.kind) {
    case 'unknown':
      process.stderr.write(`Command '${built.name}' not recognised.\n`);
      return CtrlExit.UnknownCommand;
    case 'invalid':
      if (built.message !== undefined) process.stderr.write(`${built.message}\n`);
      process.stderr.write('Error: Invalid function arguments provided.\n');
      return CtrlExit.Invalid;
    case 'stop':
      return CtrlExit.Ok;
    case 'command':
      return send(built.command, connect, program);
  }
}

/** Asks for a password the command line left out, as mosquitto_ctrl does. */
async function withPassword(built: DynsecRequest): Promise<Exclude<DynsecRequest, { kind: 'ask-password' }> | { kind: 'stop' }> {
  if (built.kind !== 'ask-password') return built;
  const password = await readCtrlPassword(built.username, built.optional);
  if (password === undefined) return { kind: 'stop' };
  return { kind: 'command', command: password === '' ? built.command : { ...built.command, password } };
}

async function send(command: Record<string, unknown>, connect: ConnectSettings, program: Program): Promise<number> {
  if (!('tls' in connect.target && connect.target.tls !== undefined) && !connect.quiet) {
    process.stderr.write(
      `Warning: You are running ${programName(program)} without encryption.\nThis means all of the configuration changes you are making are visible on the network, including passwords.\n\n`,
    );
  }
  const client = new MqttClient(connect.client);
  if (connect.debug) await attachDebugLog(client, new Output(process.stdout, () => undefined));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), WAIT_MS)));
  const exchange = (async () => {
    await readConnectSecrets(connect, client);
    await connectClient(client, connect.target);
    const payload = Buffer.from(JSON.stringify({ commands: [command] }));
    return request(client, { topic: REQUEST_TOPIC, payload, qos: 1, responseTopic: RESPONSE_TOPIC });
  })();
  exchange.catch(() => undefined);
  try {
    const outcome = await Promise.race([exchange, timedOut]);
    if (outcome !== 'timeout') {
      const text = dynsecResponseText(outcome.message.payload);
      process.stdout.write(text.out);
      process.stderr.write(text.err);
    }
    if (client.isConnected) await client.disconnect(ReasonCode.Success);
    else client.destroy();
    return CtrlExit.Ok;
  } catch (err) {
    client.destroy();
    const refusal = refusalText(err, connect.client.protocolVersion);
    if (refusal !== undefined) {
      process.stderr.write(`${refusal}\n`);
      return CtrlExit.Ok;
    }
    const code = await reportError(err, program, connect.quiet);
    return err instanceof MqttError && err.code === ErrorCode.ConnectFailed ? CtrlExit.ConnectFailed : code;
  } finally {
    clearTimeout(timer);
  }
}

/** mosquitto_ctrl's line for a refused CONNECT, SUBSCRIBE or PUBLISH, after which it exits 0. */
function refusalText(err: unknown, version: 3 | 4 | 5): string | undefined {
  if (!(err instanceof MqttError) || err.reasonCode === undefined) return undefined;
  switch (err.code) {
    case ErrorCode.ConnectionRefused:
      return `Connection error: ${version === 5 ? reasonText(err.reasonCode) : connackText(err.reasonCode, version)}`;
    case ErrorCode.SubscribeRefused:
      return version === 5 ? `Subscribe error: ${reasonText(err.reasonCode)}` : 'Subscribe error: Subscription refused.';
    case ErrorCode.PublishRefused:
      return `Publish error: ${reasonText(err.reasonCode)}`;
    default:
      return undefined;
  }
}
