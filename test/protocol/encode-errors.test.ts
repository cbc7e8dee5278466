/** Values encode must refuse with InvalidArgument rather than put on the wire. */
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/lib/errors.js';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import { encode } from '../../src/lib/protocol/encode.js';
import type { Packet, PublishPacket } from '../../src/lib/protocol/packets.js';
import type { Properties } from '../../src/lib/protocol/properties.js';
import { assertMqttError } from './helpers.js';

function refuses(packet: Packet, version: ProtocolVersion): void {
  assertMqttError(() => encode(packet, version), ErrorCode.InvalidArgument);
}

/** For values a TypeScript caller cannot write but a JavaScript or JSON one can. */
function untyped(value: unknown): never {
  return value as never;
}

const pub = (fields: Partial<PublishPacket> = {}): PublishPacket => ({
  type: 'publish',
  topic: 'a/b',
  payload: Buffer.from('x'),
  qos: 0,
  retain: false,
  dup: false,
  ...fields,
});

const long = 'x'.repeat(65536);

describe('encode refuses', () => {
  describe('strings and binary fields', () => {
    it('a topic over 65535 bytes', () => refuses(pub({ topic: long }), 4));
    it('a client id over 65535 bytes in UTF-8 though under it in UTF-16 units', () => {
      refuses({ type: 'connect', protocolVersion: 4, clean: true, keepalive: 0, clientId: 'é'.repeat(40000) }, 4);
    });
    it('a property string over 65535 bytes', () => refuses(pub({ properties: { contentType: long } }), 5));
    it('a will payload over 65535 bytes', () => {
      const will = { topic: 'w', payload: Buffer.alloc(65536), qos: 0 as const, retain: false };
      refuses({ type: 'connect', protocolVersion: 4, clean: true, keepalive: 0, clientId: 'c', will }, 4);
    });
    it('a string containing U+0000', () => refuses({ type: 'unsubscribe', packetId: 1, topicFilters: ['a\0b'] }, 4));
    it('accepts a string of exactly 65535 bytes', () => {
      assert.equal(encode({ type: 'unsubscribe', packetId: 1, topicFilters: ['x'.repeat(65535)] }, 4).length, 1 + 3 + 2 + 2 + 65535);
    });
  });

  it('a packet over the MQTT maximum of 268435455 body bytes', () => {
    // A view over a zero-filled ArrayBuffer: the OS does not commit its pages until written.
    const payload = Buffer.from(new ArrayBuffer(268_435_455));
    refuses(pub({ payload }), 4);
  });

  describe('PUBLISH', () => {
    it('QoS 1 without a packet id', () => refuses(pub({ qos: 1 }), 4));
    it('a packet id of 0', () => refuses(pub({ qos: 2, packetId: 0 }), 4));
    it('a packet id of 65536', () => refuses(pub({ qos: 1, packetId: 65536 }), 5));
    it('QoS 3', () => refuses(pub({ qos: untyped(3) }), 4));
    it('DUP at QoS 0', () => refuses(pub({ dup: true }), 4));
    it('a wildcard in the topic', () => refuses(pub({ topic: 'a/+' }), 4));
    it('an empty topic in 3.1.1', () => refuses(pub({ topic: '' }), 4));
    it('an empty topic in 5.0 without a topic alias', () => refuses(pub({ topic: '' }), 5));
    it('a payload that is not a Buffer', () => refuses(pub({ payload: untyped('text') }), 4));
    it('ignores a packet id at QoS 0 rather than sending it', () => {
      assert.deepEqual(encode(pub({ packetId: 5 }), 4), encode(pub(), 4));
    });
  });

  describe('properties', () => {
    const props = (properties: Properties): PublishPacket => pub({ properties });
    it('a property not allowed in the packet', () => refuses(props({ sessionExpiryInterval: 1 }), 5));
    it('a will-only property in CONNECT', () => {
      refuses({ type: 'connect', protocolVersion: 5, clean: true, keepalive: 0, clientId: 'c', properties: { willDelayInterval: 1 } }, 5);
    });
    it('an unknown property', () => refuses(props(untyped({ colour: 'red' })), 5));
    it('an order that is not a list of property identifiers', () => refuses(props({ contentType: 'c', order: untyped(['contentType']) }), 5));
    it('a value of the wrong type', () => refuses(props(untyped({ messageExpiryInterval: '10' })), 5));
    it('a two-byte value out of range', () => {
      refuses({ type: 'connack', sessionPresent: false, reasonCode: 0, properties: { serverKeepAlive: 70000 } }, 5);
    });
    it('a four-byte value out of range', () => refuses(props({ messageExpiryInterval: 2 ** 32 }), 5));
    it('a non-integer', () => refuses(props({ messageExpiryInterval: 1.5 }), 5));
    it('a topic alias of 0', () => refuses(props({ topicAlias: 0 }), 5));
    it('a 0/1 flag set to 2', () => refuses({ type: 'connect', protocolVersion: 5, clean: true, keepalive: 60, clientId: 'c', properties: { requestProblemInformation: 2 } }, 5));
    it('a subscription identifier over the varint maximum', () => refuses(props({ subscriptionIdentifiers: [268435456] }), 5));
    it('two subscription identifiers in SUBSCRIBE', () => {
      refuses({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'a', qos: 0 }], properties: { subscriptionIdentifiers: [1, 2] } }, 5);
    });
    it('a repeating property that is not an array', () => refuses(props(untyped({ userProperties: ['a', 'b'] })), 5));
    it('a user property that is not a pair', () => refuses(props(untyped({ userProperties: [['a']] })), 5));
    it('ignores properties entirely for MQTT 3.1.1', () => {
      assert.deepEqual(encode(props(untyped({ colour: 'red' })), 4), encode(pub(), 4));
    });
  });

  describe('CONNECT', () => {
    const connect = { type: 'connect', protocolVersion: 4, clean: true, keepalive: 0, clientId: 'c' } as const;
    it('a password without a username in 3.1.1', () => refuses({ ...connect, password: Buffer.from('p') }, 4));
    it('a password without a username in 3.1', () => refuses({ ...connect, protocolVersion: 3, password: Buffer.from('p') }, 3));
    it('a keepalive over 65535', () => refuses({ ...connect, keepalive: 65536 }, 4));
    it('an unknown protocol version', () => refuses({ ...connect, protocolVersion: untyped(6) }, 4));
    it('a will topic with a wildcard', () => {
      refuses({ ...connect, will: { topic: 'a/#', payload: Buffer.alloc(0), qos: 0, retain: false } }, 4);
    });
    it('a will QoS of 3', () => {
      refuses({ ...connect, will: { topic: 'a', payload: Buffer.alloc(0), qos: untyped(3), retain: false } }, 4);
    });
  });

  describe('other packets', () => {
    it('SUBSCRIBE without subscriptions', () => refuses({ type: 'subscribe', packetId: 1, subscriptions: [] }, 4));
    it('SUBSCRIBE with retain handling 3', () => {
      refuses({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'a', qos: 0, retainHandling: untyped(3) }] }, 5);
    });
    it('UNSUBSCRIBE without filters', () => refuses({ type: 'unsubscribe', packetId: 1, topicFilters: [] }, 5));
    it('SUBACK without codes', () => refuses({ type: 'suback', packetId: 1, reasonCodes: [] }, 4));
    it('a 3.1.1 SUBACK code other than 0, 1, 2, 0x80', () => refuses({ type: 'suback', packetId: 1, reasonCodes: [0x87] }, 4));
    it('a v5 UNSUBACK without codes', () => refuses({ type: 'unsuback', packetId: 1, reasonCodes: [] }, 5));
    it('an ack with packet id 0', () => refuses({ type: 'pubrel', packetId: 0 }, 4));
    it('a reason code over 255', () => refuses({ type: 'puback', packetId: 1, reasonCode: 256 }, 5));
    it('AUTH outside MQTT 5', () => refuses({ type: 'auth' }, 4));
    it('an unknown packet type', () => refuses(untyped({ type: 'hello' }), 4));
  });
});
