/**
 * A log-bucketed histogram in the manner of HdrHistogram: values (whole microseconds) below 256
 * are counted exactly, above that each power of two is split into 128 equal buckets, so any
 * reported value is within 0.8 % of a recorded one. Memory is fixed (a few thousand counters)
 * whatever the number of samples, recording is a few arithmetic operations, and histograms from
 * several workers add up bucket by bucket.
 */

/** log2 of the exactly counted range; also fixes the precision above it. */
const EXACT_BITS = 8;
const EXACT = 1 << EXACT_BITS;
const HALF = EXACT / 2;
/** Largest recordable value: 2^40 µs is about 12 days; larger samples are clamped to it. */
const MAX_BITS = 40;
export const HISTOGRAM_BUCKETS = EXACT + (MAX_BITS - EXACT_BITS) * HALF;
const MAX_VALUE = 2 ** MAX_BITS - 1;

export interface HistogramSnapshot {
  counts: Float64Array;
  total: number;
  min: number;
  max: number;
  sum: number;
}

export interface Percentiles {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

function bucketOf(value: number): number {
  if (value < EXACT) return value;
  const octave = Math.floor(Math.log2(value));
  const shift = octave - (EXACT_BITS - 1);
  return EXACT + (shift - 1) * HALF + (Math.floor(value / 2 ** shift) - HALF);
}

/** The largest value that falls in a bucket. */
function bucketTop(index: number): number {
  if (index < EXACT) return index;
  const k = index - EXACT;
  const shift = Math.floor(k / HALF) + 1;
  return (HALF + (k % HALF) + 1) * 2 ** shift - 1;
}

export class Histogram {
  private readonly counts = new Float64Array(HISTOGRAM_BUCKETS);
  private total = 0;
  private min = Infinity;
  private max = 0;
  private sum = 0;

  /** Records one value in microseconds; fractions are dropped, negatives count as 0. */
  record(micros: number): void {
    const value = micros <= 0 ? 0 : micros >= MAX_VALUE ? MAX_VALUE : Math.floor(micros);
    this.counts[bucketOf(value)]! += 1;
    this.total += 1;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  get count(): number {
    return this.total;
  }

  /** A copy that can cross a worker boundary (structured clone). */
  snapshot(): HistogramSnapshot {
    return { counts: this.counts.slice(), total: this.total, min: this.min, max: this.max, sum: this.sum };
  }

  add(other: HistogramSnapshot): void {
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) this.counts[i]! += other.counts[i] ?? 0;
    this.total += other.total;
    this.sum += other.sum;
    if (other.total > 0) {
      this.min = Math.min(this.min, other.min);
      this.max = Math.max(this.max, other.max);
    }
  }

  /** The value at or below which `fraction` of the samples lie (the bucket's top, never above max). */
  valueAt(fraction: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(fraction * this.total));
    let seen = 0;
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(bucketTop(i), this.max);
    }
    return this.max;
  }

  /** The usual summary; undefined when nothing was recorded. */
  percentiles(): Percentiles | undefined {
    if (this.total === 0) return undefined;
    return {
      count: this.total,
      min: this.min,
      mean: this.sum / this.total,
      p50: this.valueAt(0.5),
      p90: this.valueAt(0.9),
      p99: this.valueAt(0.99),
      p999: this.valueAt(0.999),
      max: this.max,
    };
  }
}
