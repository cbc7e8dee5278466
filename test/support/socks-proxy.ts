import { connect, createServer, type Socket } from 'node:net';

/** One CONNECT request the proxy received. */
export interface ConnectSeen {
  /** 'domain', 'ipv4' or 'ipv6': how the client named the destination. */
  addressType: 'domain' | 'ipv4' | 'ipv6';
  host: string;
  port: number;
  /** The username the client logged in with, when it did. */
  username?: string;
}

export interface SocksProxy {
  port: number;
  connects: ConnectSeen[];
  close(): Promise<void>;
}

export interface SocksProxyOptions {
  /** Require RFC 1929 username/password authentication with these credentials. */
  credentials?: { username: string; password: string };
  /** Answer every CONNECT with this reply code instead of connecting. */
  replyCode?: number;
}

/**
 * A minimal SOCKS5 server on 127.0.0.1 (RFC 1928 CONNECT, RFC 1929 login) written for the tests:
 * it records every CONNECT, then pipes the client to the destination it names.
 */
export async function startSocksProxy(options: SocksProxyOptions = {}): Promise<SocksProxy> {
  const connects: ConnectSeen[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    void serve(client, options, connects, sockets).catch(() => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    connects,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serve(client: Socket, options: SocksProxyOptions, connects: ConnectSeen[], sockets: Set<Socket>): Promise<void> {
  const read = reader(client);
  const [, count] = await read(2);
  const methods = [...(await read(count!))];
  const wanted = options.credentials === undefined ? 0x00 : 0x02;
  if (!methods.includes(wanted)) {
    client.end(Buffer.from([5, 0xff]));
    return;
  }
  client.write(Buffer.from([5, wanted]));
  let username: string | undefined;
  if (options.credentials !== undefined) {
    const [, userLength] = await read(2);
    username = (await read(userLength!)).toString();
    const password = (await read((await read(1))[0]!)).toString();
    const ok = username === options.credentials.username && password === options.credentials.password;
    client.write(Buffer.from([1, ok ? 0 : 1]));
    if (!ok) {
      client.end();
      return;
    }
  }
  const [, , , type] = await read(4);
  let seen: ConnectSeen;
  if (type === 3) {
    const name = (await read((await read(1))[0]!)).toString();
    seen = { addressType: 'domain', host: name, port: (await read(2)).readUInt16BE(0) };
  } else if (type === 1) {
    seen = { addressType: 'ipv4', host: [...(await read(4))].join('.'), port: (await read(2)).readUInt16BE(0) };
  } else {
    const bytes = await read(16);
    const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16));
    seen = { addressType: 'ipv6', host: groups.join(':'), port: (await read(2)).readUInt16BE(0) };
  }
  connects.push(username === undefined ? seen : { ...seen, username });
  const reply = (code: number): Buffer => Buffer.from([5, code, 0, 1, 0, 0, 0, 0, 0, 0]);
  if (options.replyCode !== undefined) {
    client.end(reply(options.replyCode));
    return;
  }
  const upstream = connect({ host: seen.host, port: seen.port });
  sockets.add(upstream);
  upstream.on('close', () => sockets.delete(upstream));
  upstream.once('error', () => client.end(reply(5)));
  upstream.once('connect', () => {
    client.write(reply(0));
    client.pipe(upstream).pipe(client);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
}

/** Reads exactly n bytes at a time from a socket in paused mode. */
function reader(socket: Socket): (n: number) => Promise<Buffer> {
  return (n) =>
    new Promise((resolve, reject) => {
      const attempt = (): void => {
        const bytes = socket.read(n) as Buffer | null;
        if (bytes !== null) {
          socket.off('readable', attempt);
          socket.off('end', ended);
          resolve(bytes);
        }
      };
      const ended = (): void => {
        socket.off('readable', attempt);
        reject(new Error('client went away'));
      };
      socket.on('readable', attempt);
      socket.once('end', ended);
      attempt();
    });
}
