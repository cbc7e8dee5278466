/**
 * Codec fixtures: one packet, its protocol version, and its bytes written out by hand from the
 * packet layouts of MQTT 3.1 (IBM), 3.1.1 (OASIS §3) and 5.0 (OASIS §3). Each row is used four
 * ways (decode, encode, round trip, framer at every split) by codec-fixtures.test.ts.
 *
 * Hex is grouped by field; the comment after each group names it.
 */
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import type { Packet } from '../../src/lib/protocol/packets.js';

export interface Fixture {
  name: string;
  version: ProtocolVersion;
  hex: string;
  packet: Packet;
}

/** Joins field groups; spaces inside a group are only for reading. */
function h(...groups: string[]): string {
  return groups.join(' ');
}

const b = (text: string): Buffer => Buffer.from(text, 'utf8');

export const FIXTURES: readonly Fixture[] = [
  // ---------------------------------------------------------------- MQTT 3.1.1 (level 4)
  {
    name: 'CONNECT 3.1.1, clean session, no will or credentials',
    version: 4,
    hex: h(
      '10 10', // CONNECT, remaining length 16
      '0004 4d515454', // protocol name "MQTT"
      '04', // level 4
      '02', // flags: clean session
      '003c', // keepalive 60
      '0004 74657374', // client id "test"
    ),
    packet: { type: 'connect', protocolVersion: 4, clean: true, keepalive: 60, clientId: 'test' },
  },
  {
    name: 'CONNECT 3.1.1 with will (QoS 1, retained), username and password',
    version: 4,
    hex: h(
      '10 1f',
      '0004 4d515454',
      '04',
      'ec', // username, password, will retain, will QoS 1, will flag; not clean
      '0000', // keepalive 0
      '0002 6331', // client id "c1"
      '0003 772f74', // will topic "w/t"
      '0003 627965', // will payload "bye"
      '0001 75', // username "u"
      '0002 7077', // password "pw"
    ),
    packet: {
      type: 'connect',
      protocolVersion: 4,
      clean: false,
      keepalive: 0,
      clientId: 'c1',
      will: { topic: 'w/t', payload: b('bye'), qos: 1, retain: true },
      username: 'u',
      password: b('pw'),
    },
  },
  {
    name: 'CONNECT 3.1.1 with an empty client id',
    version: 4,
    hex: h('10 0c', '0004 4d515454', '04', '02', '001e', '0000'),
    packet: { type: 'connect', protocolVersion: 4, clean: true, keepalive: 30, clientId: '' },
  },
  {
    name: 'CONNACK 3.1.1, session present, accepted',
    version: 4,
    hex: h('20 02', '01', '00'),
    packet: { type: 'connack', sessionPresent: true, reasonCode: 0 },
  },
  {
    name: 'CONNACK 3.1.1, refused: not authorised',
    version: 4,
    hex: h('20 02', '00', '05'),
    packet: { type: 'connack', sessionPresent: false, reasonCode: 5 },
  },
  {
    name: 'PUBLISH 3.1.1 QoS 0',
    version: 4,
    hex: h('30 07', '0003 612f62', '6869'),
    packet: { type: 'publish', topic: 'a/b', payload: b('hi'), qos: 0, retain: false, dup: false },
  },
  {
    name: 'PUBLISH 3.1.1 QoS 1, retained',
    version: 4,
    hex: h('33 09', '0003 612f62', '000a', '6869'),
    packet: { type: 'publish', topic: 'a/b', payload: b('hi'), qos: 1, retain: true, dup: false, packetId: 10 },
  },
  {
    name: 'PUBLISH 3.1.1 QoS 2, DUP',
    version: 4,
    hex: h('3c 09', '0003 612f62', '1234', '6869'),
    packet: { type: 'publish', topic: 'a/b', payload: b('hi'), qos: 2, retain: false, dup: true, packetId: 0x1234 },
  },
  {
    name: 'PUBLISH 3.1.1 with an empty payload',
    version: 4,
    hex: h('30 05', '0003 612f62'),
    packet: { type: 'publish', topic: 'a/b', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false },
  },
  {
    name: 'PUBLISH 3.1.1 with a multi-byte UTF-8 topic',
    version: 4,
    hex: h('30 08', '0006 c3a9 2f e4b8ad'), // "é/中"
    packet: { type: 'publish', topic: 'é/中', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false },
  },
  {
    name: 'PUBLISH 3.1.1 with a two-byte remaining length',
    version: 4,
    hex: h('30 cb01', '0001 74', 'ab'.repeat(200)), // 203 = 0x4b + 1*128
    packet: { type: 'publish', topic: 't', payload: Buffer.alloc(200, 0xab), qos: 0, retain: false, dup: false },
  },
  {
    name: 'PUBACK 3.1.1',
    version: 4,
    hex: h('40 02', '0001'),
    packet: { type: 'puback', packetId: 1 },
  },
  {
    name: 'PUBREC 3.1.1',
    version: 4,
    hex: h('50 02', '0002'),
    packet: { type: 'pubrec', packetId: 2 },
  },
  {
    name: 'PUBREL 3.1.1 (header flags 0010)',
    version: 4,
    hex: h('62 02', '0003'),
    packet: { type: 'pubrel', packetId: 3 },
  },
  {
    name: 'PUBCOMP 3.1.1',
    version: 4,
    hex: h('70 02', 'ffff'),
    packet: { type: 'pubcomp', packetId: 65535 },
  },
  {
    name: 'SUBSCRIBE 3.1.1, two filters',
    version: 4,
    hex: h('82 0e', '0001', '0003 612f23', '00', '0003 2b2f62', '02'),
    packet: {
      type: 'subscribe',
      packetId: 1,
      subscriptions: [
        { topicFilter: 'a/#', qos: 0 },
        { topicFilter: '+/b', qos: 2 },
      ],
    },
  },
  {
    name: 'SUBACK 3.1.1 with a failure',
    version: 4,
    hex: h('90 05', '0001', '00 02 80'),
    packet: { type: 'suback', packetId: 1, reasonCodes: [0, 2, 0x80] },
  },
  {
    name: 'UNSUBSCRIBE 3.1.1',
    version: 4,
    hex: h('a2 0a', '0002', '0003 612f23', '0001 78'),
    packet: { type: 'unsubscribe', packetId: 2, topicFilters: ['a/#', 'x'] },
  },
  {
    name: 'UNSUBACK 3.1.1 (no reason codes)',
    version: 4,
    hex: h('b0 02', '0002'),
    packet: { type: 'unsuback', packetId: 2, reasonCodes: [] },
  },
  { name: 'PINGREQ 3.1.1', version: 4, hex: 'c0 00', packet: { type: 'pingreq' } },
  { name: 'PINGRESP 3.1.1', version: 4, hex: 'd0 00', packet: { type: 'pingresp' } },
  { name: 'DISCONNECT 3.1.1', version: 4, hex: 'e0 00', packet: { type: 'disconnect' } },

  // ---------------------------------------------------------------- MQTT 3.1 (level 3)
  {
    name: 'CONNECT 3.1 ("MQIsdp", level 3) with username and password',
    version: 3,
    hex: h(
      '10 1e',
      '0006 4d5149736470', // "MQIsdp"
      '03',
      'c2', // username, password, clean session
      '000a',
      '0004 6d6f7371', // "mosq"
      '0004 75736572', // "user"
      '0004 70617373', // "pass"
    ),
    packet: {
      type: 'connect',
      protocolVersion: 3,
      clean: true,
      keepalive: 10,
      clientId: 'mosq',
      username: 'user',
      password: b('pass'),
    },
  },
  {
    name: 'CONNECT 3.1 with a will (QoS 2, not retained)',
    version: 3,
    hex: h('10 18', '0006 4d5149736470', '03', '16', '0005', '0002 6964', '0003 772f78', '0001 21'),
    packet: {
      type: 'connect',
      protocolVersion: 3,
      clean: true,
      keepalive: 5,
      clientId: 'id',
      will: { topic: 'w/x', payload: b('!'), qos: 2, retain: false },
    },
  },
  {
    name: 'PUBLISH 3.1 QoS 1',
    version: 3,
    hex: h('32 06', '0001 74', '0009', '7a'),
    packet: { type: 'publish', topic: 't', payload: b('z'), qos: 1, retain: false, dup: false, packetId: 9 },
  },
  {
    name: 'SUBSCRIBE 3.1',
    version: 3,
    hex: h('82 06', '0005', '0001 23', '01'),
    packet: { type: 'subscribe', packetId: 5, subscriptions: [{ topicFilter: '#', qos: 1 }] },
  },
  {
    name: 'SUBACK 3.1',
    version: 3,
    hex: h('90 03', '0005', '01'),
    packet: { type: 'suback', packetId: 5, reasonCodes: [1] },
  },
  {
    name: 'UNSUBACK 3.1',
    version: 3,
    hex: h('b0 02', '0005'),
    packet: { type: 'unsuback', packetId: 5, reasonCodes: [] },
  },
  { name: 'DISCONNECT 3.1', version: 3, hex: 'e0 00', packet: { type: 'disconnect' } },

  // ---------------------------------------------------------------- MQTT 5.0
  {
    name: 'CONNECT 5.0, no properties, empty client id',
    version: 5,
    hex: h('10 0d', '0004 4d515454', '05', '02', '003c', '00', '0000'),
    packet: { type: 'connect', protocolVersion: 5, clean: true, keepalive: 60, clientId: '' },
  },
  {
    name: 'CONNECT 5.0 with every CONNECT property, a will with every will property, credentials',
    version: 5,
    hex: h(
      '10 6c', // remaining length 108
      '0004 4d515454',
      '05',
      'd6', // username, password, will QoS 2, will flag, clean start
      '001e', // keepalive 30
      '24', // properties: 36 bytes
      '11 00000e10', //   session expiry interval 3600 (u32)
      '21 0014', //   receive maximum 20 (u16)
      '27 00010000', //   maximum packet size 65536
      '22 000a', //   topic alias maximum 10
      '19 01', //   request response information 1 (byte)
      '17 00', //   request problem information 0
      '26 0001 6b 0001 76', //   user property k=v (pair)
      '15 0001 6d', //   authentication method "m" (string)
      '16 0002 0102', //   authentication data 01 02 (binary)
      '0003 636964', // client id "cid"
      '2b', // will properties: 43 bytes
      '18 0000001e', //   will delay interval 30
      '01 01', //   payload format indicator 1
      '02 0000003c', //   message expiry interval 60
      '03 000a 746578742f706c61696e', //   content type "text/plain"
      '08 0003 722f74', //   response topic "r/t"
      '09 0002 abcd', //   correlation data ab cd
      '26 0001 61 0001 62', //   user property a=b
      '0001 77', // will topic "w"
      '0001 78', // will payload "x"
      '0001 75', // username "u"
      '0001 70', // password "p"
    ),
    packet: {
      type: 'connect',
      protocolVersion: 5,
      clean: true,
      keepalive: 30,
      clientId: 'cid',
      properties: {
        sessionExpiryInterval: 3600,
        receiveMaximum: 20,
        maximumPacketSize: 65536,
        topicAliasMaximum: 10,
        requestResponseInformation: 1,
        requestProblemInformation: 0,
        userProperties: [['k', 'v']],
        authenticationMethod: 'm',
        authenticationData: Buffer.from([1, 2]),
      },
      will: {
        topic: 'w',
        payload: b('x'),
        qos: 2,
        retain: false,
        properties: {
          willDelayInterval: 30,
          payloadFormatIndicator: 1,
          messageExpiryInterval: 60,
          contentType: 'text/plain',
          responseTopic: 'r/t',
          correlationData: Buffer.from([0xab, 0xcd]),
          userProperties: [['a', 'b']],
        },
      },
      username: 'u',
      password: b('p'),
    },
  },
  {
    name: 'CONNECT 5.0 with a will whose user properties surround its will delay',
    version: 5,
    hex: h(
      '10 28', // remaining length 40
      '0004 4d515454', // protocol name "MQTT"
      '05', // level 5
      '06', // flags: will, clean start
      '003c', // keepalive 60
      '00', // no CONNECT properties
      '0001 63', // client id "c"
      '13', // will properties: 19 bytes
      '26 0001 61 0001 31', //   user property a=1
      '18 0000000a', //   will delay interval 10
      '26 0001 62 0001 32', //   user property b=2
      '0001 77', // will topic "w"
      '0001 78', // will payload "x"
    ),
    packet: {
      type: 'connect',
      protocolVersion: 5,
      clean: true,
      keepalive: 60,
      clientId: 'c',
      will: {
        topic: 'w',
        payload: b('x'),
        qos: 0,
        retain: false,
        properties: {
          userProperties: [
            ['a', '1'],
            ['b', '2'],
          ],
          willDelayInterval: 10,
          order: [0x26, 0x18, 0x26],
        },
      },
    },
  },
  {
    name: 'CONNECT 5.0 with a password but no username (allowed since 5.0)',
    version: 5,
    hex: h('10 11', '0004 4d515454', '05', '42', '0000', '00', '0001 61', '0001 73'),
    packet: { type: 'connect', protocolVersion: 5, clean: true, keepalive: 0, clientId: 'a', password: b('s') },
  },
  {
    name: 'CONNACK 5.0 with server properties',
    version: 5,
    hex: h(
      '20 20',
      '00', // no session
      '00', // success
      '1d', // properties: 29 bytes
      '12 0003 616263', //   assigned client identifier "abc"
      '13 0078', //   server keep alive 120
      '24 01', //   maximum QoS 1
      '25 00', //   retain available 0
      '28 01', //   wildcard subscription available
      '29 00', //   subscription identifiers not available
      '2a 01', //   shared subscription available
      '1a 0002 7269', //   response information "ri"
      '1c 0002 7372', //   server reference "sr"
    ),
    packet: {
      type: 'connack',
      sessionPresent: false,
      reasonCode: 0,
      properties: {
        assignedClientIdentifier: 'abc',
        serverKeepAlive: 120,
        maximumQoS: 1,
        retainAvailable: 0,
        wildcardSubscriptionAvailable: 1,
        subscriptionIdentifierAvailable: 0,
        sharedSubscriptionAvailable: 1,
        responseInformation: 'ri',
        serverReference: 'sr',
      },
    },
  },
  {
    name: 'CONNACK 5.0 refusal without properties',
    version: 5,
    hex: h('20 03', '00', '87', '00'),
    packet: { type: 'connack', sessionPresent: false, reasonCode: 0x87 },
  },
  {
    name: 'PUBLISH 5.0 QoS 0 without properties',
    version: 5,
    hex: h('30 08', '0003 612f62', '00', '6869'),
    packet: { type: 'publish', topic: 'a/b', payload: b('hi'), qos: 0, retain: false, dup: false },
  },
  {
    name: 'PUBLISH 5.0 QoS 1 with every PUBLISH property, repeated user properties and subscription ids',
    version: 5,
    hex: h(
      '32 3a', // remaining length 58
      '0001 74', // topic "t"
      '0007', // packet id 7
      '32', // properties: 50 bytes
      '01 01', //   payload format indicator
      '02 00000078', //   message expiry interval 120
      '23 0005', //   topic alias 5
      '08 0003 722f78', //   response topic "r/x"
      '09 0003 010203', //   correlation data
      '26 0001 61 0001 31', //   user property a=1
      '26 0001 61 0001 32', //   user property a=2 (repeats keep their order)
      '0b 01', //   subscription identifier 1 (varint)
      '0b ffffff7f', //   subscription identifier 268435455 (four-byte varint)
      '03 0004 6a736f6e', //   content type "json"
      '7b7d', // payload "{}"
    ),
    packet: {
      type: 'publish',
      topic: 't',
      payload: b('{}'),
      qos: 1,
      retain: false,
      dup: false,
      packetId: 7,
      properties: {
        payloadFormatIndicator: 1,
        messageExpiryInterval: 120,
        topicAlias: 5,
        responseTopic: 'r/x',
        correlationData: Buffer.from([1, 2, 3]),
        userProperties: [
          ['a', '1'],
          ['a', '2'],
        ],
        subscriptionIdentifiers: [1, 268435455],
        contentType: 'json',
      },
    },
  },
  {
    name: 'PUBLISH 5.0 with user properties between other properties, kept in their order',
    version: 5,
    hex: h(
      '32 24', // remaining length 36
      '0001 74', // topic "t"
      '0007', // packet id 7
      '1d', // properties: 29 bytes
      '26 0001 61 0001 31', //   user property a=1
      '03 0001 63', //   content type "c"
      '26 0001 62 0001 32', //   user property b=2
      '08 0001 72', //   response topic "r"
      '26 0001 63 0001 33', //   user property c=3
      '78', // payload "x"
    ),
    packet: {
      type: 'publish',
      topic: 't',
      payload: b('x'),
      qos: 1,
      retain: false,
      dup: false,
      packetId: 7,
      properties: {
        userProperties: [
          ['a', '1'],
          ['b', '2'],
          ['c', '3'],
        ],
        contentType: 'c',
        responseTopic: 'r',
        order: [0x26, 0x03, 0x26, 0x08, 0x26],
      },
    },
  },
  {
    name: 'PUBLISH 5.0 with an empty topic and a topic alias',
    version: 5,
    hex: h('30 07', '0000', '03', '23 0001', '7a'),
    packet: {
      type: 'publish',
      topic: '',
      payload: b('z'),
      qos: 0,
      retain: false,
      dup: false,
      properties: { topicAlias: 1 },
    },
  },
  {
    name: 'PUBACK 5.0, success in the short form',
    version: 5,
    hex: h('40 02', '0001'),
    packet: { type: 'puback', packetId: 1 },
  },
  {
    name: 'PUBACK 5.0, reason code without properties',
    version: 5,
    hex: h('40 03', '0001', '10'),
    packet: { type: 'puback', packetId: 1, reasonCode: 0x10 },
  },
  {
    name: 'PUBREC 5.0 with reason code and properties',
    version: 5,
    hex: h('50 10', '0002', '80', '0c', '1f 0002 6e6f', '26 0001 6b 0001 76'),
    packet: {
      type: 'pubrec',
      packetId: 2,
      reasonCode: 0x80,
      properties: { reasonString: 'no', userProperties: [['k', 'v']] },
    },
  },
  {
    name: 'PUBREL 5.0, packet identifier not found',
    version: 5,
    hex: h('62 03', '0003', '92'),
    packet: { type: 'pubrel', packetId: 3, reasonCode: 0x92 },
  },
  {
    name: 'PUBCOMP 5.0, success with a reason string',
    version: 5,
    hex: h('70 09', '0004', '00', '05', '1f 0002 6f6b'),
    packet: { type: 'pubcomp', packetId: 4, reasonCode: 0, properties: { reasonString: 'ok' } },
  },
  {
    name: 'SUBSCRIBE 5.0 with subscription options and a subscription identifier',
    version: 5,
    hex: h(
      '82 1f',
      '000a', // packet id 10
      '09', // properties: 9 bytes
      '0b 2a', //   subscription identifier 42
      '26 0001 6b 0001 76', //   user property
      '0003 612f2b', // "a/+"
      '2d', //   QoS 1, no local, retain as published, retain handling 2
      '000a 247368617265 2f67 2f78', // "$share/g/x"
      '10', //   QoS 0, retain handling 1
    ),
    packet: {
      type: 'subscribe',
      packetId: 10,
      properties: { subscriptionIdentifiers: [42], userProperties: [['k', 'v']] },
      subscriptions: [
        { topicFilter: 'a/+', qos: 1, noLocal: true, retainAsPublished: true, retainHandling: 2 },
        { topicFilter: '$share/g/x', qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 1 },
      ],
    },
  },
  {
    name: 'SUBACK 5.0 with a reason string',
    version: 5,
    hex: h('90 0b', '000a', '05', '1f 0002 6f6b', '01 00 8f'),
    packet: { type: 'suback', packetId: 10, properties: { reasonString: 'ok' }, reasonCodes: [1, 0, 0x8f] },
  },
  {
    name: 'UNSUBSCRIBE 5.0 with a user property',
    version: 5,
    hex: h('a2 0f', '000b', '07', '26 0001 6b 0001 76', '0003 612f2b'),
    packet: { type: 'unsubscribe', packetId: 11, properties: { userProperties: [['k', 'v']] }, topicFilters: ['a/+'] },
  },
  {
    name: 'UNSUBACK 5.0',
    version: 5,
    hex: h('b0 05', '000b', '00', '00 11'),
    packet: { type: 'unsuback', packetId: 11, reasonCodes: [0, 0x11] },
  },
  { name: 'PINGREQ 5.0', version: 5, hex: 'c0 00', packet: { type: 'pingreq' } },
  { name: 'PINGRESP 5.0', version: 5, hex: 'd0 00', packet: { type: 'pingresp' } },
  {
    name: 'DISCONNECT 5.0, normal disconnection in the empty form',
    version: 5,
    hex: 'e0 00',
    packet: { type: 'disconnect' },
  },
  {
    name: 'DISCONNECT 5.0 with a bare reason code',
    version: 5,
    hex: h('e0 01', '04'),
    packet: { type: 'disconnect', reasonCode: 4 },
  },
  {
    name: 'DISCONNECT 5.0 with reason and properties',
    version: 5,
    hex: h('e0 12', '8e', '10', '11 00000000', '1f 0003 627965', '1c 0002 7332'),
    packet: {
      type: 'disconnect',
      reasonCode: 0x8e,
      properties: { sessionExpiryInterval: 0, reasonString: 'bye', serverReference: 's2' },
    },
  },
  { name: 'AUTH 5.0, success in the empty form', version: 5, hex: 'f0 00', packet: { type: 'auth' } },
  {
    name: 'AUTH 5.0, continue authentication with method and data',
    version: 5,
    hex: h('f0 0a', '18', '08', '15 0001 6d', '16 0001 ff'),
    packet: {
      type: 'auth',
      reasonCode: 0x18,
      properties: { authenticationMethod: 'm', authenticationData: Buffer.from([0xff]) },
    },
  },
  {
    name: 'AUTH 5.0, re-authenticate without properties',
    version: 5,
    hex: h('f0 02', '19', '00'),
    packet: { type: 'auth', reasonCode: 0x19 },
  },
];

/**
 * Forms the spec allows but the encoder does not produce (it always picks the shortest): decoded
 * and framed, not encoded.
 */
export const DECODE_ONLY: readonly Fixture[] = [
  {
    name: 'PUBACK 5.0 with an explicit Success reason code',
    version: 5,
    hex: h('40 03', '0001', '00'),
    packet: { type: 'puback', packetId: 1, reasonCode: 0 },
  },
  {
    name: 'PUBACK 5.0 with a reason code and an empty property block',
    version: 5,
    hex: h('40 04', '0001', '10', '00'),
    packet: { type: 'puback', packetId: 1, reasonCode: 0x10 },
  },
  {
    name: 'DISCONNECT 5.0 with Success and an empty property block',
    version: 5,
    hex: h('e0 02', '00', '00'),
    packet: { type: 'disconnect', reasonCode: 0 },
  },
  {
    name: 'AUTH 5.0 with a bare reason code',
    version: 5,
    hex: h('f0 01', '18'),
    packet: { type: 'auth', reasonCode: 0x18 },
  },
  {
    name: 'UNSUBACK 5.0 with an empty property block written out',
    version: 5,
    hex: h('b0 04', '0001', '00', '00'),
    packet: { type: 'unsuback', packetId: 1, reasonCodes: [0] },
  },
];
