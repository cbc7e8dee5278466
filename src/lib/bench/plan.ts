import { randomBytes } from 'node:crypto';
import type { ClientOptions } from '../client/client-options.js';
import { ErrorCode, MqttError } from '../errors.js';
import type { QoS } from '../protocol/packets.js';
import type { Properties } from '../protocol/properties.js';
import { isValidTopicFilter, isValidTopicName, parseSharedSubscription, topicMatches } from '../topic.js';
import type { TransportTarget } from '../transport/types.js';

export type Scenario = 'pub' | 'sub' | 'pubsub' | 'conn';
export const SCENARIOS: readonly Scenario[] = ['pub', 'sub', 'pubsub', 'conn'];

/** A run, resolved from the flags once; everything a worker needs is in here or in its plans. */
export interface BenchSettings {
  scenario: Scenario;
  /** Publishing connections (pub, pubsub). */
  publishers: number;
  /** Subscribing connections (sub, pubsub). */
  subscribers: number;
  /** Connections that only connect (conn). */
  plainConnections: number;
  workers: number;
  qos: QoS;
  payloadBytes: number;
  /** Messages per publisher (pub, pubsub) or per subscriber (sub); undefined: until the time is up. */
  messages: number | undefined;
  /** The load phase ends after this long, whatever -n says. */
  durationMs: number;
  /** Messages per second over all publishers; undefined: as fast as the broker takes them. */
  rate: number | undefined;
  /** New connections per second over all workers; undefined: as fast as handshakes complete. */
  ramp: number | undefined;
  topic: string;
  subTopic: string;
  clientIdPrefix: string;
  target: TransportTarget;
  /** The session options of every connection; the client id is replaced per connection. */
  client: ClientOptions;
  /** v5 properties (-D) of every PUBLISH and SUBSCRIBE. */
  properties: { publish?: Properties | undefined; subscribe?: Properties | undefined };
}

export type Role = 'pub' | 'sub' | 'conn';

export interface ConnectionPlan {
  /** Index among the connections of its role; publishers' indexes go into their payloads. */
  index: number;
  role: Role;
  clientId: string;
  /** Topic name (publishers) or filter (subscribers); empty for plain connections. */
  topic: string;
}

/**
 * Expands a topic template for one connection: %i index, %c client id, %u user name, %r a random
 * word drawn once per connection, %% a percent sign.
 */
export function expandTopic(template: string, index: number, clientId: string, username: string): string {
  return template.replace(/%([icur%])/g, (_, letter: string) => {
    switch (letter) {
      case 'i':
        return String(index);
      case 'c':
        return clientId;
      case 'u':
        return username;
      case 'r':
        return randomBytes(4).toString('hex');
      default:
        return '%';
    }
  });
}

function connectionsOf(settings: BenchSettings, role: Role, count: number, template: string): ConnectionPlan[] {
  const plans: ConnectionPlan[] = [];
  const username = settings.client.username ?? '';
  for (let index = 0; index < count; index++) {
    const clientId = `${settings.clientIdPrefix}${role}${index}`;
    const topic = role === 'conn' ? '' : expandTopic(template, index, clientId, username);
    if (role === 'pub' && !isValidTopicName(topic)) {
      throw new MqttError(ErrorCode.InvalidTopic, `Invalid topic '${topic}' for publisher ${index}: no + or # in a topic name.`);
    }
    if (role === 'sub' && !isValidTopicFilter(topic)) {
      throw new MqttError(ErrorCode.InvalidTopic, `Invalid topic filter '${topic}' for subscriber ${index}.`);
    }
    plans.push({ index, role, clientId, topic });
  }
  return plans;
}

/** Every connection of the run: subscribers first, so they are in place before anyone publishes. */
export function planConnections(settings: BenchSettings): ConnectionPlan[] {
  return [
    ...connectionsOf(settings, 'sub', settings.subscribers, settings.subTopic),
    ...connectionsOf(settings, 'pub', settings.publishers, settings.topic),
    ...connectionsOf(settings, 'conn', settings.plainConnections, ''),
  ];
}

/** Connections dealt round-robin, so the workers share the subscribers and the publishers alike. */
export function assignToWorkers(plans: readonly ConnectionPlan[], workers: number): ConnectionPlan[][] {
  const shares: ConnectionPlan[][] = Array.from({ length: workers }, () => []);
  plans.forEach((plan, k) => shares[k % workers]!.push(plan));
  return shares.filter((share) => share.length > 0);
}

/**
 * How many copies of each publisher's messages the subscribers should get: one per matching
 * subscription, and one per shared-subscription group however many members it has.
 */
export function receiversPerPublisher(plans: readonly ConnectionPlan[]): Map<number, number> {
  const subs = plans.filter((p) => p.role === 'sub');
  const result = new Map<number, number>();
  for (const pub of plans) {
    if (pub.role !== 'pub') continue;
    const groups = new Set<string>();
    let receivers = 0;
    for (const sub of subs) {
      if (!topicMatches(sub.topic, pub.topic)) continue;
      const shared = parseSharedSubscription(sub.topic);
      if (shared === undefined) receivers += 1;
      else groups.add(`${shared.group}\n${shared.filter}`);
    }
    result.set(pub.index, receivers + groups.size);
  }
  return result;
}
