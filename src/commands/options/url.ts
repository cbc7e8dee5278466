import { MqttError } from '../../lib/errors.js';
import { parseBrokerUrl, type BrokerUrl } from '../../lib/transport/url.js';
import { UsageError } from '../ui/usage-error.js';
import { lastValue, type ParsedArgs } from './argv.js';
import type { OptionGroup, OptionSpec } from './spec.js';

export const urlOption: OptionSpec = {
  key: 'url',
  flags: ['-L', '--url'],
  arity: 1,
  noun: 'URL',
  valueName: 'URL',
  check: ([text = '']) => void parseUrl(text),
  replaces: ['host', 'port', 'unix', 'username', 'password', 'passwordEnv', 'passwordFile', 'topic'],
  describe:
    'broker in one flag: mqtt[s]://[user[:pass]@]host[:port]/topic or ws[s]://[user[:pass]@]host[:port][/path][#topic]; -h, -p, -u, -P, -t and --ws-path given too win',
};

/**
 * The connection flags of a command whose -L topic is checked as soon as it is read, by the rule
 * of the command's own -t (mosquitto 2.1's cfg_add_topic), so it is reported before any flag after it.
 */
export function checkingUrlTopic(group: OptionGroup, checkTopic: (topic: string) => void): OptionGroup {
  const check = ([text = '']: readonly string[]): void => {
    const { topic } = parseUrl(text);
    if (topic !== '') checkTopic(topic);
  };
  return { ...group, options: group.options.map((o) => (o.key === 'url' ? { ...o, check } : o)) };
}

/** The -L URL, parsed once per reader of it; flags given beside it override its parts. */
export function brokerUrl(args: ParsedArgs): BrokerUrl | undefined {
  const text = lastValue(args, 'url');
  return text === undefined ? undefined : parseUrl(text);
}

function parseUrl(text: string): BrokerUrl {
  try {
    return parseBrokerUrl(text);
  } catch (err) {
    if (!(err instanceof MqttError)) throw err;
    const knownScheme = /^(mqtts?|wss?):\/\//i.test(text);
    throw new UsageError(`Invalid URL for -L: ${err.message}`, knownScheme ? { blankLine: true } : { text: 'Unsupported URL scheme.', blankLine: true });
  }
}

/** The error for a URL without a topic when no -t is given either; a WebSocket URL keeps it after '#'. */
export function missingUrlTopic(url: BrokerUrl): string {
  if (url.scheme === 'mqtt' || url.scheme === 'mqtts') return 'Invalid URL for -L argument specified - topic missing.';
  return `Invalid URL for -L argument specified - topic missing: a ${url.scheme}:// URL's path is the WebSocket path, so put the topic after '#' (${url.scheme}://host/mqtt#my/topic) or give -t.`;
}
