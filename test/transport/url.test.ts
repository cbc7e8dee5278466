import assert from 'node:assert/strict';
import { ErrorCode, MqttError } from '../../src/lib/errors.js';
import { parseBrokerUrl } from '../../src/lib/transport/url.js';

describe('broker URLs (-L)', () => {
  it('reads host, port, user, password and topic', () => {
    assert.deepEqual(parseBrokerUrl('mqtt://btsiot1:btsiotpass1@broker.lan:1884/PV/sunshine'), {
      scheme: 'mqtt',
      host: 'broker.lan',
      port: 1884,
      username: 'btsiot1',
      password: 'btsiotpass1',
      topic: 'PV/sunshine',
    });
  });

  it('defaults to port 1883 and no credentials', () => {
    assert.deepEqual(parseBrokerUrl('MQTT://localhost/t'), { scheme: 'mqtt', host: 'localhost', port: 1883, topic: 't' });
  });

  it('takes IPv6 literals and percent-decodes, which mosquitto -L does not', () => {
    const url = parseBrokerUrl('mqtt://us%40er:pa%3Ass@[::1]:1884/a%2Fb/%23c');
    assert.equal(url.host, '::1');
    assert.equal(url.username, 'us@er');
    assert.equal(url.password, 'pa:ss');
    assert.equal(url.topic, 'a/b/#c');
  });

  it('keeps an empty topic empty for the command to judge', () => {
    assert.equal(parseBrokerUrl('mqtt://h:1/').topic, '');
    assert.equal(parseBrokerUrl('mqtt://h:1').topic, '');
  });

  for (const [text, message] of [
    ['mqtts://h/t', /mqtts:\/\/ URLs need a transport/],
    ['ws://h/t', /ws:\/\/ URLs need a transport/],
    ['http://h/t', /unsupported URL scheme/],
    ['h:1883/t', /is not a URL/],
    ['mqtt://h:99999/t', /not a valid URL/],
    ['mqtt://h/%zz', /broken percent-escape/],
  ] as const) {
    it(`refuses ${text}`, () => {
      assert.throws(() => parseBrokerUrl(text), (err: MqttError) => err.code === ErrorCode.InvalidArgument && message.test(err.message));
    });
  }
});
