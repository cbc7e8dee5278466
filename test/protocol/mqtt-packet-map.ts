/**
 * Maps between our packets and mqtt-packet's, through a neutral "meaning": the fields the protocol
 * carries, with the representation choices of each library (booleans vs 0/1, grouped user
 * properties, messageId vs packetId, returnCode vs reasonCode...) normalised away.
 */
import type * as MP from 'mqtt-packet';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import type { Packet } from '../../src/lib/protocol/packets.js';
import { PROPERTY_BY_KEY, type Properties, type PropertyValues } from '../../src/lib/protocol/properties.js';

export type Meaning = Record<string, unknown>;

/** mqtt-packet names two things differently. */
const THEIR_NAME: Readonly<Record<string, string>> = {
  subscriptionIdentifiers: 'subscriptionIdentifier',
  subscriptionIdentifierAvailable: 'subscriptionIdentifiersAvailable',
};
const OUR_NAME: Readonly<Record<string, string>> = {
  subscriptionIdentifier: 'subscriptionIdentifiers',
  subscriptionIdentifiersAvailable: 'subscriptionIdentifierAvailable',
};

const hex = (b: Uint8Array | string | undefined): string | null =>
  b === undefined ? null : Buffer.from(b).toString('hex');

function asNumbers(value: unknown): number[] {
  if (!Array.isArray(value)) return [];
  return value.map((v) => {
    if (typeof v !== 'number') throw new TypeError(`expected numbers, got ${String(v)}`);
    return v;
  });
}

/** User properties as a Map of name → values in order, which both libraries can be reduced to. */
function userPropertyMap(value: unknown): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const add = (k: string, v: string): void => {
    const list = map.get(k);
    if (list === undefined) map.set(k, [v]);
    else list.push(v);
  };
  if (Array.isArray(value)) {
    for (const pair of value as [string, string][]) add(pair[0], pair[1]);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value as Record<string, string | string[]>)) {
      for (const item of Array.isArray(v) ? v : [v]) add(k, item);
    }
  }
  return map;
}

/** Properties of either library → one canonical record; mqtt-packet keeps no row order, so ours is left out. */
export function propertiesMeaning(props: object | undefined): Meaning {
  const out: Meaning = {};
  if (props === undefined) return out;
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || key === 'order') continue;
    const name = OUR_NAME[key] ?? key;
    if (name === 'userProperties') out[name] = userPropertyMap(value);
    else if (name === 'subscriptionIdentifiers') out[name] = Array.isArray(value) ? value : [value];
    else if (typeof value === 'boolean') out[name] = value ? 1 : 0;
    else if (value instanceof Uint8Array) out[name] = hex(value);
    else out[name] = value;
  }
  return out;
}

export function ourMeaning(p: Packet, version: ProtocolVersion): Meaning {
  const props = propertiesMeaning(version === 5 ? (p as { properties?: Properties }).properties : undefined);
  switch (p.type) {
    case 'connect':
      return {
        type: p.type,
        protocolVersion: p.protocolVersion,
        clean: p.clean,
        keepalive: p.keepalive,
        clientId: p.clientId,
        will:
          p.will === undefined
            ? null
            : {
                topic: p.will.topic,
                payload: hex(p.will.payload),
                qos: p.will.qos,
                retain: p.will.retain,
                properties: propertiesMeaning(version === 5 ? p.will.properties : undefined),
              },
        username: p.username ?? null,
        password: hex(p.password),
        properties: props,
      };
    case 'connack':
      return { type: p.type, sessionPresent: p.sessionPresent, reasonCode: p.reasonCode, properties: props };
    case 'publish':
      return {
        type: p.type,
        topic: p.topic,
        payload: hex(p.payload),
        qos: p.qos,
        retain: p.retain,
        dup: p.dup,
        packetId: p.qos > 0 ? p.packetId : null,
        properties: props,
      };
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return { type: p.type, packetId: p.packetId, reasonCode: version === 5 ? (p.reasonCode ?? 0) : 0, properties: props };
    case 'subscribe':
      return {
        type: p.type,
        packetId: p.packetId,
        subscriptions: p.subscriptions.map((s) =>
          version === 5
            ? { topicFilter: s.topicFilter, qos: s.qos, nl: s.noLocal ?? false, rap: s.retainAsPublished ?? false, rh: s.retainHandling ?? 0 }
            : { topicFilter: s.topicFilter, qos: s.qos },
        ),
        properties: props,
      };
    case 'suback':
      return { type: p.type, packetId: p.packetId, reasonCodes: p.reasonCodes, properties: props };
    case 'unsubscribe':
      return { type: p.type, packetId: p.packetId, topicFilters: p.topicFilters, properties: props };
    case 'unsuback':
      return { type: p.type, packetId: p.packetId, reasonCodes: version === 5 ? p.reasonCodes : [], properties: props };
    case 'pingreq':
    case 'pingresp':
      return { type: p.type };
    case 'disconnect':
    case 'auth':
      return { type: p.type, reasonCode: version === 5 ? (p.reasonCode ?? 0) : 0, properties: props };
  }
}

export function theirMeaning(p: MP.Packet, version: ProtocolVersion): Meaning {
  const props = propertiesMeaning('properties' in p && version === 5 ? p.properties : undefined);
  switch (p.cmd) {
    case 'connect':
      return {
        type: p.cmd,
        protocolVersion: p.protocolVersion,
        clean: p.clean,
        keepalive: p.keepalive,
        clientId: p.clientId,
        will:
          p.will === undefined
            ? null
            : {
                topic: p.will.topic,
                payload: hex(p.will.payload),
                qos: p.will.qos,
                retain: p.will.retain,
                properties: propertiesMeaning(p.will.properties),
              },
        username: p.username ?? null,
        password: hex(p.password),
        properties: propertiesMeaning(p.properties),
      };
    case 'connack':
      return { type: p.cmd, sessionPresent: p.sessionPresent, reasonCode: version === 5 ? p.reasonCode : p.returnCode, properties: props };
    case 'publish':
      return {
        type: p.cmd,
        topic: p.topic,
        payload: hex(p.payload),
        qos: p.qos,
        retain: p.retain,
        dup: p.dup,
        packetId: p.qos > 0 ? p.messageId : null,
        properties: props,
      };
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return { type: p.cmd, packetId: p.messageId, reasonCode: p.reasonCode ?? 0, properties: props };
    case 'subscribe':
      return {
        type: p.cmd,
        packetId: p.messageId,
        subscriptions: p.subscriptions.map((s) =>
          version === 5 ? { topicFilter: s.topic, qos: s.qos, nl: s.nl, rap: s.rap, rh: s.rh } : { topicFilter: s.topic, qos: s.qos },
        ),
        properties: props,
      };
    case 'suback':
      return { type: p.cmd, packetId: p.messageId, reasonCodes: asNumbers(p.granted), properties: props };
    case 'unsubscribe':
      return { type: p.cmd, packetId: p.messageId, topicFilters: p.unsubscriptions, properties: props };
    case 'unsuback':
      return { type: p.cmd, packetId: p.messageId, reasonCodes: version === 5 ? asNumbers(p.granted) : [], properties: props };
    case 'pingreq':
    case 'pingresp':
      return { type: p.cmd };
    case 'disconnect':
    case 'auth':
      return { type: p.cmd, reasonCode: p.reasonCode ?? 0, properties: props };
  }
}

/** Our properties in mqtt-packet's shape: 0/1 flags as booleans, user properties as an object. */
function theirProperties(props: Properties | undefined, version: ProtocolVersion): Record<string, unknown> | undefined {
  if (props === undefined || version !== 5) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    const spec = PROPERTY_BY_KEY.get(key as keyof PropertyValues);
    if (spec === undefined || value === undefined) continue;
    const name = THEIR_NAME[key] ?? key;
    if (key === 'userProperties') {
      out[name] = Object.fromEntries(userPropertyMap(value));
    } else if (key === 'subscriptionIdentifiers') {
      const ids = value as number[];
      out[name] = ids.length === 1 ? ids[0] : ids;
    } else if (spec.type === 'byte' && key !== 'maximumQoS') {
      out[name] = value === 1;
    } else {
      out[name] = value;
    }
  }
  return out;
}

/** Our packet as an object mqtt-packet's generate() accepts. */
export function toTheirs(p: Packet, version: ProtocolVersion): MP.Packet {
  const properties = theirProperties((p as { properties?: Properties }).properties, version);
  const withProps = <T extends MP.Packet>(packet: T): T =>
    properties === undefined ? packet : { ...packet, properties };
  switch (p.type) {
    case 'connect': {
      const packet: MP.IConnectPacket = {
        cmd: 'connect',
        protocolId: p.protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
        protocolVersion: p.protocolVersion,
        clean: p.clean,
        keepalive: p.keepalive,
        clientId: p.clientId,
      };
      if (p.will !== undefined) {
        const willProps = theirProperties(p.will.properties, version);
        packet.will = { topic: p.will.topic, payload: p.will.payload, qos: p.will.qos, retain: p.will.retain };
        if (willProps !== undefined) packet.will.properties = willProps;
      }
      if (p.username !== undefined) packet.username = p.username;
      if (p.password !== undefined) packet.password = p.password;
      return withProps(packet);
    }
    case 'connack':
      return withProps(
        version === 5
          ? { cmd: 'connack', sessionPresent: p.sessionPresent, reasonCode: p.reasonCode }
          : { cmd: 'connack', sessionPresent: p.sessionPresent, returnCode: p.reasonCode },
      );
    case 'publish': {
      const packet: MP.IPublishPacket = { cmd: 'publish', topic: p.topic, payload: p.payload, qos: p.qos, retain: p.retain, dup: p.dup };
      if (p.packetId !== undefined) packet.messageId = p.packetId;
      return withProps(packet);
    }
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return withProps({ cmd: p.type, messageId: p.packetId, reasonCode: p.reasonCode ?? 0 });
    case 'subscribe':
      return withProps({
        cmd: 'subscribe',
        messageId: p.packetId,
        subscriptions: p.subscriptions.map((s) => ({
          topic: s.topicFilter,
          qos: s.qos,
          nl: s.noLocal ?? false,
          rap: s.retainAsPublished ?? false,
          rh: s.retainHandling ?? 0,
        })),
      });
    case 'suback':
      return withProps({ cmd: 'suback', messageId: p.packetId, granted: p.reasonCodes });
    case 'unsubscribe':
      return withProps({ cmd: 'unsubscribe', messageId: p.packetId, unsubscriptions: p.topicFilters });
    case 'unsuback':
      return withProps({ cmd: 'unsuback', messageId: p.packetId, granted: p.reasonCodes });
    case 'pingreq':
    case 'pingresp':
      return { cmd: p.type };
    case 'disconnect':
      return withProps({ cmd: 'disconnect', reasonCode: p.reasonCode ?? 0 });
    case 'auth':
      return withProps({ cmd: 'auth', reasonCode: p.reasonCode ?? 0 });
  }
}
