import { MqttClient } from '../lib/client/client.js';
import { connectClient } from '../lib/client/connect.js';
import { request, type Response } from '../lib/client/request-response.js';
import { latencyText } from '../lib/output/latency.js';
import { ReasonCode } from '../lib/protocol/reason-codes.js';
import { indexFlags } from './options/argv.js';
import type { ConnectSettings } from './options/connect.js';
import { resolveRr, rrOptionGroups, type RrSettings } from './options/rr.js';
import { settingsFromArgv } from './ui/command-args.js';
import { programOf, type Invocation } from './ui/program.js';
import { attachDebugLog } from './ui/debug-log.js';
import { ExitCode } from './ui/exit-codes.js';
import { Output } from './ui/output.js';
import { printMessage } from './ui/print-message.js';
import { printWarning, reportError } from './ui/report.js';
import { checkArgumentBytes, useMessageBytes } from './ui/raw-argv.js';
import { readConnectSecrets } from './ui/secrets.js';
import { onTerminate, signalExitCode } from './ui/signals.js';

const byFlag = indexFlags(rrOptionGroups);

/** What ended the wait for the response other than the response itself. */
type Stop = { kind: 'timeout' } | { kind: 'signal'; signal: NodeJS.Signals };

/** `mqt rr`: mosquitto_rr's flags, output and exit codes, plus a clean DISCONNECT. */
export async function run(argv: readonly string[], invocation: Invocation = {}): Promise<number> {
  const program = programOf('rr', invocation);
  const parsed = await settingsFromArgv(
    'rr',
    argv,
    byFlag,
    (args) => {
      const rawMessage = checkArgumentBytes(argv, byFlag);
      const resolved = resolveRr(args);
      useMessageBytes(resolved.rr.message, rawMessage, args);
      return resolved;
    },
    { ...invocation, optionsFiles: true },
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const { settings, rr } = parsed.settings;
  let writeError: NodeJS.ErrnoException | undefined;
  const out = new Output(process.stdout, (err) => (writeError = err));
  const client = new MqttClient(settings.client);
  if (settings.debug) await attachDebugLog(client, out);

  let timer: NodeJS.Timeout | undefined;
  let stopSignals: () => void = () => undefined;
  // -W counts from the start, not from the request, as mosquitto_rr's alarm() does.
  const stopped = new Promise<Stop>((resolve) => {
    if (rr.timeoutSeconds !== undefined) timer = setTimeout(() => resolve({ kind: 'timeout' }), rr.timeoutSeconds * 1000);
    stopSignals = onTerminate((signal) => resolve({ kind: 'signal', signal }));
  });
  const exchange = converse(client, settings, rr, out);
  // Once stopped, the exchange fails as the connection goes; that is expected, not reported.
  exchange.catch(() => undefined);
  try {
    const outcome = await Promise.race([exchange, stopped]);
    if ('kind' in outcome) return await stop(outcome, client, settings, out);
    printMessage(outcome.message, rr, out, settings.quiet);
    if (rr.latency) process.stderr.write(`Latency: ${latencyText(outcome.latencyNs)}\n`);
    await client.disconnect(ReasonCode.Success, settings.properties.disconnect);
    await out.flush();
    // A reader that went away (`| head`) had what it wanted; any other failed write lost the answer.
    if (writeError === undefined || writeError.code === 'EPIPE') return ExitCode.Ok;
    if (!settings.quiet) process.stderr.write(`Error: cannot write to stdout: ${writeError.message}\n`);
    return ExitCode.Failure;
  } catch (err) {
    client.destroy();
    await out.flush();
    return await reportError(err, program, settings.quiet);
  } finally {
    clearTimeout(timer);
    stopSignals();
  }
}

/** Connects, then subscribes, publishes the request and waits for its response. */
async function converse(client: MqttClient, settings: ConnectSettings, rr: RrSettings, out: Output): Promise<Response> {
  const payload = rr.message.source.kind === 'fixed' ? await rr.message.source.load() : Buffer.alloc(0);
  await readConnectSecrets(settings, client);
  await connectClient(client, settings.target);
  return request(
    client,
    {
      topic: rr.message.topic,
      payload,
      qos: rr.message.qos,
      responseTopic: rr.responseTopic,
      properties: settings.properties.publish,
      correlate: rr.correlate,
      subscription: rr.subscription,
      subscribeProperties: settings.properties.subscribe,
      acceptRetained: rr.subscription.retainAsPublished === true && !rr.noRetained,
    },
    {
      ignored: (message, reason) => {
        if (settings.debug) out.line(`Ignoring the PUBLISH on '${message.topic}': ${reason}.`);
      },
      noSubscribers: () => {
        printWarning(`the broker says no client is subscribed to '${rr.message.topic}', so no response will come.`, settings.quiet);
      },
    },
  );
}

/** -W ran out ("Timed out", 27) or a signal came: DISCONNECT with the will, as mosquitto_rr's alarm does. */
async function stop(reason: Stop, client: MqttClient, settings: ConnectSettings, out: Output): Promise<number> {
  if (client.isConnected) {
    const v5 = settings.client.protocolVersion === 5;
    await client.disconnect(v5 ? ReasonCode.DisconnectWithWillMessage : ReasonCode.Success, settings.properties.disconnect);
  } else {
    client.destroy();
  }
  await out.flush();
  if (reason.kind === 'signal') return signalExitCode(reason.signal);
  if (!settings.quiet) process.stderr.write('Timed out\n');
  return ExitCode.Timeout;
}
