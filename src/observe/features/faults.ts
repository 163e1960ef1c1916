// Scheduled faults: what each did (the workload requests whose calls reached its target while it was active, and how they ended).
import { z } from 'zod';
import type { Location } from '../../model/network.js';
import { Outcome, type RootRequest, type Span } from '../../model/span.js';
import type { World } from '../../model/world.js';
import type { FaultSpec } from '../../scenario/spec.js';
import { Counts } from '../counts.js';
import { type Collector, type LogLine, defineFeature } from '../feature.js';
import { formatExact, formatMsOrDash, formatPercent, table } from '../format.js';
import { Histogram } from '../histogram.js';
import { errorShare, latencySchema, latencyStats, round, stat } from '../report-fields.js';

/** Does a span (arriving at `to` from `from`, or lost between them) touch a fault's target? */
type Touches = (span: Span, from: Location | null, to: Location | null) => boolean;

/** A region, or a datacenter (`region/dc`). */
const isAt = (loc: Location | null, place: string) => loc !== null && (loc.region === place || loc.id === place);

/** Between two places (a link or a partition, `a~b`), either way. */
function crossing(target: string): Touches {
  const [a, b] = target.split('~');
  return (_span, from, to) => (isAt(from, a) && isAt(to, b)) || (isAt(from, b) && isAt(to, a));
}

/** The matcher of a fault's target: a replica (`svc#0`), a service, an endpoint (`svc.ep`), a place, or a link. */
function touches(world: World, f: FaultSpec): Touches {
  const target = f.target;
  if (target.includes('~')) return crossing(target);
  if (target.includes('#')) {
    // one replica (a kill, or a cpu fault on a noisy neighbour): the spans at that replica
    const [name, index] = target.split('#');
    const i = Number(index);
    // a kill: refused with no replica up, that replica was the one it needed
    if (f.kind === 'kill') return (span) => span.service.name === name && (span.replica === null || span.replica.index === i);
    return (span) => span.service.name === name && span.replica !== null && span.replica.index === i;
  }
  if (f.kind === 'errors' && target.includes('.')) {
    const [name, endpoint] = target.split('.');
    return (span) => span.service.name === name && span.endpoint.name === endpoint;
  }
  if (world.services.some((s) => s.name === target)) return (span) => span.service.name === target;
  return (_span, _from, to) => isAt(to, target); // a kill of a datacenter or a region
}

export class FaultWindow {
  readonly counts = new Counts();
  /** Latency of those that succeeded. */
  readonly latency = new Histogram();
  constructor(
    readonly startMs: number,
    readonly endMs: number,
    readonly touches: Touches,
  ) {}
}

/**
 * Marks each workload request with the faults whose target its calls reached
 * while they were active, and counts them per fault when they end. Costs one
 * comparison per span outside every fault's window; none without faults.
 */
export class FaultsCollector implements Collector {
  readonly windows: FaultWindow[];
  private readonly firstMs: number;
  private readonly lastMs: number;

  constructor(private readonly world: World) {
    this.windows = world.spec.faults.map((f) => new FaultWindow(f.atMs, f.forMs === null ? Infinity : f.atMs + f.forMs, touches(world, f)));
    this.firstMs = Math.min(...this.windows.map((w) => w.startMs));
    this.lastMs = Math.max(...this.windows.map((w) => w.endMs));
  }

  spanArrived(span: Span): void {
    this.touch(span, this.world.sim.nowMs);
  }

  spanFinished(span: Span): void {
    this.touch(span, this.world.sim.nowMs);
  }

  spanRefused(span: Span): void {
    this.touch(span, this.world.sim.nowMs);
  }

  messageLost(span: Span, from: Location, to: Location): void {
    this.lost(span, from, to, this.world.sim.nowMs);
  }

  requestFinished(req: RootRequest): void {
    this.finished(req);
  }

  /** A span arrived at (or was refused by, or ended at) a replica: `from` is its caller's place. */
  private touch(span: Span, nowMs: number): void {
    if (nowMs < this.firstMs || nowMs >= this.lastMs) return;
    const from = span.parent !== null ? (span.parent.replica?.location ?? null) : span.root.workload.location;
    this.mark(span, from, span.replica?.location ?? null, nowMs);
  }

  /** A message of the span was lost between two places (a partition). */
  private lost(span: Span, from: Location, to: Location, nowMs: number): void {
    if (nowMs < this.firstMs || nowMs >= this.lastMs) return;
    this.mark(span, from, to, nowMs);
  }

  private mark(span: Span, from: Location | null, to: Location | null, nowMs: number): void {
    for (let i = 0; i < this.windows.length; i++) {
      const w = this.windows[i];
      if (nowMs < w.startMs || nowMs >= w.endMs || !w.touches(span, from, to)) continue;
      const root = span.root;
      if (root.faultsHit === null) root.faultsHit = [i];
      else if (!root.faultsHit.includes(i)) root.faultsHit.push(i);
    }
  }

  /** A workload request ended: count it for every fault it met. */
  private finished(req: RootRequest): void {
    if (req.faultsHit === null) return;
    for (const i of req.faultsHit) {
      const w = this.windows[i];
      w.counts.started++;
      w.counts.count(req.outcome);
      if (req.outcome === Outcome.Ok) w.latency.record(req.endMs - req.intendedMs);
    }
  }
}

const faultsShape = {
  faults: z
    .array(
      z.object({
        at: z.number().describe('start, ms of simulated time'),
        forMs: z.number().nullable().describe('length; null: to the end of the run'),
        kind: z.enum(['kill', 'latency', 'errors', 'partition', 'cpu', 'pause']),
        target: z.string(),
        requests: z
          .number()
          .int()
          .describe(
            "workload requests whose calls reached the fault's target while it was active (its service, endpoint, replica, place, or a message across its link), counted when they ended",
          ),
        errorRate: stat.describe('of those, the share that failed or were rejected'),
        latencyMs: latencySchema.describe('of those that succeeded'),
      }),
    )
    .describe('the fault schedule, with what the workloads saw during each fault'),
};

export const faults = defineFeature({
  name: 'faults',
  collect: (world: World) => (world.spec.faults.length > 0 ? new FaultsCollector(world) : null),
  report: {
    shape: faultsShape,
    build: (c: FaultsCollector | null, { world }) => ({
      faults:
        c === null
          ? []
          : world.spec.faults.map((f, i) => {
              const w = c.windows[i];
              return {
                at: f.atMs,
                forMs: f.forMs,
                kind: f.kind,
                target: f.target,
                requests: w.counts.ended,
                errorRate: round(errorShare(w.counts)),
                latencyMs: latencyStats(w.latency),
              };
            }),
    }),
    summary({ faults }) {
      if (faults.length === 0) return [];
      return [
        "Faults (workload requests whose calls reached the fault's target while it was",
        'active; failed: failed or rejected):',
        table(
          ['window', 'fault', 'requests', 'failed', 'ok p99'],
          faults.map((f) => [
            `${(f.at / 1000).toFixed(1)}s-${f.forMs === null ? 'end' : `${((f.at + f.forMs) / 1000).toFixed(1)}s`}`,
            `${f.kind} ${f.target}`,
            formatExact(f.requests),
            f.errorRate === null ? '-' : formatPercent(f.errorRate),
            formatMsOrDash(f.latencyMs.p99),
          ]),
        ),
        '',
      ];
    },
  },
  live: {
    view(world: World) {
      /** Per fault: 0 not begun, 1 begun, 2 ended (as logged). */
      const logged = world.spec.faults.map(() => 0);
      return {
        /** Faults starting and ending (the schedule is known; the clock says which have). */
        log(nowMs: number): LogLine[] {
          const lines: LogLine[] = [];
          world.spec.faults.forEach((f, i) => {
            const what = `${f.kind} ${f.target}`;
            if (logged[i] === 0 && nowMs >= f.atMs) {
              lines.push({
                atMs: f.atMs,
                kind: 'info',
                text: `fault: ${what} begins${f.forMs === null ? '' : ` (for ${f.forMs / 1000}s)`}`,
              });
              logged[i] = 1;
            }
            if (logged[i] === 1 && f.forMs !== null && nowMs >= f.atMs + f.forMs) {
              lines.push({ atMs: f.atMs + f.forMs, kind: 'info', text: `fault: ${what} ends` });
              logged[i] = 2;
            }
          });
          return lines;
        },
      };
    },
  },
});
