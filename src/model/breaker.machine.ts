// The circuit breaker as a pure xstate v5 statechart (closed / open / halfOpen), with library presets.
import { assign, setup } from 'xstate';

export interface BreakerConfig {
  /** count: the last `windowSize` calls; time: the calls of the last `windowSize` ms. */
  readonly windowKind: 'count' | 'time';
  readonly windowSize: number;
  /** Calls the window must hold before the rates are judged. */
  readonly minCalls: number;
  /** Trip when failed / calls >= this. */
  readonly failureRate: number;
  /** A call slower than this counts as slow (null: none is). */
  readonly slowCallMs: number | null;
  /** Trip when slow / calls >= this (1 with slowCallMs null never trips). */
  readonly slowCallRate: number;
  /** Time spent open before probing. */
  readonly openMs: number;
  /** Probes let through in half-open; all must answer before it decides. */
  readonly halfOpenCalls: number;
}

/**
 * Documented defaults of the libraries people use, as breaker configurations:
 * Hystrix (20 requests in a 10 s window, 50% errors, 5 s sleep, one probe),
 * resilience4j (count window 100, minimum 100 calls, 50% failures, slow calls
 * over 60 s at 100%, 60 s open, 10 half-open calls), Polly v8 (failure ratio 0.1
 * over 30 s with at least 100 calls, 5 s break, one probe), opossum (50% over a
 * 10 s rolling window, no minimum volume, 30 s reset, one probe).
 */
export const BREAKER_PRESETS: Readonly<Record<'hystrix' | 'resilience4j' | 'polly' | 'opossum', BreakerConfig>> = {
  hystrix: { windowKind: 'time', windowSize: 10_000, minCalls: 20, failureRate: 0.5, slowCallMs: null, slowCallRate: 1, openMs: 5_000, halfOpenCalls: 1 },
  resilience4j: { windowKind: 'count', windowSize: 100, minCalls: 100, failureRate: 0.5, slowCallMs: 60_000, slowCallRate: 1, openMs: 60_000, halfOpenCalls: 10 },
  polly: { windowKind: 'time', windowSize: 30_000, minCalls: 100, failureRate: 0.1, slowCallMs: null, slowCallRate: 1, openMs: 5_000, halfOpenCalls: 1 },
  opossum: { windowKind: 'time', windowSize: 10_000, minCalls: 0, failureRate: 0.5, slowCallMs: null, slowCallRate: 1, openMs: 30_000, halfOpenCalls: 1 },
};
export type BreakerPreset = keyof typeof BREAKER_PRESETS;

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
