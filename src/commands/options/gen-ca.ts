import { RSA_BITS, type RsaBits } from '../../lib/pki/keys.js';
import { checkClientName, parseHostName, parseIpAddress, type HostName } from '../../lib/pki/names.js';
import { UsageError, fromCommandLine } from '../ui/usage-error.js';
import { allValues, hasFlag, lastValue, type ParsedArgs } from './argv.js';
import { genOutputOptions } from './gen-output.js';
import { parseInteger } from './numbers.js';
import type { OptionGroup } from './spec.js';

export const certificateOptions: OptionGroup = {
  title: 'Certificates',
  options: [
    { key: 'out', flags: ['--out'], arity: 1, noun: 'folder', valueName: 'DIR', describe: 'folder for the files (default ./certs); a CA already there is reused' },
    {
      key: 'host',
      flags: ['--host'],
      arity: 1,
      noun: 'host name',
      valueName: 'NAME',
      repeat: true,
      describe: "a name the server certificate covers (repeatable); default: localhost, 127.0.0.1, ::1 and this machine's name",
    },
    {
      key: 'ip',
      flags: ['--ip'],
      arity: 1,
      noun: 'IP address',
      valueName: 'ADDR',
      repeat: true,
      describe: 'an IP address it covers (repeatable); written as IP and as DNS entry, so ESP boards accept it',
    },
    { key: 'client', flags: ['--client'], arity: 1, noun: 'client name', valueName: 'NAME', repeat: true, describe: 'also make NAME.crt/NAME.key with CN=NAME (repeatable)' },
    { key: 'days', flags: ['--days'], arity: 1, noun: 'number of days', valueName: 'N', describe: 'lifetime of server and client certificates (default 825)' },
    { key: 'caDays', flags: ['--ca-days'], arity: 1, noun: 'number of days', valueName: 'N', describe: 'lifetime of a new CA (default 3650)' },
    { key: 'bits', flags: ['--bits'], arity: 1, noun: 'key size', valueName: 'BITS', describe: 'RSA key size: 2048 (default), 3072 or 4096' },
    { key: 'caCn', flags: ['--ca-cn'], arity: 1, noun: 'common name', valueName: 'TEXT', describe: 'common name of a new CA (default "mqt CA" and a random suffix)' },
    { key: 'force', flags: ['--force'], arity: 0, describe: 'replace existing server and client files (an existing CA is always kept)' },
  ],
};

export const checkOptions: OptionGroup = {
  title: 'Checking a certificate',
  options: [
    {
      key: 'check',
      flags: ['--check'],
      arity: 1,
      noun: 'certificate',
      valueName: 'CERT',
      describe: 'explain CERT, and whether mosquitto clients, ESP32 and ESP8266 accept it for each --host',
    },
    { key: 'ca', flags: ['--ca'], arity: 1, noun: 'CA certificate', valueName: 'CA', describe: 'with --check: the CA to check the chain against (default: ca.crt beside CERT)' },
  ],
};

export const genCaOutputOptions = genOutputOptions(
  'also print the C for an ESP8266/ESP32 sketch: the CA as a PROGMEM string, the fingerprint as bytes',
  [{ key: 'interactive', flags: ['--interactive'], arity: 0, describe: 'ask for the names, clients and lifetimes (needs a terminal)' }],
);

export const DEFAULT_DAYS = 825;
export const DEFAULT_CA_DAYS = 3650;
const MAX_DAYS = 36500;

export interface GenerateSettings {
  readonly mode: 'generate';
  readonly out: string;
  /** Undefined: the defaults that work on this machine. */
  readonly names: readonly HostName[] | undefined;
  readonly clients: readonly string[];
  readonly days: number;
  /** Undefined: DEFAULT_CA_DAYS, unless a CA is reused (then it does not matter). */
  readonly caDays: number | undefined;
  readonly bits: RsaBits;
  readonly caCommonName: string | undefined;
  readonly force: boolean;
  readonly arduino: boolean;
  readonly json: boolean;
  readonly interactive: boolean;
}

export interface CheckSettings {
  readonly mode: 'check';
  readonly cert: string;
  readonly ca: string | undefined;
  readonly hosts: readonly string[];
  readonly json: boolean;
}

export type GenCaSettings = GenerateSettings | CheckSettings;

/** Flags that make certificates, which --check does not. */
const GENERATING_FLAGS: readonly [string, string][] = [
  ['out', '--out'],
  ['ip', '--ip'],
  ['client', '--client'],
  ['days', '--days'],
  ['caDays', '--ca-days'],
  ['bits', '--bits'],
  ['caCn', '--ca-cn'],
  ['force', '--force'],
  ['arduino', '--arduino'],
  ['interactive', '--interactive'],
];

export function resolveGenCa(args: ParsedArgs): GenCaSettings {
  const json = hasFlag(args, 'json');
  const check = lastValue(args, 'check');
  if (check !== undefined) {
    const clash = GENERATING_FLAGS.find(([key]) => hasFlag(args, key));
    if (clash !== undefined) throw new UsageError(`--check cannot be used with ${clash[1]}.`);
    return { mode: 'check', cert: check, ca: lastValue(args, 'ca'), hosts: allValues(args, 'host'), json };
  }
  if (hasFlag(args, 'ca')) throw new UsageError('--ca goes with --check; a new CA is made in (or read from) the --out folder.');
  const interactive = hasFlag(args, 'interactive');
  if (interactive && json) throw new UsageError('--interactive cannot be used with --json.');
  const names = [...allValues(args, 'host').map((h) => fromCommandLine(() => parseHostName(h))), ...allValues(args, 'ip').map((ip) => fromCommandLine(() => parseIpAddress(ip)))];
  return {
    mode: 'generate',
    out: lastValue(args, 'out') ?? 'certs',
    names: names.length === 0 ? undefined : names,
    clients: [...new Set(allValues(args, 'client'))].map((c) => fromCommandLine(() => checkClientName(c))),
    days: optionalDays(args, 'days', '--days') ?? DEFAULT_DAYS,
    caDays: optionalDays(args, 'caDays', '--ca-days'),
    bits: bits(lastValue(args, 'bits')),
    caCommonName: lastValue(args, 'caCn'),
    force: hasFlag(args, 'force'),
    arduino: hasFlag(args, 'arduino'),
    json,
    interactive,
  };
}

export function parseDays(text: string, flag: string): number {
  return parseInteger(text, 1, MAX_DAYS, () => `${flag} must be a whole number of days from 1 to ${MAX_DAYS}.`);
}

function optionalDays(args: ParsedArgs, key: string, flag: string): number | undefined {
  const text = lastValue(args, key);
  return text === undefined ? undefined : parseDays(text, flag);
}

function bits(text: string | undefined): RsaBits {
  if (text === undefined) return 2048;
  const found = RSA_BITS.find((b) => String(b) === text.trim());
  if (found === undefined) throw new UsageError(`--bits must be ${RSA_BITS.slice(0, -1).join(', ')} or ${RSA_BITS[RSA_BITS.length - 1]}.`);
  return found;
}

/** mqt gen-ca's flags, in the order --help lists them. */
export const genCaOptionGroups: readonly OptionGroup[] = [certificateOptions, checkOptions, genCaOutputOptions];
