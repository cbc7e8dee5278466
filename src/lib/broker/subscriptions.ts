/**
 * The topic tree. A filter is stored level by level ("a/+/#" → a → + → #); a PUBLISH walks the
 * tree once along its topic's levels, following the exact level, '+' and '#' at each step.
 *
 * Rules (MQTT 3.1.1 §4.7, 5.0 §4.7–4.8): '+' matches exactly one level, '#' the rest including
 * the parent ("a/#" matches "a"); neither matches a topic starting with '$' at the first level, so
 * "#" never sees $SYS. "$share/{group}/{filter}" subscribes a group: each message goes to one member.
 */
import type { QoS, RetainHandling } from '../protocol/packets.js';
import { parseSharedSubscription } from '../topic.js';

/**
 * Whoever subscribes (a Session in the broker): the tree keeps it only as a key, and asks of it
 * only whether its client is connected, to pick a shared group's member.
 */
export interface Subscriber {
  readonly connection: object | undefined;
}

export interface SubscriptionOptions {
  qos: QoS;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: RetainHandling;
  /** v5 subscription identifier, carried on every PUBLISH this subscription causes. */
  identifier: number | undefined;
}

interface SharedGroup<S> {
  members: [S, SubscriptionOptions][];
  next: number;
}

interface TreeNode<S> {
  children: Map<string, TreeNode<S>>;
  subs: Map<S, SubscriptionOptions> | undefined;
  shared: Map<string, SharedGroup<S>> | undefined;
}

export type MatchVisitor<S> = (subscriber: S, options: SubscriptionOptions, shared: boolean) => void;

/** Topics whose plain matches are remembered; past this the cache starts over. */
const CACHE_LIMIT = 10_000;

function newNode<S>(): TreeNode<S> {
  return { children: new Map(), subs: undefined, shared: undefined };
}

export class SubscriptionTree<S extends Subscriber> {
  private readonly root = newNode<S>();
  count = 0;
  sharedCount = 0;
  /**
   * Plain matches by topic, so a busy topic is walked once, not once per message. Any subscription
   * change empties it; topics that reach a shared group are not cached (each message picks anew).
   */
  private readonly cache = new Map<string, [S, SubscriptionOptions][]>();

  /** Adds or replaces a subscription; true when it did not exist before (v5 retain handling 1). */
  add(session: S, filter: string, options: SubscriptionOptions): boolean {
    this.cache.clear();
    const share = parseSharedSubscription(filter);
    const node = this.nodeFor(share === undefined ? filter : share.filter, true)!;
    if (share === undefined) {
      node.subs ??= new Map();
      const isNew = !node.subs.has(session);
      node.subs.set(session, options);
      if (isNew) this.count++;
      return isNew;
    }
    node.shared ??= new Map();
    let group = node.shared.get(share.group);
    if (group === undefined) {
      group = { members: [], next: 0 };
      node.shared.set(share.group, group);
    }
    const existing = group.members.find(([s]) => s === session);
    if (existing !== undefined) {
      existing[1] = options;
      return false;
    }
    group.members.push([session, options]);
    this.sharedCount++;
    return true;
  }

  /** True when the subscription existed. */
  remove(session: S, filter: string): boolean {
    this.cache.clear();
    const share = parseSharedSubscription(filter);
    const node = this.nodeFor(share === undefined ? filter : share.filter, false);
    if (node === undefined) return false;
    if (share === undefined) {
      if (node.subs?.delete(session) !== true) return false;
      this.count--;
    } else {
      const group = node.shared?.get(share.group);
      const i = group?.members.findIndex(([s]) => s === session) ?? -1;
      if (group === undefined || i === -1) return false;
      group.members.splice(i, 1);
      if (group.members.length === 0) node.shared!.delete(share.group);
      this.sharedCount--;
    }
    this.prune(share === undefined ? filter : share.filter);
    return true;
  }

  /**
   * Calls visit for every plain subscription matching topic, and for each shared group once, with
   * the member whose turn it is (connected members first). The walk keeps its own stack, so a
   * topic of any depth costs heap, never the call stack, and nothing of it outlives the call.
   */
  match(topic: string, visit: MatchVisitor<S>): void {
    const cached = this.cache.get(topic);
    if (cached !== undefined) {
      for (const [session, options] of cached) visit(session, options, false);
      return;
    }
    const found: [S, SubscriptionOptions][] = [];
    let sawShared = false;
    const levels = topic.split('/');
    const dollar = topic.charCodeAt(0) === 0x24;
    const nodes: TreeNode<S>[] = [this.root];
    const depths: number[] = [0];
    for (let node = nodes.pop(); node !== undefined; node = nodes.pop()) {
      const i = depths.pop()!;
      const children = node.children;
      if (i === levels.length) {
        sawShared = visitNode(node, visit, found) || sawShared;
        const hash = children.get('#');
        if (hash !== undefined) sawShared = visitNode(hash, visit, found) || sawShared;
        continue;
      }
      if (children.size === 0) continue;
      // Pushed before '+', so popped after it: '+' subtrees are visited first, as they always were.
      const exact = children.get(levels[i]!);
      if (exact !== undefined) {
        nodes.push(exact);
        depths.push(i + 1);
      }
      if (i === 0 && dollar) continue;
      const hash = children.get('#');
      if (hash !== undefined) sawShared = visitNode(hash, visit, found) || sawShared;
      const plus = children.get('+');
      if (plus !== undefined) {
        nodes.push(plus);
        depths.push(i + 1);
      }
    }
    if (sawShared) return;
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(topic, found);
  }

  private nodeFor(filter: string, create: boolean): TreeNode<S> | undefined {
    let node = this.root;
    for (const level of filter.split('/')) {
      let child = node.children.get(level);
      if (child === undefined) {
        if (!create) return undefined;
        child = newNode<S>();
        node.children.set(level, child);
      }
      node = child;
    }
    return node;
  }

  /** Drops the empty nodes along a filter's path, so unsubscribed topics cost no memory. */
  private prune(filter: string): void {
    const path: [TreeNode<S>, string][] = [];
    let node = this.root;
    for (const level of filter.split('/')) {
      const child = node.children.get(level);
      if (child === undefined) return;
      path.push([node, level]);
      node = child;
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const [parent, level] = path[i]!;
      const child = parent.children.get(level)!;
      if (child.children.size > 0 || (child.subs?.size ?? 0) > 0 || (child.shared?.size ?? 0) > 0) return;
      parent.children.delete(level);
    }
  }
}

/** Visits a node's plain subscriptions (noting them in `found`) and its shared groups; true when it has groups. */
function visitNode<S extends Subscriber>(node: TreeNode<S>, visit: MatchVisitor<S>, found: [S, SubscriptionOptions][]): boolean {
  const subs = node.subs;
  if (subs !== undefined) {
    for (const [session, options] of subs) {
      found.push([session, options]);
      visit(session, options, false);
    }
  }
  const shared = node.shared;
  if (shared === undefined || shared.size === 0) return false;
  for (const group of shared.values()) visitGroup(group, visit);
  return true;
}

/** Gives one member of a shared group the message: the next connected one in turn, else the next. */
function visitGroup<S extends Subscriber>(group: SharedGroup<S>, visit: MatchVisitor<S>): void {
  const members = group.members;
  const n = members.length;
  let chosen = members[group.next % n]!;
  for (let k = 0; k < n; k++) {
    const candidate = members[(group.next + k) % n]!;
    if (candidate[0].connection !== undefined) {
      chosen = candidate;
      group.next = (group.next + k + 1) % n;
      break;
    }
    if (k === n - 1) group.next = (group.next + 1) % n;
  }
  visit(chosen[0], chosen[1], true);
}
