import { ErrorCode, MqttError } from '../../lib/errors.js';
import { MessageFormat } from '../../lib/output/format.js';
import type { QoS, RetainHandling, Subscription } from '../../lib/protocol/packets.js';
import { isValidTopicFilter } from '../../lib/topic.js';
import { UsageError, tight } from '../ui/usage-error.js';
import { allValues, hasFlag, lastValue, type ParsedArgs } from './argv.js';
import { parseMessageQos, qosOption } from './connect.js';
import { parseDecimal, parseInteger } from './numbers.js';
import type { OptionGroup } from './spec.js';
import { brokerUrl, missingUrlTopic } from './url.js';

export const subscribeOptions: OptionGroup = {
  title: 'Subscription',
  options: [
    {
      key: 'topic',
      flags: ['-t', '--topic'],
      arity: 1,
      repeat: true,
      noun: 'topic',
      valueName: 'FILTER',
      check: ([filter = '']) => checkSubscriptionFilter(filter),
      describe: 'topic filter to subscribe to (repeatable; + and # wildcards)',
    },
    {
      key: 'filterOut',
      flags: ['-T', '--filter-out'],
      arity: 1,
      repeat: true,
      noun: 'topic filter',
      valueName: 'FILTER',
      check: ([filter = '']) => checkFilter(filter, 'filter'),
      describe: 'drop messages whose topic matches FILTER (repeatable; not counted by -C)',
    },
    {
      key: 'unsubscribe',
      flags: ['-U', '--unsubscribe'],
      arity: 1,
      repeat: true,
      noun: 'unsubscribe topic',
      valueName: 'FILTER',
      check: ([filter = '']) => checkFilter(filter, 'unsubscribe'),
      describe: 'unsubscribe from FILTER after subscribing (repeatable; for persistent sessions)',
    },
    qosOption('QoS of the subscriptions: 0, 1 or 2 (default 0)'),
    { key: 'retainAsPublished', flags: ['--retain-as-published', '--rap'], arity: 0, describe: 'v5: keep the retain flag of messages as published' },
    { key: 'noLocal', flags: ['--nl', '--no-local'], arity: 0, describe: 'v5: do not receive the messages this client publishes' },
    {
      key: 'retainHandling',
      flags: ['--rh', '--retain-handling'],
      arity: 1,
      noun: 'retain handling',
      valueName: 'RH',
      describe: 'v5: retained messages on subscribe: 0|always, 1|new (only for a new subscription), 2|never',
    },
  ],
};

export const receiveOptions: OptionGroup = {
  title: 'When to stop, what to print',
  options: [
    { key: 'count', flags: ['-C', '--count'], arity: 1, noun: 'count', valueName: 'N', check: ([text = '']) => void parseCount(text), describe: 'exit after N messages' },
    {
      key: 'timeout',
      flags: ['-W', '--timeout'],
      arity: 1,
      noun: 'timeout',
      valueName: 'SECS',
      check: ([text = '']) => void parseTimeout(text),
      describe: 'exit with code 27 after SECS seconds',
    },
    { key: 'exitAfterSubscribe', flags: ['-E', '--exit-after-subscribe'], arity: 0, describe: 'exit once subscribed, after the retained messages the broker sends at once' },
    { key: 'noRetained', flags: ['-R', '--no-retained'], arity: 0, describe: 'ignore retained messages (stale data)' },
    { key: 'retainedOnly', flags: ['--retained-only'], arity: 0, describe: 'print only retained messages; exit at the first live one' },
    { key: 'removeRetained', flags: ['--remove-retained'], arity: 0, describe: 'clear each retained message received (publishes an empty retained message)' },
    { key: 'verbose', flags: ['-v', '--verbose'], arity: 0, describe: "print 'topic payload' instead of the payload alone" },
    { key: 'noEol', flags: ['-N', '--no-eol'], arity: 0, describe: 'no newline after each message' },
    { key: 'format', flags: ['-F', '--format'], arity: 1, noun: 'format', valueName: 'FMT', check: ([text = '']) => void compileFormat(text, true, false), describe: 'print each message as FMT: %t topic, %p payload, %x hex, %j JSON, @H:@M time... (see the man page)' },
    { key: 'json', flags: ['--json'], arity: 0, describe: 'print each message as one JSON object per line; binary payloads as payload_base64' },
    { key: 'pretty', flags: ['--pretty'], arity: 0, describe: 'indent JSON output (--json, %j, %J); alone it means --json --pretty' },
    {
      key: 'messageRate',
      flags: ['--message-rate'],
      arity: 0,
      describe: 'print "N msgs/s" once a second instead of the messages (mosquitto 2.1); ends on Ctrl-C or -W',
    },
    {
      key: 'watch',
      flags: ['-w', '--watch'],
      arity: 0,
      describe: 'a terminal view: each topic keeps a line of the screen, its newest message shown there (mosquitto 2.1)',
    },
    { key: 'randomFilter', flags: ['--random-filter'], arity: 1, noun: 'chance', valueName: 'PERCENT', check: ([text = '']) => void parseChance(text), describe: 'print only PERCENT % of messages, chosen at random (0.1-100)' },
  ],
};

export interface SubscribeSettings {
  subscriptions: Subscription[];
  unsubscribe: string[];
  filterOut: string[];
  count: number | undefined;
  timeoutSeconds: number | undefined;
  exitAfterSubscribe: boolean;
  noRetained: boolean;
  retainedOnly: boolean;
  removeRetained: boolean;
  verbose: boolean;
  eol: boolean;
  /** -F or --json, compiled before connecting; undefined for the plain output (default, -v). */
  format: MessageFormat | undefined;
  /** Probability in 0..1 that a message is printed. */
  printChance: number;
  /** -w: each topic on a line of its own of the terminal. */
  watch: boolean;
  /** --message-rate: count the messages, print the count each second, nothing else. */
  messageRate: boolean;
}

/** sub's -t: a filter to subscribe to. */
export function checkSubscriptionFilter(filter: string): void {
  checkFilter(filter, 'subscription');
}

function checkFilter(filter: string, kind: string): void {
  if (!isValidTopicFilter(filter)) throw tight(`Invalid ${kind} topic '${filter}', are all '+' and '#' wildcards correct?`);
}

function parseCount(text: string): number {
  return parseInteger(text, 1, 2 ** 31, (t) => `Invalid message count "${t}".`);
}

/** mosquitto's range check on --random-filter, in percent. */
function parseChance(text: string): number {
  return parseDecimal(text, 0.1, 100, () => '--random-filter chance must be between 0.1-100.0');
}

/** -F's text, compiled; mosquitto reports a malformed one without a blank line. */
function compileFormat(text: string, eol: boolean, pretty: boolean): MessageFormat {
  try {
    return MessageFormat.compile(text, { eol, pretty });
  } catch (err) {
    if (err instanceof MqttError && err.code === ErrorCode.InvalidArgument) throw tight(err.message);
    throw err;
  }
}

/**
 * -F, --json and --pretty. -F wins over -v, which mosquitto ignores then; --json excludes both.
 * --pretty alone means --json --pretty (mosquitto ignores --pretty without %j or %J in -F).
 */
export function resolveFormat(args: ParsedArgs, eol: boolean): MessageFormat | undefined {
  const text = lastValue(args, 'format');
  const pretty = hasFlag(args, 'pretty');
  const verbose = hasFlag(args, 'verbose');
  let json = hasFlag(args, 'json');
  if (json && text !== undefined) throw new UsageError('-F and --json cannot be used together.');
  if (json && verbose) throw new UsageError('-v and --json cannot be used together.');
  if (pretty && text === undefined && !verbose) json = true;
  if (text !== undefined) return compileFormat(text, eol, pretty);
  return json ? MessageFormat.json({ eol, pretty }) : undefined;
}

/** The filters to subscribe to: -L's topic, then every -t. */
function subscriptionFilters(args: ParsedArgs): string[] {
  const urlTopic = brokerUrl(args)?.topic;
  return urlTopic === undefined || urlTopic === '' ? allValues(args, 'topic') : [urlTopic, ...allValues(args, 'topic')];
}

/**
 * mosquitto_sub's checks after reading every flag (after those of the connection): something to
 * subscribe to or unsubscribe from, then -R against --retained-only.
 */
export function checkSubscribeFlags(args: ParsedArgs): void {
  if (subscriptionFilters(args).length === 0 && !hasFlag(args, 'unsubscribe')) {
    const url = brokerUrl(args);
    // mosquitto wants -L's topic; a ws:// URL's path looks like one but is not: say where it goes.
    if (url !== undefined) throw tight(missingUrlTopic(url));
    throw tight('You must specify a topic to subscribe to (-t) or unsubscribe from (-U).');
  }
  if (hasFlag(args, 'noRetained') && hasFlag(args, 'retainedOnly')) {
    throw new UsageError("Combining '-R' and '--retained-only' makes no sense.", { blankLineBefore: true, followUp: 'none' });
  }
}

export function resolveSubscribe(args: ParsedArgs): SubscribeSettings {
  checkSubscribeFlags(args);
  const eol = !hasFlag(args, 'noEol');
  const format = resolveFormat(args, eol);
  const topics = subscriptionFilters(args);
  const unsubscribe = allValues(args, 'unsubscribe');
  const filterOut = allValues(args, 'filterOut');
  // -L's topic is not read as a flag: checked here.
  for (const topic of topics) checkSubscriptionFilter(topic);
  const noRetained = hasFlag(args, 'noRetained');
  const retainedOnly = hasFlag(args, 'retainedOnly');

  const qosText = lastValue(args, 'qos');
  const qos: QoS = qosText === undefined ? 0 : parseMessageQos(qosText);
  const countText = lastValue(args, 'count');
  const timeoutText = lastValue(args, 'timeout');
  const chanceText = lastValue(args, 'randomFilter');
  const retainAsPublished = hasFlag(args, 'retainAsPublished');
  const noLocal = hasFlag(args, 'noLocal');
  const retainHandling = resolveRetainHandling(lastValue(args, 'retainHandling'), noRetained);
  return {
    subscriptions: topics.map((topicFilter) => ({
      topicFilter,
      qos,
      ...(retainAsPublished ? { retainAsPublished } : {}),
      ...(noLocal ? { noLocal } : {}),
      ...(retainHandling === 0 ? {} : { retainHandling }),
    })),
    unsubscribe,
    filterOut,
    count: countText === undefined ? undefined : parseCount(countText),
    timeoutSeconds: timeoutText === undefined ? undefined : parseTimeout(timeoutText),
    exitAfterSubscribe: hasFlag(args, 'exitAfterSubscribe'),
    noRetained,
    retainedOnly,
    removeRetained: hasFlag(args, 'removeRetained'),
    verbose: hasFlag(args, 'verbose'),
    eol,
    format,
    printChance: chanceText === undefined ? 1 : parseChance(chanceText) / 100,
    // As mosquitto 2.1: the rate replaces the messages, -w's rows with them.
    watch: hasFlag(args, 'watch') && !hasFlag(args, 'messageRate'),
    messageRate: hasFlag(args, 'messageRate'),
  };
}

/** -W: whole seconds, at least 1 (and within what a timer can wait). */
export function parseTimeout(text: string): number {
  return parseInteger(text, 1, 2 ** 31 / 1000, (t) => `Invalid timeout "${t}".`);
}

/** -C's count, for the v5 receive maximum sub asks for before the other checks run. */
export function countOf(args: ParsedArgs): number | undefined {
  const text = lastValue(args, 'count');
  return text === undefined ? undefined : parseCount(text);
}

/** --rh as a number or mosquitto 2.1's --retain-handling words; -R alone means "never" (2). */
export function resolveRetainHandling(text: string | undefined, noRetained: boolean): RetainHandling {
  if (text === undefined) return noRetained ? 2 : 0;
  const value = ({ '0': 0, always: 0, '1': 1, new: 1, '2': 2, never: 2 } as const)[text];
  if (value === undefined) throw new UsageError(`Unknown value '${text}' for --retain-handling.`);
  return value;
}
