/**
 * The few MQTT 5 packets the console's page sends and reads, on Uint8Array. The project's codec
 * (src/lib/protocol) is written on Node's Buffer and would need its polyfill in the browser; this
 * one is the client half only, for one well-behaved peer (mqt's broker).
 */

export type QoS = 0 | 1 | 2;

/** A v5 property as the page shows it: its name and its value in words. */
export interface ShownProperty {
  name: string;
  value: string;
}

export interface OutgoingProperties {
  contentType?: string;
  responseTopic?: string;
  messageExpiry?: number;
  userProperties?: [string, string][];
}

export interface IncomingPublish {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  packetId: number;
  properties: ShownProperty[];
}

export type ServerPacket =
  | { type: 'connack'; reasonCode: number; properties: ShownProperty[] }
  | { type: 'publish'; publish: IncomingPublish }
  | { type: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp'; packetId: number }
  | { type: 'suback'; packetId: number; reasonCodes: number[] }
  | { type: 'unsuback'; packetId: number }
  | { type: 'pingresp' }
  | { type: 'disconnect'; reasonCode: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bytes written front to back into a growing array. */
class Writer {
  private readonly bytes: number[] = [];

  byte(n: number): this {
    this.bytes.push(n & 0xff);
    return this;
  }

  u16(n: number): this {
    return this.byte(n >> 8).byte(n);
  }

  u32(n: number): this {
    return this.u16(n >>> 16).u16(n & 0xffff);
  }

  varint(n: number): this {
    do {
      let digit = n % 128;
      n = Math.floor(n / 128);
      if (n > 0) digit |= 0x80;
      this.byte(digit);
    } while (n > 0);
    return this;
  }

  binary(data: Uint8Array): this {
    this.u16(data.length);
    for (const b of data) this.bytes.push(b);
    return this;
  }

  string(text: string): this {
    return this.binary(encoder.encode(text));
  }

  raw(data: Uint8Array): this {
    for (const b of data) this.bytes.push(b);
    return this;
  }

  get length(): number {
    return this.bytes.length;
  }

  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function packet(first: number, body: Writer): Uint8Array {
  return new Writer().byte(first).varint(body.length).raw(body.done()).done();
}

function properties(body: Writer, props: Writer): Writer {
  return body.varint(props.length).raw(props.done());
}

export function encodeConnect(clientId: string, keepalive: number, username?: string, password?: string): Uint8Array {
  const flags = 0x02 | (username === undefined ? 0 : 0x80) | (password === undefined ? 0 : 0x40);
  const body = new Writer().string('MQTT').byte(5).byte(flags).u16(keepalive);
  properties(body, new Writer());
  body.string(clientId);
  if (username !== undefined) body.string(username);
  if (password !== undefined) body.string(password);
  return packet(0x10, body);
}

export function encodePublish(topic: string, payload: Uint8Array, qos: QoS, retain: boolean, packetId: number, props: OutgoingProperties = {}): Uint8Array {
  const body = new Writer().string(topic);
  if (qos > 0) body.u16(packetId);
  const p = new Writer();
  if (props.messageExpiry !== undefined) p.byte(0x02).u32(props.messageExpiry);
  if (props.contentType !== undefined) p.byte(0x03).string(props.contentType);
  if (props.responseTopic !== undefined) p.byte(0x08).string(props.responseTopic);
  for (const [key, value] of props.userProperties ?? []) p.byte(0x26).string(key).string(value);
  properties(body, p).raw(payload);
  return packet(0x30 | (qos << 1) | (retain ? 1 : 0), body);
}

/** PUBACK (0x40), PUBREC (0x50), PUBREL (0x62) or PUBCOMP (0x70), reason Success. */
export function encodeAck(first: 0x40 | 0x50 | 0x62 | 0x70, packetId: number): Uint8Array {
  return packet(first, new Writer().u16(packetId));
}

/** Retain As Published, so a live message's retain flag says what its publisher asked for. */
export function encodeSubscribe(packetId: number, filters: readonly string[], qos: QoS): Uint8Array {
  const body = properties(new Writer().u16(packetId), new Writer());
  for (const filter of filters) body.string(filter).byte(qos | 0x08);
  return packet(0x82, body);
}

export function encodeUnsubscribe(packetId: number, filters: readonly string[]): Uint8Array {
  const body = properties(new Writer().u16(packetId), new Writer());
  for (const filter of filters) body.string(filter);
  return packet(0xa2, body);
}

export const PINGREQ = Uint8Array.of(0xc0, 0);
export const DISCONNECT = Uint8Array.of(0xe0, 0);

/** Reads fields front to back. */
class Reader {
  constructor(
    private readonly bytes: Uint8Array,
    public at = 0,
  ) {}

  get left(): number {
    return this.bytes.length - this.at;
  }

  byte(): number {
    if (this.at >= this.bytes.length) throw new Error('packet too short');
    return this.bytes[this.at++]!;
  }

  u16(): number {
    return (this.byte() << 8) | this.byte();
  }

  u32(): number {
    return this.u16() * 65536 + this.u16();
  }

  varint(): number {
    let value = 0;
    for (let mult = 1; ; mult *= 128) {
      const b = this.byte();
      value += (b & 0x7f) * mult;
      if ((b & 0x80) === 0) return value;
      if (mult > 128 ** 3) throw new Error('bad variable length integer');
    }
  }

  binary(): Uint8Array {
    const n = this.u16();
    return this.take(n);
  }

  string(): string {
    return decoder.decode(this.binary());
  }

  take(n: number): Uint8Array {
    if (n > this.left) throw new Error('packet too short');
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}

const hex = (data: Uint8Array): string => Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');

/** Property identifiers, their names and how their values are read. */
const PROPERTY: Readonly<Record<number, [string, (r: Reader) => string]>> = {
  0x01: ['Payload Format Indicator', (r) => String(r.byte())],
  0x02: ['Message Expiry Interval', (r) => String(r.u32())],
  0x03: ['Content Type', (r) => r.string()],
  0x08: ['Response Topic', (r) => r.string()],
  0x09: ['Correlation Data', (r) => hex(r.binary())],
  0x0b: ['Subscription Identifier', (r) => String(r.varint())],
  0x11: ['Session Expiry Interval', (r) => String(r.u32())],
  0x12: ['Assigned Client Identifier', (r) => r.string()],
  0x13: ['Server Keep Alive', (r) => String(r.u16())],
  0x15: ['Authentication Method', (r) => r.string()],
  0x16: ['Authentication Data', (r) => hex(r.binary())],
  0x1a: ['Response Information', (r) => r.string()],
  0x1c: ['Server Reference', (r) => r.string()],
  0x1f: ['Reason String', (r) => r.string()],
  0x21: ['Receive Maximum', (r) => String(r.u16())],
  0x22: ['Topic Alias Maximum', (r) => String(r.u16())],
  0x23: ['Topic Alias', (r) => String(r.u16())],
  0x24: ['Maximum QoS', (r) => String(r.byte())],
  0x25: ['Retain Available', (r) => String(r.byte())],
  0x26: ['User Property', (r) => `${r.string()}=${r.string()}`],
  0x27: ['Maximum Packet Size', (r) => String(r.u32())],
  0x28: ['Wildcard Subscription Available', (r) => String(r.byte())],
  0x29: ['Subscription Identifier Available', (r) => String(r.byte())],
  0x2a: ['Shared Subscription Available', (r) => String(r.byte())],
};

function readProperties(r: Reader): ShownProperty[] {
  const end = r.varint() + r.at;
  const shown: ShownProperty[] = [];
  while (r.at < end) {
    const id = r.varint();
    const known = PROPERTY[id];
    if (known === undefined) throw new Error(`unknown property ${id}`);
    shown.push({ name: known[0], value: known[1](r) });
  }
  return shown;
}

const ACKS = { 0x4: 'puback', 0x5: 'pubrec', 0x6: 'pubrel', 0x7: 'pubcomp' } as const;

/** One whole packet (fixed header included) from the server. */
export function decodePacket(bytes: Uint8Array): ServerPacket {
  const r = new Reader(bytes);
  const first = r.byte();
  const length = r.varint();
  const body = new Reader(r.take(length));
  const type = first >> 4;
  switch (type) {
    case 0x2: {
      body.byte();
      const reasonCode = body.byte();
      return { type: 'connack', reasonCode, properties: body.left > 0 ? readProperties(body) : [] };
    }
    case 0x3: {
      const qos = ((first >> 1) & 3) as QoS;
      const topic = body.string();
      const packetId = qos > 0 ? body.u16() : 0;
      const props = readProperties(body);
      return { type: 'publish', publish: { topic, payload: body.take(body.left), qos, retain: (first & 1) === 1, packetId, properties: props } };
    }
    case 0x4:
    case 0x5:
    case 0x6:
    case 0x7:
      return { type: ACKS[type], packetId: body.u16() };
    case 0x9: {
      const packetId = body.u16();
      readProperties(body);
      return { type: 'suback', packetId, reasonCodes: Array.from(body.take(body.left)) };
    }
    case 0xb:
      return { type: 'unsuback', packetId: body.u16() };
    case 0xd:
      return { type: 'pingresp' };
    case 0xe:
      return { type: 'disconnect', reasonCode: body.left > 0 ? body.byte() : 0 };
    default:
      throw new Error(`unexpected packet type ${type}`);
  }
}

/**
 * Splits a byte stream into whole packets. Over WebSocket a message usually holds exactly one,
 * but a peer may split or join them, as over TCP.
 */
export class PacketSplitter {
  private pending = new Uint8Array(0);

  push(chunk: Uint8Array): Uint8Array[] {
    const all = new Uint8Array(this.pending.length + chunk.length);
    all.set(this.pending);
    all.set(chunk, this.pending.length);
    const out: Uint8Array[] = [];
    let at = 0;
    for (;;) {
      const size = wholeSize(all, at);
      if (size === undefined) break;
      out.push(all.subarray(at, at + size));
      at += size;
    }
    this.pending = all.slice(at);
    return out;
  }
}

function wholeSize(bytes: Uint8Array, at: number): number | undefined {
  let length = 0;
  for (let i = 1, mult = 1; i <= 4; i++, mult *= 128) {
    const b = bytes[at + i];
    if (b === undefined) return undefined;
    length += (b & 0x7f) * mult;
    if ((b & 0x80) === 0) return at + 1 + i + length <= bytes.length ? 1 + i + length : undefined;
  }
  throw new Error('bad remaining length');
}
