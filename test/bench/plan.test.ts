import assert from 'node:assert/strict';
import { expandTopic, planConnections, receiversPerPublisher, type BenchSettings } from '../../src/lib/bench/plan.js';

describe('bench connection plans', () => {
  const settings = (over: Partial<BenchSettings>): BenchSettings => ({
    scenario: 'pubsub',
    publishers: 2,
    subscribers: 2,
    plainConnections: 0,
    workers: 1,
    qos: 0,
    payloadBytes: 32,
    messages: 1,
    durationMs: 1000,
    rate: undefined,
    ramp: undefined,
    topic: 't/%i',
    subTopic: 't/%i',
    clientIdPrefix: 'p-',
    target: { kind: 'tcp', host: 'localhost', port: 1883 },
    client: { protocolVersion: 4, clientId: '', clean: true, keepalive: 60, username: 'u' },
    properties: {},
    ...over,
  });

  it('expands %i, %c, %u, %% and draws %r once per connection', () => {
    assert.equal(expandTopic('a/%i/%c/%u/%%', 3, 'id', 'bob'), 'a/3/id/bob/%');
    assert.match(expandTopic('r/%r', 0, '', ''), /^r\/[0-9a-f]{8}$/);
  });

  it('pairs subscriber i with publisher i by default; a wildcard or a share group changes the count', () => {
    assert.deepEqual([...receiversPerPublisher(planConnections(settings({})))], [[0, 1], [1, 1]]);
    assert.deepEqual([...receiversPerPublisher(planConnections(settings({ subTopic: 't/#' })))], [[0, 2], [1, 2]]);
    assert.deepEqual([...receiversPerPublisher(planConnections(settings({ subTopic: '$share/g/t/#', subscribers: 3 })))], [[0, 1], [1, 1]]);
  });

  it('refuses a wildcard in a publisher topic, naming the connection', () => {
    assert.throws(
      () => planConnections(settings({ topic: 't/%i/#' })),
      (err: Error) => err.message === "Invalid topic 't/0/#' for publisher 0: no + or # in a topic name.",
    );
  });
});
