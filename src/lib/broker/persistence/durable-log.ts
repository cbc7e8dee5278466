import type { QoS } from '../../protocol/packets.js';
import type { BrokerMessage } from '../message.js';
import type { RetainSource } from './records.js';
import type { SubscriptionOptions } from '../subscriptions.js';

/**
 * What the broker core writes to the journal (persistence/durable.ts implements it): every change
 * of its durable state, and how far the writes have got, so answers promising durability wait.
 */
export interface DurableLog {
  /** Records appended so far; a handler compares it before and after its work. */
  readonly appended: number;
  /** Resolves once every record appended so far is on disk. */
  readonly lastCommit: Promise<void>;
  retain(msg: BrokerMessage, source: RetainSource | undefined): void;
  unretain(topic: string): void;
  sessionCreate(clientId: string, expiryInterval: number, username: string | undefined, listener: string | undefined): void;
  sessionExpire(clientId: string, expiresAt: number): void;
  sessionDelete(clientId: string): void;
  subscribe(clientId: string, topicFilter: string, options: SubscriptionOptions): void;
  unsubscribe(clientId: string, topicFilter: string): void;
  /** Returns the id the message's later records use. */
  enqueue(clientId: string, msg: BrokerMessage, qos: QoS, retain: boolean, subIds: number[] | undefined, packetId: number): number;
  /** `deferred`: a QoS 1 step that may ride with the next commit (lost in a crash, it is only sent again). */
  sent(clientId: string, id: number, packetId: number, deferred: boolean): void;
  released(clientId: string, id: number): void;
  complete(clientId: string, id: number, deferred: boolean): void;
  receive(clientId: string, packetId: number, msg: BrokerMessage): void;
  release(clientId: string, packetId: number): void;
}
