import type { ProtocolVersion } from './constants.js';
import type { Properties } from './properties.js';

export type QoS = 0 | 1 | 2;

/** v5 subscription option "retain handling": 0 send on subscribe, 1 only if new, 2 never. */
export type RetainHandling = 0 | 1 | 2;

export interface Will {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  properties?: Properties;
}

export interface ConnectPacket {
  type: 'connect';
  protocolVersion: ProtocolVersion;
  /** Clean session (v3) / clean start (v5). */
  clean: boolean;
  keepalive: number;
  clientId: string;
  will?: Will;
  username?: string;
  password?: Buffer;
  properties?: Properties;
  /**
   * A bridge announcing itself: the protocol level with 0x80 set (mosquitto's try_private), which
   * only 3.1 and 3.1.1 have; a broker then treats its subscriptions as no-local, retain-as-published.
   */
  bridge?: boolean;
}

export interface ConnackPacket {
  type: 'connack';
  sessionPresent: boolean;
  /** v3 return code or v5 reason code. */
  reasonCode: number;
  properties?: Properties;
}

export interface PublishPacket {
  type: 'publish';
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  /** Present exactly when qos > 0. */
  packetId?: number;
  properties?: Properties;
}

/** PUBACK, PUBREC, PUBREL and PUBCOMP share one layout. */
export interface PubAckFamilyPacket<T extends 'puback' | 'pubrec' | 'pubrel' | 'pubcomp'> {
  type: T;
  packetId: number;
  /** v5 only; absent means Success. */
  reasonCode?: number;
  properties?: Properties;
}
export type PubackPacket = PubAckFamilyPacket<'puback'>;
export type PubrecPacket = PubAckFamilyPacket<'pubrec'>;
export type PubrelPacket = PubAckFamilyPacket<'pubrel'>;
export type PubcompPacket = PubAckFamilyPacket<'pubcomp'>;

export interface Subscription {
  topicFilter: string;
  qos: QoS;
  /** v5 subscription options; ignored for v3. */
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: RetainHandling;
}

export interface SubscribePacket {
  type: 'subscribe';
  packetId: number;
  subscriptions: Subscription[];
  properties?: Properties;
}

export interface SubackPacket {
  type: 'suback';
  packetId: number;
  /** Granted QoS (0-2) or a failure code (>= 0x80), one per requested filter. */
  reasonCodes: number[];
  properties?: Properties;
}

export interface UnsubscribePacket {
  type: 'unsubscribe';
  packetId: number;
  topicFilters: string[];
  properties?: Properties;
}

export interface UnsubackPacket {
  type: 'unsuback';
  packetId: number;
  /** One per filter in v5; empty in v3, whose UNSUBACK carries none. */
  reasonCodes: number[];
  properties?: Properties;
}

export interface PingreqPacket {
  type: 'pingreq';
}

export interface PingrespPacket {
  type: 'pingresp';
}

export interface DisconnectPacket {
  type: 'disconnect';
  /** v5 only; absent means Normal disconnection (0). */
  reasonCode?: number;
  properties?: Properties;
}

export interface AuthPacket {
  type: 'auth';
  /** Absent means Success (0). */
  reasonCode?: number;
  properties?: Properties;
}

export type Packet =
  | ConnectPacket
  | ConnackPacket
  | PublishPacket
  | PubackPacket
  | PubrecPacket
  | PubrelPacket
  | PubcompPacket
  | SubscribePacket
  | SubackPacket
  | UnsubscribePacket
  | UnsubackPacket
  | PingreqPacket
  | PingrespPacket
  | DisconnectPacket
  | AuthPacket;

export type PacketOf<T extends Packet['type']> = Extract<Packet, { type: T }>;
