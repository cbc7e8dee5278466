/**
 * A bridge's way into its own broker: a client of this broker over an in-memory pipe, on a
 * listener of its own, with a persistent session that holds QoS 1/2 while the remote is away.
 */
import type { Clock } from '../broker/clock.js';
import type { BridgeAddress, BridgeSettings } from '../broker/config/bridge-types.js';
import type { BrokerMessage } from '../broker/message.js';
import type { BrokerLimits, ConnectionInfo, DirectReceiver, ListenerInfo, LogLevel } from '../broker/types.js';
import { MqttClient } from '../client/client.js';
import type { Subscription } from '../protocol/packets.js';
import { memoryPipe } from '../transport/memory-pipe.js';
import type { TransportStream } from '../transport/types.js';

/** What a bridge uses of its broker (broker.ts implements it). */
export interface BridgeHost {
  readonly clock: Clock;
  /**
   * max_queued_messages bounds what a lazy bridge holds while it waits for its threshold;
   * max_inflight_messages is its window toward the remote, as for mosquitto's bridges.
   */
  readonly limits: Pick<BrokerLimits, 'maxQueuedMessages' | 'maxInflightMessages'>;
  /** Whether debug lines are logged at all: the bridge's packet lines are made only then. */
  readonly logDebug: boolean;
  handleConnection(stream: TransportStream, info: ConnectionInfo): void;
  /** Routes a message as if a client had published it. */
  publish(msg: BrokerMessage, from: undefined): boolean;
  log(level: LogLevel, text: string): void;
}

/** The listener a bridge's local side comes in on: anonymous, and past every ACL, as mosquitto lets its bridges through. */
const BRIDGE_LISTENER: ListenerInfo = {
  port: 0,
  address: 'bridge',
  key: 'bridge',
  protocol: 'mqtt',
  settings: { allowAnonymous: true, maxConnections: -1, auth: {} },
};

/** Session Expiry Interval of a session that never expires. */
export const NEVER_EXPIRES = 0xffff_ffff;

/** The local client, not yet connected, and its end of the pipe; the broker has the other end. */
export function openLocalSide(
  host: BridgeHost,
  s: BridgeSettings,
  address: BridgeAddress | undefined,
  direct: DirectReceiver,
  window: number | undefined,
): { client: MqttClient; stream: TransportStream } {
  const [mine, theirs] = memoryPipe();
  host.handleConnection(theirs, { remoteAddress: address?.host ?? 'bridge', remotePort: address?.port ?? 0, listener: BRIDGE_LISTENER, internal: true, direct });
  const client = new MqttClient({
    protocolVersion: 5,
    clientId: s.localClientId,
    clean: s.localCleanSession,
    keepalive: 0,
    connectProperties: {
      ...(s.localCleanSession ? {} : { sessionExpiryInterval: NEVER_EXPIRES }),
      ...(window === undefined ? {} : { receiveMaximum: window }),
    },
  });
  return { client, stream: mine };
}

/** The out-topics here; their retained messages come with them, for the remote, as mosquitto sends them at each connect. */
export async function subscribeLocalSide(local: MqttClient, s: BridgeSettings): Promise<void> {
  const outgoing = s.topics.filter((t) => t.direction !== 'in');
  if (outgoing.length === 0) return;
  await local.subscribe(outgoing.map((t): Subscription => ({ topicFilter: t.localTopic, qos: t.qos, noLocal: true, retainAsPublished: true, retainHandling: 0 })));
}
