import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { DurableStore, type JournalPort } from '../../../src/lib/broker/persistence/durable.js';
import { Journal } from '../../../src/lib/broker/persistence/journal.js';
import type { JournalRecord } from '../../../src/lib/broker/persistence/records.js';
import { restoreBroker } from '../../../src/lib/broker/persistence/startup.js';
import { RawClient } from '../../support/raw-client.js';
import { startTestBroker, type TestBroker } from '../../support/test-broker.js';
import { makeTempFolder } from '../../support/run-folder.js';

const SETTINGS = { dir: '', autosaveInterval: 0, autosaveOnChanges: false };

/** A journal whose commits are held back until `release()`: what a slow disk looks like to the broker. */
class HeldJournal implements JournalPort {
  private held: (() => void)[] = [];
  constructor(private readonly journal: Journal) {}
  get state(): Journal['state'] {
    return this.journal.state;
  }
  get stats(): Journal['stats'] {
    return this.journal.stats;
  }
  append(record: JournalRecord): Promise<void> {
    const written = this.journal.append(record);
    return new Promise((resolve, reject) => {
      this.held.push(() => {
        written.then(resolve, reject);
      });
    });
  }
  release(): void {
    for (const go of this.held.splice(0)) go();
  }
  compact(): Promise<void> {
    return this.journal.compact();
  }
  close(): Promise<void> {
    this.release();
    return this.journal.close();
  }
}

describe('broker with persistence: acknowledgements wait for the journal', function () {
  let dir: string;
  let tb: TestBroker | undefined;
  let durable: DurableStore | undefined;
  const raws: RawClient[] = [];

  beforeEach(async () => {
    dir = await makeTempFolder('mqt-durable');
  });
  afterEach(async () => {
    for (const r of raws.splice(0)) r.close();
    await tb?.close();
    await durable?.close();
    tb = undefined;
    durable = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function client(clientId: string, clean = true, username?: string): Promise<RawClient> {
    const { client } = await RawClient.connected(tb!.port, { clientId, clean, ...(username === undefined ? {} : { username }) });
    raws.push(client);
    return client;
  }

  async function persistentSubscriber(clientId: string, topicFilter: string): Promise<RawClient> {
    const sub = await client(clientId, false, 'reader');
    sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter, qos: 1 }] });
    await sub.next('suback');
    return sub;
  }

  it('holds PUBACK until the queued copy is on disk, keeps later acks behind it, and does not hold what touches no durable state', async () => {
    const journal = new HeldJournal(await Journal.open(dir));
    durable = new DurableStore(journal, SETTINGS, () => undefined);
    tb = await startTestBroker({ durable });
    const away = await client('away', false);
    away.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'kept', qos: 1 }] });
    await away.assertNone('suback', 'the SUBACK waits for the journal');
    journal.release();
    await away.next('suback');
    away.close();

    const pub = await client('publisher');
    pub.send({ type: 'publish', topic: 'nobody', payload: Buffer.from('x'), qos: 1, retain: false, dup: false, packetId: 1 });
    assert.equal((await pub.next('puback')).packetId, 1, 'a message nobody keeps is acknowledged at once');

    await tb.waitForLog(/Client away (disconnected|closed its connection)/);
    pub.send({ type: 'publish', topic: 'kept', payload: Buffer.from('a'), qos: 1, retain: false, dup: false, packetId: 2 });
    pub.send({ type: 'publish', topic: 'nobody', payload: Buffer.from('b'), qos: 1, retain: false, dup: false, packetId: 3 });
    await pub.assertNone('puback', 'both PUBACKs wait for the journal');
    journal.release();
    assert.equal((await pub.next('puback')).packetId, 2);
    assert.equal((await pub.next('puback')).packetId, 3);
  });

  it('persistent_client_expiration ends a v3 persistent session, in the journal too', async () => {
    durable = new DurableStore(await Journal.open(dir), SETTINGS, () => undefined);
    tb = await startTestBroker({ durable, limits: { persistentClientExpiration: 0.2 } });
    (await client('forgetful', false)).close();
    await tb.waitForLog(/Expiring client forgetful due to timeout\./, 2000);
    const { client: again, connack } = await RawClient.connected(tb.port, { clientId: 'forgetful', clean: false });
    raws.push(again);
    assert.equal(connack.sessionPresent, false);
    await durable.lastCommit;
    assert.equal(durable.state.sessions.get('forgetful')?.expiresAt, undefined, 'the new session does not expire while connected');
  });

  it('autosave_on_changes: compacts the journal into a snapshot after autosave_interval changes', async () => {
    durable = new DurableStore(await Journal.open(dir), { dir, autosaveInterval: 3, autosaveOnChanges: true }, () => undefined);
    tb = await startTestBroker({ durable });
    const pub = await client('retainer');
    for (const n of [1, 2, 3]) {
      pub.send({ type: 'publish', topic: `kept/${n}`, payload: Buffer.from('x'), qos: 1, retain: true, dup: false, packetId: n });
      await pub.next('puback');
    }
    const deadline = Date.now() + 2000;
    while (!(await readdir(dir)).includes('snapshot') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok((await readdir(dir)).includes('snapshot'), `no snapshot in ${(await readdir(dir)).join(', ')}`);
    assert.equal(durable.state.retained.size, 3);
  });

  it('keeps an incoming QoS 2 message awaiting PUBREL across a restart: the resend is acknowledged, the PUBREL delivers it once', async () => {
    durable = new DurableStore(await Journal.open(dir), SETTINGS, () => undefined);
    tb = await startTestBroker({ durable });
    const publisher = await client('exactly-once', false);
    publisher.send({ type: 'publish', topic: 'once', payload: Buffer.from('1'), qos: 2, retain: false, dup: false, packetId: 7 });
    assert.equal((await publisher.next('pubrec')).packetId, 7);
    await tb.close();
    await durable.close();

    durable = new DurableStore(await Journal.open(dir), SETTINGS, () => undefined);
    tb = await startTestBroker({ durable });
    restoreBroker(tb.broker, durable);
    const watcher = await client('watcher');
    watcher.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'once', qos: 2 }] });
    await watcher.next('suback');
    const back = await client('exactly-once', false);
    back.send({ type: 'publish', topic: 'once', payload: Buffer.from('1'), qos: 2, retain: false, dup: true, packetId: 7 });
    assert.equal((await back.next('pubrec')).packetId, 7);
    await watcher.assertNone('publish', 'delivered before its PUBREL');
    back.send({ type: 'pubrel', packetId: 7 });
    assert.equal((await back.next('pubcomp')).packetId, 7);
    const delivered = await watcher.next('publish');
    assert.equal(delivered.payload.toString(), '1');
    await watcher.assertNone('publish', 'delivered twice');
  });

  it("goes on from a persistent session's last packet id after a restart, as mosquitto keeps last_mid", async () => {
    durable = new DurableStore(await Journal.open(dir), SETTINGS, () => undefined);
    tb = await startTestBroker({ durable });
    const sub = await client('counting', false);
    sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'count', qos: 1 }] });
    await sub.next('suback');
    const pub = await client('counter');
    for (let n = 1; n <= 3; n++) {
      pub.send({ type: 'publish', topic: 'count', payload: Buffer.from(`${n}`), qos: 1, retain: false, dup: false, packetId: n });
      const got = await sub.next('publish');
      assert.equal(got.packetId, n);
      sub.send({ type: 'puback', packetId: n });
    }
    await sub.ping();
    await tb.close();
    await durable.close();

    durable = new DurableStore(await Journal.open(dir), SETTINGS, () => undefined);
    tb = await startTestBroker({ durable });
    restoreBroker(tb.broker, durable);
    const back = await client('counting', false);
    const again = await client('counter');
    again.send({ type: 'publish', topic: 'count', payload: Buffer.from('4'), qos: 1, retain: false, dup: false, packetId: 1 });
    assert.equal((await back.next('publish')).packetId, 4);
  });

  it('keeps the subscription identifiers of the queued copies across a restart (v5)', async () => {
    const first = new DurableStore(await Journal.open(dir), SETTINGS, () => undefined);
    tb = await startTestBroker({ durable: first });
    const away = await RawClient.connected(tb.port, { clientId: 'tagged', clean: false, properties: { sessionExpiryInterval: 300 } }, 5);
    away.client.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 't/#', qos: 1 }], properties: { subscriptionIdentifiers: [7] } });
    await away.client.next('suback');
    away.client.send({ type: 'subscribe', packetId: 2, subscriptions: [{ topicFilter: 't/+', qos: 1 }], properties: { subscriptionIdentifiers: [9] } });
    await away.client.next('suback');
    away.client.send({ type: 'disconnect', reasonCode: 0 });
    away.client.close();
    const pub = await client('publisher');
    pub.send({ type: 'publish', topic: 't/x', payload: Buffer.from('kept'), qos: 1, retain: false, dup: false, packetId: 1 });
    await pub.next('puback');
    await tb.close();
    await first.close();

    durable = new DurableStore(await Journal.open(dir), SETTINGS, () => undefined);
    tb = await startTestBroker({ durable });
    restoreBroker(tb.broker, durable);
    const { client: back } = await RawClient.connected(tb.port, { clientId: 'tagged', clean: false, properties: { sessionExpiryInterval: 300 } }, 5);
    raws.push(back);
    // A copy per subscription, as for an MQTT 5 client online.
    const copies = [await back.next('publish'), await back.next('publish')];
    assert.deepEqual(copies.map((m) => `${m.payload.toString()} ${String(m.properties?.subscriptionIdentifiers)}`).sort(), ['kept 7', 'kept 9']);
  });

  it('restores a session after a restart: its unacknowledged message comes again with DUP and its packet id, the queued one after it', async () => {
    const first = new DurableStore(await Journal.open(dir), SETTINGS, () => undefined);
    tb = await startTestBroker({ durable: first, limits: { maxInflightMessages: 1 } });
    const subscriber = await persistentSubscriber('resumer', 'r/#');
    const pub = await client('publisher');
    for (const [i, text] of ['one', 'two'].entries()) {
      pub.send({ type: 'publish', topic: 'r/x', payload: Buffer.from(text), qos: 1, retain: false, dup: false, packetId: i + 1 });
      await pub.next('puback');
    }
    const inflight = await subscriber.next('publish');
    assert.equal(inflight.payload.toString(), 'one');
    await tb.close();
    await first.close();

    durable = new DurableStore(await Journal.open(dir), SETTINGS, () => undefined);
    tb = await startTestBroker({ durable });
    assert.deepEqual(restoreBroker(tb.broker, durable), { retained: 0, sessions: 1, messages: 2 });
    assert.equal(durable.state.sessions.get('resumer')?.username, 'reader', 'access checks while it is away use its user');
    const back = await client('resumer', false);
    const again = await back.next('publish');
    assert.deepEqual([again.payload.toString(), again.dup, again.packetId], ['one', true, inflight.packetId]);
    back.send({ type: 'puback', packetId: again.packetId! });
    const queued = await back.next('publish');
    assert.deepEqual([queued.payload.toString(), queued.dup], ['two', false]);
  });
});
