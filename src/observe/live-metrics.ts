// Metrics for the live view: a latency time series and per-service recent rates, with bounded work per run.
import { RecentWindow, nearestRank } from '../engine/recent-window.js';
import type { RootRequest, Span } from '../model/span.js';
import { Outcome } from '../model/span.js';
import type { World } from '../model/world.js';
import { Histogram } from './histogram.js';
import { LiveEdges } from './live-edges.js';
import { LiveHistory } from './live-history.js';
import { type FeatureParts, MetricsCollector } from './metrics.js';

/** One point of the end-to-end latency series: a bucket of simulated time. */
export interface SeriesPoint {
  /** End of the bucket (ms). */
  tMs: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Successful requests in the bucket. */
  count: number;
}

/** Cumulative counters of a service; rates come from differences between two moments. */
export interface ServiceCounters {
  completed: number;
  failed: number;
  /** Integral of busy cores over simulated time, from 0 (core x ms). */
  busyArea: number;
}

const RECENT = 1024; // latencies kept per service for recent percentiles
export const SERIES_BUCKETS = 240; // buckets over the whole run: bounded work at any speed

class ServiceLive {
  completed = 0;
  failed = 0;
  readonly recent = new RecentWindow(RECENT);
}

/**
 * The report's collector plus what the dashboard shows: counts that include
 * the warm-up (a viewer wants to see it), recent latencies per service in ring
 * buffers, and an end-to-end latency series with a fixed number of buckets per
 * run, so its cost does not grow with speed or simulated time; and the
 * features' live collectors. A subclass rather than a second listener: one
 * dispatch per model event, not two.
 */
export class LiveMetrics extends MetricsCollector {
  readonly bucketMs: number;
  readonly series: SeriesPoint[] = [];
  private readonly live: ServiceLive[];
  private readonly bucket = new Histogram();
  private bucketEndMs: number;
  /** Each service's figures and latencies per closed bucket, for the sparklines and the latency heatmap. */
  readonly history: LiveHistory;
  /** Calls per caller -> callee edge, for the call graph. */
  readonly edges: LiveEdges;
  /** Each service's counters when the last bucket closed, and when that was. */
  private closedCounters: ServiceCounters[];
  private closedAtMs = 0;

  static override readonly live = true;

  constructor(
    private readonly world: World,
    parts: FeatureParts,
  ) {
    super(world, parts);
    this.bucketMs = Math.max(1, world.durationMs / SERIES_BUCKETS);
    this.bucketEndMs = this.bucketMs;
    this.live = world.services.map(() => new ServiceLive());
    this.history = new LiveHistory(world.services.length);
    this.edges = new LiveEdges(world.services.length);
    this.closedCounters = world.services.map(() => ({ completed: 0, failed: 0, busyArea: 0 }));
  }

  override requestFinished(req: RootRequest): void {
    super.requestFinished(req);
    if (req.endMs >= this.bucketEndMs) this.closeBuckets(req.endMs);
    if (req.outcome === Outcome.Ok) {
      this.bucket.record(req.endMs - req.intendedMs);
      this.history.recordRequest(req.endMs - req.intendedMs);
    }
  }

  override spanFinished(span: Span): void {
    super.spanFinished(span);
    const s = this.live[span.service.index];
    const latencyMs = this.world.sim.nowMs - span.arrivalMs;
    const ok = span.outcome === Outcome.Ok;
    if (ok) {
      s.completed++;
      s.recent.record(latencyMs);
      this.history.recordSpan(span.service.index, latencyMs);
    } else s.failed++;
    this.edges.spanEnded(span, ok, latencyMs);
  }

  override spanRefused(span: Span): void {
    super.spanRefused(span);
    this.live[span.service.index].failed++;
    this.edges.spanEnded(span, false, 0);
  }

  /** Close every bucket that ends at or before `nowMs` (called by the view before it reads the series). */
  closeBuckets(nowMs: number): void {
    while (nowMs >= this.bucketEndMs) {
      const h = this.bucket;
      this.series.push({
        tMs: this.bucketEndMs,
        p50Ms: h.count ? h.percentile(50) : null,
        p99Ms: h.count ? h.percentile(99) : null,
        count: h.count,
      });
      h.clear();
      this.closeHistory(nowMs);
      this.bucketEndMs += this.bucketMs;
    }
  }

  /** Each service's figures since the last bucket closed (a second bucket closed at the same moment repeats the levels, with no traffic). */
  private closeHistory(nowMs: number): void {
    const dMs = nowMs - this.closedAtMs;
    this.history.close((i) => {
      const a = this.closedCounters[i];
      const b = this.counters(i, nowMs);
      this.closedCounters[i] = b;
      const svc = this.world.services[i];
      const ended = b.completed - a.completed + b.failed - a.failed;
      let queue = 0;
      for (const r of svc.replicas) queue += r.admission.length + r.runQueue.length;
      const cores = svc.cores * Math.max(1, svc.upReplicas().length);
      return {
        throughputPerSec: dMs > 0 ? ((b.completed - a.completed) * 1000) / dMs : 0,
        utilization: dMs > 0 ? Math.min(1, (b.busyArea - a.busyArea) / (dMs * cores)) : 0,
        queue,
        errorRate: ended > 0 ? (b.failed - a.failed) / ended : 0,
      };
    });
    this.closedAtMs = nowMs;
  }

  counters(serviceIndex: number, nowMs: number): ServiceCounters {
    const s = this.live[serviceIndex];
    let busyArea = 0;
    for (const r of this.services[serviceIndex].replicas) busyArea += r.busy.integral(nowMs);
    return { completed: s.completed, failed: s.failed, busyArea };
  }

  /** p50 and p99 of the service's most recent successful spans (up to 1024). */
  recentPercentiles(serviceIndex: number): { p50Ms: number | null; p99Ms: number | null } {
    const recent = this.live[serviceIndex].recent;
    if (recent.count === 0) return { p50Ms: null, p99Ms: null };
    const sorted = recent.sorted();
    return { p50Ms: nearestRank(sorted, 0.5), p99Ms: nearestRank(sorted, 0.99) };
  }
}
