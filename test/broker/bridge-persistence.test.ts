import assert from 'node:assert/strict';
import { CuttableRelay, Peer } from '../support/bridge-peers.js';
import { makeTempFolder } from '../support/run-folder.js';
import { startConfBroker, startTestBroker, type TestBroker } from '../support/test-broker.js';

describe('a bridge with persistence true, across a restart of mqt serve', function () {
  this.timeout(20_000);
  let centre: TestBroker;
  let relay: CuttableRelay;

  before(async () => {
    centre = await startTestBroker();
    relay = await CuttableRelay.start(centre.port);
  });

  after(async () => {
    await relay?.cut();
    await centre?.close();
  });

  it('keeps the QoS 1 messages queued for an absent remote, and delivers them once after the restart', async () => {
    const dir = await makeTempFolder('mqt-bridge-persist');
    await relay.cut();
    const conf = (port: number): string[] => [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'connection centre',
      `address 127.0.0.1:${relay.port}`,
      'remote_clientid edge-p',
      // No retry within the test: the remote is there before the restart.
      'restart_timeout 60',
      'topic q/# out 1',
    ];
    const first = await startConfBroker(dir, conf);
    try {
      await first.waitForLog(/^error: Error creating bridge: Broken pipe\.$/);
      const sender = await Peer.open(first.port, 'sender');
      await sender.publish('q/held', 'across', 1);
      await sender.close();
    } finally {
      await first.close();
    }
    await relay.restore();
    const watcher = await Peer.open(centre.port, 'watcher', ['q/#']);
    const second = await startConfBroker(dir, conf);
    try {
      await watcher.until('q/held', 'across');
      const sender = await Peer.open(second.port, 'sender');
      await sender.publish('q/marker', 'after', 1);
      await watcher.until('q/marker', 'after');
      assert.equal(watcher.count('q/held', 'across'), 1);
      await sender.close();
    } finally {
      await watcher.close();
      await second.close();
    }
  });
});
