import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/lib/errors.js';
import { decodeUtf8, Reader, utf8FieldLength, varintLength, writeUtf8, writeVarint } from '../../src/lib/protocol/wire.js';
import { assertMqttError, fromHex, MALFORMED } from './helpers.js';

describe('wire primitives', () => {
  describe('variable byte integers (5.0 §1.5.5)', () => {
    // The boundaries of the spec's table 1-1, with their encodings.
    const cases: [number, string][] = [
      [0, '00'],
      [127, '7f'],
      [128, '8001'],
      [16383, 'ff7f'],
      [16384, '808001'],
      [2097151, 'ffff7f'],
      [2097152, '80808001'],
      [268435455, 'ffffff7f'],
    ];
    for (const [value, hex] of cases) {
      it(`${value} ⇄ ${hex}`, () => {
        const buf = Buffer.alloc(varintLength(value));
        assert.equal(writeVarint(buf, 0, value), buf.length);
        assert.equal(buf.toString('hex'), hex);
        const r = new Reader(buf);
        assert.equal(r.varint(), value);
        assert.equal(r.remaining(), 0);
      });
    }
    it('refuses a fifth byte', () => assertMqttError(() => new Reader(fromHex('ffffffff01')).varint(), ...MALFORMED));
    it('refuses a truncated one', () => assertMqttError(() => new Reader(fromHex('ff')).varint(), ...MALFORMED));
  });

  describe('Reader', () => {
    it('reads each fixed-size integer big-endian', () => {
      const r = new Reader(fromHex('01 0203 04050607'));
      assert.equal(r.u8(), 1);
      assert.equal(r.u16(), 0x0203);
      assert.equal(r.u32(), 0x04050607);
      assert.equal(r.remaining(), 0);
    });
    it('refuses to read past its end, even with bytes beyond it in the buffer', () => {
      const r = new Reader(fromHex('0003 616263'), 0, 4);
      assertMqttError(() => r.utf8(), ...MALFORMED);
    });
    for (const [name, read] of [
      ['u8', (r: Reader) => r.u8()],
      ['u16', (r: Reader) => r.u16()],
      ['u32', (r: Reader) => r.u32()],
      ['binary', (r: Reader) => r.binary()],
      ['pair', (r: Reader) => r.pair()],
    ] as const) {
      it(`refuses a truncated ${name}`, () => {
        const input = name === 'u8' ? Buffer.alloc(0) : fromHex('00');
        assertMqttError(() => read(new Reader(input)), ErrorCode.MalformedPacket);
      });
    }
    it('returns binary fields and the rest as views', () => {
      const buf = fromHex('0002 abcd ef');
      const r = new Reader(buf);
      const bin = r.binary();
      const rest = r.rest();
      assert.equal(bin.buffer, buf.buffer);
      assert.equal(rest.buffer, buf.buffer);
      assert.deepEqual([bin.toString('hex'), rest.toString('hex')], ['abcd', 'ef']);
    });
    it('reads a string pair', () => assert.deepEqual(new Reader(fromHex('0001 61 0002 6263')).pair(), ['a', 'bc']));
  });

  describe('UTF-8', () => {
    it('decodes ASCII, multi-byte and four-byte characters, short and long', () => {
      for (const s of ['', 'abc', 'é/中/😀', 'x'.repeat(47), 'x'.repeat(48), `${'y'.repeat(60)}😀`]) {
        const buf = Buffer.from(s);
        assert.equal(decodeUtf8(buf, 0, buf.length), s);
      }
    });
    it('writes a length prefix from the bytes, not the UTF-16 length', () => {
      const s = 'é😀';
      const buf = Buffer.alloc(utf8FieldLength(s, 'test'));
      assert.equal(writeUtf8(buf, 0, s), buf.length);
      assert.equal(buf.toString('hex'), `0006${Buffer.from(s).toString('hex')}`);
    });
  });
});
