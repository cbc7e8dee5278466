import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { ErrorCode, MqttError } from '../../src/lib/errors.js';
import { openSocket } from '../../src/lib/transport/socket.js';
import { startSocksProxy, type SocksProxy } from '../support/socks-proxy.js';

/** The SOCKS5 client against test proxies: address encodings and the handshake's edges. */
describe('SOCKS5 client', () => {
  let proxy: SocksProxy | undefined;
  let raw: Server | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    raw?.close();
    raw = undefined;
  });

  const refusedAs = (code: string): ((err: unknown) => boolean) => (err) => err instanceof MqttError && err.code === code;

  for (const [host, expected] of [
    ['2001:db8::1', '2001:db8:0:0:0:0:0:1'],
    ['::ffff:10.1.2.3', '0:0:0:0:0:ffff:a01:203'],
    ['fe80::', 'fe80:0:0:0:0:0:0:0'],
  ] as const) {
    it(`sends the IPv6 destination ${host} as 16 address bytes`, async () => {
      proxy = await startSocksProxy({ replyCode: 4 });
      await assert.rejects(openSocket({ host, port: 1883, proxy: { host: '127.0.0.1', port: proxy.port } }), refusedAs(ErrorCode.ConnectFailed));
      assert.deepEqual(proxy.connects, [{ addressType: 'ipv6', host: expected, port: 1883 }]);
    });
  }

  /** A proxy that answers with `reply` once the client has sent `expect` bytes in all. */
  const rawProxy = async (answer: (socket: Socket) => void): Promise<number> => {
    raw = createServer(answer);
    await new Promise<void>((resolve) => raw!.listen(0, '127.0.0.1', resolve));
    const address = raw.address();
    assert.ok(address !== null && typeof address === 'object');
    return address.port;
  };

  it('hands bytes that came with the CONNECT reply on to the tunnel', async () => {
    const port = await rawProxy((socket) => {
      let seen = 0;
      socket.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen === 3) socket.write(Buffer.from([5, 0]));
        // greeting 3 bytes + CONNECT for 'broker' (7 + 6 name bytes + 2 port bytes... = 13)
        else if (seen === 3 + 13) socket.write(Buffer.concat([Buffer.from([5, 0, 0, 3, 4]), Buffer.from('bind'), Buffer.from([0, 1]), Buffer.from('early bytes')]));
      });
    });
    const socket = await openSocket({ host: 'broker', port: 1883, proxy: { host: '127.0.0.1', port } });
    const first = await new Promise<Buffer>((resolve) => socket.once('data', resolve));
    socket.destroy();
    assert.equal(first.toString(), 'early bytes');
  });

  it('names a server that is not a SOCKS5 proxy', async () => {
    const port = await rawProxy((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await assert.rejects(openSocket({ host: 'b', port: 1883, proxy: { host: '127.0.0.1', port } }), (err: MqttError) => {
      assert.equal(err.code, ErrorCode.HandshakeFailed);
      assert.match(err.message, /is not a SOCKS5 proxy \(its answer began with 0x48\)/);
      return true;
    });
  });

  it('names a proxy that hangs up mid-handshake', async () => {
    const port = await rawProxy((socket) => socket.end());
    await assert.rejects(openSocket({ host: 'b', port: 1883, proxy: { host: '127.0.0.1', port } }), /closed the connection during the handshake/);
  });
});
