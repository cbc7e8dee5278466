import assert from 'node:assert/strict';
import { UnsupportedProtocolError, decodePacket } from '../../src/lib/protocol/decode.js';
import { encode } from '../../src/lib/protocol/encode.js';
import { fromHex, toHex } from './helpers.js';

describe('decoding what real brokers send', () => {
  it('reads a v5 reason code in a 3.1.1 SUBACK as a failure, as some brokers send them', () => {
    const packet = decodePacket(0x90, Buffer.from('0001 87 00'.replace(/ /g, ''), 'hex'), 4);
    assert.deepEqual(packet, { type: 'suback', packetId: 1, reasonCodes: [0x87, 0] });
  });

  it('reads a 3.1.1 broker\'s two-byte CONNACK 1 to an MQTT 5 CONNECT as 0x84, unsupported protocol version, as libmosquitto does', () => {
    assert.deepEqual(decodePacket(0x20, Buffer.from([0, 1]), 5), { type: 'connack', sessionPresent: false, reasonCode: 0x84 });
    assert.throws(() => decodePacket(0x20, Buffer.from([0, 0]), 5), /truncated property length/);
  });
});

describe('the bridge bit of a CONNECT (protocol level | 0x80, mosquitto try_private)', () => {
  const connect = (level: number): Buffer => fromHex(`0004 4d515454 ${level.toString(16)} 02 003c 0001 62`);

  it('reads 3.1.1 with the bit as a bridge, and writes it back the same way', () => {
    const packet = decodePacket(0x10, connect(0x84), 4);
    assert.deepEqual(packet, { type: 'connect', protocolVersion: 4, clean: true, keepalive: 60, clientId: 'b', bridge: true });
    assert.equal(toHex(encode(packet, 4)), `100d${toHex(connect(0x84))}`);
  });

  it('refuses the bit on 5.0, which has no such thing, naming the level as sent', () => {
    assert.throws(() => decodePacket(0x10, connect(0x85), 5), (err: unknown) => err instanceof UnsupportedProtocolError && err.protocolLevel === 0x85);
  });
});
