// The saga lifecycle as a pure xstate v5 statechart: forward steps, the pivot's commit, compensation, and its four ends.
import { setup } from 'xstate';

/**
 * What the orchestrator tells a saga. Each event carries the facts its guards
 * need (no context), so a transition depends on the state and the event alone
 * and the driver can keep each saga as one small integer (see StatechartTable).
 */
export type SagaEvent =
  /** A forward step succeeded: was it the pivot, was it the last step? */
  | { type: 'STEP_OK'; pivot: boolean; last: boolean }
  /** A forward step failed for good (its retries spent): is there a completed step to undo? */
  | { type: 'STEP_FAILED'; toUndo: boolean }
  /** A compensation succeeded: are others still to run (or still running)? */
  | { type: 'COMPENSATED'; more: boolean }
  /** A compensation failed for good (its retries spent). */
  | { type: 'COMPENSATION_FAILED' }
  /** The orchestrator's replica died under the saga: is there a completed step to undo? */
  | { type: 'ABORT'; toUndo: boolean };

/** In flight: running (compensatable steps and the pivot), committed (past the pivot: retriable steps only), compensating. */
export const SAGA_IN_FLIGHT = ['running', 'committed', 'compensating'] as const;
/** The ends: completed (every step done), compensated (undone), failed (failed before anything needed undoing), stuck (needs manual repair). */
export const SAGA_ENDS = ['completed', 'compensated', 'failed', 'stuck'] as const;
export type SagaStateName = (typeof SAGA_IN_FLIGHT)[number] | (typeof SAGA_ENDS)[number];

/**
 * Semantics after Garcia-Molina and Salem (1987) and Richardson (Microservices
 * Patterns, ch. 4): a compensatable step that fails has the completed steps
 * compensated; once the pivot succeeds the saga only goes forward (a failed
 * retriable step leaves it stuck, never compensated); a compensation that fails
 * for good leaves it stuck too.
 */
export const sagaMachine = setup({
  types: { events: {} as SagaEvent },
  guards: {
    last: ({ event }) => event.type === 'STEP_OK' && event.last,
    pivot: ({ event }) => event.type === 'STEP_OK' && event.pivot,
    toUndo: ({ event }) => (event.type === 'STEP_FAILED' || event.type === 'ABORT') && event.toUndo,
    more: ({ event }) => event.type === 'COMPENSATED' && event.more,
  },
}).createMachine({
  id: 'saga',
  initial: 'running',
  states: {
    running: {
      on: {
        STEP_OK: [
          { guard: 'last', target: 'completed' },
          { guard: 'pivot', target: 'committed' },
        ],
        STEP_FAILED: [{ guard: 'toUndo', target: 'compensating' }, { target: 'failed' }],
        ABORT: [{ guard: 'toUndo', target: 'stuck' }, { target: 'failed' }],
      },
    },
    committed: {
      on: {
        STEP_OK: [{ guard: 'last', target: 'completed' }],
        STEP_FAILED: { target: 'stuck' },
        ABORT: { target: 'stuck' },
      },
    },
    compensating: {
      on: {
        COMPENSATED: [{ guard: 'more', target: 'compensating' }, { target: 'compensated' }],
        COMPENSATION_FAILED: { target: 'stuck' },
        ABORT: { target: 'stuck' },
      },
    },
    completed: { type: 'final' },
    compensated: { type: 'final' },
    failed: { type: 'final' },
    stuck: { type: 'final' },
  },
});

export type SagaMachine = typeof sagaMachine;

/** Every event the orchestrator sends, each once: a saga's driver indexes them by number (see sagaEventCode). */
export const SAGA_EVENTS: readonly SagaEvent[] = [
  { type: 'STEP_OK', pivot: false, last: false },
  { type: 'STEP_OK', pivot: true, last: false },
  { type: 'STEP_OK', pivot: false, last: true },
  { type: 'STEP_OK', pivot: true, last: true },
  { type: 'STEP_FAILED', toUndo: false },
  { type: 'STEP_FAILED', toUndo: true },
  { type: 'COMPENSATED', more: false },
  { type: 'COMPENSATED', more: true },
  { type: 'COMPENSATION_FAILED' },
  { type: 'ABORT', toUndo: false },
  { type: 'ABORT', toUndo: true },
];

/** The number of an event in SAGA_EVENTS. */
export const SagaEventCode = {
  stepOk: (pivot: boolean, last: boolean) => (pivot ? 1 : 0) + (last ? 2 : 0),
  stepFailed: (toUndo: boolean) => (toUndo ? 5 : 4),
  compensated: (more: boolean) => (more ? 7 : 6),
  compensationFailed: 8,
  abort: (toUndo: boolean) => (toUndo ? 10 : 9),
} as const;
