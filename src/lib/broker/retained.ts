import { topicMatches } from '../topic.js';
import { isExpired, own, type BrokerMessage } from './message.js';
import type { DurableLog } from './persistence/durable-log.js';
import type { RetainSource } from './persistence/records.js';

/** Retained messages by topic: set, replaced, and cleared by an empty payload (3.1.1 §3.3.1.3). */
export class RetainedStore {
  private readonly byTopic = new Map<string, BrokerMessage>();

  constructor(private readonly durable: DurableLog | undefined) {}

  get count(): number {
    return this.byTopic.size;
  }

  /** `source`: its publisher, journaled with it for check_retain_source. */
  store(msg: BrokerMessage, source?: RetainSource): void {
    if (msg.payload.length === 0) {
      if (this.byTopic.delete(msg.topic)) this.durable?.unretain(msg.topic);
      return;
    }
    this.byTopic.set(msg.topic, own(msg));
    // $SYS is the broker's own report, rebuilt at start-up: journaling it would only cost writes.
    if (this.durable !== undefined && !msg.topic.startsWith('$SYS/')) this.durable.retain(msg, source);
  }

  /** A retained message read from the journal at start-up. */
  restore(msg: BrokerMessage): void {
    this.byTopic.set(msg.topic, msg);
  }

  /** The live retained messages a new subscription on `filter` receives, expired ones dropped. */
  matching(filter: string, now: number): BrokerMessage[] {
    const found: BrokerMessage[] = [];
    for (const [topic, msg] of this.byTopic) {
      if (isExpired(msg, now)) {
        this.byTopic.delete(topic);
        continue;
      }
      if (topicMatches(filter, topic)) found.push(msg);
    }
    return found;
  }
}
