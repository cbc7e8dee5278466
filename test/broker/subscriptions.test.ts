/** The topic tree alone: subscribers are plain objects, no broker, no sockets. */
import assert from 'node:assert/strict';
import type { QoS } from '../../src/lib/protocol/packets.js';
import { SubscriptionTree, type SubscriptionOptions, type Subscriber } from '../../src/lib/broker/subscriptions.js';

interface Sub extends Subscriber {
  name: string;
  connection: object | undefined;
}

const online = (name: string): Sub => ({ name, connection: {} });
const offline = (name: string): Sub => ({ name, connection: undefined });
const opts = (qos: QoS = 0): SubscriptionOptions => ({ qos, noLocal: false, retainAsPublished: false, retainHandling: 0, identifier: undefined });

/** Who gets `topic`, as "name" or "name(shared)", in visiting order. */
function match(tree: SubscriptionTree<Sub>, topic: string): string[] {
  const got: string[] = [];
  tree.match(topic, (s, _o, shared) => got.push(shared ? `${s.name}(shared)` : s.name));
  return got;
}

describe('broker: topic tree', () => {
  it("matches '+' on exactly one level and '#' on the rest, the parent included", () => {
    const tree = new SubscriptionTree<Sub>();
    const [plus, hash, exact, mid] = [online('plus'), online('hash'), online('exact'), online('mid')];
    tree.add(plus, 'a/+', opts());
    tree.add(hash, 'a/#', opts());
    tree.add(exact, 'a/b', opts());
    tree.add(mid, 'a/+/c', opts());
    assert.deepEqual(match(tree, 'a').sort(), ['hash']);
    assert.deepEqual(match(tree, 'a/b').sort(), ['exact', 'hash', 'plus']);
    assert.deepEqual(match(tree, 'a/b/c').sort(), ['hash', 'mid']);
    assert.deepEqual(match(tree, 'a/b/c/d'), ['hash']);
    assert.deepEqual(match(tree, 'b'), []);
    assert.deepEqual(match(tree, 'a/').sort(), ['hash', 'plus'], 'an empty level is a level');
  });

  it("keeps topics starting with '$' from first-level wildcards, but not from a filter naming them", () => {
    const tree = new SubscriptionTree<Sub>();
    tree.add(online('all'), '#', opts());
    tree.add(online('plus'), '+/broker/uptime', opts());
    tree.add(online('sys'), '$SYS/#', opts());
    tree.add(online('deep'), '$SYS/+/uptime', opts());
    assert.deepEqual(match(tree, '$SYS/broker/uptime').sort(), ['deep', 'sys']);
    assert.deepEqual(match(tree, 'x/broker/uptime').sort(), ['all', 'plus']);
    assert.deepEqual(match(tree, 'a/$b'), ['all'], "'$' matters only at the first level");
  });

  it('replaces the options of a subscription made again, and says it was not new', () => {
    const tree = new SubscriptionTree<Sub>();
    const s = online('s');
    assert.equal(tree.add(s, 'a', opts(0)), true);
    assert.equal(tree.add(s, 'a', opts(2)), false);
    assert.equal(tree.count, 1);
    const qos: QoS[] = [];
    tree.match('a', (_s, o) => qos.push(o.qos));
    assert.deepEqual(qos, [2]);
  });

  it('removes subscriptions, says whether one existed, and forgets what it remembered for the topic', () => {
    const tree = new SubscriptionTree<Sub>();
    const [x, y] = [online('x'), online('y')];
    tree.add(x, 'a/b', opts());
    tree.add(y, 'a/+', opts());
    assert.deepEqual(match(tree, 'a/b').sort(), ['x', 'y']);
    assert.equal(tree.remove(x, 'a/b'), true);
    assert.equal(tree.remove(x, 'a/b'), false);
    assert.equal(tree.remove(x, 'no/such'), false);
    assert.deepEqual(match(tree, 'a/b'), ['y']);
    tree.add(x, 'a/#', opts());
    assert.deepEqual(match(tree, 'a/b').sort(), ['x', 'y'], 'a new subscription is seen on a topic matched before');
    tree.remove(y, 'a/+');
    tree.remove(x, 'a/#');
    assert.equal(tree.count, 0);
    assert.deepEqual(match(tree, 'a/b'), []);
  });

  it('gives each shared group one copy, in turn among its connected members, apart from plain subscriptions', () => {
    const tree = new SubscriptionTree<Sub>();
    const [m1, m2, away, other, plain] = [online('m1'), online('m2'), offline('away'), online('other'), online('plain')];
    tree.add(m1, '$share/g/t/#', opts());
    tree.add(away, '$share/g/t/#', opts());
    tree.add(m2, '$share/g/t/#', opts());
    tree.add(other, '$share/h/t/+', opts());
    tree.add(plain, 't/x', opts());
    assert.equal(tree.sharedCount, 4);
    assert.equal(tree.count, 1);
    const rounds = [0, 1, 2, 3].map(() => match(tree, 't/x').sort());
    assert.deepEqual(rounds, [
      ['m1(shared)', 'other(shared)', 'plain'],
      ['m2(shared)', 'other(shared)', 'plain'],
      ['m1(shared)', 'other(shared)', 'plain'],
      ['m2(shared)', 'other(shared)', 'plain'],
    ]);
  });

  it('gives a shared group whose members are all away its next member in turn', () => {
    const tree = new SubscriptionTree<Sub>();
    tree.add(offline('a'), '$share/g/t', opts());
    tree.add(offline('b'), '$share/g/t', opts());
    assert.deepEqual([match(tree, 't'), match(tree, 't'), match(tree, 't')], [['a(shared)'], ['b(shared)'], ['a(shared)']]);
  });

  it('removes a shared subscription, and the group with its last member', () => {
    const tree = new SubscriptionTree<Sub>();
    const [a, b] = [online('a'), online('b')];
    tree.add(a, '$share/g/t', opts());
    tree.add(b, '$share/g/t', opts());
    assert.equal(tree.add(a, '$share/g/t', opts(1)), false, 'a member subscribing again is not new');
    assert.equal(tree.remove(a, '$share/g/t'), true);
    assert.equal(tree.remove(a, '$share/g/t'), false);
    assert.deepEqual([match(tree, 't'), match(tree, 't')], [['b(shared)'], ['b(shared)']]);
    tree.remove(b, '$share/g/t');
    assert.equal(tree.sharedCount, 0);
    assert.deepEqual(match(tree, 't'), []);
  });

  it('matches a topic 10,000 levels deep, with a wildcard at every level, without overflowing the stack', () => {
    // Far past what fits a recursive walk: the broker refuses topics over 201 levels, but the tree
    // must not depend on that to stay safe.
    const tree = new SubscriptionTree<Sub>();
    const levels = Array.from({ length: 10_000 }, (_, i) => `l${i}`);
    tree.add(online('exact'), levels.join('/'), opts());
    tree.add(online('plus'), levels.map(() => '+').join('/'), opts());
    tree.add(online('tail'), `${levels.slice(0, 9_999).join('/')}/#`, opts());
    tree.add(online('mixed'), levels.map((l, i) => (i % 2 === 0 ? '+' : l)).join('/'), opts());
    assert.deepEqual(match(tree, levels.join('/')).sort(), ['exact', 'mixed', 'plus', 'tail']);
    assert.deepEqual(match(tree, levels.slice(0, 9_999).join('/')), ['tail']);
  });
});
