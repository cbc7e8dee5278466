import type { IncomingPublish } from './codec.js';

/** Levels the tree holds at most: a publisher making endless new topics must not exhaust the page. */
const MAX_NODES = 50_000;
/** Messages a topic keeps for its view. */
const HISTORY = 100;
/** The rate is messages over this window. */
const RATE_WINDOW_MS = 10_000;
/** Timestamps a topic keeps for its rate: bounds the work per message at any rate. */
const RATE_SAMPLES = 200;

/**
 * The newest entries of a list, dropped from the front in batches: shifting one off an array per
 * message would move the whole array each time, at thousands of messages a second.
 */
class Recent<T> {
  private items: T[] = [];
  private head = 0;

  constructor(private readonly max: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length - this.head > this.max) this.head++;
    if (this.head >= this.max) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Forgets entries from the front while `drop` holds for them. */
  dropWhile(drop: (item: T) => boolean): void {
    while (this.head < this.items.length && drop(this.items[this.head]!)) this.head++;
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /** The last `n` entries, oldest first. */
  last(n: number): T[] {
    return this.items.slice(Math.max(this.head, this.items.length - n));
  }
}

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
  readonly history = new Recent<StoredMessage>(HISTORY);
  private readonly times = new Recent<number>(RATE_SAMPLES);

  constructor(
    readonly name: string,
    readonly path: string,
    readonly parent: TopicNode | undefined,
  ) {}

  /** Messages per second over the last ten seconds. */
  rate(now: number): number {
    this.times.dropWhile((at) => at < now - RATE_WINDOW_MS);
    return (this.times.length * 1000) / RATE_WINDOW_MS;
  }

  record(publish: IncomingPublish, now: number): void {
    this.count++;
    this.last = publish;
    this.changedAt = now;
    this.history.push({ at: now, publish });
    this.times.push(now);
  }
}

/** Every topic the page has seen, as a tree by level; it tells what changed since it was last asked. */
export class TopicStore {
  readonly root = new TopicNode('', '', undefined);
  /** A node was added: the visible rows must be listed again. */
  structureChanged = false;
  private nodes = 0;
  /** Messages on topics left out because the tree is full. */
  leftOut = 0;
  /** Topics that had a message (a level with none is only a parent). */
  topics = 0;
  /** Nodes whose numbers changed (the topic and its ancestors). */
  readonly dirty = new Set<TopicNode>();

  /** Records a message; undefined when its topic would make the tree larger than it may be. */
  add(publish: IncomingPublish, now: number): TopicNode | undefined {
    const levels = publish.topic.split('/');
    if (this.nodes + levels.length > MAX_NODES && this.find(publish.topic) === undefined) {
      this.leftOut++;
      return undefined;
    }
    let node = this.root;
    node.total++;
    for (const level of levels) {
      let child = node.children.get(level);
      if (child === undefined) {
        this.nodes++;
        child = new TopicNode(level, node === this.root ? level : `${node.path}/${level}`, node);
        node.children.set(level, child);
        this.structureChanged = true;
      }
      node = child;
      node.total++;
      this.dirty.add(node);
    }
    if (node.count === 0) this.topics++;
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
    this.topics = 0;
    this.nodes = 0;
    this.leftOut = 0;
    this.dirty.clear();
    this.structureChanged = true;
  }
}
