import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { ListenerConfig } from '../../src/lib/broker/config/types.js';
import { openListeners } from '../../src/lib/broker/network/listeners.js';
import type { BrokerHandle, ConnectionInfo, LogLevel } from '../../src/lib/broker/types.js';
import { MqttError } from '../../src/lib/errors.js';
import type { TransportStream } from '../../src/lib/transport/types.js';
import { freePort, useBusyPort } from '../support/ports.js';
import { makeTempFolder } from '../support/run-folder.js';

/** A BrokerHandle that only records what it was handed and echoes one byte back. */
function stubBroker(): BrokerHandle & { accepted: ConnectionInfo[] } {
  const accepted: ConnectionInfo[] = [];
  return {
    accepted,
    handleConnection(stream: TransportStream, info: ConnectionInfo) {
      accepted.push(info);
      stream.once('data', (chunk: Buffer) => stream.end(chunk));
    },
    close: () => Promise.resolve(),
  };
}

function tcp(port: number, extra: Partial<ListenerConfig> = {}): ListenerConfig {
  return { port, protocol: 'mqtt', settings: { allowAnonymous: true, maxConnections: -1 }, ...extra };
}

function echo(options: { port: number; host: string } | { path: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(options, () => socket.write('x'));
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString()));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
  });
}

describe('serve listeners', () => {
  let dir: string;
  const logged: string[] = [];
  const options = { tcpNoDelay: true, log: (level: LogLevel, text: string) => logged.push(`${level}: ${text}`) };
  before(async () => {
    dir = await makeTempFolder('mqt-listeners');
  });
  after(() => rm(dir, { recursive: true, force: true }));
  beforeEach(() => {
    logged.length = 0;
  });

  it('a host name listens on each of its addresses, one listener for the broker', async () => {
    const port = await freePort();
    const broker = stubBroker();
    const addresses = [...new Set((await lookup('localhost', { all: true })).map((a) => a.address))].sort();
    const open = await openListeners([tcp(port, { bindAddress: 'localhost' })], broker, options);
    try {
      assert.deepEqual(open.endpoints.map((e) => e.address).sort(), addresses);
      assert.deepEqual(
        logged.filter((l) => l.startsWith('information')).sort(),
        addresses.map((a) => `information: Opening ipv${a.includes(':') ? 6 : 4} listen socket on port ${port}.`).sort(),
      );
      for (const host of addresses) assert.equal(await echo({ host, port }), 'x');
      const [first, last] = [broker.accepted[0], broker.accepted.at(-1)];
      assert.equal(first!.listener, last!.listener, 'every address counts as one listener (max_connections)');
      assert.equal(first!.remoteAddress, addresses[0]);
      assert.equal(first!.listener.port, port);
    } finally {
      await open.close();
    }
  });

  it('socket_domain ipv4 keeps to IPv4', async () => {
    const port = await freePort();
    const open = await openListeners([tcp(port, { bindAddress: 'localhost', socketDomain: 'ipv4' })], stubBroker(), options);
    await open.close();
    assert.deepEqual(open.endpoints.map((e) => e.address), ['127.0.0.1']);
  });

  it('bind_interface lo listens on the addresses of lo', async () => {
    const port = await freePort();
    const lo = (networkInterfaces().lo ?? []).map((a) => a.address).sort();
    const open = await openListeners([tcp(port, { bindInterface: { name: 'lo', origin: { file: 'm.conf', line: 2 } } })], stubBroker(), options);
    try {
      assert.deepEqual(open.endpoints.map((e) => e.address).sort(), lo);
      assert.equal(await echo({ host: '127.0.0.1', port }), 'x');
    } finally {
      await open.close();
    }
    await assert.rejects(openListeners([tcp(port, { bindInterface: { name: 'nope0', origin: { file: 'm.conf', line: 2 } } })], stubBroker(), options), {
      message: 'm.conf:2: Interface nope0 does not exist.',
    });
  });

  it('a unix socket, removed again on close', async () => {
    const path = join(dir, 'broker.sock');
    const broker = stubBroker();
    const open = await openListeners([tcp(0, { unixPath: path })], broker, options);
    assert.equal(await echo({ path }), 'x');
    assert.deepEqual(broker.accepted.map((i) => [i.remoteAddress, i.remotePort, i.listener.address]), [[path, 0, path]]);
    assert.ok(logged.includes(`information: Opening unix listen socket on path ${path}.`));
    await open.close();
    await assert.rejects(echo({ path }), { code: 'ENOENT' });
  });

  it('a file that is not a socket is left alone: the listener fails instead', async () => {
    const path = join(dir, 'precious.txt');
    writeFileSync(path, 'keep me');
    await assert.rejects(openListeners([tcp(0, { unixPath: path })], stubBroker(), options), {
      message: `Unable to listen on ${path}: Address already in use.`,
      remedy: { kind: 'port-in-use' },
    });
  });

  describe('when one listener cannot be opened', () => {
    const busyPort = useBusyPort();

    it('the error names address and port, and the listeners opened before it are closed', async () => {
      const busy = busyPort();
      const free = await freePort();
      const err: unknown = await openListeners([tcp(free, { bindAddress: '127.0.0.1' }), tcp(busy, { bindAddress: '127.0.0.1' })], stubBroker(), options).catch((e: unknown) => e);
      assert.ok(err instanceof MqttError);
      assert.match(err.message, new RegExp(`^Unable to listen on 127\\.0\\.0\\.1 port ${busy}: Address already in use`));
      await assert.rejects(echo({ host: '127.0.0.1', port: free }), { code: 'ECONNREFUSED' });
    });

    it('an unknown host name is one line too', async () => {
      const busy = busyPort();
      await assert.rejects(openListeners([tcp(busy, { bindAddress: 'no-such-host.invalid' })], stubBroker(), options), {
        message: `Unable to listen on no-such-host.invalid port ${busy}: no such host.`,
      });
    });
  });
});
