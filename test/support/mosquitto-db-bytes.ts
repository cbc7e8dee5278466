/**
 * Builds mosquitto database files byte by byte, laid out as mosquitto 2.0's persist_write.c
 * writes them (format 6; 5 differs only in the client chunk), for the reader's tests.
 */

const MAGIC = Buffer.from('\x00\xb5\x00mosquitto db', 'latin1');

export function dbFile(version: number, ...chunks: Buffer[]): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(version, 4);
  return Buffer.concat([MAGIC, head, ...chunks]);
}

function chunk(type: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(type, 0);
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

const text = (value: string): Buffer => Buffer.from(value, 'utf8');

export function configChunk(dbidSize = 8): Buffer {
  const fixed = Buffer.alloc(16);
  fixed[8] = 1;
  fixed[9] = dbidSize;
  return chunk(1, fixed);
}

export interface StoreFields {
  id: number;
  topic: string;
  payload: string;
  qos: number;
  retain?: boolean;
  /** Seconds since the epoch. */
  expiry?: number;
  /** A v5 properties block, its length first. */
  properties?: Buffer;
}

export function storeChunk(m: StoreFields): Buffer {
  const fixed = Buffer.alloc(32);
  fixed.writeBigUInt64LE(BigInt(m.id), 0);
  fixed.writeBigInt64LE(BigInt(m.expiry ?? 0), 8);
  fixed.writeUInt32BE(Buffer.byteLength(m.payload), 16);
  fixed.writeUInt16BE(6, 22);
  fixed.writeUInt16BE(Buffer.byteLength(m.topic), 26);
  fixed[30] = m.qos;
  fixed[31] = m.retain === true ? 1 : 0;
  return chunk(2, fixed, text('source'), text(m.topic), text(m.payload), m.properties ?? Buffer.alloc(0));
}

export interface ClientFields {
  id: string;
  interval: number;
  lastMid?: number;
  username?: string;
  port?: number;
}

export function clientChunk(c: ClientFields, version = 6): Buffer {
  const fixed = Buffer.alloc(version === 6 ? 24 : 16);
  fixed.writeUInt32BE(c.interval, 8);
  fixed.writeUInt16BE(c.lastMid ?? 0, 12);
  fixed.writeUInt16BE(Buffer.byteLength(c.id), 14);
  if (version === 6) {
    fixed.writeUInt16BE(c.port ?? 0, 16);
    fixed.writeUInt16BE(Buffer.byteLength(c.username ?? ''), 18);
  }
  return chunk(6, fixed, text(c.id), text(version === 6 ? (c.username ?? '') : ''));
}

export interface ClientMessageFields {
  client: string;
  store: number;
  mid: number;
  qos: number;
  /** mosq_ms_*: 11 queued, 3 wait_for_puback, 9 wait_for_pubcomp, 7 wait_for_pubrel... */
  state: number;
  direction: 'in' | 'out';
  retain?: boolean;
  properties?: Buffer;
}

export function clientMessageChunk(m: ClientMessageFields): Buffer {
  const fixed = Buffer.alloc(16);
  fixed.writeBigUInt64LE(BigInt(m.store), 0);
  fixed.writeUInt16BE(m.mid, 8);
  fixed.writeUInt16BE(Buffer.byteLength(m.client), 10);
  fixed[12] = m.qos;
  fixed[13] = m.state;
  fixed[14] = m.retain === true ? 0x10 : 0;
  fixed[15] = m.direction === 'out' ? 1 : 0;
  return chunk(3, fixed, text(m.client), m.properties ?? Buffer.alloc(0));
}

export function subscriptionChunk(client: string, topic: string, qos: number, options = 0, identifier = 0): Buffer {
  const fixed = Buffer.alloc(12);
  fixed.writeUInt32BE(identifier, 0);
  fixed.writeUInt16BE(Buffer.byteLength(client), 4);
  fixed.writeUInt16BE(Buffer.byteLength(topic), 6);
  fixed[8] = qos;
  fixed[9] = options;
  return chunk(5, fixed, text(client), text(topic));
}

export function retainChunk(store: number): Buffer {
  const fixed = Buffer.alloc(8);
  fixed.writeBigUInt64LE(BigInt(store), 0);
  return chunk(4, fixed);
}

export function unknownChunk(): Buffer {
  return chunk(99, Buffer.from('later'));
}

/**
 * A whole database of format 2, 3 or 4 (mosquitto 1.3 to 1.5, persist.c of 1.4.15 and 1.5.6):
 * fields one by one, strings after their length, a 16-bit chunk type. It holds the retained
 * "old/retained", and client "old-client" subscribed to "old/#" with "old/queued" queued for it.
 */
export function legacyDbFile(version: 2 | 3 | 4): Buffer {
  const u8 = (n: number): Buffer => Buffer.from([n]);
  const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const id = (n: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  const str = (s: string): Buffer => Buffer.concat([u16(Buffer.byteLength(s)), text(s)]);
  const legacyChunk = (type: number, ...parts: Buffer[]): Buffer => {
    const body = Buffer.concat(parts);
    return Buffer.concat([u16(type), u32(body.length), body]);
  };
  const source = version === 4 ? [str('publisher'), str(''), u16(1883)] : [str('publisher')];
  const store = (n: number, topic: string, payload: string, retain: number): Buffer =>
    legacyChunk(2, id(n), ...source, u16(0), u16(0), str(topic), u8(1), u8(retain), u32(payload.length), text(payload));
  return dbFile(
    version,
    legacyChunk(1, u8(1), u8(8), id(2)),
    store(1, 'old/retained', 'kept since 1.x', 1),
    store(2, 'old/queued', 'waiting since 1.x', 0),
    legacyChunk(6, str('old-client'), u16(12), ...(version === 2 ? [] : [id(0)])),
    legacyChunk(3, str('old-client'), id(2), u16(12), u8(1), u8(0), u8(1), u8(11), u8(0)),
    legacyChunk(5, str('old-client'), str('old/#'), u8(1)),
    legacyChunk(4, id(1)),
  );
}
