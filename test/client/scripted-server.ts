import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import { encode } from '../../src/lib/protocol/encode.js';
import { PacketReader } from '../../src/lib/protocol/framer.js';
import type { Packet } from '../../src/lib/protocol/packets.js';

/** One accepted connection, seen from the server side: read what the client sent, send packets back. */
export class ServerPeer {
  readonly received: Packet[] = [];
  private waiters: { match: (p: Packet) => boolean; resolve: (p: Packet) => void }[] = [];
  private readonly reader: PacketReader;

  constructor(
    readonly socket: Socket,
    readonly version: ProtocolVersion,
  ) {
    this.reader = new PacketReader({ version });
    socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk, (packet) => {
        this.received.push(packet);
        const index = this.waiters.findIndex((w) => w.match(packet));
        if (index !== -1) this.waiters.splice(index, 1)[0]!.resolve(packet);
      });
    });
    socket.on('error', () => undefined);
  }

  send(packet: Packet): void {
    this.socket.write(encode(packet, this.version));
  }

  /** The next packet of that type (or one already received and not yet taken). */
  next<T extends Packet['type']>(type: T, timeoutMs = 3000): Promise<Extract<Packet, { type: T }>> {
    const match = (p: Packet): boolean => p.type === type;
    const seen = this.received.findIndex(match);
    if (seen !== -1) return Promise.resolve(this.received.splice(seen, 1)[0] as Extract<Packet, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (p) => {
          clearTimeout(timer);
          this.received.splice(this.received.indexOf(p), 1);
          resolve(p as Extract<Packet, { type: T }>);
        },
      });
    });
  }
}

/** A TCP server on 127.0.0.1 whose every reply is written by the test. */
export class ScriptedServer {
  private readonly server: Server;
  private readonly peers: ServerPeer[] = [];
  private readonly everyPeer: ServerPeer[] = [];
  private peerWaiters: ((peer: ServerPeer) => void)[] = [];

  constructor(private readonly version: ProtocolVersion) {
    this.server = createServer((socket) => {
      const peer = new ServerPeer(socket, this.version);
      this.everyPeer.push(peer);
      const waiter = this.peerWaiters.shift();
      if (waiter === undefined) this.peers.push(peer);
      else waiter(peer);
    });
  }

  async listen(): Promise<number> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as AddressInfo).port;
  }

  nextPeer(): Promise<ServerPeer> {
    const ready = this.peers.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.peerWaiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const peer of this.everyPeer) peer.socket.destroy();
    this.server.close();
    await once(this.server, 'close');
  }
}
