import assert from 'node:assert/strict';
import { MqttClient } from '../../src/lib/client/client.js';
import { connectClient } from '../../src/lib/client/connect.js';
import { startInProcess, stopInProcess } from '../support/in-process.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';

const ESC = '\x1b[';

describe("mqt sub's views of mosquitto 2.1: -w and --message-rate", () => {
  let broker: TestBroker;
  let publisher: MqttClient;
  before(async () => {
    broker = await startTestBroker();
    publisher = new MqttClient({ protocolVersion: 4, clientId: 'watch-pub', clean: true, keepalive: 30 });
    await connectClient(publisher, { kind: 'tcp', host: '127.0.0.1', port: broker.port });
  });
  after(async () => {
    await stopInProcess();
    await publisher.disconnect(0);
    await broker.close();
  });

  it('--message-rate prints "N msgs/s" each second, counting every message and printing none, until stopped', async () => {
    const sub = startInProcess(['sub', '-p', String(broker.port), '-i', 'rate', '-t', 'rate/#', '-C', '1', '--message-rate'], { mosquitto: true });
    await broker.waitForLog(/Received SUBSCRIBE from rate\b/);
    await publisher.publish({ topic: 'rate/a', payload: Buffer.from('one'), qos: 1, retain: false });
    await publisher.publish({ topic: 'rate/b', payload: Buffer.from('two'), qos: 1, retain: false });
    await publisher.publish({ topic: 'rate/a', payload: Buffer.from('three'), qos: 1, retain: false });
    const counted = (): number => [...sub.stdout.matchAll(/^(\d+) msgs\/s$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    // A line a second: wait for each next one until the three are counted (-C 1 does not end it).
    for (let lines = 1; counted() < 3; lines++) await sub.waitForOutput(new RegExp(`^(?:\\d+ msgs/s\\n){${lines}}`), 5000, 'stdout');
    await sub.stop();
    const result = await sub.exited;
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^(\d+ msgs\/s\n)+$/);
    assert.equal(counted(), 3);
  });

  it('names the broker on row 1 and prints each topic on its own row, the first one seen on row 2', async () => {
    await publisher.publish({ topic: 'w/a', payload: Buffer.from('long'), qos: 1, retain: true });
    const sub = startInProcess(['sub', '-h', '127.0.0.1', '-p', String(broker.port), '-t', 'w/#', '-w', '-C', '3'], { mosquitto: true });
    await sub.waitForOutput(/long/, 5000, 'stdout');
    await publisher.publish({ topic: 'w/b', payload: Buffer.from('x'), qos: 1, retain: false });
    await sub.waitForOutput(/x\n/, 5000, 'stdout');
    await publisher.publish({ topic: 'w/a', payload: Buffer.from('s'), qos: 1, retain: false });
    const result = await sub.waitForExit(5000);
    assert.equal(result.code, 0);
    assert.equal(
      result.stdout,
      `${ESC}2J${ESC}1;1HBroker: 127.0.0.1\n` +
        `${ESC}2;1H${ESC}Klong\n${ESC}2;1H\n` +
        `${ESC}3;1H${ESC}Kx\n${ESC}3;1H\n` +
        `${ESC}2;1H${ESC}Ks\n${ESC}3;1H\n`,
    );
  });
});
