import { MqttClient } from '../client/client.js';
import type { ClientOptions } from '../client/client-options.js';
import { ErrorCode, MqttError } from '../errors.js';
import type { ConnackPacket, PublishPacket } from '../protocol/packets.js';
import { openTransport } from '../transport/open.js';
import type { TransportStream, TransportTarget } from '../transport/types.js';

/** One connection of a broker check: the client, what it was told, and every message it got. */
export class ProbeConnection {
  readonly received: PublishPacket[] = [];

  private constructor(
    readonly client: MqttClient,
    readonly stream: TransportStream,
    readonly connack: ConnackPacket,
    private readonly deadlineMs: number,
  ) {
    client.on('message', (message) => this.received.push(message));
  }

  /** Connects, or rejects with the library's error (ConnectionRefused carrying the CONNACK code). */
  static async open(target: TransportTarget, options: ClientOptions, deadlineMs: number): Promise<ProbeConnection> {
    const stream = await within(openTransport(target), deadlineMs, 'the connection');
    const client = new MqttClient({ ...options, connectTimeout: deadlineMs });
    try {
      return new ProbeConnection(client, stream, await client.connect(stream), deadlineMs);
    } catch (err) {
      client.destroy();
      stream.destroy();
      throw err;
    }
  }

  /** The operation, failing with a Timeout once the check's deadline for one step has passed. */
  step<T>(operation: Promise<T>, what: string): Promise<T> {
    return within(operation, this.deadlineMs, what);
  }

  /**
   * Resolves once the broker has answered a PINGREQ sent now: it handles a connection's packets in
   * order, so whatever it was going to send us for what we sent before has arrived by then.
   */
  barrier(): Promise<void> {
    return this.step(this.client.ping(), 'PINGRESP');
  }

  async close(properties?: Parameters<MqttClient['disconnect']>[1]): Promise<void> {
    if (this.client.isConnected) await this.client.disconnect(0, properties);
    this.client.destroy();
  }
}

function within<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new MqttError(ErrorCode.Timeout, `No answer for ${what} within ${ms / 1000} s.`)), ms);
  });
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}
