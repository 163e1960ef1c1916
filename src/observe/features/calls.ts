// Calls from one service to another (the report's edges): attempts, retries, hedges, timeouts, and what breakers, bulkheads and fallbacks did.
import { z } from 'zod';
import type { Edge } from '../../model/resilience.js';
import type { Service } from '../../model/service.js';
import type { Span } from '../../model/span.js';
import type { World } from '../../model/world.js';
import { type Collector, defineFeature } from '../feature.js';
import { formatExact, table } from '../format.js';
import { round, stat } from '../report-fields.js';

/** Calls from one service to another: attempts (every span sent), retries and timeouts. */
export class EdgeMetrics {
  constructor(
    readonly from: Service,
    readonly to: Service,
  ) {}
  attempts = 0;
  retries = 0;
  timeouts = 0;
  hedges = 0;
  breakerRejected = 0;
  bulkheadRejected = 0;
  fallbacks = 0;
  /** Calls refused by a breaker before any attempt went out (refused retries are not new calls). */
  callsRefused = 0;

  /** Calls made: first attempts (not retries or hedges), plus calls refused before any attempt went out. */
  get calls(): number {
    return this.attempts - this.retries - this.hedges + this.callsRefused;
  }
}

/** What the summary and the dashboard show of an edge: only one where something beyond plain attempts happened. */
export function eventful(e: {
  retries: number;
  timeouts: number;
  breakerRejected: number;
  bulkheadRejected: number;
  hedges: number;
  fallbacks: number;
}): boolean {
  return e.retries + e.timeouts + e.breakerRejected + e.bulkheadRejected + e.hedges + e.fallbacks > 0;
}

/**
 * Counts calls per caller -> callee edge. Edges count whole workload requests
 * that arrived after the warm-up, so that every attempt of a call is counted
 * with it and amplification stays exact at the window's edge.
 */
export class CallsCollector implements Collector {
  /** Per caller service (by index), its edges by callee index, made when first counted: the calls that exist, not services x services. */
  private readonly edgesFrom: EdgeMetrics[][];
  /** The edge of each model Edge (a call with a policy), by its index. */
  private readonly byModelEdge: EdgeMetrics[] = [];

  constructor(world: World) {
    this.edgesFrom = world.services.map(() => []);
  }

  /** The edges from a service that counted anything, by callee index. */
  edgesOf(from: Service): readonly EdgeMetrics[] {
    return this.edgesFrom[from.index];
  }

  /** The edge from one service to another (a scan: a service calls few others). */
  private edge(from: Service, to: Service): EdgeMetrics {
    const list = this.edgesFrom[from.index];
    for (let i = 0; i < list.length; i++) if (list[i].to === to) return list[i];
    const e = new EdgeMetrics(from, to);
    let at = list.length;
    while (at > 0 && list[at - 1].to.index > to.index) at--;
    list.splice(at, 0, e);
    return e;
  }

  private modelEdge(edge: Edge): EdgeMetrics {
    return (this.byModelEdge[edge.index] ??= this.edge(edge.from, edge.to));
  }

  /** A span sent by a caller is an attempt on its edge (a workload's request is not). */
  private countAttempt(span: Span): void {
    // a span at its parent's own service is a background cache refresh (calls cannot loop), not a call
    if (span.parent === null || !span.root.measured || span.parent.service === span.service) return;
    const e = this.edge(span.parent.service, span.service);
    e.attempts++;
    if (span.hedge) e.hedges++;
    else if (span.retry) e.retries++;
  }

  spanArrived(span: Span): void {
    this.countAttempt(span);
  }

  spanRefused(span: Span): void {
    if (span.measured) this.countAttempt(span);
  }

  callTimedOut(edge: Edge, attempt: Span): void {
    if (attempt.root.measured) this.modelEdge(edge).timeouts++;
  }

  breakerRejected(edge: Edge, attempt: Span): void {
    if (!attempt.root.measured) return;
    const e = this.modelEdge(edge);
    e.breakerRejected++;
    if (!attempt.retry) e.callsRefused++;
  }

  callEvent(edge: Edge, kind: 'bulkheadRejected' | 'fallback', caller: Span): void {
    if (!caller.root.measured) return;
    const e = this.modelEdge(edge);
    if (kind === 'fallback') e.fallbacks++;
    else {
      e.bulkheadRejected++;
      e.callsRefused++; // no attempt went out
    }
  }
}

const edgesShape = {
  edges: z
    .record(
      z.string(),
      z.object({
        calls: z.number().int().describe('calls made: first attempts (not retries or hedges), plus calls a breaker refused outright'),
        attempts: z.number().int().describe('requests sent, retries included'),
        retries: z.number().int(),
        hedges: z.number().int().describe('extra copies sent because no answer had come in time'),
        timeouts: z.number().int().describe('attempts the caller stopped waiting for'),
        breakerRejected: z.number().int().describe('attempts a circuit breaker refused to send (open, or out of half-open probes)'),
        bulkheadRejected: z.number().int().describe('calls a full bulkhead turned away'),
        fallbacks: z.number().int().describe('failed calls answered by their fallback instead (a degraded success)'),
        amplification: stat.describe('attempts / calls: the load retries add'),
      }),
    )
    .describe('calls from one service to another ("caller->callee") made for workload requests that arrived after the warm-up'),
};

/** A service's calls that retried, timed out or were refused, on its row of the dashboard (counts after the warm-up). */
export interface EdgeRow {
  readonly to: string;
  readonly calls: number;
  readonly retries: number;
  readonly timeouts: number;
  readonly refused: number;
  readonly hedges: number;
  readonly fallbacks: number;
}

/** Can a span call another service: an endpoint with calls, or a shared cache (its nodes are a service)? */
function makesCalls(world: World): boolean {
  return (
    world.caches.some((c) => c.service !== null) || world.services.some((s) => [...s.endpoints.values()].some((ep) => ep.calls.length > 0))
  );
}

export const calls = defineFeature({
  name: 'calls',
  collect: (world: World) => (makesCalls(world) ? new CallsCollector(world) : null),
  report: {
    shape: edgesShape,
    build(c: CallsCollector | null, { world }) {
      const edges: Record<string, z.infer<typeof edgesShape.edges>[string]> = {};
      if (c === null) return { edges };
      for (const from of world.services) {
        for (const e of c.edgesOf(from)) {
          if (e.attempts === 0 && e.timeouts === 0 && e.breakerRejected === 0 && e.bulkheadRejected === 0) continue;
          const calls = e.calls;
          edges[`${from.name}->${e.to.name}`] = {
            calls,
            attempts: e.attempts,
            retries: e.retries,
            hedges: e.hedges,
            timeouts: e.timeouts,
            breakerRejected: e.breakerRejected,
            bulkheadRejected: e.bulkheadRejected,
            fallbacks: e.fallbacks,
            amplification: round(calls > 0 ? e.attempts / calls : NaN),
          };
        }
      }
      return { edges };
    },
    summary({ edges }) {
      const busy = Object.entries(edges).filter(([, e]) => eventful(e));
      if (busy.length === 0) return [];
      return [
        table(
          ['call edge', 'calls', 'attempts', 'retries', 'timeouts', 'breaker', 'bulkhead', 'hedges', 'fallback', 'amp'],
          busy.map(([name, e]) => [
            name,
            formatExact(e.calls),
            formatExact(e.attempts),
            formatExact(e.retries),
            formatExact(e.timeouts),
            formatExact(e.breakerRejected),
            formatExact(e.bulkheadRejected),
            formatExact(e.hedges),
            formatExact(e.fallbacks),
            e.amplification === null ? '-' : e.amplification.toFixed(2),
          ]),
          ' ',
        ),
        'breaker, bulkhead: calls they refused; amp: attempts per call (the load retries and hedges add)',
        '',
      ];
    },
  },
  live: {
    view: (_world: World, c: CallsCollector | null) => ({
      serviceFields: (svc: Service): { readonly edges: readonly EdgeRow[] } => ({
        edges: (c === null ? [] : c.edgesOf(svc)).flatMap((e) =>
          eventful(e)
            ? [
                {
                  to: e.to.name,
                  calls: e.calls,
                  retries: e.retries,
                  timeouts: e.timeouts,
                  refused: e.breakerRejected + e.bulkheadRejected,
                  hedges: e.hedges,
                  fallbacks: e.fallbacks,
                },
              ]
            : [],
        ),
      }),
    }),
  },
});
