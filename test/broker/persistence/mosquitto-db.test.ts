import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readMosquittoDb } from '../../../src/lib/broker/persistence/mosquitto-db.js';
import { importMosquittoDb } from '../../../src/lib/broker/persistence/mosquitto-import.js';
import { openDurableStore } from '../../../src/lib/broker/persistence/startup.js';
import { ErrorCode, isMqttError } from '../../../src/lib/errors.js';
import { FUZZ_SEED, REPLAY } from '../../protocol/garbage.js';
import { Prng } from '../../protocol/helpers.js';
import {
  clientChunk,
  clientMessageChunk,
  configChunk,
  dbFile,
  legacyDbFile,
  retainChunk,
  storeChunk,
  subscriptionChunk,
  unknownChunk,
} from '../../support/mosquitto-db-bytes.js';
import { makeTempFolder } from '../../support/run-folder.js';

const PATH = '/var/lib/mosquitto/mosquitto.db';
const NOW = 1_800_000_000_000;
/** A v5 properties block: content type "text/plain". */
const CONTENT_TYPE = Buffer.from([13, 0x03, 0, 10, ...Buffer.from('text/plain')]);
/** Subscription identifier 7, as mosquitto keeps it with a queued message. */
const SUBSCRIPTION_ID = Buffer.from([2, 0x0b, 7]);

/** Everything a mosquitto 2.0 database holds, one of each kind. */
function fullDb(): Buffer {
  return dbFile(
    6,
    configChunk(),
    storeChunk({ id: 1, topic: 'home/temp', payload: '21.5', qos: 1, retain: true, properties: CONTENT_TYPE }),
    storeChunk({ id: 2, topic: 'home/door', payload: 'open', qos: 2 }),
    storeChunk({ id: 3, topic: 'home/old', payload: 'gone', qos: 1, expiry: 1_000_000_000 }),
    storeChunk({ id: 4, topic: 'home/in', payload: 'held', qos: 2 }),
    clientChunk({ id: 'v5-client', interval: 3600, lastMid: 41, username: 'ann', port: 1883 }),
    clientMessageChunk({ client: 'v5-client', store: 2, mid: 40, qos: 2, state: 9, direction: 'out' }),
    clientMessageChunk({ client: 'v5-client', store: 1, mid: 41, qos: 1, state: 11, direction: 'out', properties: SUBSCRIPTION_ID }),
    clientMessageChunk({ client: 'v5-client', store: 3, mid: 39, qos: 1, state: 11, direction: 'out' }),
    clientMessageChunk({ client: 'v5-client', store: 4, mid: 5, qos: 2, state: 7, direction: 'in' }),
    clientChunk({ id: 'v3-client', interval: 0xffff_ffff, lastMid: 1 }),
    clientMessageChunk({ client: 'v3-client', store: 2, mid: 1, qos: 1, state: 3, direction: 'out', retain: true }),
    clientChunk({ id: 'clean-start', interval: 0 }),
    subscriptionChunk('v5-client', 'home/#', 1, 0x04 | 0x08, 7),
    subscriptionChunk('v3-client', 'home/+', 2),
    subscriptionChunk('nobody', 'x', 0),
    unknownChunk(),
    retainChunk(1),
    retainChunk(3),
  );
}

/** Reads `data` cut at every byte: how many cuts read whole; every other one must be refused as truncated or damaged. */
function wholeReadsWhenCut(data: Buffer): number {
  let whole = 0;
  for (let end = 0; end < data.length; end++) {
    try {
      readMosquittoDb(data.subarray(0, end), PATH);
      whole++;
    } catch (err) {
      assert.ok(isMqttError(err) && err.code === ErrorCode.InvalidFile && /is a (truncated|damaged) mosquitto database: /.test(err.message), `cut at ${end}: ${String(err)}`);
    }
  }
  return whole;
}

function assertRefused(data: Buffer, what: RegExp): void {
  assert.throws(
    () => readMosquittoDb(data, PATH),
    (err: unknown) => isMqttError(err) && err.code === ErrorCode.InvalidFile && what.test(err.message),
  );
}

describe('broker persistence: reading a mosquitto database', () => {
  it('gives retained messages, sessions, subscriptions and queued, in-flight and incoming messages, dropping what expired', () => {
    const imported = importMosquittoDb(readMosquittoDb(fullDb(), PATH), NOW);
    const { state } = imported;
    assert.deepEqual([...state.retained.values()], [{ topic: 'home/temp', payload: Buffer.from('21.5'), qos: 1, retain: true, properties: { contentType: 'text/plain' } }]);
    assert.deepEqual([...state.sessions.keys()], ['v5-client', 'v3-client']);
    const v5 = state.sessions.get('v5-client')!;
    assert.equal(v5.username, 'ann');
    assert.equal(v5.listener, '1883 ');
    assert.equal(v5.lastPacketId, 41);
    assert.equal(v5.expiresAt, NOW + 3600 * 1000, 'its expiry counts from the import');
    assert.deepEqual([...v5.subscriptions.values()], [{ topicFilter: 'home/#', qos: 1, noLocal: true, retainAsPublished: true, retainHandling: 0, subscriptionIdentifier: 7 }]);
    assert.deepEqual(
      [...v5.outgoing.values()].map((o) => [o.phase, o.packetId, o.message?.topic, o.subscriptionIdentifiers]),
      [
        ['released', 40, undefined, undefined],
        ['queued', 41, 'home/temp', [7]],
      ],
    );
    assert.deepEqual([...v5.incoming.entries()].map(([mid, m]) => [mid, m.topic, m.payload.toString()]), [[5, 'home/in', 'held']]);
    const v3 = state.sessions.get('v3-client')!;
    assert.equal(v3.expiresAt, undefined, 'a 3.1.1 session never expires');
    assert.deepEqual(
      [...v3.outgoing.values()].map((o) => [o.phase, o.packetId, o.message?.qos, o.message?.retain]),
      [['sent', 1, 1, true]],
    );
    assert.deepEqual([imported.retained, imported.sessions, imported.subscriptions, imported.messages], [1, 2, 2, 4]);
    assert.deepEqual(Object.fromEntries(imported.dropped), { 'unknown-chunk': 1, expired: 2, 'ended-session': 1, 'no-session': 1 });
  });

  it('logs at start-up what it imported and where the original went, and in one warning what it left out', async () => {
    const dir = await makeTempFolder('mqt-mosquitto-import');
    const stateFile = join(dir, 'mosquitto.db');
    await writeFile(stateFile, fullDb());
    const lines: string[] = [];
    const store = await openDurableStore({ dir: `${stateFile}.journal`, stateFile, autosaveInterval: 0, autosaveOnChanges: false }, (level, text) => lines.push(`${level}: ${text}`));
    await store.close();
    await rm(dir, { recursive: true });
    assert.deepEqual(lines, [
      `notice: Imported mosquitto database ${stateFile} (format version 6): 1 retained messages, 2 sessions, 2 subscriptions and 4 queued or in-flight messages; the original is kept as ${stateFile}.mosquitto-2.0.`,
      'warning: Warning: left out of the mosquitto database: 1 chunks of a type mosquitto 2.0 does not write, 2 expired messages, 1 sessions with a session expiry interval of 0, which end with their connection, 1 subscriptions or messages of a client it holds no session for.',
    ]);
  });

  it('reads format 5 (mosquitto 1.6), whose client chunk has no username or listener', () => {
    const db = readMosquittoDb(dbFile(5, configChunk(), clientChunk({ id: 'old', interval: 60, lastMid: 3 }, 5), subscriptionChunk('old', 'a', 1)), PATH);
    assert.deepEqual(db.clients, [{ clientId: 'old', sessionExpiryInterval: 60, lastMid: 3, username: undefined, listenerPort: 0 }]);
    assert.equal(db.subscriptions.length, 1);
  });

  for (const version of [2, 3, 4] as const) {
    it(`reads format ${version} (mosquitto 1.${version + 1}), field by field and without MQTT 5`, () => {
      const data = legacyDbFile(version);
      const { state, messages } = importMosquittoDb(readMosquittoDb(data, PATH), NOW);
      assert.deepEqual([...state.retained.values()], [{ topic: 'old/retained', payload: Buffer.from('kept since 1.x'), qos: 1, retain: true }]);
      const session = state.sessions.get('old-client')!;
      assert.deepEqual([session.expiresAt, session.lastPacketId, [...session.subscriptions.keys()]], [undefined, 12, ['old/#']]);
      assert.deepEqual([...session.outgoing.values()].map((o) => [o.phase, o.packetId, o.message?.topic]), [['queued', 12, 'old/queued']]);
      assert.equal(messages, 1);
      assert.equal(wholeReadsWhenCut(data), 7, 'cut anywhere, it reads whole at the end of the header and of each of its first 6 chunks');
    });
  }

  it('refuses other format versions naming the version, and a file of other message ids', () => {
    assertRefused(dbFile(7, configChunk()), /^\/var\/lib\/mosquitto\/mosquitto\.db is a mosquitto database of format version 7, which mqt cannot read: it reads versions 2 to 6/);
    assertRefused(dbFile(6, configChunk(4)), /chunk 1 \(type 1\) at byte 23: its message ids are 4 bytes long, not 8$/);
  });

  it('says where a length runs past its chunk or the file, without allocating it, and where a topic is not one', () => {
    const data = fullDb();
    // The first message's payload length, forged to 4 GiB.
    data.writeUInt32BE(0xffff_ffff, 23 + 24 + 8 + 16);
    assertRefused(data, /^\S+ is a damaged mosquitto database: chunk 2 \(type 2\) at byte 47: its payload \(4294967295 bytes\) would run past the end of its chunk$/);
    const long = fullDb();
    long.writeUInt32BE(0x7fff_ffff, 23 + 24 + 4);
    assertRefused(long, /^\S+ is a truncated mosquitto database: chunk 2, at byte 47, declares 2147483647 bytes and \d+ remain$/);
    assertRefused(dbFile(6, storeChunk({ id: 1, topic: 'a/+', payload: '', qos: 0 })), /chunk 1 \(type 2\) at byte 23: its topic "a\/\+" is not a topic name$/);
    assertRefused(dbFile(6, subscriptionChunk('c', 'a/#/b', 0)), /chunk 1 \(type 5\) at byte 23: its topic filter "a\/#\/b" is not a topic filter$/);
  });

  it('reads a file cut anywhere as what it holds up to a chunk boundary, or refuses it as truncated', () => {
    assert.equal(wholeReadsWhenCut(fullDb()), 19, 'one whole read at the end of the header and after each of the 18 chunks before the last');
  });

  it('reads damaged bytes (formats 6 and 4) as a clear error or as data, never a crash', () => {
    const rng = new Prng(FUZZ_SEED);
    const files = [fullDb(), legacyDbFile(4)];
    for (let round = 0; round < 300; round++) {
      const bytes = Buffer.from(files[round % 2]!);
      for (let edits = rng.int(1, 4); edits > 0; edits--) bytes[rng.int(23, bytes.length - 1)] = rng.int(0, 255);
      try {
        importMosquittoDb(readMosquittoDb(bytes, PATH), NOW);
      } catch (err) {
        assert.ok(isMqttError(err) && err.code === ErrorCode.InvalidFile && err.message.startsWith(`${PATH} is a `), `${REPLAY}, round ${round}: ${String(err)}`);
      }
    }
  });
});
