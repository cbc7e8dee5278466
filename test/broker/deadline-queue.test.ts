import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlineQueue } from '../../src/lib/broker/deadline-queue.js';

describe('broker: DeadlineQueue', () => {
  it('expires items in arrival order once their time is up, and never those deleted', async () => {
    const expired: string[] = [];
    const queue = new DeadlineQueue<string>(40, (item) => expired.push(item));
    queue.add('a');
    await sleep(15);
    queue.add('b');
    queue.add('c');
    queue.delete('b');
    await sleep(35);
    assert.deepEqual(expired, ['a']);
    await sleep(30);
    assert.deepEqual(expired, ['a', 'c']);
  });

  it('keeps running for items added while it expires others', async () => {
    const expired: number[] = [];
    const queue = new DeadlineQueue<number>(20, (item) => {
      expired.push(item);
      if (item < 3) queue.add(item + 1);
    });
    queue.add(1);
    await sleep(120);
    assert.deepEqual(expired, [1, 2, 3]);
  });
});
