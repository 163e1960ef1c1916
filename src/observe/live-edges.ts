// Calls between services as the live call graph shows them: cumulative attempts, failures and retries per caller -> callee edge, and each edge's recent latencies.
import { RecentWindow, nearestRank } from '../engine/recent-window.js';
import type { Span } from '../model/span.js';

const RECENT = 256; // latencies kept per edge for its recent p99

/** One edge's counters (cumulative, from the start, warm-up included). */
export class LiveEdge {
  attempts = 0;
  failed = 0;
  /** Retries and hedges: attempts beyond the first of a call. */
  extra = 0;
  readonly recent = new RecentWindow(RECENT);
  constructor(
    readonly index: number,
    readonly from: number,
    readonly to: number,
  ) {}

  /** The p99 of its recent successful attempts (ms), null when none. */
  recentP99Ms(): number | null {
    return this.recent.count === 0 ? null : nearestRank(this.recent.sorted(), 0.99);
  }
}

/** The edges that carried a call so far, found by a scan of the caller's few edges. */
export class LiveEdges {
  readonly all: LiveEdge[] = [];
  private readonly byFrom: LiveEdge[][];

  constructor(services: number) {
    this.byFrom = Array.from({ length: services }, () => []);
  }

  edge(from: number, to: number): LiveEdge {
    const list = this.byFrom[from];
    for (let i = 0; i < list.length; i++) if (list[i].to === to) return list[i];
    const e = new LiveEdge(this.all.length, from, to);
    list.push(e);
    this.all.push(e);
    return e;
  }

  /** A span ended, answered (`ok`) or not (failed, refused); `latencyMs` its time at the callee. Spans at their parent's own service are not calls. */
  spanEnded(span: Span, ok: boolean, latencyMs: number): void {
    const parent = span.parent;
    if (parent === null || parent.service === span.service) return;
    const e = this.edge(parent.service.index, span.service.index);
    e.attempts++;
    if (span.retry || span.hedge) e.extra++;
    if (ok) e.recent.record(latencyMs);
    else e.failed++;
  }

  /** Every edge's counters now: attempts, failed, extra, in edge order (the live view's sample). */
  counters(): Float64Array {
    const out = new Float64Array(this.all.length * 3);
    this.all.forEach((e, i) => {
      out[3 * i] = e.attempts;
      out[3 * i + 1] = e.failed;
      out[3 * i + 2] = e.extra;
    });
    return out;
  }
}
