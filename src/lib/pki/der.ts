/**
 * Just enough DER to read certificate fields that Node's X509Certificate does not expose (key
 * usage bits, basic constraints, raw SAN entries, key ids), for RSA and EC certificates alike
 * (node-forge refuses EC certificates outright).
 */
export interface Tlv {
  /** The identifier octet: class bits, constructed bit, tag number (< 31 in X.509). */
  readonly tag: number;
  readonly value: Buffer;
}

export const Tag = {
  Boolean: 0x01,
  Integer: 0x02,
  BitString: 0x03,
  OctetString: 0x04,
  Oid: 0x06,
  UtcTime: 0x17,
  GeneralizedTime: 0x18,
  Sequence: 0x30,
  /** [n] EXPLICIT, constructed: version [0] and extensions [3] of a TBSCertificate. */
  explicit: (n: number): number => 0xa0 | n,
  /** [n] IMPLICIT, primitive: dNSName [2] and iPAddress [7] of a GeneralName, keyIdentifier [0]. */
  implicit: (n: number): number => 0x80 | n,
} as const;

export class DerError extends Error {
  override readonly name = 'DerError';
}

/** The TLVs that follow each other in `data` (the contents of a SEQUENCE, or a whole DER file). */
function readTlvs(data: Buffer): Tlv[] {
  const items: Tlv[] = [];
  let offset = 0;
  while (offset < data.length) {
    const tag = data[offset]!;
    if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not used in certificates');
    let length = data[offset + 1];
    if (length === undefined) throw new DerError('truncated length');
    offset += 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 4 || offset + count > data.length) throw new DerError('bad length');
      length = data.readUIntBE(offset, count);
      offset += count;
    }
    if (offset + length > data.length) throw new DerError('truncated value');
    items.push({ tag, value: data.subarray(offset, offset + length) });
    offset += length;
  }
  return items;
}

/** The single TLV that `data` holds. */
export function readTlv(data: Buffer, expectedTag?: number): Tlv {
  const [first, ...rest] = readTlvs(data);
  if (first === undefined || rest.length > 0) throw new DerError('expected exactly one value');
  if (expectedTag !== undefined && first.tag !== expectedTag) throw new DerError(`expected tag 0x${expectedTag.toString(16)}`);
  return first;
}

export function children(tlv: Tlv, expectedTag = Tag.Sequence): Tlv[] {
  if (tlv.tag !== expectedTag) throw new DerError(`expected tag 0x${expectedTag.toString(16)}`);
  return readTlvs(tlv.value);
}

export function oidText(value: Buffer): string {
  const parts: number[] = [];
  let current = 0;
  for (const byte of value) {
    current = current * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      parts.push(current);
      current = 0;
    }
  }
  const [first = 0, ...rest] = parts;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...rest].join('.');
}

/** UTCTime (YYMMDDHHMMSSZ, 1950-2049) or GeneralizedTime (YYYYMMDDHHMMSSZ). */
export function timeValue(tlv: Tlv): Date {
  const text = tlv.value.toString('latin1');
  const m = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (m === null || (tlv.tag !== Tag.UtcTime && tlv.tag !== Tag.GeneralizedTime)) throw new DerError(`bad time '${text}'`);
  const [, y = '', mo = '', d = '', h = '', mi = '', s = ''] = m;
  const year = y.length === 2 ? (Number(y) < 50 ? 2000 : 1900) + Number(y) : Number(y);
  return new Date(Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
}
