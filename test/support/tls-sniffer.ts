import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A relay in front of a TLS port that reads, from each ServerHello, the TLS version chosen. */
export interface TlsSniffer {
  port: number;
  /** 'TLSv1.2' or 'TLSv1.3' per connection, in order. */
  versions: string[];
  close(): Promise<void>;
}

const HANDSHAKE = 0x16;
const SERVER_HELLO = 2;
const SUPPORTED_VERSIONS = 0x002b;

/**
 * Relays 127.0.0.1:<port> to `target` and decodes the first record the server sends. TLS 1.3
 * hides everything after the ServerHello, and says 1.3 only in its supported_versions extension.
 */
export async function startTlsSniffer(target: number): Promise<TlsSniffer> {
  const versions: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    let head = Buffer.alloc(0);
    let decided = false;
    upstream.on('data', (chunk: Buffer) => {
      if (decided) return;
      head = Buffer.concat([head, chunk]);
      const version = serverHelloVersion(head);
      if (version !== undefined) {
        decided = true;
        versions.push(version);
      }
    });
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    versions,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The version of a complete ServerHello at the start of `data`, or undefined if not there (yet). */
function serverHelloVersion(data: Buffer): string | undefined {
  if (data.length < 5 || data[0] !== HANDSHAKE) return undefined;
  const end = 5 + data.readUInt16BE(3);
  if (data.length < end || data[5] !== SERVER_HELLO) return undefined;
  let at = 5 + 4 + 2 + 32; // record header, handshake header, legacy version, random
  at += 1 + data[at]!; // session id
  at += 2 + 1; // cipher suite, compression
  const extensionsEnd = at + 2 + data.readUInt16BE(at);
  for (at += 2; at + 4 <= Math.min(extensionsEnd, end); ) {
    const type = data.readUInt16BE(at);
    const length = data.readUInt16BE(at + 2);
    if (type === SUPPORTED_VERSIONS && data.readUInt16BE(at + 4) === 0x0304) return 'TLSv1.3';
    at += 4 + length;
  }
  return data.readUInt16BE(9) === 0x0303 ? 'TLSv1.2' : `0x${data.readUInt16BE(9).toString(16)}`;
}
