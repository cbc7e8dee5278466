import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import { RawClient } from './raw-client.js';

/** A TCP server on 127.0.0.1 whose every reply is written by the test, through one RawClient per connection. */
export class ScriptedServer {
  private readonly server: Server;
  private readonly peers: RawClient[] = [];
  private readonly everyPeer: RawClient[] = [];
  private peerWaiters: ((peer: RawClient) => void)[] = [];

  constructor(private readonly version: ProtocolVersion) {
    this.server = createServer((socket) => {
      const peer = new RawClient(socket, this.version);
      this.everyPeer.push(peer);
      const waiter = this.peerWaiters.shift();
      if (waiter === undefined) this.peers.push(peer);
      else waiter(peer);
    });
  }

  /** On `port` when given: a test can let an address refuse connections first, then open it. */
  async listen(port = 0): Promise<number> {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as AddressInfo).port;
  }

  nextPeer(): Promise<RawClient> {
    const ready = this.peers.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.peerWaiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const peer of this.everyPeer) peer.close();
    this.server.close();
    await once(this.server, 'close');
  }
}
