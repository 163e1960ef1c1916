// Circuit breakers: every state change over the whole run, the time spent open, and their states on the dashboard.
import { z } from 'zod';
import type { Breaker, BreakerState } from '../../model/breaker.js';
import type { Service } from '../../model/service.js';
import type { World } from '../../model/world.js';
import { type Collector, type LogLine, defineFeature } from '../feature.js';
import { round } from '../report-fields.js';

const TRANSITIONS_KEPT = 500;

/** A breaker's history: every transition (the first 500 kept) and the time it spent open. */
export class BreakerHistory {
  readonly transitions: { atMs: number; from: BreakerState; to: BreakerState }[] = [];
  transitionCount = 0;
  openMs = 0;
  openSinceMs = -1;
  constructor(readonly breaker: Breaker) {}
}

export class BreakersCollector implements Collector {
  /** Breaker histories by name, in the order the breakers changed first. */
  readonly histories = new Map<string, BreakerHistory>();

  constructor(private readonly world: World) {}

  breakerChanged(breaker: Breaker, from: BreakerState, to: BreakerState): void {
    let h = this.histories.get(breaker.name);
    if (!h) this.histories.set(breaker.name, (h = new BreakerHistory(breaker)));
    const now = this.world.sim.nowMs;
    h.transitionCount++;
    if (h.transitions.length < TRANSITIONS_KEPT) h.transitions.push({ atMs: now, from, to });
    if (to === 'open') h.openSinceMs = now;
    else if (from === 'open' && h.openSinceMs >= 0) {
      h.openMs += now - h.openSinceMs;
      h.openSinceMs = -1;
    }
  }
}

/** A circuit breaker on a service's calls (name `caller->callee`), with its state, on the service's row of the dashboard. */
export interface BreakerRow {
  readonly name: string;
  readonly state: 'closed' | 'open' | 'halfOpen';
  readonly disabled: boolean;
}

export const breakers = defineFeature({
  name: 'breakers',
  collect: (world: World) => new BreakersCollector(world),
  report: {
    shape: {
      breakers: z
        .record(
          z.string(),
          z.object({
            preset: z.string(),
            scope: z.enum(['replica', 'service']),
            state: z.enum(['closed', 'open', 'halfOpen']).describe('at the end of the run'),
            transitions: z.array(z.object({ atMs: z.number(), from: z.string(), to: z.string() })).describe('the first 500, in order'),
            transitionCount: z.number().int(),
            openMs: z.number().describe('simulated time spent open'),
          }),
        )
        .describe(
          'every circuit breaker ("caller->callee", the caller a replica or a service), over the whole run, in the order they were made (replicas added by a what-if last)',
        ),
    },
    build: (c: BreakersCollector, { world, nowMs }) => ({
      breakers: Object.fromEntries(
        [...world.breakers.values()].map((b) => {
          const h = c.histories.get(b.name); // none: it never changed state
          return [
            b.name,
            {
              preset: b.spec.preset,
              scope: b.spec.scope,
              state: b.state,
              transitions: h ? h.transitions.map((t) => ({ ...t })) : [],
              transitionCount: h ? h.transitionCount : 0,
              openMs: h ? (round(h.openMs + (h.openSinceMs >= 0 ? nowMs - h.openSinceMs : 0)) ?? 0) : 0,
            },
          ];
        }),
      ),
    }),
  },
  live: {
    view(world: World, c: BreakersCollector) {
      /** Transitions logged so far, per history. */
      const logged = new Map<BreakerHistory, number>();
      return {
        /** Transitions not logged yet (the collector keeps them for the report). */
        log(): LogLine[] {
          const lines: LogLine[] = [];
          for (const h of c.histories.values()) {
            const seen = logged.get(h) ?? 0;
            for (const t of h.transitions.slice(seen))
              lines.push({ atMs: t.atMs, kind: 'info', text: `breaker ${h.breaker.name}: ${t.from} -> ${t.to}` });
            logged.set(h, h.transitions.length);
          }
          return lines;
        },
        serviceFields: (svc: Service): { readonly breakers: readonly BreakerRow[] } => ({
          breakers: [...world.breakers.values()]
            .filter((b) => b.caller === svc)
            .map((b) => ({ name: b.name, state: b.state, disabled: b.disabled })),
        }),
      };
    },
  },
});
