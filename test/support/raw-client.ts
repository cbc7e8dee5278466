import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import { encode } from '../../src/lib/protocol/encode.js';
import { PacketReader } from '../../src/lib/protocol/framer.js';
import type { ConnectPacket, Packet, PacketOf } from '../../src/lib/protocol/packets.js';
import { settleWhen } from './settle-when.js';

/**
 * A hand-driven MQTT peer, at either end of a connection, for what a real client or server will
 * not do: send exactly these bytes, read every packet the other side sends back, notice when it
 * closes the socket. `open`/`connected` make the client end; ScriptedServer hands out server ends.
 */
export class RawClient {
  readonly received: Packet[] = [];
  readonly closed: Promise<void>;
  private readonly reader: PacketReader;
  private readonly waiters = new Set<() => void>();
  private isClosed = false;
  /** What the other side sent that could not be read at `version`; nothing after it is read. */
  private unreadable: Error | undefined;
  /** The chunks received since recordBytes(), kept only while a test compares bytes. */
  private recording: Buffer[] | undefined;

  constructor(
    readonly socket: Duplex,
    readonly version: ProtocolVersion,
  ) {
    this.reader = new PacketReader({ version });
    socket.on('data', (chunk: Buffer) => {
      if (this.unreadable !== undefined) return;
      this.recording?.push(chunk);
      try {
        this.reader.push(chunk, (p) => this.received.push(p));
      } catch (err) {
        // A waiter reports it; a test that waits for nothing (a fuzzer) is not failed by a reply it ignores.
        this.unreadable = err instanceof Error ? err : new Error(String(err));
      }
      this.notify();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        this.notify();
        resolve();
      }),
    );
  }

  /** A peer over a stream already connected to the broker (an in-memory pair's end). */
  static over(stream: Duplex, version: ProtocolVersion = 4): RawClient {
    return new RawClient(stream, version);
  }

  static async open(port: number, version: ProtocolVersion = 4): Promise<RawClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket, version);
  }

  /** Opens a connection, sends CONNECT (defaults: clean, keepalive 60) and waits for the CONNACK. */
  static async connected(port: number, connect: Partial<ConnectPacket> & { clientId: string }, version: ProtocolVersion = 4): Promise<{ client: RawClient; connack: PacketOf<'connack'> }> {
    const client = await RawClient.open(port, version);
    client.send({ type: 'connect', protocolVersion: version, clean: true, keepalive: 60, ...connect });
    const connack = await client.next('connack');
    return { client, connack };
  }

  /** Keeps the bytes the other side sends from now on; the function returns those received so far. */
  recordBytes(): () => Buffer {
    const chunks: Buffer[] = [];
    this.recording = chunks;
    return () => Buffer.concat(chunks);
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  send(packet: Packet): void {
    this.socket.write(encode(packet, this.version));
  }

  sendBytes(bytes: Buffer | number[]): void {
    this.socket.write(Buffer.from(bytes));
  }

  /** The next packet of `type` not yet taken (packets before it stay for later calls). */
  next<T extends Packet['type']>(type: T, timeoutMs = 3000): Promise<PacketOf<T>> {
    const got = (): string => this.received.map((p) => p.type).join(', ') || 'nothing';
    return settleWhen<PacketOf<T>>(
      this.waiters,
      () => {
        const i = this.received.findIndex((p) => p.type === type);
        if (i !== -1) return { value: this.received.splice(i, 1)[0] as PacketOf<T> };
        if (this.unreadable !== undefined) return { error: new Error(`unreadable bytes before a ${type} arrived: ${this.unreadable.message}`) };
        if (this.isClosed) return { error: new Error(`connection closed before a ${type} arrived (got ${got()})`) };
        return undefined;
      },
      timeoutMs,
      () => new Error(`no ${type} within ${timeoutMs} ms (got ${got()})`),
    );
  }

  /**
   * PINGREQ, then its PINGRESP: the other side answers in order, so whatever it sent before
   * answering has arrived by now. The barrier that replaces a timed wait for silence.
   */
  async ping(): Promise<void> {
    this.send({ type: 'pingreq' });
    await this.next('pingresp');
  }

  /** Every packet of `type` received and not yet taken, in order; they are taken. */
  take<T extends Packet['type']>(type: T): PacketOf<T>[] {
    const taken = this.received.filter((p): p is PacketOf<T> => p.type === type);
    for (const packet of taken) this.received.splice(this.received.indexOf(packet), 1);
    return taken;
  }

  /**
   * After a ping round trip, asserts that no packet of `type` is waiting. Call it once whatever
   * could have caused one is known to have been handled (e.g. the publisher's PUBACK or ping).
   */
  async assertNone(type: Packet['type'], message?: string): Promise<void> {
    await this.ping();
    assert.deepEqual(this.take(type), [], message ?? `unexpected ${type}`);
  }

  /** Resolves once the other side has closed the connection; rejects after timeoutMs. */
  async waitClosed(timeoutMs = 3000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
