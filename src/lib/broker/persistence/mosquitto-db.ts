/**
 * Reads the database file mosquitto writes (persistence true): format versions 2 to 6 of
 * mosquitto's persist.h, as mosquitto 2.0's persist_read*.c reads them. The layout:
 *
 *   magic (15 bytes) | CRC (u32, always written 0 and never checked) | version (u32 BE)
 *   chunks: type (u32 BE; u16 before version 5) | length (u32 BE) | body of that length
 *
 * From version 5 each chunk body starts with a fixed C struct written as it lies in memory: 16-
 * and 32-bit fields big-endian, 64-bit ones (message store ids, times) in the writer's byte
 * order, read here as little-endian (x86 and ARM), padding included. Variable fields follow it,
 * lengths from the struct; v5 properties take what remains of the body. Before version 5 the
 * fields come one by one, each string after its 16-bit length, and there are no properties.
 *
 * Every length is checked against its chunk and every chunk against the file, so a damaged or
 * cut file is an error naming where, and nothing is allocated beyond the file's own bytes.
 */
import { ErrorCode, isMqttError, MqttError } from '../../errors.js';
import type { QoS } from '../../protocol/packets.js';
import type { Properties } from '../../protocol/properties.js';
import { readProperties } from '../../protocol/property-codec.js';
import { decodeUtf8, Reader } from '../../protocol/wire.js';
import { isValidTopicFilter, isValidTopicName } from '../../topic.js';
import { NEVER_EXPIRES } from '../session.js';

/** persist.h's magic: the first bytes of every mosquitto database. */
export const MOSQUITTO_DB_MAGIC = Buffer.from('\x00\xb5\x00mosquitto db', 'latin1');
const HEADER_BYTES = MOSQUITTO_DB_MAGIC.length + 4 + 4;

/** The mosquitto release that wrote each format version (its first, for formats several wrote). */
export const MOSQUITTO_RELEASE: Readonly<Record<number, string>> = { 2: '1.3', 3: '1.4', 4: '1.5', 5: '1.6', 6: '2.0' };

/** persist.h DB_CHUNK_*. */
const Chunk = { Config: 1, MessageStore: 2, ClientMessage: 3, Retain: 4, Subscription: 5, Client: 6 } as const;

/** The struct sizes mosquitto writes (sizeof on a 64-bit build, tail padding included). */
const CONFIG_BYTES = 16;
const MESSAGE_STORE_BYTES = 32;
const CLIENT_MESSAGE_BYTES = 16;
const RETAIN_BYTES = 8;
const SUBSCRIPTION_BYTES = 12;
const CLIENT_BYTES: Readonly<Record<number, number>> = { 5: 16, 6: 24 };
/** mosquitto's dbid_t is 8 bytes; a file with other ids was written by a build mqt cannot follow. */
const DBID_BYTES = 8;

/** A message of mosquitto's message store, which retained messages and client queues refer to by id. */
export interface MosquittoMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: QoS;
  readonly retain: boolean;
  /** Seconds since the epoch; 0: never expires. */
  readonly expiryTime: number;
  readonly properties: Properties | undefined;
}

/** A persistent session. */
export interface MosquittoClient {
  readonly clientId: string;
  readonly sessionExpiryInterval: number;
  /** The packet id it took last. */
  readonly lastMid: number;
  /** Version 6 only. */
  readonly username: string | undefined;
  /** The port of the listener it last came through; 0 when unknown (version 5). */
  readonly listenerPort: number;
}

/** One message in a client's queues: lib/mosquitto_internal.h's mosq_ms_* says where it stands. */
export interface MosquittoClientMessage {
  readonly clientId: string;
  /** Key into MosquittoDb.messages. */
  readonly storeId: string;
  readonly mid: number;
  readonly qos: QoS;
  readonly state: number;
  readonly retain: boolean;
  readonly direction: 'in' | 'out';
  readonly subscriptionIdentifiers: readonly number[] | undefined;
}

export interface MosquittoSubscription {
  readonly clientId: string;
  readonly topicFilter: string;
  readonly qos: QoS;
  readonly noLocal: boolean;
  readonly retainAsPublished: boolean;
  /** 0: none. */
  readonly identifier: number;
}

export interface MosquittoDb {
  readonly version: number;
  /** By store id (its 8 bytes in hex, whatever their order). */
  readonly messages: Map<string, MosquittoMessage>;
  readonly clients: MosquittoClient[];
  readonly clientMessages: MosquittoClientMessage[];
  readonly subscriptions: MosquittoSubscription[];
  /** Store ids of the retained messages. */
  readonly retained: string[];
  /** Chunks of a type mosquitto 2.0 does not write, skipped as mosquitto skips them. */
  unknownChunks: number;
}

export function isMosquittoDb(data: Buffer): boolean {
  return data.subarray(0, MOSQUITTO_DB_MAGIC.length).equals(MOSQUITTO_DB_MAGIC);
}

/** Reads a whole mosquitto database (`data` starts with its magic); `path` names it in errors. */
export function readMosquittoDb(data: Buffer, path: string): MosquittoDb {
  if (data.length < HEADER_BYTES) throw damaged(path, `only ${data.length} bytes, shorter than its ${HEADER_BYTES}-byte header`);
  const version = data.readUInt32BE(HEADER_BYTES - 4);
  if (MOSQUITTO_RELEASE[version] === undefined) {
    throw new MqttError(
      ErrorCode.InvalidFile,
      `${path} is a mosquitto database of format version ${version}, which mqt cannot read: it reads versions 2 to 6 (mosquitto 1.3 to 2.0)`,
      { hint: 'start that mosquitto version once more and stop it, or move the file away to start with an empty store' },
    );
  }
  const db: MosquittoDb = { version, messages: new Map(), clients: [], clientMessages: [], subscriptions: [], retained: [], unknownChunks: 0 };
  const typeBytes = version >= 5 ? 4 : 2;
  let offset = HEADER_BYTES;
  for (let index = 1; offset < data.length; index++) {
    const start = offset + typeBytes + 4;
    if (data.length < start) throw truncated(path, `chunk ${index}, at byte ${offset}, has only ${data.length - offset} of its ${typeBytes + 4} header bytes`);
    const type = typeBytes === 4 ? data.readUInt32BE(offset) : data.readUInt16BE(offset);
    const length = data.readUInt32BE(offset + typeBytes);
    if (length > data.length - start) throw truncated(path, `chunk ${index}, at byte ${offset}, declares ${length} bytes and ${data.length - start} remain`);
    try {
      (version >= 5 ? readChunk : readChunkV234)(db, type, new Reader(data, start, start + length));
    } catch (err) {
      // The codec's words name a packet; here the bytes are a chunk of a file.
      if (isMqttError(err) && err.code !== ErrorCode.InvalidFile) throw damaged(path, `chunk ${index} (type ${type}) at byte ${offset}: ${err.message.replace(/^(Malformed packet|Protocol error): /, '')}`);
      throw err;
    }
    offset = start + length;
  }
  return db;
}

function readChunk(db: MosquittoDb, type: number, r: Reader): void {
  switch (type) {
    case Chunk.Config:
      return readConfig(r);
    case Chunk.MessageStore: {
      const [id, message] = readMessage(r);
      db.messages.set(id, message);
      return;
    }
    case Chunk.ClientMessage:
      db.clientMessages.push(readClientMessage(r));
      return;
    case Chunk.Retain:
      db.retained.push(storeId(r, fixed(r, RETAIN_BYTES)));
      return;
    case Chunk.Subscription:
      db.subscriptions.push(readSubscription(r));
      return;
    case Chunk.Client:
      db.clients.push(readClient(r, CLIENT_BYTES[db.version]!));
      return;
    default:
      db.unknownChunks++;
  }
}

function readConfig(r: Reader): void {
  const at = fixed(r, CONFIG_BYTES);
  checkIdSize(r.buf[at + 9]!);
}

function checkIdSize(bytes: number): void {
  if (bytes !== DBID_BYTES) throw invalid(`its message ids are ${bytes} bytes long, not ${DBID_BYTES}`);
}

/** Formats 2 to 4 (mosquitto 1.3 to 1.5, persist_read_v234.c): fields one by one, no MQTT 5. */
function readChunkV234(db: MosquittoDb, type: number, r: Reader): void {
  switch (type) {
    case Chunk.Config:
      r.u8('shutdown flag');
      checkIdSize(r.u8('id size'));
      take(r, DBID_BYTES, 'last message id');
      return;
    case Chunk.MessageStore: {
      const id = storeId(r, fixed(r, DBID_BYTES));
      take(r, r.u16('source id length'), 'source client id');
      if (db.version === 4) {
        take(r, r.u16('source username length'), 'source username');
        r.u16('source port');
      }
      take(r, 4, 'source and own packet ids');
      const topic = topicName(r, r.u16('topic length'));
      const level = qos(r.u8('QoS'));
      const retain = r.u8('retain') !== 0;
      const payload = Buffer.from(take(r, r.u32('payload length'), 'payload'));
      db.messages.set(id, { topic, payload, qos: level, retain, expiryTime: 0, properties: undefined });
      return;
    }
    case Chunk.ClientMessage: {
      const clientId = text(r, r.u16('client id length'), 'client id');
      const id = storeId(r, fixed(r, DBID_BYTES));
      const mid = r.u16('packet id');
      const level = qos(r.u8('QoS'));
      const retain = r.u8('retain') !== 0;
      const direction = r.u8('direction') === 0 ? 'in' : 'out';
      const state = r.u8('state');
      r.u8('dup');
      db.clientMessages.push({ clientId, storeId: id, mid, qos: level, state, retain, direction, subscriptionIdentifiers: undefined });
      return;
    }
    case Chunk.Retain:
      db.retained.push(storeId(r, fixed(r, RETAIN_BYTES)));
      return;
    case Chunk.Subscription: {
      const clientId = text(r, r.u16('client id length'), 'client id');
      const topicFilter = filter(r, r.u16('topic filter length'));
      db.subscriptions.push({ clientId, topicFilter, qos: qos(r.u8('QoS')), noLocal: false, retainAsPublished: false, identifier: 0 });
      return;
    }
    case Chunk.Client: {
      const clientId = text(r, r.u16('client id length'), 'client id');
      const lastMid = r.u16('last packet id');
      // Format 3 added the time the client left (a 64-bit time_t), which nothing reads.
      if (db.version > 2) take(r, 8, 'disconnect time');
      // Before MQTT 5 a persistent session never expires.
      db.clients.push({ clientId, sessionExpiryInterval: NEVER_EXPIRES, lastMid, username: undefined, listenerPort: 0 });
      return;
    }
    default:
      db.unknownChunks++;
  }
}

function readMessage(r: Reader): [string, MosquittoMessage] {
  const at = fixed(r, MESSAGE_STORE_BYTES);
  const b = r.buf;
  const payloadLength = b.readUInt32BE(at + 16);
  const sourceIdLength = b.readUInt16BE(at + 22);
  const usernameLength = b.readUInt16BE(at + 24);
  const topicLength = b.readUInt16BE(at + 26);
  // The source client and username feed check_retain_source; they are not imported, so an imported retained message is checked as the broker's own.
  take(r, sourceIdLength + usernameLength, 'source client id and username');
  const topic = topicName(r, topicLength);
  const payload = Buffer.from(take(r, payloadLength, 'payload'));
  const properties = r.remaining() > 0 ? readProperties(r, 'publish') : undefined;
  if (r.remaining() > 0) throw invalid(`${r.remaining()} bytes follow its properties`);
  const expiryTime = Number(b.readBigInt64LE(at + 8));
  return [storeId(r, at), { topic, payload, qos: qos(b[at + 30]!), retain: b[at + 31] !== 0, expiryTime: Math.max(0, expiryTime), properties }];
}

function readClientMessage(r: Reader): MosquittoClientMessage {
  const at = fixed(r, CLIENT_MESSAGE_BYTES);
  const b = r.buf;
  const clientId = text(r, b.readUInt16BE(at + 10), 'client id');
  const properties = r.remaining() > 0 ? readProperties(r, 'publish') : undefined;
  return {
    clientId,
    storeId: storeId(r, at),
    mid: b.readUInt16BE(at + 8),
    qos: qos(b[at + 12]!),
    state: b[at + 13]!,
    // retain in the high nibble, dup in the low one.
    retain: b[at + 14]! >> 4 !== 0,
    direction: b[at + 15] === 0 ? 'in' : 'out',
    subscriptionIdentifiers: properties?.subscriptionIdentifiers,
  };
}

function readSubscription(r: Reader): MosquittoSubscription {
  const at = fixed(r, SUBSCRIPTION_BYTES);
  const b = r.buf;
  const clientId = text(r, b.readUInt16BE(at + 4), 'client id');
  const topicFilter = filter(r, b.readUInt16BE(at + 6));
  const options = b[at + 9]!;
  return { clientId, topicFilter, qos: qos(b[at + 8]!), noLocal: (options & 0x04) !== 0, retainAsPublished: (options & 0x08) !== 0, identifier: b.readUInt32BE(at) };
}

function readClient(r: Reader, structBytes: number): MosquittoClient {
  const at = fixed(r, structBytes);
  const b = r.buf;
  const clientId = text(r, b.readUInt16BE(at + 14), 'client id');
  const v6 = structBytes === CLIENT_BYTES[6];
  const usernameLength = v6 ? b.readUInt16BE(at + 18) : 0;
  return {
    clientId,
    sessionExpiryInterval: b.readUInt32BE(at + 8),
    lastMid: b.readUInt16BE(at + 12),
    username: usernameLength > 0 ? text(r, usernameLength, 'username') : undefined,
    listenerPort: v6 ? b.readUInt16BE(at + 16) : 0,
  };
}

/** Steps over a chunk's fixed struct; returns where it starts. */
function fixed(r: Reader, bytes: number): number {
  const at = r.pos;
  take(r, bytes, 'fixed fields');
  return at;
}

function take(r: Reader, bytes: number, what: string): Buffer {
  if (r.remaining() < bytes) throw invalid(`its ${what} (${bytes} bytes) would run past the end of its chunk`);
  r.pos += bytes;
  return r.buf.subarray(r.pos - bytes, r.pos);
}

function text(r: Reader, bytes: number, what: string): string {
  const at = r.pos;
  take(r, bytes, what);
  return decodeUtf8(r.buf, at, at + bytes);
}

function topicName(r: Reader, bytes: number): string {
  const topic = text(r, bytes, 'topic');
  if (!isValidTopicName(topic)) throw invalid(`its topic "${topic}" is not a topic name`);
  return topic;
}

function filter(r: Reader, bytes: number): string {
  const topicFilter = text(r, bytes, 'topic filter');
  if (!isValidTopicFilter(topicFilter)) throw invalid(`its topic filter "${topicFilter}" is not a topic filter`);
  return topicFilter;
}

function storeId(r: Reader, at: number): string {
  return r.buf.toString('hex', at, at + DBID_BYTES);
}

function qos(value: number): QoS {
  if (value > 2) throw invalid(`QoS ${value}`);
  return value as QoS;
}

function invalid(what: string): MqttError {
  return new MqttError(ErrorCode.MalformedPacket, what);
}

function damaged(path: string, what: string): MqttError {
  return new MqttError(ErrorCode.InvalidFile, `${path} is a damaged mosquitto database: ${what}`, { hint: 'move it away to start with an empty store' });
}

function truncated(path: string, what: string): MqttError {
  return new MqttError(ErrorCode.InvalidFile, `${path} is a truncated mosquitto database: ${what}`, { hint: 'move it away to start with an empty store' });
}
