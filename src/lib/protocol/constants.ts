/** Protocol levels as carried in CONNECT: 3 = MQTT 3.1 ("MQIsdp"), 4 = 3.1.1, 5 = 5.0. */
export type ProtocolVersion = 3 | 4 | 5;

export const ProtocolName: Readonly<Record<ProtocolVersion, string>> = {
  3: 'MQIsdp',
  4: 'MQTT',
  5: 'MQTT',
};

/** Control packet type numbers (the high nibble of the first byte). */
export const PacketType = {
  connect: 1,
  connack: 2,
  publish: 3,
  puback: 4,
  pubrec: 5,
  pubrel: 6,
  pubcomp: 7,
  subscribe: 8,
  suback: 9,
  unsubscribe: 10,
  unsuback: 11,
  pingreq: 12,
  pingresp: 13,
  disconnect: 14,
  auth: 15,
} as const;

export type PacketTypeName = keyof typeof PacketType;

export const PACKET_TYPE_NAMES: readonly (PacketTypeName | undefined)[] = [
  undefined,
  'connect',
  'connack',
  'publish',
  'puback',
  'pubrec',
  'pubrel',
  'pubcomp',
  'subscribe',
  'suback',
  'unsubscribe',
  'unsuback',
  'pingreq',
  'pingresp',
  'disconnect',
  'auth',
];

/**
 * The low nibble every packet but PUBLISH must carry (MQTT 3.1.1 §2.2.2, 5.0 §2.1.3).
 * MQTT 3.1 let PUBREL/SUBSCRIBE/UNSUBSCRIBE carry QoS 1 too, which is the same 0b0010.
 */
export const REQUIRED_FLAGS: Readonly<Record<Exclude<PacketTypeName, 'publish'>, number>> = {
  connect: 0,
  connack: 0,
  puback: 0,
  pubrec: 0,
  pubrel: 2,
  pubcomp: 0,
  subscribe: 2,
  suback: 0,
  unsubscribe: 2,
  unsuback: 0,
  pingreq: 0,
  pingresp: 0,
  disconnect: 0,
  auth: 0,
};

/** The largest value a Variable Byte Integer can hold (four bytes). */
export const MAX_VARINT = 268_435_455;

/** Longest string or binary field: a two-byte length prefix. */
export const MAX_FIELD_LENGTH = 65_535;
