import assert from 'node:assert/strict';
import { ErrorCode, MqttError } from '../../src/lib/errors.js';
import { parseProxyUrl } from '../../src/lib/transport/proxy-url.js';
import { parseBrokerUrl } from '../../src/lib/transport/url.js';

function refuses(parse: () => unknown, message: RegExp): void {
  assert.throws(parse, (err: MqttError) => err.code === ErrorCode.InvalidArgument && message.test(err.message));
}

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

  it('defaults the port by scheme: 1883, 8883, 80, 443', () => {
    assert.deepEqual(parseBrokerUrl('MQTT://localhost/t'), { scheme: 'mqtt', host: 'localhost', port: 1883, topic: 't' });
    assert.deepEqual(parseBrokerUrl('mqtts://broker.lan/t'), { scheme: 'mqtts', host: 'broker.lan', port: 8883, topic: 't' });
    assert.deepEqual(parseBrokerUrl('ws://broker.lan'), { scheme: 'ws', host: 'broker.lan', port: 80, topic: '' });
    assert.deepEqual(parseBrokerUrl('WSS://broker.lan/'), { scheme: 'wss', host: 'broker.lan', port: 443, topic: '' });
  });

  it('takes IPv6 literals and percent-decodes, which mosquitto -L does not', () => {
    const url = parseBrokerUrl('mqtt://us%40er:pa%3Ass@[::1]:1884/a%2Fb/%23c');
    assert.equal(url.host, '::1');
    assert.equal(url.username, 'us@er');
    assert.equal(url.password, 'pa:ss');
    assert.equal(url.topic, 'a/b/#c');
  });

  it('keeps the rest of an mqtt URL as the topic, wildcards, ? and # included, as mosquitto does', () => {
    assert.equal(parseBrokerUrl('mqtt://h/sensors/#').topic, 'sensors/#');
    assert.equal(parseBrokerUrl('mqtt://h/+/temp?').topic, '+/temp?');
    assert.equal(parseBrokerUrl('mqtt://u:pa#ss@h/t').password, 'pa#ss');
  });

  it('keeps an empty topic empty for the command to judge', () => {
    assert.equal(parseBrokerUrl('mqtt://h:1/').topic, '');
    assert.equal(parseBrokerUrl('mqtt://h:1').topic, '');
  });

  it("reads a WebSocket URL's path (with its query) as the upgrade path and its fragment as the topic", () => {
    assert.deepEqual(parseBrokerUrl('ws://u:p@broker.lan:9001/mqtt?token=a%20b#sensors/%2B/temp'), {
      scheme: 'ws',
      host: 'broker.lan',
      port: 9001,
      username: 'u',
      password: 'p',
      topic: 'sensors/+/temp',
      wsPath: '/mqtt?token=a%20b',
    });
    assert.deepEqual(parseBrokerUrl('wss://[::1]:8443#a/#'), { scheme: 'wss', host: '::1', port: 8443, topic: 'a/#' });
    assert.equal(parseBrokerUrl('ws://h?x=1').wsPath, '/?x=1');
  });

  for (const [text, message] of [
    ['http://h/t', /unsupported URL scheme 'http:\/\/'/],
    ['h:1883/t', /is not a URL/],
    ['mqtt://h:99999/t', /'99999' .* is not a port/],
    ['mqtt://h:0/t', /'0' .* is not a port/],
    ['mqtt://h:x/t', /'x' .* is not a port/],
    ['mqtt://::1:1883/t', /IPv6 address goes in brackets/],
    ['mqtt://[::1/t', /broken IPv6 address/],
    ['mqtt://[nope]/t', /broken IPv6 address/],
    ['mqtt://u@/t', /has no host/],
    ['mqtt://h/%zz', /broken percent-escape/],
  ] as const) {
    it(`refuses ${text}`, () => {
      refuses(() => parseBrokerUrl(text), message);
    });
  }
});

describe('proxy URLs (--proxy)', () => {
  it('reads socks5h:// with credentials, percent-decoded in full', () => {
    assert.deepEqual(parseProxyUrl('socks5h://me%40home:p%3Aw%25d@proxy.lan:1081'), {
      host: 'proxy.lan',
      port: 1081,
      username: 'me@home',
      password: 'p:w%d',
    });
  });

  it('defaults to port 1080, takes IPv6, and marks socks5:// as resolved here', () => {
    assert.deepEqual(parseProxyUrl('socks5h://proxy'), { host: 'proxy', port: 1080 });
    assert.deepEqual(parseProxyUrl('SOCKS5://user@[::1]/'), { host: '::1', port: 1080, username: 'user', resolveLocally: true });
  });

  for (const [text, message] of [
    ['http://proxy:3128', /^Unsupported proxy protocol: http:\/\/proxy:3128/],
    ['proxy:1080', /^Unsupported proxy protocol/],
    ['socks5h://proxy:1080/path', /only \[user\[:password\]@\]host\[:port\]/],
    ['socks5h://proxy:70000', /'70000' .* is not a port/],
    [`socks5h://${'u'.repeat(256)}@proxy`, /username is longer than SOCKS5 allows/],
  ] as const) {
    it(`refuses ${text.slice(0, 40)}`, () => {
      refuses(() => parseProxyUrl(text), message);
    });
  }
});
