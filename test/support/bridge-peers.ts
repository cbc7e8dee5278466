import { connect, createServer, type Server, type Socket } from 'node:net';
import { bridgeSettings } from '../../src/lib/broker/config/bridge-directives.js';
import { parseConfText } from '../../src/lib/broker/config/mosquitto-conf.js';
import { emptyConfState } from '../../src/lib/broker/config/state.js';
import { MqttClient } from '../../src/lib/client/client.js';
import { connectClient } from '../../src/lib/client/connect.js';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import type { PublishPacket, QoS } from '../../src/lib/protocol/packets.js';
import { freePort } from './ports.js';
import { settleWhen } from './settle-when.js';

/** The bridges of these mosquitto.conf lines (connection sections), on a host called "host". */
export function bridgeLines(lines: string[]): ReturnType<typeof bridgeSettings> {
  const conf = emptyConfState();
  parseConfText(conf, lines.join('\n'), 'bridge.conf');
  return bridgeSettings(conf.bridges, 'host');
}

/** A client of one broker that keeps every message it gets, to count them: duplicates and echoes show. */
export class Peer {
  readonly seen: PublishPacket[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(readonly client: MqttClient) {
    client.on('message', (p) => {
      this.seen.push(p);
      for (const w of [...this.waiters]) w();
    });
  }

  static async open(port: number, clientId: string, filters: string[] = [], version: ProtocolVersion = 4): Promise<Peer> {
    const client = new MqttClient({ protocolVersion: version, clientId, clean: true, keepalive: 60 });
    await connectClient(client, { kind: 'tcp', host: '127.0.0.1', port });
    const peer = new Peer(client);
    if (filters.length > 0) await client.subscribe(filters.map((topicFilter) => ({ topicFilter, qos: 2 })));
    return peer;
  }

  count(topic: string, payload: string): number {
    return this.seen.filter((p) => p.topic === topic && p.payload.toString() === payload).length;
  }

  /** Resolves with the `nth` message on `topic` with `payload`, once it is here. */
  until(topic: string, payload: string, nth = 1, timeoutMs = 15_000): Promise<PublishPacket> {
    return settleWhen(
      this.waiters,
      () => {
        const found = this.seen.filter((p) => p.topic === topic && p.payload.toString() === payload)[nth - 1];
        return found === undefined ? undefined : { value: found };
      },
      timeoutMs,
      () => new Error(`no ${topic} '${payload}' within ${timeoutMs} ms; got ${this.seen.map((p) => `${p.topic} '${p.payload.toString()}'`).join(', ') || 'nothing'}`),
    );
  }

  async publish(topic: string, payload: string, qos: QoS = 1, retain = false): Promise<void> {
    await this.client.publish({ topic, payload: Buffer.from(payload), qos, retain });
  }

  async close(): Promise<void> {
    await this.client.disconnect();
  }
}

/**
 * A TCP relay to a broker that a test can cut (every connection dropped, new ones refused) and
 * restore on the same port: the remote end of a bridge going away and coming back.
 */
export class CuttableRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: number,
  ) {}

  static async start(target: number): Promise<CuttableRelay> {
    const relay = new CuttableRelay(await freePort(), target);
    await relay.restore();
    return relay;
  }

  restore(): Promise<void> {
    const server = createServer((inbound) => {
      const outbound = connect({ host: '127.0.0.1', port: this.target });
      for (const s of [inbound, outbound]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => {
          this.sockets.delete(s);
          inbound.destroy();
          outbound.destroy();
        });
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    this.server = server;
    return new Promise((resolve) => server.listen(this.port, '127.0.0.1', resolve));
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
  }
}
