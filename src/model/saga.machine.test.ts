// The saga statechart: its documented transitions, and the table driver against xstate's own transition() on random event sequences.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getInitialSnapshot, transition } from 'xstate';
import { SAGA_ENDS, SAGA_EVENTS, SagaEventCode as E, sagaMachine } from './saga.machine.js';
import { StatechartTable } from './statechart.js';

const drive = (codes: number[]): string[] => {
  const t = new StatechartTable(sagaMachine, SAGA_EVENTS);
  let s = 0;
  return codes.map((c) => t.states[(s = t.step(s, c))]);
};

describe('saga lifecycle (pure statechart)', () => {
  it('goes forward, commits at the pivot, completes after the last step', () => {
    expect(drive([E.stepOk(false, false), E.stepOk(true, false), E.stepOk(false, true)])).toEqual(['running', 'committed', 'completed']);
  });
  it('compensates a failure before the pivot, and ends compensated or stuck', () => {
    expect(drive([E.stepOk(false, false), E.stepFailed(true), E.compensated(true), E.compensated(false)])).toEqual([
      'running',
      'compensating',
      'compensating',
      'compensated',
    ]);
    expect(drive([E.stepFailed(true), E.compensationFailed])).toEqual(['compensating', 'stuck']);
    expect(drive([E.stepFailed(false)])).toEqual(['failed']);
  });
  it('past the pivot a failure is stuck, never compensated', () => {
    expect(drive([E.stepOk(true, false), E.stepFailed(true)])).toEqual(['committed', 'stuck']);
  });
  it('the table agrees with xstate transition() on any event sequence, and the ends absorb', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: SAGA_EVENTS.length - 1 }), { maxLength: 12 }), (codes) => {
        const t = new StatechartTable(sagaMachine, SAGA_EVENTS);
        let s = 0;
        let snap = getInitialSnapshot(sagaMachine);
        let ended: string | null = null;
        for (const c of codes) {
          s = t.step(s, c);
          [snap] = transition(sagaMachine, snap, SAGA_EVENTS[c]);
          expect(t.states[s]).toBe(String(snap.value));
          expect(t.final[s]).toBe(snap.status === 'done');
          if (ended !== null) expect(t.states[s]).toBe(ended);
          if ((SAGA_ENDS as readonly string[]).includes(t.states[s])) ended = t.states[s];
        }
      }),
      { numRuns: 500 },
    );
  });
});
