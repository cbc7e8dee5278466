import {
  PROPERTY_BY_NAME,
  type Properties,
  type PropertySpec,
} from '../../lib/protocol/properties.js';
import { UsageError } from '../ui/usage-error.js';
import type { OptionGroup } from './spec.js';

export const propertyOptions: OptionGroup = {
  title: 'MQTT 5 properties',
  options: [
    {
      key: 'property',
      flags: ['-D', '--property'],
      arity: 'property',
      valueName: 'CMD NAME VALUE',
      check: (words) => void resolveProperties([[...words]]),
      describe:
        'add an MQTT 5 property to a packet: CMD is connect, publish, subscribe, unsubscribe, disconnect or will; ' +
        'user-property takes KEY VALUE. Implies -V 5',
    },
  ],
};

/** The packets -D can add properties to. */
export type PropertyCommand = 'connect' | 'publish' | 'subscribe' | 'unsubscribe' | 'disconnect' | 'will';

export type CommandProperties = Partial<Record<PropertyCommand, Properties>>;

const COMMANDS = new Set<string>(['connect', 'publish', 'subscribe', 'unsubscribe', 'disconnect', 'will']);

/** Packets the client builds itself: a property there would be refused by the protocol or be meaningless. */
const NOT_SUPPORTED = new Set<string>(['connack', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'suback', 'unsuback', 'auth']);

/**
 * Properties that the table allows in a packet but that the client must not set itself: the server
 * assigns subscription identifiers to PUBLISH, a will's reason string is meaningless, and a server
 * reference in DISCONNECT is the server's way to redirect a client (mosquitto_pub accepts the last
 * two and sends them; the broker ignores them).
 */
const CLIENT_REFUSED: Readonly<Partial<Record<PropertyCommand, readonly string[]>>> = {
  publish: ['subscription-identifier'],
  will: ['reason-string'],
  disconnect: ['server-reference'],
};

/** Byte properties that are yes/no; every other value is a protocol error on the wire. */
const FLAGS = new Set(['payload-format-indicator', 'request-problem-information', 'request-response-information']);

const MAX_BY_TYPE: Readonly<Record<string, number>> = {
  byte: 255,
  u16: 65535,
  u32: 4294967295,
  varint: 268435455,
};

/**
 * Turns -D tuples into properties per packet, with mosquitto's messages for each mistake. The
 * properties go out in the order given, as mosquitto's clients send them.
 */
export function resolveProperties(tuples: readonly string[][]): CommandProperties {
  const result: CommandProperties = {};
  const given = new Map<PropertyCommand, number[]>();
  for (const [rawCommand = '', rawName = '', ...values] of tuples) {
    const command = rawCommand.toLowerCase();
    const name = rawName.toLowerCase();
    if (NOT_SUPPORTED.has(command)) {
      throw new UsageError(`${name} property not supported for ${command} in --property argument.`);
    }
    if (!COMMANDS.has(command)) throw new UsageError(`Invalid command ${rawCommand} given in --property argument.`);
    const spec = PROPERTY_BY_NAME.get(name);
    if (spec === undefined) throw new UsageError(`Invalid property name ${rawName} given in --property argument.`);
    const cmd = command as PropertyCommand;
    if (CLIENT_REFUSED[cmd]?.includes(name)) {
      throw new UsageError(`${name} property not supported for ${command} in --property argument.`);
    }
    if (!spec.in.includes(cmd)) {
      throw new UsageError(`${name} property not allowed for ${command} in --property argument.`);
    }
    const props = (result[cmd] ??= {});
    let ids = given.get(cmd);
    if (ids === undefined) given.set(cmd, (ids = []));
    // The fields alone keep the order unless a user property comes back after another kind.
    if (spec.repeats === true && props[spec.key] !== undefined && ids.at(-1) !== spec.id) props.order = ids;
    addProperty(props, spec, values);
    ids.push(spec.id);
  }
  return result;
}

function addProperty(props: Properties, spec: PropertySpec, values: string[]): void {
  const [value = '', second = ''] = values;
  const target = props as Record<string, unknown>;
  if (spec.type === 'pair') {
    (props.userProperties ??= []).push([value, second]);
    return;
  }
  if (target[spec.key] !== undefined) {
    throw new UsageError(`Duplicate ${spec.name} property in --property argument.`);
  }
  if (spec.type === 'string') {
    if (Buffer.byteLength(value) > 65535) throw new UsageError(`Property value too long for property ${spec.name}.`);
    target[spec.key] = value;
    return;
  }
  if (spec.type === 'binary') {
    const bytes = Buffer.from(value);
    if (bytes.length > 65535) throw new UsageError(`Property value too long for property ${spec.name}.`);
    target[spec.key] = bytes;
    return;
  }
  const max = MAX_BY_TYPE[spec.type] ?? 0;
  if (!/^\d+$/.test(value) || Number(value) > max) {
    throw new UsageError(`Property value (${value}) out of range for property ${spec.name}.`);
  }
  const number = Number(value);
  if (number === 0 && ['topic-alias', 'receive-maximum', 'maximum-packet-size', 'subscription-identifier'].includes(spec.name)) {
    throw new UsageError(`Property value (${value}) out of range for property ${spec.name}: 0 is not allowed.`);
  }
  if (number > 1 && FLAGS.has(spec.name)) {
    throw new UsageError(`Property value (${value}) out of range for property ${spec.name}: only 0 or 1.`);
  }
  if (spec.key === 'subscriptionIdentifiers') {
    props.subscriptionIdentifiers = [number];
  } else {
    target[spec.key] = number;
  }
}
