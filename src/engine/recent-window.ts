// The most recent values of a stream in a fixed ring, and nearest-rank percentiles of them.

/**
 * The last `capacity` values recorded (a power of two: the ring index is a
 * mask). Recording is O(1) and allocates nothing; a percentile sorts a copy.
 */
export class RecentWindow {
  private readonly values: Float64Array;
  private readonly mask: number;
  /** Values recorded since the start (the window holds the last `capacity` of them). */
  count = 0;

  constructor(readonly capacity: number) {
    if (!(capacity > 0 && (capacity & (capacity - 1)) === 0)) throw new Error(`RecentWindow: capacity ${capacity} is not a power of two`);
    this.values = new Float64Array(capacity);
    this.mask = capacity - 1;
  }

  record(x: number): void {
    this.values[this.count++ & this.mask] = x;
  }

  /** The values held now (the last `capacity` recorded, or fewer), sorted ascending: a copy. */
  sorted(): Float64Array {
    return this.values.slice(0, Math.min(this.count, this.capacity)).sort();
  }
}

/**
 * The nearest-rank p-quantile of values sorted ascending (0 < p <= 1): the
 * smallest value with at least a share p of them at or below it. NaN when empty.
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))];
}
