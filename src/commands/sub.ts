import { MqttClient } from '../lib/client/client.js';
import { connectClient } from '../lib/client/connect.js';
import { ErrorCode, MqttError } from '../lib/errors.js';
import type { Packet, PublishPacket } from '../lib/protocol/packets.js';
import { ReasonCode } from '../lib/protocol/reason-codes.js';
import { topicMatches } from '../lib/topic.js';
import { indexFlags, type ParsedArgs } from './options/argv.js';
import { checkConnectFlags, resolveConnect, type ConnectSettings } from './options/connect.js';
import { subOptionGroups } from './options/sub.js';
import { checkSubscribeFlags, countOf, resolveSubscribe, type SubscribeSettings } from './options/subscribe.js';
import { attachDebugLog } from './ui/debug-log.js';
import { ExitCode } from './ui/exit-codes.js';
import { Output } from './ui/output.js';
import { printMessage } from './ui/print-message.js';
import { settingsFromArgv } from './ui/command-args.js';
import { programOf, type Invocation, type Program } from './ui/program.js';
import { checkArgumentBytes } from './ui/raw-argv.js';
import { readConnectSecrets } from './ui/secrets.js';
import { exitCodeFor, reportError } from './ui/report.js';
import { onTerminate } from './ui/signals.js';
import { WatchLines } from './ui/watch-lines.js';

const byFlag = indexFlags(subOptionGroups);

/** mosquitto_sub waits this long before reconnecting after a lost connection. */
const RECONNECT_DELAY_MS = 1000;

/**
 * Errors after which a subscriber reconnects, as mosquitto_sub 2.1 does; anything else ends it.
 * libmosquitto's loop gives up only on protocol-class errors: a packet it cannot read (bad
 * length, a topic that is not UTF-8) drops the connection and the loop connects again.
 */
const RECOVERABLE: ReadonlySet<string> = new Set([ErrorCode.ConnectionLost, ErrorCode.KeepaliveTimeout, ErrorCode.MalformedPacket]);

/** --message-rate's period: mosquitto_sub 2.1 prints the count once a second. */
const RATE_PERIOD_MS = 1000;

/** Below this -C count, mosquitto_sub lowers the v5 receive maximum to the count. */
const DEFAULT_RECEIVE_MAXIMUM = 20;

/** mosquitto_sub's order: the connection's checks, then the subscription's. */
function resolveSub(args: ParsedArgs): { settings: ConnectSettings; sub: SubscribeSettings } {
  checkConnectFlags(args);
  checkSubscribeFlags(args);
  const count = countOf(args);
  const receiveMaximum = count !== undefined && count < DEFAULT_RECEIVE_MAXIMUM ? count : undefined;
  const settings = resolveConnect(args, {
    invalidIdText: 'Invalid id and/or clean_session.',
    ...(receiveMaximum === undefined ? {} : { receiveMaximum }),
  });
  return { settings, sub: resolveSubscribe(args) };
}

/** `mqt sub`: mosquitto_sub's flags, output and exit codes. Resolves to the exit code. */
export async function run(argv: readonly string[], invocation: Invocation = {}): Promise<number> {
  const parsed = await settingsFromArgv(
    'sub',
    argv,
    byFlag,
    (args) => {
      checkArgumentBytes(argv, byFlag);
      return resolveSub(args);
    },
    { ...invocation, optionsFiles: true },
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const { settings, sub } = parsed.settings;
  const session = new SubscriberSession(settings, sub, programOf('sub', invocation));
  await session.start();
  return session.exitCode;
}

/**
 * One mqt sub run: connect, subscribe, print, and stop on -C, -W, -E, --retained-only, a signal
 * or a fatal error. A lost connection is retried every second and the filters subscribed again.
 */
class SubscriberSession {
  private readonly client: MqttClient;
  private readonly out: Output;
  private received = 0;
  private pendingRemovals = 0;
  private countReached = false;
  private exiting = false;
  private failing = false;
  /** True from CONNACK until the connection closes. */
  private established = false;
  private code: number = ExitCode.Ok;
  private done: () => void = () => undefined;
  private readonly finished = new Promise<void>((resolve) => (this.done = resolve));
  private timeout: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopSignals: () => void = () => undefined;
  private readonly watch: WatchLines | undefined;
  /** --message-rate: messages received since the last count was printed. */
  private rateCount = 0;
  private rateTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: ConnectSettings,
    private readonly sub: SubscribeSettings,
    private readonly program: Program,
  ) {
    this.client = new MqttClient(settings.client);
    this.out = new Output(process.stdout, (err) => void this.onOutputError(err));
    this.watch = sub.watch ? new WatchLines(this.out) : undefined;
  }

  get exitCode(): number {
    return this.code;
  }

  async start(): Promise<void> {
    if (this.settings.debug) await attachDebugLog(this.client, this.out);
    const { target } = this.settings;
    this.watch?.start(target.kind === 'unix' ? target.path : target.host);
    this.client.on('message', this.onMessage);
    this.client.on('close', this.onClose);
    this.stopSignals = onTerminate(() => {
      void this.finish(this.client.isConnected ? ExitCode.Ok : ExitCode.Failure, ReasonCode.DisconnectWithWillMessage);
    });
    if (this.sub.timeoutSeconds !== undefined) {
      this.timeout = setTimeout(() => {
        if (!this.settings.quiet) process.stderr.write('Timed out\n');
        void this.finish(ExitCode.Timeout, ReasonCode.DisconnectWithWillMessage);
      }, this.sub.timeoutSeconds * 1000);
    }
    try {
      await readConnectSecrets(this.settings, this.client);
    } catch (err) {
      await this.fail(err);
      return;
    }
    if (this.sub.messageRate) {
      this.rateTimer = setInterval(() => {
        this.out.line(`${this.rateCount} msgs/s`);
        this.rateCount = 0;
      }, RATE_PERIOD_MS);
    }
    void this.connect(true);
    await this.finished;
  }

  private async connect(first: boolean): Promise<void> {
    try {
      await connectClient(this.client, this.settings.target);
    } catch (err) {
      if (this.exiting) return;
      // Once subscribed, a broker that is down or restarting is waited for, as mosquitto_sub does.
      if (!first && err instanceof MqttError && (err.code === ErrorCode.ConnectFailed || RECOVERABLE.has(err.code))) {
        this.scheduleReconnect();
        return;
      }
      await this.fail(err);
      return;
    }
    // A resumed session may deliver -C messages before SUBACK is even asked for.
    if (this.exiting) return;
    this.established = true;
    await this.subscribe();
  }

  private async subscribe(): Promise<void> {
    const { client, sub, settings } = this;
    try {
      // Subscription options exist only in v5; a v3 SUBSCRIBE carries the QoS alone.
      const subscriptions =
        settings.client.protocolVersion === 5 ? sub.subscriptions : sub.subscriptions.map(({ topicFilter, qos }) => ({ topicFilter, qos }));
      const suback = subscriptions.length > 0 ? client.subscribe(subscriptions, settings.properties.subscribe) : undefined;
      const unsubacks = sub.unsubscribe.map((filter) => client.unsubscribe([filter], settings.properties.unsubscribe));
      if (suback !== undefined) {
        const packet = await suback;
        if (settings.debug && !settings.quiet) {
          this.out.line(`Subscribed (mid: ${packet.packetId}): ${packet.reasonCodes.join(', ')}`);
        }
        const refused = packet.reasonCodes.find((rc) => rc >= 0x80);
        if (refused !== undefined && packet.reasonCodes.every((rc) => rc >= 0x80)) {
          throw new MqttError(ErrorCode.SubscribeRefused, 'All subscription requests were denied.', { reasonCode: refused });
        }
      }
      await Promise.all(unsubacks);
      if (sub.exitAfterSubscribe) await this.exitAfterRetained();
    } catch (err) {
      if (this.exiting || (err instanceof MqttError && RECOVERABLE.has(err.code))) return;
      await this.fail(err);
    }
  }

  /**
   * -E: the broker sends retained messages right after SUBACK, and answers a later PINGREQ only
   * after them. At QoS 1/2 it sends no more than its in-flight window before our acks come back,
   * so ping until a round trip brings nothing new (mosquitto_sub -E exits at SUBACK and loses them).
   */
  private async exitAfterRetained(): Promise<void> {
    // Count packets, not delivered messages: a QoS 2 message is delivered only at its PUBREL,
    // which may come a round trip after its PUBLISH.
    let progress = 0;
    const onPacket = (packet: Packet): void => {
      if (packet.type === 'publish' || packet.type === 'pubrel') progress++;
    };
    this.client.on('packetreceive', onPacket);
    let before: number;
    do {
      before = progress;
      await this.client.ping();
    } while (progress !== before && !this.exiting);
    this.client.off('packetreceive', onPacket);
    await this.finish(ExitCode.Ok, ReasonCode.Success);
  }

  private readonly onMessage = (message: PublishPacket): void => {
    const { sub } = this;
    if (sub.messageRate) {
      // Every message counts, retained or not; none is printed, -C and the filters do not apply.
      this.rateCount++;
      return;
    }
    if (this.exiting || this.countReached) return;
    if (sub.retainedOnly && !message.retain) {
      void this.finish(ExitCode.Ok, ReasonCode.Success);
      return;
    }
    if (sub.noRetained && message.retain) return;
    if (sub.filterOut.length > 0 && sub.filterOut.some((filter) => topicMatches(filter, message.topic))) return;
    if (sub.removeRetained && message.retain && message.payload.length > 0) this.removeRetained(message.topic);
    this.watch?.before(message.topic);
    if (sub.printChance >= 1 || Math.random() < sub.printChance) printMessage(message, this.sub, this.out, this.settings.quiet);
    this.watch?.after();
    if (sub.count !== undefined && ++this.received >= sub.count) {
      this.countReached = true;
      this.finishIfSettled();
    }
  };

  private removeRetained(topic: string): void {
    this.pendingRemovals++;
    const settle = (): void => {
      this.pendingRemovals--;
      this.finishIfSettled();
    };
    this.client.publish({ topic, payload: Buffer.alloc(0), qos: 1, retain: true }).then(settle, settle);
  }

  /** -C with --remove-retained waits for the removals to be acknowledged (mosquitto never exits). */
  private finishIfSettled(): void {
    if (this.countReached && this.pendingRemovals === 0) void this.finish(ExitCode.Ok, ReasonCode.Success);
  }

  /**
   * A connection that never reached CONNACK is connect()'s to report. A lost one is reconnected
   * without a word: mosquitto_sub prints nothing for what it recovers from.
   */
  private readonly onClose = (err: MqttError | undefined): void => {
    if (this.exiting || !this.established) return;
    this.established = false;
    if (err !== undefined && RECOVERABLE.has(err.code)) {
      this.scheduleReconnect();
      return;
    }
    void this.fail(err ?? new MqttError(ErrorCode.ConnectionLost, 'The connection was closed.'));
  };

  private scheduleReconnect(): void {
    this.reconnectTimer = setTimeout(() => void this.connect(false), RECONNECT_DELAY_MS);
  }

  /**
   * A reader that went away (`| head -1`) ends us quietly; any other write error is reported, and a
   * message that could not be written makes the exit code 1 even when -C had already been reached.
   */
  private async onOutputError(err: NodeJS.ErrnoException): Promise<void> {
    if (err.code === 'EPIPE') {
      await this.finish(ExitCode.Ok, ReasonCode.Success, false);
      return;
    }
    if (!this.settings.quiet) process.stderr.write(`Error: cannot write to stdout: ${err.message}\n`);
    if (this.exiting) this.code = ExitCode.Failure;
    else await this.finish(ExitCode.Failure, ReasonCode.Success, false);
  }

  /** Reports the first fatal error only: a failed connection is seen both by its caller and by 'close'. */
  private async fail(err: unknown): Promise<void> {
    if (this.exiting || this.failing) return;
    this.failing = true;
    if (err instanceof MqttError && err.code === ErrorCode.SubscribeRefused) {
      if (!this.settings.quiet) process.stderr.write(`${err.message}\n`);
      await this.finish(exitCodeFor(err), ReasonCode.Success);
      return;
    }
    await this.finish(await reportError(err, this.program, this.settings.quiet), ReasonCode.Success);
  }

  private async finish(code: number, reason: number, flush = true): Promise<void> {
    if (this.exiting) return;
    this.exiting = true;
    this.code = code;
    clearTimeout(this.timeout);
    clearTimeout(this.reconnectTimer);
    clearInterval(this.rateTimer);
    this.stopSignals();
    if (this.client.isConnected) {
      await this.client.disconnect(this.settings.client.protocolVersion === 5 ? reason : 0, this.settings.properties.disconnect);
    } else {
      this.client.destroy();
    }
    if (flush) await this.out.flush();
    this.done();
  }
}
