import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/lib/errors.js';
import { encode } from '../../src/lib/protocol/encode.js';
import { MAX_PACKET_SIZE, PacketReader } from '../../src/lib/protocol/framer.js';
import type { Packet, PublishPacket } from '../../src/lib/protocol/packets.js';
import { assertMqttError, fromHex, MALFORMED, PROTOCOL } from './helpers.js';

const publish = (payload: Buffer): PublishPacket => ({ type: 'publish', topic: 't', payload, qos: 0, retain: false, dup: false });

function collect(reader: PacketReader, chunks: Buffer[]): Packet[] {
  const out: Packet[] = [];
  for (const c of chunks) reader.push(c, (p) => out.push(p));
  return out;
}

describe('PacketReader', () => {
  describe('maxPacketSize', () => {
    it('raises PacketTooLarge (0x95) from the length bytes alone, before any body arrives', () => {
      const reader = new PacketReader({ version: 5, maxPacketSize: 100 });
      const seen: Packet[] = [];
      reader.push(fromHex('30'), (p) => seen.push(p));
      // Remaining length 200 (c8 01): 203 bytes in all, with not one body byte sent.
      assertMqttError(() => reader.push(fromHex('c8 01'), (p) => seen.push(p)), ErrorCode.PacketTooLarge, 0x95);
      assert.deepEqual(seen, []);
    });

    it('refuses a forged 256 MB length without waiting for it', () => {
      const reader = new PacketReader({ version: 4, maxPacketSize: 1024 * 1024 });
      assertMqttError(() => reader.push(fromHex('30 ffffff7f'), () => assert.fail()), ErrorCode.PacketTooLarge, 0x95);
    });

    it('counts the fixed header: exactly the maximum passes, one byte more fails', () => {
      const exact = encode(publish(Buffer.alloc(95)), 4); // 1 + 1 + 3 + 95 = 100 bytes
      assert.equal(exact.length, 100);
      assert.equal(collect(new PacketReader({ version: 4, maxPacketSize: 100 }), [exact]).length, 1);
      const over = encode(publish(Buffer.alloc(96)), 4);
      assertMqttError(() => collect(new PacketReader({ version: 4, maxPacketSize: 100 }), [over]), ErrorCode.PacketTooLarge);
    });

    it('defaults to the largest packet MQTT can frame', () => {
      assert.equal(new PacketReader({ version: 4 }).maxPacketSize, MAX_PACKET_SIZE);
      assert.equal(MAX_PACKET_SIZE, 268_435_460);
    });

    it('rejects a nonsensical maxPacketSize', () => {
      assertMqttError(() => new PacketReader({ version: 4, maxPacketSize: 0 }), ErrorCode.InvalidArgument);
      assertMqttError(() => new PacketReader({ version: 4, maxPacketSize: 1.5 }), ErrorCode.InvalidArgument);
    });
  });

  it('refuses a remaining length longer than four bytes as soon as the fourth byte says so', () => {
    const reader = new PacketReader({ version: 4 });
    for (const byte of fromHex('30 ff ff ff')) reader.push(Buffer.from([byte]), () => assert.fail());
    assertMqttError(() => reader.push(fromHex('ff'), () => assert.fail()), ...MALFORMED);
  });

  it('refuses a bad first byte before its length arrives', () => {
    const reader = new PacketReader({ version: 4 });
    assertMqttError(() => reader.push(fromHex('00'), () => assert.fail()), ...PROTOCOL);
    assertMqttError(() => new PacketReader({ version: 4 }).push(fromHex('f0'), () => assert.fail()), ...PROTOCOL);
    assertMqttError(() => new PacketReader({ version: 4 }).push(fromHex('c8'), () => assert.fail()), ...MALFORMED);
  });

  it('is unusable after an error: every later push throws the same error', () => {
    const reader = new PacketReader({ version: 4 });
    const first = assertMqttError(() => reader.push(fromHex('c0 01 00'), () => assert.fail()), ...MALFORMED);
    assert.throws(() => reader.push(fromHex('c0 00'), () => assert.fail()), (e) => e === first);
  });

  it('is unusable after onPacket throws, since the rest of the chunk was never read', () => {
    const reader = new PacketReader({ version: 4 });
    const boom = new Error('handler failed');
    assert.throws(
      () =>
        reader.push(fromHex('c0 00 c0 00'), () => {
          throw boom;
        }),
      (e) => e === boom,
    );
    assert.throws(() => reader.push(fromHex('c0 00'), () => undefined), (e) => e === boom);
  });

  it('applies a version set inside onPacket to the next packet of the same chunk', () => {
    const connect = encode({ type: 'connect', protocolVersion: 5, clean: true, keepalive: 10, clientId: 'x' }, 5);
    const v5Publish: Packet = { ...publish(Buffer.from('p')), properties: { contentType: 'c' } };
    const reader = new PacketReader({ version: 4 });
    const seen: Packet[] = [];
    reader.push(Buffer.concat([connect, encode(v5Publish, 5)]), (p) => {
      if (p.type === 'connect') reader.version = p.protocolVersion;
      seen.push(p);
    });
    assert.deepEqual(seen[1], v5Publish);
  });

  it('passes payloads as views of the chunk when a packet lies inside it', () => {
    const chunk = Buffer.concat([encode(publish(Buffer.from('one')), 4), encode(publish(Buffer.from('two')), 4)]);
    const [a, b] = collect(new PacketReader({ version: 4 }), [chunk]);
    assert.ok(a?.type === 'publish' && b?.type === 'publish');
    assert.equal(a.payload.buffer, chunk.buffer);
    assert.equal(b.payload.buffer, chunk.buffer);
    assert.equal(b.payload.byteOffset, chunk.byteOffset + chunk.length - 3);
  });

  it('copies a packet that spans chunks, once, so it does not hold the chunks', () => {
    const bytes = encode(publish(Buffer.from('spanning')), 4);
    // Chunks with ArrayBuffers of their own (Buffer.from would copy into the shared pool).
    const own = (b: Buffer): Buffer => {
      const copy = Buffer.allocUnsafeSlow(b.length);
      b.copy(copy);
      return copy;
    };
    const first = own(bytes.subarray(0, 5));
    const second = own(bytes.subarray(5));
    const [p] = collect(new PacketReader({ version: 4 }), [first, second]);
    assert.ok(p?.type === 'publish');
    assert.notEqual(p.payload.buffer, first.buffer);
    assert.notEqual(p.payload.buffer, second.buffer);
    assert.equal(p.payload.toString(), 'spanning');
  });

  it('keeps none of the chunks a large packet spans: each may be reused once pushed', () => {
    const payload = Buffer.alloc(300_000);
    for (let i = 0; i < payload.length; i++) payload[i] = i % 251;
    const bytes = encode(publish(payload), 4);
    const reader = new PacketReader({ version: 4 });
    const seen: Packet[] = [];
    // One buffer for every chunk, as a transport reusing its read buffer would.
    const chunk = Buffer.alloc(1000);
    for (let at = 0; at < bytes.length; at += chunk.length) {
      const n = bytes.copy(chunk, 0, at, at + chunk.length);
      reader.push(chunk.subarray(0, n), (p) => seen.push(p));
    }
    assert.equal(seen.length, 1);
    assert.ok(seen[0]?.type === 'publish');
    assert.ok(seen[0].payload.equals(payload));
  });

  it('reports midPacket while part of a packet is held', () => {
    const reader = new PacketReader({ version: 4 });
    assert.equal(reader.midPacket, false);
    reader.push(fromHex('30'), () => assert.fail());
    assert.equal(reader.midPacket, true);
    reader.push(fromHex('04 0001 74'), () => assert.fail());
    assert.equal(reader.midPacket, true);
    const seen: Packet[] = [];
    reader.push(fromHex('7a'), (p) => seen.push(p));
    assert.equal(reader.midPacket, false);
    assert.deepEqual(seen, [publish(Buffer.from('z'))]);
  });

  it('emits a zero-length body as soon as its length byte arrives', () => {
    const reader = new PacketReader({ version: 4 });
    const seen: Packet[] = [];
    reader.push(fromHex('d0'), (p) => seen.push(p));
    reader.push(fromHex('00'), (p) => seen.push(p));
    assert.deepEqual(seen, [{ type: 'pingresp' }]);
  });

  it('accepts empty chunks anywhere', () => {
    const bytes = encode(publish(Buffer.from('abc')), 4);
    const empty = Buffer.alloc(0);
    const packets = collect(new PacketReader({ version: 4 }), [empty, bytes.subarray(0, 1), empty, bytes.subarray(1, 3), empty, bytes.subarray(3), empty]);
    assert.deepEqual(packets, [publish(Buffer.from('abc'))]);
  });

  it('frames a large packet delivered in many chunks', () => {
    const payload = Buffer.alloc(300_000, 7);
    const bytes = encode(publish(payload), 4);
    const chunks: Buffer[] = [];
    for (let o = 0; o < bytes.length; o += 65536) chunks.push(bytes.subarray(o, o + 65536));
    assert.deepEqual(collect(new PacketReader({ version: 4 }), chunks), [publish(payload)]);
  });
});
