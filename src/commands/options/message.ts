import type { QoS } from '../../lib/protocol/packets.js';
import { isValidTopicName } from '../../lib/topic.js';
import { UsageError, tight } from '../ui/usage-error.js';
import { hasFlag, lastValue, type ParsedArgs } from './argv.js';
import { parseMessageQos, qosOption } from './connect.js';
import { parseDecimal, parseInteger } from './numbers.js';
import type { OptionGroup } from './spec.js';
import { brokerUrl, missingUrlTopic } from './url.js';
import { errnoText } from '../../lib/errno-text.js';

const MODES = ['message', 'file', 'stdinFile', 'stdinLine', 'null'] as const;

/** Only one message source may be given: one on the command line sets aside any from a file. */
function otherModes(mode: (typeof MODES)[number]): string[] {
  return MODES.filter((m) => m !== mode);
}

/** A second message source on the same line is refused as soon as it is read, as in mosquitto. */
const ONE_SOURCE = { keys: MODES, error: () => new UsageError('Only one type of message can be sent at once.') };

/** The largest payload MQTT can carry in one PUBLISH. */
const MAX_PAYLOAD = 268_435_455;

/** pub's and rr's -t: a topic to publish to, so no wildcards. */
export function checkPublishTopic(topic: string): void {
  if (topic === '') throw tight(`Invalid publish topic '', a topic must not be empty.`);
  if (!isValidTopicName(topic)) throw tight(`Invalid publish topic '${topic}', does it contain '+' or '#'?`);
}

function checkMessage(text: string): void {
  if (Buffer.byteLength(text) >= MAX_PAYLOAD) throw new UsageError(`Message length must be less than ${MAX_PAYLOAD} bytes.`);
}

function parseRepeat(text: string): number {
  return parseInteger(text, 1, 2 ** 31, () => '--repeat argument must be >0.');
}

function parseRepeatDelay(text: string): number {
  return parseDecimal(text, 0, 2 ** 31, () => '--repeat-delay argument must be >=0.0.');
}

export const messageOptions: OptionGroup = {
  title: 'Message',
  options: [
    {
      key: 'topic',
      flags: ['-t', '--topic'],
      arity: 1,
      noun: 'topic',
      valueName: 'TOPIC',
      check: ([topic = '']) => checkPublishTopic(topic),
      describe: 'topic to publish to',
    },
    {
      key: 'message',
      flags: ['-m', '--message'],
      arity: 1,
      noun: 'message',
      valueName: 'TEXT',
      replaces: otherModes('message'),
      conflicts: ONE_SOURCE,
      check: ([text = '']) => checkMessage(text),
      describe: 'send TEXT as the message',
    },
    {
      key: 'file',
      flags: ['-f', '--file'],
      arity: 1,
      noun: 'file',
      valueName: 'FILE',
      replaces: otherModes('file'),
      conflicts: ONE_SOURCE,
      describe: 'send the whole file as one message',
    },
    {
      key: 'stdinFile',
      flags: ['-s', '--stdin-file'],
      arity: 0,
      replaces: otherModes('stdinFile'),
      conflicts: ONE_SOURCE,
      describe: 'send all of stdin as one message',
    },
    {
      key: 'stdinLine',
      flags: ['-l', '--stdin-line'],
      arity: 0,
      replaces: otherModes('stdinLine'),
      conflicts: ONE_SOURCE,
      describe: 'send each line of stdin as a message (lossless, with backpressure)',
    },
    { key: 'null', flags: ['-n', '--null-message'], arity: 0, replaces: otherModes('null'), conflicts: ONE_SOURCE, describe: 'send a zero-length message' },
    qosOption('quality of service: 0, 1 or 2 (default 0)'),
    { key: 'retain', flags: ['-r', '--retain'], arity: 0, describe: 'ask the broker to retain the message' },
    { key: 'repeat', flags: ['--repeat'], arity: 1, noun: 'count', valueName: 'N', check: ([text = '']) => void parseRepeat(text), describe: 'publish the message N times' },
    {
      key: 'repeatDelay',
      flags: ['--repeat-delay'],
      arity: 1,
      noun: 'time',
      valueName: 'SECS',
      check: ([text = '']) => void parseRepeatDelay(text),
      describe: 'wait SECS (decimal) after each acknowledged repeat',
    },
  ],
};

/** Where the payload comes from: a fixed payload, or one message per stdin line. */
export type MessageSource = { kind: 'fixed'; load: () => Promise<Buffer> } | { kind: 'lines' };

export interface MessageSettings {
  topic: string;
  qos: QoS;
  retain: boolean;
  source: MessageSource;
  repeat: number;
  repeatDelayMs: number;
}

/**
 * `missing` is the complaint when the topic or the message is not given: pub's is followed by the
 * usage, as mosquitto_pub's is; rr words it otherwise.
 */
export function resolveMessage(
  args: ParsedArgs,
  missing = new UsageError('Both topic and message must be supplied.', { followUp: 'usage' }),
): MessageSettings {
  const modes = MODES.filter((m) => hasFlag(args, m));
  const extraMessages = (args.values.get('message')?.length ?? 0) + (args.values.get('file')?.length ?? 0);
  if (modes.length > 1 || extraMessages > 1) throw ONE_SOURCE.error();
  const url = brokerUrl(args);
  if (url !== undefined && url.topic === '' && lastValue(args, 'topic') === undefined) {
    throw tight(missingUrlTopic(url));
  }
  const topic = lastValue(args, 'topic') ?? url?.topic;
  if (topic === undefined || modes.length === 0) throw missing;
  checkPublishTopic(topic);

  const qosText = lastValue(args, 'qos');
  const repeatText = lastValue(args, 'repeat');
  const delayText = lastValue(args, 'repeatDelay');
  const mode = modes[0]!;
  if (mode === 'stdinLine' && (repeatText !== undefined || delayText !== undefined)) {
    throw new UsageError('--repeat and --repeat-delay cannot be used with -l.');
  }
  return {
    topic,
    qos: qosText === undefined ? 0 : parseMessageQos(qosText),
    retain: hasFlag(args, 'retain'),
    source: sourceFor(mode, args),
    repeat: repeatText === undefined ? 1 : parseRepeat(repeatText),
    repeatDelayMs: (delayText === undefined ? 0 : parseRepeatDelay(delayText)) * 1000,
  };
}

function sourceFor(mode: (typeof MODES)[number], args: ParsedArgs): MessageSource {
  switch (mode) {
    case 'message': {
      const payload = Buffer.from(lastValue(args, 'message') ?? '');
      return { kind: 'fixed', load: () => Promise.resolve(payload) };
    }
    case 'file': {
      const path = lastValue(args, 'file') ?? '';
      return { kind: 'fixed', load: () => loadFile(path) };
    }
    case 'stdinFile':
      return { kind: 'fixed', load: loadStdin };
    case 'null':
      return { kind: 'fixed', load: () => Promise.resolve(Buffer.alloc(0)) };
    case 'stdinLine':
      return { kind: 'lines' };
  }
}

async function loadFile(path: string): Promise<Buffer> {
  try {
    const { readFile } = await import('node:fs/promises');
    const data = await readFile(path);
    if (data.length >= MAX_PAYLOAD) throw new UsageError(`File must be less than ${MAX_PAYLOAD} bytes.`);
    return data;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const reason = errnoText(err);
    throw new UsageError(`Unable to read file "${path}": ${reason}.`);
  }
}

async function loadStdin(): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size >= MAX_PAYLOAD) throw new UsageError(`Message length must be less than ${MAX_PAYLOAD} bytes.`);
    parts.push(bytes);
  }
  if (size === 0) throw new UsageError('Zero length input on stdin (use -n to send an empty message).');
  return Buffer.concat(parts);
}
