import assert from 'node:assert/strict';
import { SequenceTracker } from '../../src/lib/bench/sequence.js';
import { HEADER_BYTES, readHeader, writeHeader } from '../../src/lib/bench/payload.js';

describe('bench sequence checks', () => {
  it('counts duplicates, late arrivals and gaps per publisher', () => {
    const t = new SequenceTracker();
    for (const seq of [0, 1, 2, 2, 5, 3, 6]) t.record(7, seq);
    for (const seq of [0, 1]) t.record(8, seq);
    assert.deepEqual(t.counts, { unique: 8, duplicates: 1, outOfOrder: 1, gaps: 1 });
    assert.equal(t.missing, 1);
  });

  it('a publisher missing its first messages is a gap, unless we joined mid-stream', () => {
    const fromStart = new SequenceTracker();
    fromStart.record(0, 3);
    assert.deepEqual([fromStart.counts.gaps, fromStart.missing], [1, 3]);
    const joined = new SequenceTracker(true);
    joined.record(0, 3);
    joined.record(0, 4);
    assert.deepEqual([joined.counts.gaps, joined.missing, joined.counts.unique], [0, 0, 2]);
  });
});

describe('bench payload header', () => {
  it('round-trips tag, publisher, sequence and send time; anything else is foreign', () => {
    const payload = Buffer.alloc(32);
    writeHeader(payload, 0xbeef, 12, 345, 1234.5678);
    assert.deepEqual(readHeader(payload), { tag: 0xbeef, publisher: 12, seq: 345, sentAt: 1234.5678 });
    assert.equal(readHeader(Buffer.from('plain text payload, no header')), undefined);
    assert.equal(readHeader(payload.subarray(0, HEADER_BYTES - 1)), undefined);
  });
});
