import assert from 'node:assert/strict';
import { Authorizer } from '../../../src/lib/broker/auth/authorizer.js';
import { PasswordFile } from '../../../src/lib/broker/auth/password-file.js';
import { MAX_WAITING, SlowCheckQueue } from '../../../src/lib/broker/auth/slow-check-queue.js';
import { parsePasswdFile } from '../../../src/lib/passwd/file.js';
import { ConnackReturnCode } from '../../../src/lib/protocol/reason-codes.js';
import { useMemoryBroker } from '../../support/memory-broker.js';
import { memoryPair } from '../../support/memory-pair.js';
import { RawClient } from '../../support/raw-client.js';

/** The password "secret", by the reference argon2 CLI (see test/passwd/hash.test.ts); small costs keep it cheap. */
const ALICE = '$argon2id$v=19$m=256,t=2,p=2$c2FsdHNhbHRzYWx0c2FsdA$QFKX5Faccg/XuSh9t6CQGQGZp9f/Ggly2ARzmlhiXdE';

describe('broker argon2id logins', () => {
  const memoryBroker = useMemoryBroker();
  const argonBroker = (): ReturnType<typeof memoryBroker> => {
    const passwords = PasswordFile.fromLines('passwd', parsePasswdFile(Buffer.from(`alice:${ALICE}\n`)));
    return memoryBroker({ auth: new Authorizer({ passwords }), settings: { allowAnonymous: false } });
  };

  it('lets an argon2id user in, reading nothing sent behind the CONNECT until then: a SUBSCRIBE right behind it is served after the CONNACK', async () => {
    const { broker, listener } = argonBroker();
    const [near, far] = memoryPair();
    broker.handleConnection(far, { remoteAddress: '127.0.0.1', remotePort: 40100, listener });
    const client = RawClient.over(near, 4);
    try {
      client.send({ type: 'connect', protocolVersion: 4, clean: true, keepalive: 60, clientId: 'b', username: 'alice', password: Buffer.from('secret') });
      client.send({ type: 'subscribe', packetId: 7, subscriptions: [{ topicFilter: 't', qos: 0 }] });
      assert.equal((await client.next('connack')).reasonCode, 0);
      assert.equal((await client.next('suback')).packetId, 7);
    } finally {
      client.close();
    }
  });

  it('refuses a wrong password with Not authorized', async () => {
    const { connack } = await argonBroker().connect({ clientId: 'c', username: 'alice', password: Buffer.from('Secret') });
    assert.equal(connack.reasonCode, ConnackReturnCode.NotAuthorized);
  });
});

describe('slow password checks', () => {
  it('runs one at a time, skips the check of a client gone while it waited, and refuses past the bound', async () => {
    const queue = new SlowCheckQueue();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const ran: string[] = [];
    const check = (name: string, wait?: Promise<void>) => async (): Promise<boolean> => {
      ran.push(`${name} start`);
      await wait;
      ran.push(`${name} end`);
      return true;
    };
    let goneAway = false;
    const first = queue.run(check('first', gate));
    const gone = queue.run(check('gone'), () => goneAway);
    const last = queue.run(check('last'));
    const fillers = Array.from({ length: MAX_WAITING - queue.waiting }, () => queue.run(() => Promise.resolve(true)));
    assert.equal(await queue.run(check('over the bound')), false);
    goneAway = true;
    assert.deepEqual(ran, ['first start']);
    open();
    assert.deepEqual(await Promise.all([first, gone, last]), [true, false, true]);
    await Promise.all(fillers);
    assert.deepEqual(ran, ['first start', 'first end', 'last start', 'last end']);
  });
});
