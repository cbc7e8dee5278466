import assert from 'node:assert/strict';
import { indexFlags, readArgv } from '../../src/commands/options/argv.js';
import { resolveConnect } from '../../src/commands/options/connect.js';
import { resolveMessage } from '../../src/commands/options/message.js';
import { pubOptionGroups } from '../../src/commands/options/pub.js';
import { resolveSubscribe } from '../../src/commands/options/subscribe.js';
import { subOptionGroups } from '../../src/commands/options/sub.js';
import { UsageError } from '../../src/commands/ui/usage-error.js';
import type { TransportTarget } from '../../src/lib/transport/types.js';

const pubFlags = indexFlags(pubOptionGroups);
const subFlags = indexFlags(subOptionGroups);

function target(argv: string[]): TransportTarget {
  return resolveConnect(readArgv(argv, pubFlags), { invalidIdText: 'Invalid id.' }).target;
}

function usageError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: Error) => err instanceof UsageError && message.test(err.message));
}

describe('transport flags: -L schemes, --ws, --ws-path, --ws-header, --proxy', () => {
  it('mqtts:// asks for TLS with verification on port 8883', () => {
    assert.deepEqual(target(['-L', 'mqtts://broker.lan/t']), { kind: 'tcp', host: 'broker.lan', port: 8883, noDelay: false, tls: { verify: true } });
  });

  it('ws:// is a WebSocket to port 80 at /mqtt unless the URL says otherwise', () => {
    assert.deepEqual(target(['-L', 'ws://broker.lan#t']), { kind: 'websocket', host: 'broker.lan', port: 80, noDelay: false, path: '/mqtt' });
    assert.deepEqual(target(['-L', 'wss://broker.lan:8443/ws#t']), {
      kind: 'websocket',
      host: 'broker.lan',
      port: 8443,
      noDelay: false,
      tls: { verify: true },
      path: '/ws',
    });
  });

  it('--ws-path, -p and -h beside a ws:// URL win over its parts', () => {
    const t = target(['-L', 'ws://a:9001/one#t', '--ws-path', '/two', '-p', '9002', '-h', 'b']);
    assert.deepEqual(t, { kind: 'websocket', host: 'b', port: 9002, noDelay: false, path: '/two' });
  });

  it('--ws turns -h/-p into a WebSocket connection', () => {
    assert.deepEqual(target(['--ws', '-h', 'h', '-t', 't']), { kind: 'websocket', host: 'h', port: 80, noDelay: false, path: '/mqtt' });
  });

  it('--ws-header builds the header record; a repeated name gets both values', () => {
    const t = target(['--ws', '--ws-header', 'Authorization: Bearer abc', '--ws-header', 'X-A:1', '--ws-header', 'x-a: 2']);
    assert.equal(t.kind, 'websocket');
    assert.deepEqual(t.kind === 'websocket' ? t.headers : undefined, { Authorization: 'Bearer abc', 'X-A': '1, 2' });
  });

  it('--proxy rides on TCP and WebSocket targets', () => {
    assert.deepEqual(target(['--proxy', 'socks5h://p', '-h', 'b']), {
      kind: 'tcp',
      host: 'b',
      port: 1883,
      noDelay: false,
      proxy: { host: 'p', port: 1080 },
    });
    const ws = target(['--proxy', 'socks5://u:pw@p:9050', '-L', 'ws://b/mqtt#t']);
    assert.deepEqual(ws.kind === 'websocket' ? ws.proxy : undefined, { host: 'p', port: 9050, username: 'u', password: 'pw', resolveLocally: true });
  });

  for (const [argv, message] of [
    [['--ws-path', '/mqtt'], /^--ws-path is for WebSocket connections: add --ws, or use -L ws:\/\//],
    [['--ws-header', 'A: b'], /^--ws-header is for WebSocket connections/],
    [['--ws', '-L', 'mqtts://h/t'], /^--ws cannot be used with an mqtts:\/\/ URL: write it as wss:\/\//],
    [['--ws', '--ws-path', 'mqtt'], /^Invalid --ws-path 'mqtt': it must start with '\/'/],
    [['--ws', '--ws-path', '/a#b'], /no '#' or spaces/],
    [['--ws', '--ws-header', 'no colon'], /^Invalid --ws-header 'no colon': the form is "Name: value"/],
    [['--ws', '--ws-header', 'Sec-WebSocket-Protocol: x'], /cannot set Sec-WebSocket-Protocol/],
    [['--ws', '--unix', '/tmp/s'], /^--unix cannot be combined with WebSocket/],
    [['--proxy', 'socks5h://p', '--unix', '/tmp/s'], /^--unix cannot be combined with --proxy/],
    [['--proxy', 'http://p:3128'], /^Unsupported proxy protocol: http:\/\/p:3128/],
    [['-L', 'ftp://h/t'], /^Invalid URL for -L: unsupported URL scheme 'ftp:\/\/'/],
  ] as const) {
    it(`refuses ${argv.join(' ')}`, () => {
      usageError(() => target([...argv]), message);
    });
  }

  it('a ws:// URL takes its topic from the fragment; without one pub and sub say where it goes', () => {
    assert.equal(resolveMessage(readArgv(['-L', 'ws://h/mqtt#a/b', '-m', 'x'], pubFlags)).topic, 'a/b');
    usageError(() => resolveMessage(readArgv(['-L', 'ws://h/a/b', '-m', 'x'], pubFlags)), /put the topic after '#' \(ws:\/\/host\/mqtt#my\/topic\) or give -t/);
    usageError(() => resolveSubscribe(readArgv(['-L', 'ws://h/sensors/temp'], subFlags)), /ws:\/\/ URL's path is the WebSocket path, so put the topic after '#'/);
    assert.deepEqual(resolveSubscribe(readArgv(['-L', 'wss://h/mqtt#s/#', '-t', 'x'], subFlags)).subscriptions.map((s) => s.topicFilter), ['s/#', 'x']);
  });
});
