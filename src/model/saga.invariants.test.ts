// Saga invariants over random sagas and many seeds: one end each, compensations exactly for the completed steps (reverse order, or all at once), never past the pivot; and the compensation rate theory predicts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../run/run.js';
import { loadScenarioText } from '../scenario/load.js';
import { assemble } from './assemble.js';
import { nullListener } from './listener.js';
import type { SagaRun } from './saga.js';
import { SAGA_ENDS } from './saga.machine.js';

interface StepShape {
  kind: 'compensatable' | 'pivot' | 'retriable';
  errors: number;
  undo: boolean;
  undoErrors: number;
  timeoutMs: number | null;
}

/** A scenario with one saga of these steps, each step a service of its own (`s<i>.act`, `s<i>.undo`). */
function sagaYaml(steps: StepShape[], parallel: boolean, ratePerSec: number, durationS: number, killAtS: number | null): string {
  const stepLines = steps.map((st, i) => {
    const fields = [`action: s${i}.act`];
    if (st.undo && st.kind === 'compensatable') fields.push(`compensate: s${i}.undo`);
    if (st.kind === 'pivot') fields.push('pivot: true');
    if (st.kind === 'retriable') fields.push('retriable: true', 'retry: { attempts: 3, backoff: constant(5ms) }');
    if (st.timeoutMs !== null) fields.push(`timeout: ${st.timeoutMs}ms`);
    return `      - { ${fields.join(', ')} }`;
  });
  const services = steps.map(
    (st, i) =>
      `  s${i}:\n    endpoints:\n      act: { cpu: exp(mean=2ms), errors: ${st.errors} }\n      undo: { cpu: exp(mean=2ms), errors: ${st.undoErrors} }`,
  );
  const faults = killAtS === null ? '' : `faults:\n  - { at: ${killAtS}s, kill: orch#0 }\n`;
  return `name: saga-prop
duration: ${durationS}s
workloads: [{ name: w, to: front, arrivals: poisson(${ratePerSec}/s) }]
sagas:
  s:
    orchestrator: orch
    compensation: ${parallel ? 'parallel' : 'serial'}
    compensationRetry: { attempts: 2, backoff: constant(5ms) }
    steps:
${stepLines.join('\n')}
${faults}services:
  front: { cpu: 0, calls: [{ saga: s }] }
  orch: { replicas: 2, cpu: 0 }
${services.join('\n')}
`;
}

interface Trace {
  states: string[];
  compensations: { step: number; atMs: number }[];
  run: SagaRun;
}

/** Run a scenario with a listener that records every saga's states and compensations. */
function traces(yaml: string, seed: number): Trace[] {
  const spec = loadScenarioText(yaml, 'saga-prop.yaml');
  const byRun = new Map<SagaRun, Trace>();
  const world = assemble(spec, {
    seed,
    listener: {
      ...nullListener,
      sagaChanged(run, from) {
        if (from < 0) byRun.set(run, { states: [run.stateName], compensations: [], run });
        else byRun.get(run)!.states.push(run.stateName);
      },
      sagaCompensation(run, step) {
        byRun.get(run)!.compensations.push({ step, atMs: world.sim.nowMs });
      },
    },
  });
  world.start();
  world.sim.runUntil(spec.durationMs);
  return [...byRun.values()];
}

const ENDS: readonly string[] = SAGA_ENDS;

const stepShape = fc.record({
  errors: fc.constantFrom(0, 0.05, 0.2, 0.5),
  undo: fc.boolean(),
  undoErrors: fc.constantFrom(0, 0, 0.1, 0.6),
  timeoutMs: fc.constantFrom(null, 3, 20),
});

/** Steps: compensatable ones, then maybe a pivot, then retriable ones (the only order the loader accepts). */
const sagaShape = fc
  .record({
    before: fc.array(stepShape, { minLength: 0, maxLength: 4 }),
    pivot: fc.option(stepShape, { nil: undefined }),
    after: fc.array(stepShape, { minLength: 0, maxLength: 2 }),
    parallel: fc.boolean(),
    kill: fc.boolean(),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  })
  .filter((s) => s.before.length + (s.pivot ? 1 : 0) + s.after.length > 0);

describe('saga invariants (property-based, random sagas and seeds)', () => {
  it('every saga ends once; a compensated saga undid exactly its completed compensatable steps, in reverse (or at once); nothing at or past the pivot is undone', () => {
    fc.assert(
      fc.property(sagaShape, (shape) => {
        const steps: StepShape[] = [
          ...shape.before.map((s) => ({ ...s, kind: 'compensatable' as const })),
          ...(shape.pivot ? [{ ...shape.pivot, kind: 'pivot' as const }] : []),
          ...shape.after.map((s) => ({ ...s, kind: 'retriable' as const })),
        ];
        const pivotAt = shape.pivot ? shape.before.length : steps.length;
        const all = traces(sagaYaml(steps, shape.parallel, 200, 2, shape.kill ? 1 : null), shape.seed);
        expect(all.length).toBeGreaterThan(0);
        for (const t of all) {
          // one end at most, and it is the last state: nothing follows an end
          const ends = t.states.filter((s) => ENDS.includes(s));
          expect(ends.length).toBeLessThanOrEqual(1);
          if (ends.length === 1) expect(ENDS.includes(t.states.at(-1)!)).toBe(true);
          expect(t.run.ended).toBe(ends.length === 1);
          // never compensated at or past the pivot, nor a step without a compensation
          for (const c of t.compensations) {
            expect(c.step).toBeLessThan(pivotAt);
            expect(steps[c.step].undo && steps[c.step].kind === 'compensatable').toBe(true);
          }
          // each step compensated at most once
          expect(new Set(t.compensations.map((c) => c.step)).size).toBe(t.compensations.length);
          const end = t.states.at(-1);
          if (end === 'completed' || end === 'failed') expect(t.compensations).toEqual([]);
          if (end === 'compensated') {
            // exactly the completed compensatable steps: those before the failed one (run.step) with a compensation
            const expected = steps
              .map((_s, i) => i)
              .filter((i) => i < t.run.step && steps[i].undo && steps[i].kind === 'compensatable')
              .reverse();
            expect(expected.length).toBeGreaterThan(0);
            if (shape.parallel) {
              expect(new Set(t.compensations.map((c) => c.step))).toEqual(new Set(expected));
              expect(new Set(t.compensations.map((c) => c.atMs)).size).toBe(1); // all sent at once
            } else expect(t.compensations.map((c) => c.step)).toEqual(expected); // reverse order
          }
          // a saga that committed (passed the pivot) is never compensating afterwards
          const committed = t.states.indexOf('committed');
          if (committed >= 0) expect(t.states.slice(committed)).not.toContain('compensating');
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it("the report's counts add up: started = completed + compensated + failed + stuck + inFlight", () => {
    fc.assert(
      fc.property(sagaShape, (shape) => {
        const steps: StepShape[] = [
          ...shape.before.map((s) => ({ ...s, kind: 'compensatable' as const })),
          ...(shape.pivot ? [{ ...shape.pivot, kind: 'pivot' as const }] : []),
          ...shape.after.map((s) => ({ ...s, kind: 'retriable' as const })),
        ];
        const r = runScenario(loadScenarioText(sagaYaml(steps, shape.parallel, 100, 2, shape.kill ? 1 : null), 'p.yaml'), {
          seed: shape.seed,
        });
        const s = r.sagas!.s;
        expect(s.started).toBe(s.completed + s.compensated + s.failed + s.stuck + s.inFlight);
        expect(s.inFlight).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});

describe('saga outcomes against theory', () => {
  // Steps that fail with p1..pk (no retries, compensations that never fail, no timeouts): a saga completes with
  // prod(1 - p_i), fails at once (nothing to undo) with p1, and is compensated with sum_{i>=2} prod_{j<i}(1 - p_j) p_i.
  // Each count is binomial over N sagas: the tolerance is 4.5 standard deviations, sqrt(p(1-p)/N), so a correct
  // model fails this about once in 150,000 runs per check.
  const p = [0.05, 0.1, 0.2, 0.15];
  const steps: StepShape[] = p.map((errors) => ({ kind: 'compensatable', errors, undo: true, undoErrors: 0, timeoutMs: null }));
  // at 100 sagas/s every service stays under 30% busy, so few sagas are in flight at the end (those that end
  // sooner would otherwise be over-represented among the ended: the ones that fail early)
  for (const seed of [1, 2, 3]) {
    it(`compensated, failed and completed shares match (seed ${seed})`, () => {
      const r = runScenario(loadScenarioText(sagaYaml(steps, false, 100, 400, null), 'theory.yaml'), { seed });
      const s = r.sagas!.s;
      const ended = s.completed + s.compensated + s.failed;
      expect(s.stuck).toBe(0);
      expect(ended).toBeGreaterThan(35_000);
      let reach = 1;
      let compensated = 0;
      for (let i = 0; i < p.length; i++) {
        if (i > 0) compensated += reach * p[i];
        reach *= 1 - p[i];
      }
      const check = (observed: number, expected: number) => {
        const tol = 4.5 * Math.sqrt((expected * (1 - expected)) / ended);
        expect(Math.abs(observed / ended - expected)).toBeLessThan(tol);
      };
      check(s.compensated, compensated);
      check(s.failed, p[0]);
      check(s.completed, reach);
      // each compensation ran once per compensated saga that had completed its step
      const byStep = s.compensationsByStep;
      expect(byStep['s0.act']).toBe(s.compensated); // step 0 completed in every compensated saga
      expect(byStep['s3.act']).toBe(0); // the last step is never undone: its failure ends the saga, its success completes it
    });
  }
});
