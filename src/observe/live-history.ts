// The dashboard's memory of the recent past: per service, its figures at each closed bucket of simulated time, and latency counts in log-scaled buckets, in fixed rings (flat memory).

/** The figures a service row keeps a history of (the sparkline's metrics, in the order a key cycles them). */
export const HISTORY_METRICS = ['p99', 'throughput', 'utilization', 'queue', 'errors'] as const;
export type HistoryMetric = (typeof HISTORY_METRICS)[number];

/** Buckets kept per ring: more than the series has over a whole run (240), a power of two. */
export const HISTORY_CAPACITY = 256;

/** Latency buckets: two per octave from LATENCY_FLOOR_MS up (the last one takes everything above). */
export const LATENCY_BUCKETS = 44;
export const LATENCY_FLOOR_MS = 0.02;

/** The bucket of a latency: 0 below the floor, the last above about 84 s. */
export function latencyBucket(ms: number): number {
  const units = ms / LATENCY_FLOOR_MS;
  if (!(units > 1)) return 0;
  if (units >= 2 ** 22) return LATENCY_BUCKETS - 1;
  // the octave from the highest bit of the whole part, then its upper half past sqrt(2): no logarithm on the hot path
  const octave = 31 - Math.clz32(units);
  const i = 2 * octave + (units >= (1 << octave) * Math.SQRT2 ? 1 : 0);
  return i >= LATENCY_BUCKETS ? LATENCY_BUCKETS - 1 : i;
}

/** The lower bound of a latency bucket (ms). */
export function latencyBucketFloorMs(i: number): number {
  return LATENCY_FLOOR_MS * 2 ** (i / 2);
}

/** What one service did in one bucket of simulated time (its p99 the history takes from the bucket's latency counts). */
export interface BucketFigures {
  throughputPerSec: number;
  utilization: number;
  queue: number;
  errorRate: number;
}

/** A service's recent history, oldest first: one value a bucket (NaN: nothing measured, a p99 without successes). */
export type ServiceHistory = { readonly [M in HistoryMetric]: readonly number[] };

/** Latency counts over time: `columns` buckets of simulated time, each LATENCY_BUCKETS counts (column-major), oldest first. */
export interface LatencyColumns {
  readonly columns: number;
  readonly counts: Uint32Array;
}

/** A ring of fixed-size rows of numbers: push overwrites the oldest when full. */
class Ring<A extends Float64Array | Uint32Array> {
  filled = 0;
  constructor(
    readonly data: A,
    readonly stride: number,
  ) {}
  /** The slot to write the next row in (its offset); the row counts once written. */
  nextOffset(): number {
    return (this.filled % HISTORY_CAPACITY) * this.stride;
  }
  /** The last `n` rows (or fewer), oldest first, as one array. */
  tail(n: number, make: (len: number) => A): A {
    const rows = Math.min(n, this.filled, HISTORY_CAPACITY);
    const out = make(rows * this.stride);
    for (let k = 0; k < rows; k++) {
      const slot = (this.filled - rows + k) % HISTORY_CAPACITY;
      out.set(this.data.subarray(slot * this.stride, (slot + 1) * this.stride), k * this.stride);
    }
    return out;
  }
}

const FIGURES = HISTORY_METRICS.length;

/**
 * The history rings of every service and of end-to-end latency. The live
 * collector records latencies into the open bucket and closes it with each
 * service's figures; `version` counts closed buckets, so that a view copies
 * the rings only when they changed.
 */
export class LiveHistory {
  version = 0;
  private readonly figures: Ring<Float64Array>[];
  private readonly latency: Ring<Uint32Array>[];
  private readonly e2e: Ring<Uint32Array>;
  /** Counts of the open bucket: one row per service, then end to end. */
  private readonly open: Uint32Array;

  constructor(private readonly services: number) {
    this.figures = Array.from({ length: services }, () => new Ring(new Float64Array(HISTORY_CAPACITY * FIGURES), FIGURES));
    this.latency = Array.from({ length: services }, () => new Ring(new Uint32Array(HISTORY_CAPACITY * LATENCY_BUCKETS), LATENCY_BUCKETS));
    this.e2e = new Ring(new Uint32Array(HISTORY_CAPACITY * LATENCY_BUCKETS), LATENCY_BUCKETS);
    this.open = new Uint32Array((services + 1) * LATENCY_BUCKETS);
  }

  /** A successful span of a service took `ms`. */
  recordSpan(service: number, ms: number): void {
    this.open[service * LATENCY_BUCKETS + latencyBucket(ms)]++;
  }

  /** A successful request took `ms` end to end. */
  recordRequest(ms: number): void {
    this.open[this.services * LATENCY_BUCKETS + latencyBucket(ms)]++;
  }

  /** Close the open bucket: each service's figures (by index), the latency counts; then open a new one. */
  close(figures: (service: number) => BucketFigures): void {
    for (let i = 0; i < this.services; i++) {
      const f = figures(i);
      const ring = this.figures[i];
      const at = ring.nextOffset();
      ring.data[at] = this.openP99Ms(i);
      ring.data[at + 1] = f.throughputPerSec;
      ring.data[at + 2] = f.utilization;
      ring.data[at + 3] = f.queue;
      ring.data[at + 4] = f.errorRate;
      ring.filled++;
      this.closeCounts(this.latency[i], i);
    }
    this.closeCounts(this.e2e, this.services);
    this.version++;
  }

  /**
   * The p99 of a service's successful spans in the open bucket, from its
   * latency counts (nearest rank): the geometric middle of the half-octave
   * bucket that holds it, within 19% of the exact value (a sparkline has 8
   * levels); NaN without any. No sort: this runs 240 times a run per service.
   */
  private openP99Ms(service: number): number {
    const from = service * LATENCY_BUCKETS;
    let n = 0;
    for (let b = 0; b < LATENCY_BUCKETS; b++) n += this.open[from + b];
    if (n === 0) return NaN;
    const rank = Math.ceil(0.99 * n);
    let seen = 0;
    for (let b = 0; b < LATENCY_BUCKETS; b++) {
      seen += this.open[from + b];
      if (seen >= rank) return latencyBucketFloorMs(b) * 2 ** 0.25;
    }
    return NaN;
  }

  private closeCounts(ring: Ring<Uint32Array>, row: number): void {
    const at = ring.nextOffset();
    const from = row * LATENCY_BUCKETS;
    ring.data.set(this.open.subarray(from, from + LATENCY_BUCKETS), at);
    this.open.fill(0, from, from + LATENCY_BUCKETS);
    ring.filled++;
  }

  /** A service's last `n` buckets of figures (or fewer), oldest first. */
  serviceHistory(service: number, n: number): ServiceHistory {
    const flat = this.figures[service].tail(n, (len) => new Float64Array(len));
    const rows = flat.length / FIGURES;
    const pick = (k: number) => Array.from({ length: rows }, (_, r) => flat[r * FIGURES + k]);
    return { p99: pick(0), throughput: pick(1), utilization: pick(2), queue: pick(3), errors: pick(4) };
  }

  /** Latency counts of the last `n` buckets (or fewer), oldest first: a service's (by index), or end to end (null). */
  latencyColumns(service: number | null, n: number): LatencyColumns {
    const ring = service === null ? this.e2e : this.latency[service];
    const counts = ring.tail(n, (len) => new Uint32Array(len));
    return { columns: counts.length / LATENCY_BUCKETS, counts };
  }
}
