import assert from 'node:assert/strict';
import { PauseEdges } from '../../src/lib/broker/publisher-pause.js';

describe('broker: publisher pause graph', () => {
  it('resumes a publisher once the last subscriber it waits for has drained, and only once', () => {
    let resumed = 0;
    const publisher = new PauseEdges(() => resumed++);
    const [slow, slower] = [new PauseEdges(() => undefined), new PauseEdges(() => undefined)];
    publisher.waitFor(slow);
    publisher.waitFor(slower);
    slow.release();
    assert.equal(resumed, 0, 'still waiting for the slower one');
    slower.release();
    assert.equal(resumed, 1);
    slower.release();
    assert.equal(resumed, 1);
  });

  it('forgets what a publisher waited for once it is read again: waiting anew, only the new subscriber holds it back', () => {
    let resumed = 0;
    const publisher = new PauseEdges(() => resumed++);
    const [a, b] = [new PauseEdges(() => undefined), new PauseEdges(() => undefined)];
    publisher.waitFor(a);
    publisher.forgetBlockers();
    publisher.waitFor(b);
    b.release();
    assert.equal(resumed, 1);
  });
});
