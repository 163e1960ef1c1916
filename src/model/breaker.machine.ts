// The circuit breaker as a pure xstate v5 statechart (closed / open / halfOpen), with library presets.
import { assign, setup } from 'xstate';
import type { BreakerConfig } from '../scenario/breaker-presets.js';
import { FAILED, type OutcomeCounts, OutcomeWindow, SLOW } from './breaker-window.js';

export { BREAKER_PRESETS, type BreakerConfig, type BreakerPreset } from '../scenario/breaker-presets.js';

export interface BreakerContext {
  readonly config: BreakerConfig;
  /** Outcomes in the window while closed; the probes' outcomes while half-open (a persistent window: O(1) to copy). */
  readonly outcomes: OutcomeWindow;
  /** Probes let through in this half-open period. */
  readonly probes: number;
}

export type ResultEvent = {
  type: 'RESULT';
  failed: boolean;
  durationMs: number;
  /** Never earlier than the previous result's. */
  atMs: number;
  /**
   * The outcomes this one joins, when the sender keeps them itself (a driver
   * that sends only the events that can change the state, see Breaker);
   * the context's otherwise.
   */
  outcomes?: OutcomeWindow;
};

export type BreakerEvent =
  /** A call (or probe) ended: failed or not, and how long it took. */
  | ResultEvent
  /** A half-open probe is let through. */
  | { type: 'PROBE' }
  /** The open duration has passed: the machine's own `after` delay does this on simulated time; tests may send it by hand. */
  | { type: 'OPEN_ELAPSED' };

/** An outcome's flags: failed, and slow (longer than slowCallMs). */
export function outcomeFlags(c: BreakerConfig, failed: boolean, durationMs: number): number {
  return (failed ? FAILED : 0) | (c.slowCallMs !== null && durationMs > c.slowCallMs ? SLOW : 0);
}

/** Do these outcomes call for opening (rates at or over their thresholds, with enough calls)? */
export function tripped(c: BreakerConfig, o: OutcomeCounts, minCalls = c.minCalls): boolean {
  const n = o.calls;
  if (n === 0 || n < minCalls) return false;
  return o.failed / n >= c.failureRate || (c.slowCallMs !== null && o.slow / n >= c.slowCallRate);
}

/** Half-open: do these probe outcomes decide (every permitted probe answered)? */
export function probesDecide(c: BreakerConfig, o: OutcomeCounts): boolean {
  return o.calls >= c.halfOpenCalls;
}

/** A fresh window (closed and open), or a fresh list of probe outcomes (half-open). */
const newWindow = (c: BreakerConfig) => OutcomeWindow.empty(c.windowKind, c.windowSize);
const newProbes = (c: BreakerConfig) => OutcomeWindow.empty('count', c.halfOpenCalls);

/** The breaker statechart for one configuration. Pure: drive it with `transition` from xstate. */
export function createBreakerMachine(config: BreakerConfig) {
  /** The outcomes judged with a result: the ones it joins, and it. */
  const judged = (context: BreakerContext, e: ResultEvent) =>
    (e.outcomes ?? context.outcomes).add(e.atMs, outcomeFlags(context.config, e.failed, e.durationMs));
  return setup({
    types: { context: {} as BreakerContext, events: {} as BreakerEvent },
    delays: { openFor: ({ context }) => context.config.openMs },
    guards: {
      tripsInClosed: ({ context, event }) => event.type === 'RESULT' && tripped(context.config, judged(context, event)),
      lastProbeFails: ({ context, event }) => {
        if (event.type !== 'RESULT') return false;
        const o = judged(context, event);
        return probesDecide(context.config, o) && tripped(context.config, o, 0);
      },
      lastProbeSucceeds: ({ context, event }) => event.type === 'RESULT' && probesDecide(context.config, judged(context, event)),
      probeAvailable: ({ context }) => context.probes < context.config.halfOpenCalls,
    },
    actions: {
      recordOutcome: assign({ outcomes: ({ context, event }) => (event.type === 'RESULT' ? judged(context, event) : context.outcomes) }),
      // the probes' window counts halfOpenCalls outcomes, and the last one decides: none ever leaves it
      recordProbe: assign({ outcomes: ({ context, event }) => (event.type === 'RESULT' ? judged(context, event) : context.outcomes) }),
      countProbe: assign({ probes: ({ context }) => context.probes + 1 }),
      clear: assign({ outcomes: ({ context }) => newWindow(context.config), probes: 0 }),
      startProbes: assign({ outcomes: ({ context }) => newProbes(context.config), probes: 0 }),
    },
  }).createMachine({
    id: 'breaker',
    initial: 'closed',
    context: { config, outcomes: newWindow(config), probes: 0 },
    states: {
      closed: {
        on: {
          RESULT: [{ guard: 'tripsInClosed', target: 'open', actions: 'clear' }, { actions: 'recordOutcome' }],
        },
      },
      open: {
        // calls fail fast here; late answers of calls let through before opening are ignored
        after: { openFor: { target: 'halfOpen', actions: 'startProbes' } },
        on: { OPEN_ELAPSED: { target: 'halfOpen', actions: 'startProbes' } },
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
