import assert from 'node:assert/strict';
import { DeadlineQueue } from '../../src/lib/broker/deadline-queue.js';
import { FakeClock } from '../support/fake-clock.js';

describe('broker: DeadlineQueue', () => {
  it('expires items in arrival order once their time is up, and never those deleted', () => {
    const clock = new FakeClock();
    const expired: string[] = [];
    const queue = new DeadlineQueue<string>(40, (item) => expired.push(item), clock);
    queue.add('a');
    clock.advance(15);
    queue.add('b');
    queue.add('c');
    queue.delete('b');
    clock.advance(24);
    assert.deepEqual(expired, []);
    clock.advance(1);
    assert.deepEqual(expired, ['a']);
    clock.advance(14);
    assert.deepEqual(expired, ['a']);
    clock.advance(1);
    assert.deepEqual(expired, ['a', 'c']);
    assert.equal(clock.pendingCount, 0, 'an empty queue holds no timer');
  });

  it('keeps running for items added while it expires others', () => {
    const clock = new FakeClock();
    const expired: number[] = [];
    const queue = new DeadlineQueue<number>(20, (item) => {
      expired.push(item);
      if (item < 3) queue.add(item + 1);
    }, clock);
    queue.add(1);
    clock.advance(60);
    assert.deepEqual(expired, [1, 2, 3]);
  });

  it('arms one timer for many items', () => {
    const clock = new FakeClock();
    const queue = new DeadlineQueue<number>(20, () => undefined, clock);
    for (let i = 0; i < 100; i++) queue.add(i);
    assert.equal(clock.pendingCount, 1);
  });
});
