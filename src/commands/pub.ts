import { MqttClient, type OutgoingMessage } from '../lib/client/client.js';
import { connectClient } from '../lib/client/connect.js';
import { ErrorCode, MqttError } from '../lib/errors.js';
import { indexFlags, type ParsedArgs } from './options/argv.js';
import { checkConnectFlags, resolveConnect, type ConnectSettings } from './options/connect.js';
import { resolveMessage, type MessageSettings } from './options/message.js';
import { pubOptionGroups } from './options/pub.js';
import { attachDebugLog } from './ui/debug-log.js';
import { ExitCode } from './ui/exit-codes.js';
import { Output } from './ui/output.js';
import { settingsFromArgv } from './ui/command-args.js';
import { programOf, type Invocation } from './ui/program.js';
import { checkArgumentBytes, useMessageBytes } from './ui/raw-argv.js';
import { readConnectSecrets } from './ui/secrets.js';
import { exitCodeFor, printWarning, reportError } from './ui/report.js';
import { forEachLine } from './ui/stdin-lines.js';
import { onTerminate, signalExitCode } from './ui/signals.js';

const byFlag = indexFlags(pubOptionGroups);

/** `mqt pub`: mosquitto_pub's flags, output and exit codes. Resolves to the exit code. */
export async function run(argv: readonly string[], invocation: Invocation = {}): Promise<number> {
  const program = programOf('pub', invocation);
  const parsed = await settingsFromArgv('pub', argv, byFlag, (args) => resolvePub(args, argv), { ...invocation, optionsFiles: true });
  if ('exitCode' in parsed) return parsed.exitCode;
  const { settings, message } = parsed.settings;
  // Only -d writes to stdout; creating process.stdout costs start-up time otherwise.
  const out = settings.debug ? new Output() : undefined;
  const client = new MqttClient(settings.client);
  if (out !== undefined) await attachDebugLog(client, out);
  let interrupted: NodeJS.Signals | undefined;
  const stopSignals = onTerminate((signal) => {
    interrupted = signal;
    process.stdin.destroy();
    void client.disconnect(0, settings.properties.disconnect);
  });
  try {
    const payload = message.source.kind === 'fixed' ? await message.source.load() : undefined;
    await readConnectSecrets(settings, client);
    await connectClient(client, settings.target);
    const code =
      payload === undefined ? await publishLines(client, settings, message) : await publishFixed(client, settings, message, payload);
    await client.disconnect(0, settings.properties.disconnect);
    await out?.flush();
    return interrupted === undefined ? code : signalExitCode(interrupted);
  } catch (err) {
    client.destroy();
    await out?.flush();
    return interrupted === undefined ? await reportError(err, program, settings.quiet) : signalExitCode(interrupted);
  } finally {
    stopSignals();
  }
}

/** mosquitto_pub's order: the connection's flag checks, the message, then what the connection reads. */
function resolvePub(args: ParsedArgs, argv: readonly string[]): { settings: ConnectSettings; message: MessageSettings } {
  const rawMessage = checkArgumentBytes(argv, byFlag);
  checkConnectFlags(args);
  const message = resolveMessage(args);
  useMessageBytes(message, rawMessage, args);
  return { settings: resolveConnect(args, { invalidIdText: 'Invalid id.' }), message };
}

/**
 * With `-D publish topic-alias N` the first PUBLISH carries the topic and later ones only the
 * alias, as mosquitto_pub does.
 */
function messageMaker(settings: ConnectSettings, message: MessageSettings): (payload: Buffer) => OutgoingMessage {
  const properties = settings.properties.publish;
  let topic = message.topic;
  const usesAlias = properties?.topicAlias !== undefined;
  return (payload) => {
    const next: OutgoingMessage = { topic, payload, qos: message.qos, retain: message.retain, properties };
    if (usesAlias) topic = '';
    return next;
  };
}

/** -m, -f, -s, -n: the same payload --repeat times, each waiting for its ack and the delay. */
async function publishFixed(
  client: MqttClient,
  settings: ConnectSettings,
  message: MessageSettings,
  payload: Buffer,
): Promise<number> {
  const make = messageMaker(settings, message);
  for (let i = 0; i < message.repeat; i++) {
    if (i > 0 && message.repeatDelayMs > 0) await sleep(message.repeatDelayMs);
    try {
      await client.publish(make(payload));
    } catch (err) {
      if (!isRefusal(err)) throw err;
      printWarning(err.message, settings.quiet);
      return exitCodeFor(err);
    }
  }
  await client.drain();
  return ExitCode.Ok;
}

/**
 * -l: one message per stdin line. stdin is paused whenever the in-flight window or the socket is
 * full, so a million piped lines never pile up in memory, and every line is sent before exit.
 */
async function publishLines(client: MqttClient, settings: ConnectSettings, message: MessageSettings): Promise<number> {
  const make = messageMaker(settings, message);
  let failure: MqttError | undefined;
  const onFailure = (err: unknown): void => {
    if (isRefusal(err) && failure === undefined) {
      failure = err;
      printWarning(err.message, settings.quiet);
    }
  };
  await forEachLine(process.stdin, (line) => {
    if (message.qos === 0) client.publishQos0(make(line));
    else client.publish(make(line)).catch(onFailure);
    return client.ready ? undefined : client.whenReady();
  });
  await client.drain();
  if (!client.isConnected) throw new MqttError('CONNECTION_LOST', 'The connection was lost before every message was sent.');
  return failure === undefined ? ExitCode.Ok : exitCodeFor(failure);
}

/** A publish the broker refused (a failure reason in its ack): a warning, and the other messages go on. */
function isRefusal(err: unknown): err is MqttError {
  return err instanceof MqttError && err.code === ErrorCode.PublishRefused;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
