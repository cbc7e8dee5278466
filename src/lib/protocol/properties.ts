import type { PacketTypeName } from './constants.js';

/** Wire types of MQTT 5 properties (§2.2.2.2). */
export type PropertyWireType = 'byte' | 'u16' | 'u32' | 'varint' | 'string' | 'binary' | 'pair';

/** Where a property may appear: a packet type, or 'will' for the will properties in CONNECT. */
export type PropertyScope = Exclude<PacketTypeName, 'pingreq' | 'pingresp'> | 'will';

export interface PropertySpec {
  readonly id: number;
  /** The name mosquitto's -D flag and -F/JSON output use. */
  readonly name: string;
  /** The field of the Properties object that holds it. */
  readonly key: keyof PropertyValues;
  readonly type: PropertyWireType;
  readonly in: readonly PropertyScope[];
  /** User properties and (in PUBLISH) subscription identifiers may repeat. */
  readonly repeats?: boolean;
}

/** MQTT 5 properties, one field per kind. Repeating properties are arrays in the order received. */
export interface PropertyValues {
  payloadFormatIndicator?: number;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Buffer;
  subscriptionIdentifiers?: number[];
  sessionExpiryInterval?: number;
  assignedClientIdentifier?: string;
  serverKeepAlive?: number;
  authenticationMethod?: string;
  authenticationData?: Buffer;
  requestProblemInformation?: number;
  willDelayInterval?: number;
  requestResponseInformation?: number;
  responseInformation?: string;
  serverReference?: string;
  reasonString?: string;
  receiveMaximum?: number;
  topicAliasMaximum?: number;
  topicAlias?: number;
  maximumQoS?: number;
  retainAvailable?: number;
  userProperties?: [string, string][];
  maximumPacketSize?: number;
  wildcardSubscriptionAvailable?: number;
  subscriptionIdentifierAvailable?: number;
  sharedSubscriptionAvailable?: number;
}

/** Decoded MQTT 5 properties: the fields are written in the order of their first value. */
export interface Properties extends PropertyValues {
  /**
   * The identifiers of the rows in the order they came, one per value, set by the decoder only
   * when a repeating property had others between its values (User Property, Content Type, User
   * Property), which the fields alone cannot tell. The encoder writes the rows it names in this
   * order, as one run at the place of the first field they name; values it does not name follow
   * that run. Relays keep it so a message goes on as it came (mosquitto keeps a property list).
   */
  order?: number[];
}

const ACKS = ['puback', 'pubrec', 'pubrel', 'pubcomp'] as const;

/** One row per property (MQTT 5.0 §2.2.2.2, table 2-4); everything else walks this table. */
export const PROPERTIES: readonly PropertySpec[] = [
  { id: 0x01, name: 'payload-format-indicator', key: 'payloadFormatIndicator', type: 'byte', in: ['publish', 'will'] },
  { id: 0x02, name: 'message-expiry-interval', key: 'messageExpiryInterval', type: 'u32', in: ['publish', 'will'] },
  { id: 0x03, name: 'content-type', key: 'contentType', type: 'string', in: ['publish', 'will'] },
  { id: 0x08, name: 'response-topic', key: 'responseTopic', type: 'string', in: ['publish', 'will'] },
  { id: 0x09, name: 'correlation-data', key: 'correlationData', type: 'binary', in: ['publish', 'will'] },
  { id: 0x0b, name: 'subscription-identifier', key: 'subscriptionIdentifiers', type: 'varint', in: ['publish', 'subscribe'], repeats: true },
  { id: 0x11, name: 'session-expiry-interval', key: 'sessionExpiryInterval', type: 'u32', in: ['connect', 'connack', 'disconnect'] },
  { id: 0x12, name: 'assigned-client-identifier', key: 'assignedClientIdentifier', type: 'string', in: ['connack'] },
  { id: 0x13, name: 'server-keep-alive', key: 'serverKeepAlive', type: 'u16', in: ['connack'] },
  { id: 0x15, name: 'authentication-method', key: 'authenticationMethod', type: 'string', in: ['connect', 'connack', 'auth'] },
  { id: 0x16, name: 'authentication-data', key: 'authenticationData', type: 'binary', in: ['connect', 'connack', 'auth'] },
  { id: 0x17, name: 'request-problem-information', key: 'requestProblemInformation', type: 'byte', in: ['connect'] },
  { id: 0x18, name: 'will-delay-interval', key: 'willDelayInterval', type: 'u32', in: ['will'] },
  { id: 0x19, name: 'request-response-information', key: 'requestResponseInformation', type: 'byte', in: ['connect'] },
  { id: 0x1a, name: 'response-information', key: 'responseInformation', type: 'string', in: ['connack'] },
  { id: 0x1c, name: 'server-reference', key: 'serverReference', type: 'string', in: ['connack', 'disconnect'] },
  { id: 0x1f, name: 'reason-string', key: 'reasonString', type: 'string', in: ['connack', ...ACKS, 'suback', 'unsuback', 'disconnect', 'auth'] },
  { id: 0x21, name: 'receive-maximum', key: 'receiveMaximum', type: 'u16', in: ['connect', 'connack'] },
  { id: 0x22, name: 'topic-alias-maximum', key: 'topicAliasMaximum', type: 'u16', in: ['connect', 'connack'] },
  { id: 0x23, name: 'topic-alias', key: 'topicAlias', type: 'u16', in: ['publish'] },
  { id: 0x24, name: 'maximum-qos', key: 'maximumQoS', type: 'byte', in: ['connack'] },
  { id: 0x25, name: 'retain-available', key: 'retainAvailable', type: 'byte', in: ['connack'] },
  {
    id: 0x26,
    name: 'user-property',
    key: 'userProperties',
    type: 'pair',
    in: ['connect', 'connack', 'publish', 'will', ...ACKS, 'subscribe', 'suback', 'unsubscribe', 'unsuback', 'disconnect', 'auth'],
    repeats: true,
  },
  { id: 0x27, name: 'maximum-packet-size', key: 'maximumPacketSize', type: 'u32', in: ['connect', 'connack'] },
  { id: 0x28, name: 'wildcard-subscription-available', key: 'wildcardSubscriptionAvailable', type: 'byte', in: ['connack'] },
  { id: 0x29, name: 'subscription-identifier-available', key: 'subscriptionIdentifierAvailable', type: 'byte', in: ['connack'] },
  { id: 0x2a, name: 'shared-subscription-available', key: 'sharedSubscriptionAvailable', type: 'byte', in: ['connack'] },
];

/** The properties a PUBLISH may carry, in table order: what -v, -F and --json show of a message. */
export const PUBLISH_PROPERTIES: readonly PropertySpec[] = PROPERTIES.filter((spec) => spec.in.includes('publish'));

export const PROPERTY_BY_ID: ReadonlyMap<number, PropertySpec> = new Map(PROPERTIES.map((p) => [p.id, p]));
export const PROPERTY_BY_NAME: ReadonlyMap<string, PropertySpec> = new Map(PROPERTIES.map((p) => [p.name, p]));
export const PROPERTY_BY_KEY: ReadonlyMap<keyof PropertyValues, PropertySpec> = new Map(PROPERTIES.map((p) => [p.key, p]));

export function propertyAllowedIn(spec: PropertySpec, scope: PropertyScope): boolean {
  return spec.in.includes(scope);
}
