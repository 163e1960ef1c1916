// The live session's derived views: each service's history, latency counts over time and the call graph with its edges' recent figures, copied into snapshots only when they change.
import type { LiveMetrics } from '../observe/live-metrics.js';
import type { ServiceHistory } from '../observe/live-history.js';
import type { World } from '../model/world.js';
import type { CallGraph, GraphEdge, LatencyHistory } from './snapshot.js';

/** Buckets of history a snapshot carries: enough for a chart or heatmap across a 160-column terminal. */
export const SNAPSHOT_HISTORY = 160;

/** The declared calls between services (a call's kind `call`), as [from, to] indices, each once, in service order. */
export function declaredEdges(world: World): [number, number][] {
  const seen = new Set<number>();
  const out: [number, number][] = [];
  const n = world.services.length;
  for (const svc of world.services)
    for (const ep of svc.endpoints.values())
      for (const call of ep.calls) {
        if (call.kind !== 'call' || call.service === svc || seen.has(svc.index * n + call.service.index)) continue;
        seen.add(svc.index * n + call.service.index);
        out.push([svc.index, call.service.index]);
      }
  return out;
}

export class LiveGraph {
  private version = -1;
  private historyCache: ServiceHistory[] = [];
  private latencyCache: LatencyHistory | null = null;
  private readonly roots: string[];
  private readonly declared: [number, number][];

  constructor(
    private readonly world: World,
    private readonly live: LiveMetrics,
  ) {
    this.roots = [...new Set(world.workloads.map((w) => w.service.name))];
    this.declared = declaredEdges(world);
    // the declared edges first, so that the graph is whole before any traffic
    for (const [from, to] of this.declared) live.edges.edge(from, to);
  }

  private refresh(): void {
    if (this.version === this.live.history.version) return;
    this.version = this.live.history.version;
    const h = this.live.history;
    this.historyCache = this.world.services.map((_, i) => h.serviceHistory(i, SNAPSHOT_HISTORY));
    this.latencyCache = Object.freeze({
      bucketMs: this.live.bucketMs,
      endToEnd: h.latencyColumns(null, SNAPSHOT_HISTORY),
      services: this.world.services.map((_, i) => h.latencyColumns(i, SNAPSHOT_HISTORY)),
    });
  }

  /** Each service's recent history, in service order (the same objects until a bucket closes). */
  histories(): readonly ServiceHistory[] {
    this.refresh();
    return this.historyCache;
  }

  latency(): LatencyHistory {
    this.refresh();
    return this.latencyCache!;
  }

  /** The call graph with each edge's figures between two samples of the edge counters `dSimS` simulated seconds apart. */
  callGraph(first: Float64Array, newest: Float64Array, dSimS: number): CallGraph {
    const names = this.world.services.map((s) => s.name);
    const edges: GraphEdge[] = this.live.edges.all.map((e, i) => {
      const at = (a: Float64Array, k: number) => (3 * i + k < a.length ? a[3 * i + k] : 0);
      const attempts = at(newest, 0) - at(first, 0);
      const failed = at(newest, 1) - at(first, 1);
      const extra = at(newest, 2) - at(first, 2);
      return {
        from: names[e.from],
        to: names[e.to],
        ratePerSec: dSimS > 0 ? attempts / dSimS : 0,
        errorRate: attempts > 0 ? failed / attempts : 0,
        retryRatio: attempts > 0 ? extra / attempts : 0,
        p99Ms: e.recentP99Ms(),
      };
    });
    return { roots: this.roots, edges };
  }
}
