import type { IncomingPublish } from './codec.js';

/** Messages a topic keeps for its view. */
const HISTORY = 100;
/** The rate is messages over this window. */
const RATE_WINDOW_MS = 10_000;
/** Timestamps a topic keeps for its rate: bounds the work per message at any rate. */
const RATE_SAMPLES = 200;

export interface StoredMessage {
  at: number;
  publish: IncomingPublish;
}

/** One level of the topic tree. */
export class TopicNode {
  readonly children = new Map<string, TopicNode>();
  /** Messages on this topic itself. */
  count = 0;
  /** Messages on this topic and every topic below it. */
  total = 0;
  last: IncomingPublish | undefined;
  /** When the last message came, for the flash. */
  changedAt = 0;
  expanded = false;
  readonly history: StoredMessage[] = [];
  private readonly times: number[] = [];

  constructor(
    readonly name: string,
    readonly path: string,
    readonly parent: TopicNode | undefined,
  ) {}

  /** Messages per second over the last ten seconds. */
  rate(now: number): number {
    while (this.times.length > 0 && this.times[0]! < now - RATE_WINDOW_MS) this.times.shift();
    return (this.times.length * 1000) / RATE_WINDOW_MS;
  }

  record(publish: IncomingPublish, now: number): void {
    this.count++;
    this.last = publish;
    this.changedAt = now;
    this.history.push({ at: now, publish });
    if (this.history.length > HISTORY) this.history.shift();
    this.times.push(now);
    if (this.times.length > RATE_SAMPLES) this.times.shift();
  }
}

/** Every topic the page has seen, as a tree by level; it tells what changed since it was last asked. */
export class TopicStore {
  readonly root = new TopicNode('', '', undefined);
  /** A node was added: the visible rows must be listed again. */
  structureChanged = false;
  /** Nodes whose numbers changed (the topic and its ancestors). */
  readonly dirty = new Set<TopicNode>();

  add(publish: IncomingPublish, now: number): TopicNode {
    let node = this.root;
    node.total++;
    for (const level of publish.topic.split('/')) {
      let child = node.children.get(level);
      if (child === undefined) {
        child = new TopicNode(level, node === this.root ? level : `${node.path}/${level}`, node);
        node.children.set(level, child);
        this.structureChanged = true;
      }
      node = child;
      node.total++;
      this.dirty.add(node);
    }
    node.record(publish, now);
    return node;
  }

  find(path: string): TopicNode | undefined {
    let node: TopicNode | undefined = this.root;
    for (const level of path.split('/')) node = node?.children.get(level);
    return node;
  }

  clear(): void {
    this.root.children.clear();
    this.root.total = 0;
    this.dirty.clear();
    this.structureChanged = true;
  }
}
