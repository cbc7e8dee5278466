import type { ProtocolVersion } from '../../lib/protocol/constants.js';
import { hasFlag, lastValue, type ParsedArgs } from './argv.js';
import { commonOptions } from './common.js';
import { connectOptions, resolveConnect, type ConnectSettings } from './connect.js';
import { parseInteger } from './numbers.js';
import { optionsFileOptions } from './options-files.js';
import type { OptionGroup } from './spec.js';
import { tlsOptions } from './tls.js';
import { transportOptions } from './transport.js';

/** The largest payload the probe may send: 256 MiB, the most an MQTT packet carries. */
const MOST_PAYLOAD = 268_435_455 - 1024;

export const checkOptions: OptionGroup = {
  title: 'Check',
  options: [
    { key: 'json', flags: ['--json'], arity: 0, describe: 'print the findings as one JSON object instead of a table' },
    {
      key: 'maxPayload',
      flags: ['--max-payload'],
      arity: 1,
      noun: 'size',
      valueName: 'BYTES',
      describe: 'the largest payload the size probe sends (default 1048576): from 256 bytes, four times larger each step, up to this',
    },
    { key: 'timeout', flags: ['--timeout'], arity: 1, noun: 'timeout', valueName: 'SECS', describe: 'give up a step (connect, subscribe, publish) the broker does not answer within SECS (default 10)' },
  ],
};

/** Flags of pub's connection group that mean nothing here: the check picks its own ids and sessions. */
const NOT_FOR_CHECK = new Set(['id', 'idPrefix', 'noClean', 'sessionExpiry', 'maxInflight']);

const checkConnectOptions: OptionGroup = {
  ...connectOptions,
  options: connectOptions.options
    .filter((o) => !NOT_FOR_CHECK.has(o.key))
    .map((o) => (o.key === 'protocolVersion' ? { ...o, describe: 'check this MQTT version only: mqttv5|5, mqttv311|311 or mqttv31|31 (default: all three)' } : o)),
};
const checkCommonOptions: OptionGroup = { ...commonOptions, options: commonOptions.options.filter((o) => o.key !== 'debug') };

/** mqt check's flags, in the order --help lists them. */
export const checkOptionGroups: readonly OptionGroup[] = [checkOptions, checkConnectOptions, tlsOptions, transportOptions, optionsFileOptions, checkCommonOptions];

export interface CheckSettings {
  readonly connect: ConnectSettings;
  /** -V narrows the check to one version; by default it tries all three. */
  readonly versions: readonly ProtocolVersion[];
  readonly json: boolean;
  readonly maxPayload: number;
  readonly timeoutMs: number;
}

export function resolveCheck(args: ParsedArgs): CheckSettings {
  const connect = resolveConnect(args, { invalidIdText: 'Invalid id.' });
  const payloadText = lastValue(args, 'maxPayload');
  const timeoutText = lastValue(args, 'timeout');
  return {
    connect,
    versions: lastValue(args, 'protocolVersion') === undefined ? [3, 4, 5] : [connect.client.protocolVersion],
    json: hasFlag(args, 'json'),
    maxPayload: payloadText === undefined ? 1_048_576 : parseInteger(payloadText, 1, MOST_PAYLOAD, () => `--max-payload must be a number of bytes from 1 to ${MOST_PAYLOAD}.`),
    timeoutMs: (timeoutText === undefined ? 10 : parseInteger(timeoutText, 1, 3600, () => '--timeout must be a number of seconds from 1 to 3600.')) * 1000,
  };
}
