import assert from 'node:assert/strict';
import { appendFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AclFile } from '../../src/lib/broker/auth/acl-file.js';
import { PasswordFile } from '../../src/lib/broker/auth/password-file.js';
import { MqttClient } from '../../src/lib/client/client.js';
import { connectClient } from '../../src/lib/client/connect.js';
import { ErrorCode, isMqttError } from '../../src/lib/errors.js';
import { hashPassword } from '../../src/lib/passwd/hash.js';
import type { PublishPacket } from '../../src/lib/protocol/packets.js';
import { ACL_TEXT, ALICE, ANON, BOB, CAROL, DAVE, PLUS_ID, ROOT, ROWS, type Who } from '../broker/auth/acl-table.js';
import { passwordFile, requireMosquitto, startMosquitto } from '../support/mosquitto.js';
import { startConfBroker } from '../support/test-broker.js';
import { makeTempFolder } from '../support/run-folder.js';

/** A topic each client may read, published after the row's message: once it arrives, the row's has or never will. */
const SYNC = new Map<Who, string>([
  [ANON, 'public/sync'],
  [PLUS_ID, 'public/sync'],
  [ALICE, 'alice/sync'],
  [BOB, 'shared/sync'],
  [CAROL, 'devices/c1/sync'],
  [DAVE, 'users/dave/sync'],
  [ROOT, 'sync'],
]);

/** root publishes the messages the read rows wait for: it may write every topic outside $SYS. */
const PUBLISHER: Who = { clientId: 'publisher', username: 'root' };

interface Running {
  port: number;
  stop(): Promise<void>;
}

/** A broker started with mosquitto.conf lines: the real mosquitto 2.0, or `mqt serve -c`. */
interface Target {
  name: string;
  /** mosquitto 2.0 grants every SUBSCRIBE whatever the acl_file says; mqt refuses one nothing can be read through. */
  grantsEverySubscription: boolean;
  start(ctx: Mocha.Context, dir: string, lines: string[]): Promise<Running>;
}

const TARGETS: Target[] = [
  {
    name: 'mosquitto 2.0',
    grantsEverySubscription: true,
    start: async (ctx, _dir, lines) => {
      requireMosquitto(ctx);
      const broker = await startMosquitto(lines);
      return { port: broker.port, stop: () => broker.stop() };
    },
  },
  {
    name: 'mqt serve',
    grantsEverySubscription: false,
    start: async (_ctx, dir, lines) => {
      const serve = await startConfBroker(dir, (port) => [`listener ${port} 127.0.0.1`, ...lines]);
      return { port: serve.port, stop: () => serve.close() };
    },
  },
];

for (const target of TARGETS) {
  describe(`acl_file semantics: ${target.name} and the AclFile table agree`, function () {
    this.timeout(60_000);
    let broker: Running | undefined;
    let dir: string | undefined;
    const clients: MqttClient[] = [];
    const acl = AclFile.fromText('acl', ACL_TEXT);

    before(async function () {
      dir = await makeTempFolder('mqt-acl-interop');
      const path = join(dir, 'acl');
      await writeFile(path, ACL_TEXT);
      // No password_file: with allow_anonymous true the broker takes any username as given.
      broker = await target.start(this, dir, ['allow_anonymous true', `acl_file ${path}`]);
    });
    afterEach(() => {
      for (const client of clients.splice(0)) client.destroy();
    });
    after(async () => {
      await broker?.stop();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    async function connect(who: Who): Promise<MqttClient> {
      const client = new MqttClient({
        protocolVersion: 5,
        clientId: who.clientId,
        clean: true,
        keepalive: 60,
        ...(who.username === undefined ? {} : { username: who.username }),
      });
      clients.push(client);
      await connectClient(client, { kind: 'tcp', host: '127.0.0.1', port: broker!.port });
      return client;
    }

    function label(who: Who): string {
      return who.username ?? `anonymous "${who.clientId}"`;
    }

    it('refuses and accepts the same publishes (v5 PUBACK 0x87)', async () => {
      for (const [who, action, topic, allowed] of ROWS) {
        if (action !== 'write') continue;
        const client = await connect(who);
        const outcome = await client.publish({ topic, payload: Buffer.from('w'), qos: 1, retain: false }).then(
          () => true,
          (err: unknown) => {
            if (isMqttError(err) && err.code === ErrorCode.PublishRefused && err.reasonCode === 0x87) return false;
            throw err;
          },
        );
        assert.equal(outcome, allowed, `${target.name}: ${label(who)} write ${topic}`);
        assert.equal(acl.canWrite(who, topic), allowed, `AclFile: ${label(who)} write ${topic}`);
        client.destroy();
      }
    });

    it('delivers and withholds the same messages', async () => {
      const publisher = await connect(PUBLISHER);
      for (const [who, action, topic, allowed] of ROWS) {
        if (action !== 'read' || topic.startsWith('$')) continue;
        const sync = SYNC.get(who)!;
        assert.ok(acl.canRead(who, sync), `${sync} must be readable by ${label(who)}`);
        const client = await connect(who);
        const received: string[] = [];
        const synced = new Promise<void>((resolve) => {
          client.on('message', (packet: PublishPacket) => {
            received.push(packet.topic);
            if (packet.topic === sync) resolve();
          });
        });
        const granted = target.grantsEverySubscription || acl.canSubscribe(who, topic);
        const suback = await client.subscribe([
          { topicFilter: topic, qos: 1 },
          { topicFilter: sync, qos: 1 },
        ]);
        assert.deepEqual(suback.reasonCodes, [granted ? 1 : 0x87, 1], `${target.name}: ${label(who)} subscribe ${topic}`);
        await publisher.publish({ topic, payload: Buffer.from('r'), qos: 1, retain: false });
        await publisher.publish({ topic: sync, payload: Buffer.from('s'), qos: 1, retain: false });
        await synced;
        assert.equal(received.includes(topic), allowed, `${target.name}: ${label(who)} read ${topic}`);
        assert.equal(acl.canRead(who, topic), allowed, `AclFile: ${label(who)} read ${topic}`);
        client.destroy();
      }
    });
  });

  describe(`password_file semantics: ${target.name} and the PasswordFile table agree`, function () {
    this.timeout(60_000);
    let broker: Running | undefined;
    let dir: string | undefined;
    let table: PasswordFile | undefined;

    before(async function () {
      dir = await makeTempFolder('mqt-pw-interop');
      const file = await passwordFile(dir, { alice: 'secret', bob: 'hunter2' });
      // Lines mosquitto leaves out (and logs) while it goes on with the rest.
      await appendFile(file, `carol:secret\nnocolon\ndave:$7$0$c2FsdHNhbHRzYWx0$aGFzaA==\nerin:$6$AAAA$AAAA\n`);
      await appendFile(file, `frank:${hashPassword('pass word', 'sha512')}\n`);
      table = PasswordFile.load(file);
      broker = await target.start(this, dir, ['allow_anonymous false', `password_file ${file}`]);
    });
    after(async () => {
      await broker?.stop();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    it('accepts and refuses the same logins', async () => {
      const rows: [string | undefined, string | undefined, boolean][] = [
        ['alice', 'secret', true],
        ['alice', 'Secret', false],
        ['bob', 'hunter2', true],
        ['bob', 'secret', false],
        ['carol', 'secret', false],
        ['dave', 'secret', false],
        ['erin', 'AAAA', false],
        ['frank', 'pass word', true],
        ['nobody', 'secret', false],
        ['alice', undefined, false],
        [undefined, undefined, false],
      ];
      for (const [username, password, accepted] of rows) {
        const client = new MqttClient({
          protocolVersion: 5,
          clientId: `login-${username ?? 'anonymous'}`,
          clean: true,
          keepalive: 60,
          ...(username === undefined ? {} : { username }),
          ...(password === undefined ? {} : { password: Buffer.from(password) }),
        });
        const outcome = await connectClient(client, { kind: 'tcp', host: '127.0.0.1', port: broker!.port }).then(
          () => true,
          (err: unknown) => {
            if (isMqttError(err) && err.code === ErrorCode.ConnectionRefused && err.reasonCode === 0x87) return false;
            throw err;
          },
        );
        client.destroy();
        const who = `${username ?? '(anonymous)'} / ${password ?? '(no password)'}`;
        assert.equal(outcome, accepted, `${target.name}: ${who}`);
        if (username !== undefined) assert.equal(table!.check(username, password === undefined ? undefined : Buffer.from(password)), accepted, `PasswordFile: ${who}`);
      }
      assert.deepEqual(table!.users, ['alice', 'bob', 'frank']);
    });
  });
}
