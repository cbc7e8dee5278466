/** The built-in dynamic security plugin in this process: its start-up errors and what it does at once. */
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openListenerSecurity } from '../../src/lib/broker/auth/listener-security.js';
import type { SecuritySection } from '../../src/lib/broker/config/state.js';
import { initialDynsecData } from '../../src/lib/broker/dynsec/initial-config.js';
import { printDynsecFile } from '../../src/lib/broker/dynsec/config-file.js';
import { RawClient } from '../support/raw-client.js';
import { makeTempFolder } from '../support/run-folder.js';
import { startTestBroker } from '../support/test-broker.js';

const origin = { file: 'm.conf', line: 3 };
const plugin = (configFile?: string): SecuritySection => ({ dynsec: { path: 'dynamic-security', origin, ...(configFile === undefined ? {} : { configFile }) } });
const listener = (security: SecuritySection) => ({ port: 1883, protocol: 'mqtt' as const, settings: { allowAnonymous: true, maxConnections: -1 }, security });

describe('dynamic security, built in', () => {
  let dir: string;
  before(async () => {
    dir = await makeTempFolder('dynsec-unit');
  });

  it('stops the start on a broken or missing file, naming it', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"clients": [');
    assert.throws(() => openListenerSecurity([listener(plugin(broken))]), { message: `Dynamic security plugin config ${broken}: File is not valid JSON.` });
    await writeFile(broken, '{"clients": {}}');
    assert.throws(() => openListenerSecurity([listener(plugin(broken))]), { message: `Dynamic security plugin config ${broken}: "clients" is not a list.` });
    assert.throws(() => openListenerSecurity([listener(plugin(join(dir, 'none.json')))]), /none\.json/);
  });

  it('warns that a plugin without plugin_opt_config_file is not used, and refuses it beside a password_file', () => {
    const security = openListenerSecurity([listener(plugin())]);
    assert.deepEqual(security.problems.map((p) => p.message), ['Dynamic security plugin has no plugin_opt_config_file defined. The plugin will not be activated.']);
    assert.throws(() => openListenerSecurity([listener({ ...plugin(join(dir, 'x.json')), passwordFile: join(dir, 'pw') })]), {
      message: 'm.conf:3: the dynamic security plugin cannot be combined with password_file or acl_file.',
    });
  });

  it('never routes a $CONTROL message to subscribers, and answers only on the response topic', async () => {
    const file = join(dir, 'dynsec.json');
    await writeFile(file, printDynsecFile(initialDynsecData('admin', 'pw')), { mode: 0o644 });
    const broker = await startTestBroker({ security: plugin(file) });
    try {
      const { client: admin } = await RawClient.connected(broker.port, { clientId: 'adm', username: 'admin', password: Buffer.from('pw') }, 5);
      admin.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: '$CONTROL/#', qos: 0 }] });
      assert.deepEqual((await admin.next('suback')).reasonCodes, [0]);
      const command = { commands: [{ command: 'createClient', username: 'alice', password: 'a' }] };
      admin.send({ type: 'publish', topic: '$CONTROL/dynamic-security/v1', payload: Buffer.from(JSON.stringify(command)), qos: 1, packetId: 2, retain: false, dup: false });
      assert.equal((await admin.next('puback')).reasonCode ?? 0, 0);
      const answer = await admin.next('publish');
      assert.equal(answer.topic, '$CONTROL/dynamic-security/v1/response');
      assert.equal(answer.payload.toString(), '{"responses":[{"command":"createClient"}]}');
      // The answer comes once the file holds the change; a rewritten file is private.
      assert.match(await readFile(file, 'utf8'), /"username":\t"alice"/);
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      admin.send({ type: 'publish', topic: '$CONTROL/dynamic-security/v2', payload: Buffer.from('{}'), qos: 1, packetId: 3, retain: false, dup: false });
      await admin.next('puback');
      await admin.assertNone('publish', 'nothing on a $CONTROL topic reaches a subscriber');
      // Changes faster than the disk: every answer comes, in order, and the file ends with all of them.
      for (let i = 0; i < 40; i++) {
        const create = { commands: [{ command: 'createGroup', groupname: `g${i}` }] };
        admin.send({ type: 'publish', topic: '$CONTROL/dynamic-security/v1', payload: Buffer.from(JSON.stringify(create)), qos: 0, retain: false, dup: false });
      }
      for (let i = 0; i < 40; i++) assert.equal((await admin.next('publish')).payload.toString(), '{"responses":[{"command":"createGroup"}]}');
      assert.equal((await readFile(file, 'utf8')).match(/"groupname":/g)?.length, 40);
      admin.close();
    } finally {
      await broker.close();
    }
  });
});
