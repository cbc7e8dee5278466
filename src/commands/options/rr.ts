import type { MessageFormat } from '../../lib/output/format.js';
import type { Subscription } from '../../lib/protocol/packets.js';
import { isValidTopicName } from '../../lib/topic.js';
import { UsageError, tight } from '../ui/usage-error.js';
import { hasFlag, lastValue, type ParsedArgs } from './argv.js';
import { clientOptionGroups } from './client-groups.js';
import { commonOptions } from './common.js';
import { checkConnectFlags, connectOptions, resolveConnect, type ConnectSettings } from './connect.js';
import { checkPublishTopic, messageOptions, resolveMessage, type MessageSettings } from './message.js';
import type { OptionGroup, OptionSpec } from './spec.js';
import { parseTimeout, receiveOptions, resolveFormat, resolveRetainHandling, subscribeOptions } from './subscribe.js';
import { checkingUrlTopic } from './url.js';

/** Rows of another command's group, by key, with rr's wording where the meaning shifts. */
function rows(group: OptionGroup, describe: Readonly<Record<string, string | undefined>>): OptionSpec[] {
  return group.options.filter((o) => o.key in describe).map((o) => ({ ...o, describe: describe[o.key] ?? o.describe }));
}

const requestOptions: OptionGroup = {
  title: 'Request',
  options: [
    ...rows(messageOptions, { topic: 'topic to send the request to' }),
    {
      key: 'responseTopic',
      flags: ['-e', '--response-topic'],
      arity: 1,
      noun: 'response topic',
      valueName: 'TOPIC',
      check: ([topic = '']) => checkResponseTopic(topic),
      describe: 'topic to wait on for the response: subscribed to, and sent as the Response Topic (v5)',
    },
    ...rows(messageOptions, {
      message: 'send TEXT as the request',
      file: 'send the whole file as the request',
      stdinFile: 'send all of stdin as the request',
      null: 'send a zero-length request',
      qos: 'QoS of the request and of the response subscription: 0, 1 or 2 (default 0)',
    }),
    {
      key: 'correlate',
      flags: ['--correlate'],
      arity: 0,
      describe: 'send a generated UUID as Correlation Data (v5) and skip responses carrying other Correlation Data',
    },
  ],
};

const responseOptions: OptionGroup = {
  title: 'Response',
  options: [
    ...rows(receiveOptions, {
      timeout: 'give up after SECS seconds without a response: "Timed out", exit 27',
      noRetained: 'ask the broker not to send retained messages; none is taken as the response even with --rap',
    }),
    ...rows(subscribeOptions, { retainAsPublished: undefined, retainHandling: undefined }),
    ...rows(receiveOptions, {
      verbose: "print 'topic payload' (and the v5 properties) instead of the payload alone",
      noEol: undefined,
      format: undefined,
      json: 'print the response as one JSON object; binary payloads as payload_base64',
      pretty: undefined,
    }),
    { key: 'latency', flags: ['--latency'], arity: 0, describe: 'print the round-trip time on stderr (also sets --nodelay)' },
  ],
};

/** rr speaks MQTT 5 unless told otherwise: Response Topic and Correlation Data are v5 properties. */
const rrConnection = checkingUrlTopic(connectOptions, checkPublishTopic);
const rrConnectOptions: OptionGroup = {
  ...rrConnection,
  options: rrConnection.options.map((o) =>
    o.key === 'protocolVersion' ? { ...o, describe: 'MQTT version: mqttv5|5 (default), mqttv311|311 or mqttv31|31' } : o,
  ),
};

/** mqt rr's flags, in the order --help lists them. */
export const rrOptionGroups: readonly OptionGroup[] = [
  requestOptions,
  responseOptions,
  rrConnectOptions,
  ...clientOptionGroups,
  commonOptions,
];

export interface RrSettings {
  message: MessageSettings;
  responseTopic: string;
  subscription: Pick<Subscription, 'retainAsPublished' | 'retainHandling'>;
  timeoutSeconds: number | undefined;
  noRetained: boolean;
  verbose: boolean;
  eol: boolean;
  format: MessageFormat | undefined;
  latency: boolean;
  /** --correlate: the request carries a generated Correlation Data (mosquitto_rr sends none). */
  correlate: boolean;
}

function checkResponseTopic(topic: string): void {
  if (topic === '') throw tight(`Invalid response topic '', a topic must not be empty.`);
  if (!isValidTopicName(topic)) throw tight(`Invalid response topic '${topic}', does it contain '+' or '#'?`);
}

/**
 * mosquitto_rr's rules: v5 by default, one receive slot (it waits for one message), -e required;
 * the connection's checks come first, as in mosquitto_rr.
 */
export function resolveRr(args: ParsedArgs): { settings: ConnectSettings; rr: RrSettings } {
  checkConnectFlags(args, 5);
  const missing = tight('All of topic, message, and response topic must be supplied.');
  const responseTopic = lastValue(args, 'responseTopic');
  if (responseTopic === undefined) throw missing;
  const message = resolveMessage(args, missing);
  const settings = resolveConnect(args, { invalidIdText: 'Invalid id and/or clean_session.', defaultVersion: 5, receiveMaximum: 1 });
  if (settings.properties.publish?.responseTopic !== undefined) {
    throw new UsageError('Duplicate response topic: -e sets it, leave out -D publish response-topic.', {
      heading: 'Error in PUBLISH properties: ',
      text: 'Duplicate response topic.',
      followUp: 'none',
    });
  }
  const eol = !hasFlag(args, 'noEol');
  const format = resolveFormat(args, eol);
  const latency = hasFlag(args, 'latency');
  if (latency && settings.target.kind === 'tcp') settings.target = { ...settings.target, noDelay: true };
  const noRetained = hasFlag(args, 'noRetained');
  const retainHandling = resolveRetainHandling(lastValue(args, 'retainHandling'), noRetained);
  const timeoutText = lastValue(args, 'timeout');
  return {
    settings,
    rr: {
      message,
      responseTopic,
      subscription: {
        ...(hasFlag(args, 'retainAsPublished') ? { retainAsPublished: true } : {}),
        ...(retainHandling === 0 ? {} : { retainHandling }),
      },
      timeoutSeconds: timeoutText === undefined ? undefined : parseTimeout(timeoutText),
      noRetained,
      verbose: hasFlag(args, 'verbose'),
      eol,
      format,
      latency,
      correlate: hasFlag(args, 'correlate'),
    },
  };
}
