import assert from 'node:assert/strict';
import { Histogram } from '../../src/lib/bench/histogram.js';

/** The exact percentile of a sorted list, nearest-rank, to compare the histogram with. */
function exact(sorted: readonly number[], fraction: number): number {
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
}

describe('bench histogram', () => {
  it('counts values under 256 µs exactly', () => {
    const h = new Histogram();
    for (let v = 1; v <= 100; v++) h.record(v);
    assert.deepEqual(h.percentiles(), { count: 100, min: 1, mean: 50.5, p50: 50, p90: 90, p99: 99, p999: 100, max: 100 });
  });

  it('stays within 0.8 % of the exact percentiles over six orders of magnitude', () => {
    const values: number[] = [];
    let seed = 42;
    const h = new Histogram();
    for (let i = 0; i < 50_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const v = Math.floor(Math.exp((seed / 2 ** 31) * Math.log(5_000_000)));
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    for (const fraction of [0.5, 0.9, 0.99, 0.999]) {
      const want = exact(values, fraction);
      const got = h.valueAt(fraction);
      assert.ok(got >= want && got <= want * 1.008 + 1, `p${fraction * 100}: ${got} vs ${want}`);
    }
    assert.equal(h.percentiles()?.max, values.at(-1));
  });

  it('adds up histograms from several workers bucket by bucket', () => {
    const a = new Histogram();
    const b = new Histogram();
    for (let v = 0; v < 1000; v++) (v % 2 === 0 ? a : b).record(v * 1000);
    const sum = new Histogram();
    sum.add(a.snapshot());
    sum.add(b.snapshot());
    sum.add(new Histogram().snapshot());
    const p = sum.percentiles()!;
    assert.deepEqual([p.count, p.min, p.max], [1000, 0, 999_000]);
    assert.ok(Math.abs(p.p50 - 499_000) / 499_000 < 0.008, String(p.p50));
  });

  it('clamps negative and huge values instead of failing, and has nothing to say when empty', () => {
    const h = new Histogram();
    assert.equal(h.percentiles(), undefined);
    h.record(-5);
    h.record(1e15);
    const p = h.percentiles()!;
    assert.equal(p.min, 0);
    assert.equal(p.max, 2 ** 40 - 1);
  });
});
