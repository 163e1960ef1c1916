// The circuit breaker as a pure xstate v5 statechart (closed / open / halfOpen), with library presets.
import { assign, setup } from 'xstate';
import type { BreakerConfig } from '../scenario/breaker-presets.js';

export { BREAKER_PRESETS, type BreakerConfig, type BreakerPreset } from '../scenario/breaker-presets.js';

interface Outcome {
  atMs: number;
  failed: boolean;
  slow: boolean;
}

export interface BreakerContext {
  readonly config: BreakerConfig;
  /** Outcomes in the window while closed; the probes' outcomes while half-open. */
  readonly outcomes: readonly Outcome[];
  /** Probes let through in this half-open period. */
  readonly probes: number;
}

export type BreakerEvent =
  /** A call (or probe) ended: failed or not, and how long it took. */
  | { type: 'RESULT'; failed: boolean; durationMs: number; atMs: number }
  /** A half-open probe is let through. */
  | { type: 'PROBE' }
  /** The open duration has passed (sent on simulated time by whoever drives the machine). */
  | { type: 'OPEN_ELAPSED' };

function record(ctx: BreakerContext, e: Extract<BreakerEvent, { type: 'RESULT' }>): Outcome[] {
  const c = ctx.config;
  const o = { atMs: e.atMs, failed: e.failed, slow: c.slowCallMs !== null && e.durationMs > c.slowCallMs };
  const kept = c.windowKind === 'count' ? ctx.outcomes.slice(Math.max(0, ctx.outcomes.length - c.windowSize + 1)) : ctx.outcomes.filter((x) => x.atMs > e.atMs - c.windowSize);
  return [...kept, o];
}

/** Do these outcomes call for opening (rates at or over their thresholds, with enough calls)? */
export function tripped(c: BreakerConfig, outcomes: readonly Outcome[]): boolean {
  const n = outcomes.length;
  if (n === 0 || n < c.minCalls) return false;
  const failed = outcomes.filter((o) => o.failed).length;
  const slow = outcomes.filter((o) => o.slow).length;
  return failed / n >= c.failureRate || (c.slowCallMs !== null && slow / n >= c.slowCallRate);
}

/** The breaker statechart for one configuration. Pure: drive it with `transition` from xstate. */
export function createBreakerMachine(config: BreakerConfig) {
  return setup({
    types: { context: {} as BreakerContext, events: {} as BreakerEvent },
    guards: {
      tripsInClosed: ({ context, event }) => event.type === 'RESULT' && tripped(context.config, record(context, event)),
      lastProbeFails: ({ context, event }) => event.type === 'RESULT' && context.outcomes.length + 1 >= context.config.halfOpenCalls && tripped({ ...context.config, minCalls: 0 }, [...context.outcomes, { atMs: event.atMs, failed: event.failed, slow: context.config.slowCallMs !== null && event.durationMs > context.config.slowCallMs }]),
      lastProbeSucceeds: ({ context, event }) => event.type === 'RESULT' && context.outcomes.length + 1 >= context.config.halfOpenCalls,
      probeAvailable: ({ context }) => context.probes < context.config.halfOpenCalls,
    },
    actions: {
      recordOutcome: assign({ outcomes: ({ context, event }) => (event.type === 'RESULT' ? record(context, event) : context.outcomes) }),
      recordProbe: assign({
        outcomes: ({ context, event }) =>
          event.type === 'RESULT' ? [...context.outcomes, { atMs: event.atMs, failed: event.failed, slow: context.config.slowCallMs !== null && event.durationMs > context.config.slowCallMs }] : context.outcomes,
      }),
      countProbe: assign({ probes: ({ context }) => context.probes + 1 }),
      clear: assign({ outcomes: [], probes: 0 }),
    },
  }).createMachine({
    id: 'breaker',
    initial: 'closed',
    context: { config, outcomes: [], probes: 0 },
    states: {
      closed: {
        on: {
          RESULT: [{ guard: 'tripsInClosed', target: 'open', actions: 'clear' }, { actions: 'recordOutcome' }],
        },
      },
      open: {
        // calls fail fast here; late answers of calls let through before opening are ignored
        on: { OPEN_ELAPSED: { target: 'halfOpen', actions: 'clear' } },
      },
      halfOpen: {
        on: {
          PROBE: { guard: 'probeAvailable', actions: 'countProbe' },
          RESULT: [
            { guard: 'lastProbeFails', target: 'open', actions: 'clear' },
            { guard: 'lastProbeSucceeds', target: 'closed', actions: 'clear' },
            { actions: 'recordProbe' },
          ],
        },
      },
    },
  });
}

export type BreakerMachine = ReturnType<typeof createBreakerMachine>;
