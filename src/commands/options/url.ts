import { MqttError } from '../../lib/errors.js';
import { parseBrokerUrl, type BrokerUrl } from '../../lib/transport/url.js';
import { UsageError } from '../ui/usage-error.js';
import { lastValue, type ParsedArgs } from './argv.js';
import type { OptionSpec } from './spec.js';

export const urlOption: OptionSpec = {
  key: 'url',
  flags: ['-L', '--url'],
  arity: 1,
  noun: 'URL',
  valueName: 'URL',
  replaces: ['host', 'port', 'unix', 'username', 'password', 'passwordEnv', 'passwordFile', 'topic'],
  describe: 'mqtt://[user[:pass]@]host[:port]/topic in one flag; -h, -p, -u, -P and -t given too win',
};

/** The -L URL, parsed once per reader of it; flags given beside it override its parts. */
export function brokerUrl(args: ParsedArgs): BrokerUrl | undefined {
  const text = lastValue(args, 'url');
  if (text === undefined) return undefined;
  try {
    return parseBrokerUrl(text);
  } catch (err) {
    if (err instanceof MqttError) throw new UsageError(`Invalid URL for -L: ${err.message}`);
    throw err;
  }
}
