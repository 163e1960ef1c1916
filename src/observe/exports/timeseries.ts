// Time series of a run: per simulated interval, each service's and each workload's counts, percentiles and levels, aggregated as the run goes.
import { z } from 'zod';
import type { Replica } from '../../model/service.js';
import { Outcome, type RootRequest, type Span } from '../../model/span.js';
import type { World } from '../../model/world.js';
import type { Collector } from '../feature.js';
import { round } from '../report-fields.js';

const num = z.number().nullable();
const workloadColumns = {
  completed: z.array(z.number().int()).describe('requests that ended successfully in the interval'),
  errors: z.array(z.number().int()).describe('requests that failed in the interval (errors, timeouts, unavailable, breaker-open)'),
  rejected: z.array(z.number().int()).describe('requests turned away by a full queue or a rate limit in the interval'),
  throughputPerSec: z.array(num).describe('completed / the interval in seconds'),
  p50Ms: z.array(num).describe('median latency of the successful requests that ended in the interval (null: none)'),
  p99Ms: z.array(num).describe('99th percentile of the same'),
};

/** The report's optional `timeseries` section (msim run --json-timeseries): columns, one value per interval. */
export const timeseriesSchema = z
  .object({
    intervalMs: z.number().describe('the length of an interval in simulated ms (--interval); the last one may be shorter'),
    startMs: z.array(z.number()).describe('each interval starts here (simulated ms, warm-up included: the series starts at 0)'),
    endMs: z.array(z.number()),
    services: z.record(
      z.string(),
      z.object({
        ...workloadColumns,
        utilization: z.array(num).describe('busy cores / cores provisioned over the interval'),
        queueLength: z.array(num).describe('mean requests waiting for a slot or a core over the interval, summed over replicas'),
        replicasUp: z.array(z.number().int()).describe('replicas up at the end of the interval'),
      }),
    ),
    workloads: z.record(z.string(), z.object(workloadColumns).describe('end to end, from the intended send time')),
  })
  .optional()
  .describe('per-interval time series of the whole run, warm-up included; only with msim run --json-timeseries');

export type Timeseries = NonNullable<z.infer<typeof timeseriesSchema>>;
export type WorkloadSeries = Timeseries['workloads'][string];
export type ServiceSeries = Timeseries['services'][string];

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
/** 64 buckets per power of two (a bucket spans 1/64 of its lower edge: percentiles within 0.8%), from 2^-20 ms (1 ns) to 2^30 ms (12 days). */
const SUB_BITS = 6;
const LOW_EXP = 1023 - 20;
const OCTAVES = 50;
const BUCKETS = OCTAVES << SUB_BITS;

/**
 * The latency histogram of one open interval: a fixed array of log buckets,
 * reused interval after interval. It remembers which buckets it touched, so
 * clearing it and reading its percentiles cost what was recorded, not its size
 * (the run's block histogram is exact to 0.05% but is scanned whole, which made
 * a 1 s series of a 600 s checkout run cost 50% more CPU).
 */
export class IntervalHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  /** The buckets touched since the last clear, in the order first touched (the first `touchedCount`). */
  private readonly touched = new Int32Array(BUCKETS);
  private touchedCount = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;

  record(valueMs: number): void {
    this.count++;
    if (valueMs < this.min) this.min = valueMs;
    if (valueMs > this.max) this.max = valueMs;
    let i = 0;
    if (valueMs > 0) {
      f64[0] = valueMs;
      const hi = u32[HI];
      i = ((((hi >>> 20) & 0x7ff) - LOW_EXP) << SUB_BITS) | ((hi >>> (20 - SUB_BITS)) & ((1 << SUB_BITS) - 1));
      if (i < 0) i = 0;
      else if (i >= BUCKETS) i = BUCKETS - 1;
    }
    if (this.counts[i]++ === 0) this.touched[this.touchedCount++] = i;
  }

  /** Nearest-rank percentiles (ascending p), each at its bucket's midpoint clamped to the exact min and max; NaN when empty. */
  percentiles(ps: readonly number[]): number[] {
    if (this.count === 0) return ps.map(() => NaN);
    const t = this.touched.subarray(0, this.touchedCount).sort(); // a typed array sorts numerically, natively
    const out: number[] = [];
    let seen = 0;
    let k = 0;
    for (const p of ps) {
      const rank = Math.max(1, Math.ceil((p / 100) * this.count));
      while (seen + this.counts[t[k]] < rank) seen += this.counts[t[k++]];
      const b = t[k];
      const mid = b === 0 ? 0 : 2 ** ((b >>> SUB_BITS) - 20) * (1 + ((b & ((1 << SUB_BITS) - 1)) + 0.5) / (1 << SUB_BITS));
      out.push(Math.min(this.max, Math.max(this.min, mid)));
    }
    return out;
  }

  clear(): void {
    for (let k = 0; k < this.touchedCount; k++) this.counts[this.touched[k]] = 0;
    this.touchedCount = 0;
    this.count = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }
}

const P50_P99 = [50, 99] as const;

/** What one open interval accumulates for a workload or a service: counts and a latency histogram (cleared, not reallocated, interval after interval). */
class Bucket {
  completed = 0;
  errors = 0;
  rejected = 0;
  readonly latency = new IntervalHistogram();

  count(outcome: Outcome, latencyMs: number): void {
    if (outcome === Outcome.Ok) {
      this.completed++;
      this.latency.record(latencyMs);
    } else if (outcome === Outcome.Rejected) this.rejected++;
    else this.errors++;
  }

  clear(): void {
    this.completed = this.errors = this.rejected = 0;
    this.latency.clear();
  }
}

/** A service's open interval: its bucket and its levels (busy cores, waiting, provisioned replicas) integrated since the interval began. */
class ServiceAcc extends Bucket {
  busy = 0;
  waiting = 0;
  /** Replicas up or draining (their cores count), and up. */
  provisioned = 0;
  up = 0;
  lastMs = 0;
  busyArea = 0;
  waitingArea = 0;
  provisionedArea = 0;
  /** Per replica: provisioned, up (as last told). */
  readonly replicaProvisioned: boolean[] = [];
  readonly replicaUp: boolean[] = [];

  constructor(
    readonly cores: number,
    replicas: readonly Replica[],
  ) {
    super();
    for (const r of replicas) {
      this.replicaProvisioned.push(true);
      this.replicaUp.push(r.up);
      this.provisioned++;
      if (r.up) this.up++;
    }
  }

  /** Integrate the levels up to `nowMs`. */
  advance(nowMs: number): void {
    const dt = nowMs - this.lastMs;
    if (dt <= 0) return;
    this.busyArea += this.busy * dt;
    this.waitingArea += this.waiting * dt;
    this.provisionedArea += this.provisioned * dt;
    this.lastMs = nowMs;
  }
}

/**
 * Aggregates a run into intervals of `intervalMs` simulated ms as it goes:
 * one bucket per service and workload for the open interval (its histogram
 * cleared and reused when the interval closes), and a row of columns per closed
 * interval. An interval closes at the first model event at or after its end
 * (nothing is scheduled in the simulation, so the run is unchanged), and the
 * last, partial one when the series is read. Every request counts, warm-up
 * included, in the interval where it ended.
 */
export class TimeseriesCollector implements Collector {
  private startMs = 0;
  private nextMs: number;
  private readonly services: ServiceAcc[];
  private readonly workloads: Bucket[];
  private readonly out: Timeseries;
  private readonly sim: World['sim'];

  constructor(
    private readonly world: World,
    readonly intervalMs = 1000,
  ) {
    this.nextMs = intervalMs;
    this.sim = world.sim;
    this.services = world.services.map((s) => new ServiceAcc(s.cores, s.replicas));
    this.workloads = world.workloads.map(() => new Bucket());
    this.out = { intervalMs, startMs: [], endMs: [], services: {}, workloads: {} };
    for (const s of world.services)
      this.out.services[s.name] = {
        completed: [],
        errors: [],
        rejected: [],
        throughputPerSec: [],
        p50Ms: [],
        p99Ms: [],
        utilization: [],
        queueLength: [],
        replicasUp: [],
      };
    for (const w of world.workloads)
      this.out.workloads[w.name] = { completed: [], errors: [], rejected: [], throughputPerSec: [], p50Ms: [], p99Ms: [] };
  }

  requestFinished(req: RootRequest): void {
    const now = this.sim.nowMs;
    if (now >= this.nextMs) this.roll(now);
    this.workloads[req.workload.index].count(req.outcome, req.endMs - req.intendedMs);
  }

  spanFinished(span: Span): void {
    const now = this.sim.nowMs;
    if (now >= this.nextMs) this.roll(now);
    this.services[span.service.index].count(span.outcome, now - span.arrivalMs);
  }

  spanRefused(span: Span): void {
    const now = this.sim.nowMs;
    if (now >= this.nextMs) this.roll(now);
    this.services[span.service.index].count(span.outcome, 0);
  }

  busyChanged(replica: Replica, delta: number): void {
    const now = this.sim.nowMs;
    if (now >= this.nextMs) this.roll(now);
    const a = this.services[replica.service.index];
    a.advance(now);
    a.busy += delta;
  }

  waitingChanged(replica: Replica, delta: number): void {
    const now = this.sim.nowMs;
    if (now >= this.nextMs) this.roll(now);
    const a = this.services[replica.service.index];
    a.advance(now);
    a.waiting += delta;
  }

  replicaChanged(replica: Replica): void {
    const now = this.sim.nowMs;
    if (now >= this.nextMs) this.roll(now);
    const a = this.services[replica.service.index];
    a.advance(now);
    const i = replica.index;
    const provisioned = replica.up || replica.inSystem > 0;
    if ((a.replicaProvisioned[i] ?? false) !== provisioned) a.provisioned += provisioned ? 1 : -1;
    if ((a.replicaUp[i] ?? false) !== replica.up) a.up += replica.up ? 1 : -1;
    a.replicaProvisioned[i] = provisioned;
    a.replicaUp[i] = replica.up;
  }

  /** Close every interval that ended at or before `nowMs`. */
  private roll(nowMs: number): void {
    while (nowMs >= this.nextMs) {
      this.emit(this.out, this.nextMs);
      this.clear();
      this.startMs = this.nextMs;
      this.nextMs += this.intervalMs;
    }
  }

  /** Append the open interval, ending at `endMs`, to `into`. */
  private emit(into: Timeseries, endMs: number): void {
    const dtMs = endMs - this.startMs;
    into.startMs.push(this.startMs);
    into.endMs.push(endMs);
    this.world.services.forEach((s, i) => {
      const a = this.services[i];
      a.advance(endMs);
      const col = into.services[s.name];
      push(col, a, dtMs);
      col.utilization.push(round(a.busyArea / (a.cores * a.provisionedArea)));
      col.queueLength.push(round(a.waitingArea / dtMs));
      col.replicasUp.push(a.up);
    });
    this.world.workloads.forEach((w, i) => {
      push(into.workloads[w.name], this.workloads[i], dtMs);
    });
  }

  private clear(): void {
    for (const a of this.services) {
      a.clear();
      a.busyArea = a.waitingArea = a.provisionedArea = 0;
    }
    for (const b of this.workloads) b.clear();
  }

  /**
   * The series up to `nowMs` (the world's clock by default): the closed intervals
   * and the open one, partial. The open one stays open (the dashboard reads the
   * series so far mid-run); at the end of a run, this is the whole series.
   */
  series(nowMs = this.world.sim.nowMs): Timeseries {
    this.roll(nowMs);
    if (nowMs <= this.startMs) return this.out;
    const copy: Timeseries = JSON.parse(JSON.stringify(this.out));
    // emit() integrates the open interval's levels up to nowMs: the areas so far are kept, so a later roll continues them
    this.emit(copy, nowMs);
    return copy;
  }
}

function push(col: WorkloadSeries, b: Bucket, dtMs: number): void {
  col.completed.push(b.completed);
  col.errors.push(b.errors);
  col.rejected.push(b.rejected);
  col.throughputPerSec.push(round(b.completed / (dtMs / 1000)));
  const [p50, p99] = b.latency.percentiles(P50_P99);
  col.p50Ms.push(round(p50));
  col.p99Ms.push(round(p99));
}

const CSV_HEADER = 'start_s,end_s,kind,name,completed,errors,rejected,throughput_per_s,p50_ms,p99_ms,utilization,queue_length,replicas_up';

/** A value in CSV: empty for null. */
const cell = (v: number | null | undefined): string => (v === null || v === undefined ? '' : String(v));
/** A name quoted when it needs to be (RFC 4180). */
const csvName = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The series as CSV: a header, then per interval a row per service and a row per workload (end to end). */
export function timeseriesCsv(ts: Timeseries): string {
  const lines = [CSV_HEADER];
  for (let i = 0; i < ts.startMs.length; i++) {
    const span = `${round(ts.startMs[i] / 1000)},${round(ts.endMs[i] / 1000)}`;
    for (const [name, c] of Object.entries(ts.services))
      lines.push(
        `${span},service,${csvName(name)},${c.completed[i]},${c.errors[i]},${c.rejected[i]},${cell(c.throughputPerSec[i])},${cell(c.p50Ms[i])},${cell(c.p99Ms[i])},${cell(c.utilization[i])},${cell(c.queueLength[i])},${c.replicasUp[i]}`,
      );
    for (const [name, c] of Object.entries(ts.workloads))
      lines.push(
        `${span},workload,${csvName(name)},${c.completed[i]},${c.errors[i]},${c.rejected[i]},${cell(c.throughputPerSec[i])},${cell(c.p50Ms[i])},${cell(c.p99Ms[i])},,,`,
      );
  }
  return `${lines.join('\n')}\n`;
}
