/**
 * Bytes the decoder must refuse, one behaviour per test. Each names the rule it enforces and checks
 * the error code and the MQTT 5 reason code a server would send back.
 */
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/lib/errors.js';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import { decodePacket } from '../../src/lib/protocol/decode.js';
import { PacketReader } from '../../src/lib/protocol/framer.js';
import { assertMqttError, decodeWhole, fromHex, MALFORMED, PROTOCOL } from './helpers.js';

type Expect = readonly [ErrorCode, number];

function refuses(hex: string, version: ProtocolVersion, [code, reason]: Expect): void {
  const bytes = fromHex(hex);
  assertMqttError(() => decodeWhole(bytes, version), code, reason);
  // The framer must refuse the same bytes, however it gets them.
  const reader = new PacketReader({ version });
  assertMqttError(
    () => {
      for (const byte of bytes) reader.push(Buffer.from([byte]), () => assert.fail('no packet expected'));
    },
    code,
    reason,
  );
}

/** A v5 PUBLISH QoS 0 on topic "t" with the given property bytes (hex) and no payload. */
function publishV5WithProperties(props: string): string {
  const p = fromHex(props);
  assert.ok(p.length < 120, 'keep test properties short');
  const body = Buffer.concat([fromHex('0001 74'), Buffer.from([p.length]), p]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]).toString('hex');
}

/** A 3.1.1 or 5.0 PUBLISH QoS 0 whose topic field holds these raw bytes. */
function publishWithTopicBytes(topicHex: string, version: ProtocolVersion): string {
  const topic = fromHex(topicHex);
  const body = Buffer.concat([Buffer.from([topic.length >> 8, topic.length & 0xff]), topic, version === 5 ? Buffer.from([0]) : Buffer.alloc(0)]);
  const length = body.length < 128 ? [body.length] : [(body.length & 0x7f) | 0x80, body.length >> 7];
  return Buffer.concat([Buffer.from([0x30, ...length]), body]).toString('hex');
}

describe('decoder refuses', () => {
  describe('fixed header flags (3.1.1 §2.2.2, 5.0 §2.1.3)', () => {
    it('PUBACK with flags 0001', () => refuses('41 02 0001', 4, MALFORMED));
    it('PUBREL with flags 0000 instead of 0010', () => refuses('60 02 0001', 5, MALFORMED));
    it('PUBREL, SUBSCRIBE and UNSUBSCRIBE with DUP after 3.1 (3.1 retries set it)', () => {
      refuses('6a 02 0001', 4, MALFORMED);
      refuses('8a 06 0001 0001 61 00', 5, MALFORMED);
      refuses('aa 05 0001 0001 61', 4, MALFORMED);
    });
    it('SUBSCRIBE with flags 0000', () => refuses('80 06 0001 0001 61 00', 4, MALFORMED));
    it('UNSUBSCRIBE with flags 0011', () => refuses('a3 05 0001 0001 61', 4, MALFORMED));
    it('CONNECT with flags 0001', () => refuses('11 0c 0004 4d515454 04 02 003c 0000', 4, MALFORMED));
    it('PINGREQ with flags 1000', () => refuses('c8 00', 4, MALFORMED));
    it('reserved packet type 0: a protocol error, as mosquitto has it', () => refuses('00 00', 4, PROTOCOL));
    it('AUTH in MQTT 3.1.1, where type 15 is reserved: a protocol error, as mosquitto has it', () => refuses('f0 00', 4, PROTOCOL));
    it('PUBLISH with QoS 3', () => refuses('36 07 0003 612f62 0001', 4, MALFORMED));
    it('PUBLISH with DUP set at QoS 0 (MQTT-3.3.1-2)', () => refuses('38 05 0003 612f62', 4, MALFORMED));
  });

  describe('UTF-8 strings (3.1.1 §1.5.3, 5.0 §1.5.4)', () => {
    it('an invalid byte sequence in a topic', () => refuses(publishWithTopicBytes('61 c3 28', 4), 4, MALFORMED));
    it('an overlong encoding', () => refuses(publishWithTopicBytes('c0 af', 4), 4, MALFORMED));
    it('an encoded UTF-16 surrogate', () => refuses(publishWithTopicBytes('ed a0 80', 5), 5, MALFORMED));
    it('a truncated multi-byte sequence', () => refuses(publishWithTopicBytes('61 e4 b8', 4), 4, MALFORMED));
    it('U+0000 in a short string', () => refuses(publishWithTopicBytes('61 00 62', 4), 4, MALFORMED));
    it('U+0000 in a long string', () => {
      refuses(publishWithTopicBytes(`${'61'.repeat(100)} 00 ${'62'.repeat(100)}`, 5), 5, MALFORMED);
    });
    it('invalid UTF-8 in a long string', () => {
      refuses(publishWithTopicBytes(`${'61'.repeat(100)} ff ${'62'.repeat(100)}`, 5), 5, MALFORMED);
    });
    it('U+0000 after a non-ASCII character in a short string', () => {
      refuses(publishWithTopicBytes('c3a9 00', 4), 4, MALFORMED);
    });
    it('invalid UTF-8 in a client identifier', () => {
      refuses('10 0d 0004 4d515454 04 02 003c 0001 ff', 4, MALFORMED);
    });
    it('invalid UTF-8 in a user property value', () => {
      refuses(publishV5WithProperties('26 0001 61 0001 80'), 5, MALFORMED);
    });
    it('invalid UTF-8 in a topic filter', () => refuses('82 06 0001 0001 fe 00', 4, MALFORMED));
    it('accepts U+FEFF and non-characters, which the spec says a receiver must not reject', () => {
      const packet = decodeWhole(fromHex(publishWithTopicBytes('efbbbf 2f efbfbf', 4)), 4);
      assert.equal(packet.type === 'publish' && packet.topic, '\ufeff/\uffff');
    });
  });

  describe('PUBLISH topic names', () => {
    it('a "+" wildcard, a protocol error as mosquitto answers it', () => refuses(publishWithTopicBytes('612f2b', 4), 4, PROTOCOL));
    it('a "#" wildcard', () => refuses(publishWithTopicBytes('23', 5), 5, PROTOCOL));
    it('a wildcard beside U+0000, malformed first', () => refuses(publishWithTopicBytes('2b 00', 5), 5, MALFORMED));
    it('an empty topic in 3.1.1 (MQTT-4.7.3-1)', () => refuses('30 02 0000', 4, MALFORMED));
    it('an empty topic in 5.0 without a topic alias (§3.3.2.1)', () => refuses('30 03 0000 00', 5, PROTOCOL));
    it('an empty topic in 5.0 with only other properties', () => refuses('30 05 0000 02 0101', 5, PROTOCOL));
    it('a will topic with a wildcard', () => {
      refuses('10 14 0004 4d515454 04 06 003c 0001 61 0003 612f23 0000', 4, MALFORMED);
    });
  });

  describe('packet identifier 0 (MQTT-2.3.1-1)', () => {
    it('in a QoS 1 PUBLISH', () => refuses('32 07 0003 612f62 0000', 4, PROTOCOL));
    it('in a QoS 2 PUBLISH (v5)', () => refuses('34 08 0003 612f62 0000 00', 5, PROTOCOL));
    it('in PUBACK', () => refuses('40 02 0000', 4, PROTOCOL));
    it('in PUBREC', () => refuses('50 02 0000', 5, PROTOCOL));
    it('in PUBREL', () => refuses('62 02 0000', 4, PROTOCOL));
    it('in PUBCOMP', () => refuses('70 02 0000', 4, PROTOCOL));
    it('in SUBSCRIBE, malformed as mosquitto says', () => refuses('82 06 0000 0001 61 00', 4, MALFORMED));
    it('in SUBACK', () => refuses('90 03 0000 00', 4, PROTOCOL));
    it('in UNSUBSCRIBE, malformed as mosquitto says', () => refuses('a2 05 0000 0001 61', 4, MALFORMED));
    it('in UNSUBACK', () => refuses('b0 02 0000', 4, PROTOCOL));
  });

  describe('SUBSCRIBE and UNSUBSCRIBE payloads', () => {
    it('SUBSCRIBE without topic filters (MQTT-3.8.3-3)', () => refuses('82 02 0001', 4, PROTOCOL));
    it('SUBSCRIBE v5 without topic filters', () => refuses('82 03 0001 00', 5, PROTOCOL));
    it('UNSUBSCRIBE without topic filters (MQTT-3.10.3-2)', () => refuses('a2 02 0001', 4, PROTOCOL));
    it('UNSUBSCRIBE v5 without topic filters', () => refuses('a2 03 0001 00', 5, PROTOCOL));
    it('a 3.1.1 option byte with reserved bits (MQTT-3.8.3-4)', () => refuses('82 06 0001 0001 61 04', 4, MALFORMED));
    it('a 3.1.1 requested QoS of 3', () => refuses('82 06 0001 0001 61 03', 4, MALFORMED));
    it('a 5.0 option byte with reserved bits 6-7', () => refuses('82 07 0001 00 0001 61 40', 5, MALFORMED));
    it('a 5.0 retain handling of 3', () => refuses('82 07 0001 00 0001 61 30', 5, PROTOCOL));
    it('a 5.0 maximum QoS of 3', () => refuses('82 07 0001 00 0001 61 03', 5, PROTOCOL));
    it('a topic filter without its option byte', () => refuses('82 05 0001 0001 61', 4, MALFORMED));
    it('a SUBACK without reason codes', () => refuses('90 02 0001', 4, PROTOCOL));
    it('a 3.1.1 SUBACK return code other than 0, 1, 2, 0x80', () => refuses('90 03 0001 03', 4, MALFORMED));
    it('a 5.0 UNSUBACK without reason codes', () => refuses('b0 03 0001 00', 5, PROTOCOL));
  });

  describe('CONNECT flags (3.1.1 §3.1.2.3, 5.0 §3.1.2.3)', () => {
    const connect = (flags: string, rest = ''): string => {
      const body = fromHex(`0004 4d515454 04 ${flags} 003c 0001 61 ${rest}`);
      return Buffer.concat([Buffer.from([0x10, body.length]), body]).toString('hex');
    };
    it('the reserved bit set (MQTT-3.1.2-3)', () => refuses(connect('03'), 4, MALFORMED));
    it('will QoS without the will flag (MQTT-3.1.2-13)', () => refuses(connect('0a'), 4, MALFORMED));
    it('will retain without the will flag (MQTT-3.1.2-15)', () => refuses(connect('22'), 4, MALFORMED));
    it('will QoS 3 (MQTT-3.1.2-14)', () => refuses(connect('1e', '0001 74 0000'), 4, MALFORMED));
    it('a password without a username in 3.1.1 (MQTT-3.1.2-22): a protocol error, as mosquitto has it', () => {
      refuses(connect('42', '0001 70'), 4, PROTOCOL);
    });
    it('a password without a username in 3.1', () => {
      refuses('10 12 0006 4d5149736470 03 42 003c 0001 61 0001 70', 3, PROTOCOL);
    });
    it('the username flag with no username bytes', () => refuses(connect('82'), 4, MALFORMED));
    it('an unknown protocol level, with reason 0x84 so a server can answer it', () => {
      const error = assertMqttError(
        () => decodeWhole(fromHex('10 0c 0004 4d515454 06 02 003c 0000'), 4),
        ErrorCode.ProtocolError,
        0x84,
      );
      assert.match(error.message, /level 6/);
    });
    it('"MQTT" with level 3, which belongs to "MQIsdp"', () => {
      assertMqttError(() => decodeWhole(fromHex('10 0c 0004 4d515454 03 02 003c 0000'), 4), ErrorCode.ProtocolError, 0x84);
    });
    it('an unknown protocol name', () => {
      assertMqttError(() => decodeWhole(fromHex('10 0c 0004 4d515458 04 02 003c 0000'), 4), ErrorCode.ProtocolError, 0x84);
    });
    it('CONNACK with reserved flag bits', () => refuses('20 02 02 00', 4, MALFORMED));
  });

  describe('MQTT 5 properties (§2.2.2)', () => {
    it('an unknown property identifier', () => refuses(publishV5WithProperties('7f 00'), 5, MALFORMED));
    it('property identifier 0', () => refuses(publishV5WithProperties('00'), 5, MALFORMED));
    it('a property not allowed in the packet (topic alias in CONNECT)', () => {
      refuses('10 10 0004 4d515454 05 02 003c 03 230001 0000', 5, MALFORMED);
    });
    it('a CONNECT-only property in PUBLISH', () => refuses(publishV5WithProperties('11 00000001'), 5, MALFORMED));
    it('a will property among the CONNECT properties', () => {
      refuses('10 12 0004 4d515454 05 02 003c 05 1800000001 0000', 5, MALFORMED);
    });
    it('a CONNECT property among the will properties', () => {
      refuses('10 19 0004 4d515454 05 06 003c 00 0001 61 05 1100000001 0001 74 0000', 5, MALFORMED);
    });
    it('a property in an ack that only CONNACK may carry', () => refuses('40 07 0001 00 03 130001', 5, MALFORMED));
    it('a non-repeating property twice', () => {
      refuses(publishV5WithProperties('02 00000001 02 00000002'), 5, PROTOCOL);
    });
    it('a subscription identifier twice in SUBSCRIBE (it repeats only in PUBLISH)', () => {
      refuses('82 0b 0001 04 0b01 0b02 0001 61 00', 5, PROTOCOL);
    });
    it('a topic alias of 0 (§3.3.2.3.4)', () => refuses(publishV5WithProperties('23 0000'), 5, PROTOCOL));
    it('accepts a payload format indicator of 2, which mosquitto passes on', () => {
      const packet = decodeWhole(fromHex(publishV5WithProperties('01 02')), 5);
      assert.equal(packet.type === 'publish' && packet.properties?.payloadFormatIndicator, 2);
    });
    it('a subscription identifier of 0', () => refuses(publishV5WithProperties('0b 00'), 5, PROTOCOL));
    it('a receive maximum of 0', () => refuses('20 06 00 00 03 210000', 5, PROTOCOL));
    it('a maximum QoS of 2', () => refuses('20 05 00 00 02 2402', 5, PROTOCOL));
    it('a property length past the end of the packet', () => refuses('30 06 0001 74 05 0101', 5, MALFORMED));
    it('a property value running past the property block', () => {
      // Block length 3, but the string inside claims 4 bytes.
      refuses('30 0b 0001 74 03 03 0004 6a 736f6e', 5, MALFORMED);
    });
    it('a truncated four-byte property', () => refuses(publishV5WithProperties('02 0000'), 5, MALFORMED));
    it('a property length longer than four bytes', () => refuses('30 08 0001 74 ffffffff7f', 5, MALFORMED));
    it('a property length not in its shortest form (MQTT-1.5.5-1)', () => refuses('30 06 0001 74 8000 31', 5, MALFORMED));
    it('a subscription identifier not in its shortest form', () => refuses(publishV5WithProperties('0b 8100'), 5, MALFORMED));
    it('a truncated user property pair', () => refuses(publishV5WithProperties('26 0001 61'), 5, MALFORMED));
  });

  describe('lengths', () => {
    it('bytes left over after PINGREQ', () => refuses('c0 01 00', 4, MALFORMED));
    it('bytes left over after a 3.1.1 PUBACK', () => refuses('40 03 0001 00', 4, MALFORMED));
    it('bytes left over after a 3.1.1 UNSUBACK', () => refuses('b0 03 0001 00', 4, MALFORMED));
    it('bytes left over after a 3.1.1 DISCONNECT', () => refuses('e0 01 00', 4, MALFORMED));
    it('bytes left over after CONNECT', () => refuses('10 0d 0004 4d515454 04 02 003c 0000 ff', 4, MALFORMED));
    it('bytes left over after CONNACK', () => refuses('20 03 00 00 00', 4, MALFORMED));
    it('bytes left over after a v5 ack with properties', () => refuses('40 05 0001 00 00 ff', 5, MALFORMED));
    it('a truncated CONNECT (client id cut short)', () => refuses('10 0e 0004 4d515454 04 02 003c 0005 6162', 4, MALFORMED));
    it('a topic length longer than the packet', () => refuses('30 04 0009 6162', 4, MALFORMED));
    it('a PUBLISH QoS 1 without room for its packet id', () => refuses('32 04 0001 74 00', 4, MALFORMED));
    it('a one-byte PUBACK', () => refuses('40 01 00', 4, MALFORMED));
    it('an empty CONNACK', () => refuses('20 00', 4, MALFORMED));
    it('a CONNACK v5 without its property length', () => refuses('20 02 00 00', 5, MALFORMED));
    it('a will without its payload', () => refuses('10 10 0004 4d515454 04 06 003c 0001 61 0001 74', 4, MALFORMED));
  });

  it('decodePacket checks the header byte itself, without the framer', () => {
    assertMqttError(() => decodePacket(0x36, Buffer.alloc(0), 4), ...MALFORMED);
  });
});
