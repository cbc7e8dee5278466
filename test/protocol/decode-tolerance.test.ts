import assert from 'node:assert/strict';
import { decodePacket } from '../../src/lib/protocol/decode.js';

describe('decoding what real brokers send', () => {
  it('reads a v5 reason code in a 3.1.1 SUBACK as a failure, as some brokers send them', () => {
    const packet = decodePacket(0x90, Buffer.from('0001 87 00'.replace(/ /g, ''), 'hex'), 4);
    assert.deepEqual(packet, { type: 'suback', packetId: 1, reasonCodes: [0x87, 0] });
  });
});
