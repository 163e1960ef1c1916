// The orchestrator's flow for a saga: its steps one by one, then (on a failure before the pivot) the compensations.
import type { Simulation } from '../../engine/simulation.js';
import { type SagaDef, type SagaEvents, SagaRun } from '../saga.js';
import { SagaEventCode } from '../saga.machine.js';
import type { Replica, RequestFlow } from '../service.js';
import { Outcome, type Span } from '../span.js';
import type { Caller } from './steps.js';

/** What a saga's flow needs of the model: the clock and the observers. */
export interface SagaEnv {
  readonly sim: Simulation;
  readonly listener: SagaEvents;
}

/**
 * Runs one saga per span at the orchestrator: the span holds its slot from the
 * saga's start to its end (completed: Ok; compensated, failed or stuck: Error).
 * Each step is a real call (a timeout and retries by the step's policy); the
 * lifecycle statechart decides, on each answer, whether the saga goes on,
 * commits, compensates or ends. The orchestrator spends no CPU of its own.
 */
export class SagaFlow implements RequestFlow {
  constructor(
    private readonly saga: SagaDef,
    private readonly caller: Caller,
    private readonly env: SagaEnv,
  ) {}

  start(_replica: Replica, span: Span): void {
    const run = new SagaRun(this.saga, span, this.env.sim.nowMs);
    span.flowState = run;
    this.env.listener.sagaChanged(run, -1);
    this.caller.call(span, this.saga.steps[0].action);
  }

  cpuDone(): void {}

  /** The call in progress answered: a forward step, or a compensation. */
  childDone(replica: Replica, span: Span, outcome: Outcome): void {
    const run = span.flowState as SagaRun;
    if (run.ended) return;
    const steps = this.saga.steps;
    if (run.compensationStartMs < 0) {
      const step = steps[run.step];
      if (outcome === Outcome.Ok) {
        const last = run.step === steps.length - 1;
        if (this.send(run, SagaEventCode.stepOk(step.kind === 'pivot', last))) {
          replica.finish(span, Outcome.Ok);
          return;
        }
        run.step++;
        this.caller.call(span, steps[run.step].action);
        return;
      }
      const undo = this.previousUndoable(run.step);
      if (this.send(run, SagaEventCode.stepFailed(undo >= 0))) {
        replica.finish(span, Outcome.Error);
        return;
      }
      this.compensate(span, run, undo);
      return;
    }
    if (outcome !== Outcome.Ok) {
      this.send(run, SagaEventCode.compensationFailed);
      replica.finish(span, Outcome.Error);
      return;
    }
    if (this.saga.compensation === 'parallel') {
      run.outstanding--;
      if (this.send(run, SagaEventCode.compensated(run.outstanding > 0))) replica.finish(span, Outcome.Error);
      return;
    }
    const next = this.previousUndoable(run.undo);
    if (this.send(run, SagaEventCode.compensated(next >= 0))) {
      replica.finish(span, Outcome.Error);
      return;
    }
    this.compensateStep(span, run, next);
  }

  /** The span ended: if its replica was killed under a saga in flight, the saga ends there (stuck, or failed with nothing to undo). */
  ended(_replica: Replica, span: Span): void {
    const run = span.flowState as SagaRun | null;
    if (run === null || run.ended) return;
    const toUndo = run.compensationStartMs >= 0 || run.state !== 0 || this.previousUndoable(run.step) >= 0;
    this.send(run, SagaEventCode.abort(toUndo));
  }

  /** Start compensating from step `from` down (serial), or every undoable step before the failed one at once (parallel). */
  private compensate(span: Span, run: SagaRun, from: number): void {
    run.compensationStartMs = this.env.sim.nowMs;
    if (this.saga.compensation === 'serial') {
      this.compensateStep(span, run, from);
      return;
    }
    const undoable: number[] = [];
    for (let j = from; j >= 0; j = this.previousUndoable(j)) undoable.push(j);
    run.outstanding = undoable.length;
    for (const j of undoable) {
      this.compensateStep(span, run, j);
      if (span.outcome !== Outcome.Pending) return; // ended meanwhile (a compensation failed at once)
    }
  }

  private compensateStep(span: Span, run: SagaRun, step: number): void {
    run.undo = step;
    run.compensations++;
    this.env.listener.sagaCompensation(run, step);
    this.caller.call(span, this.saga.steps[step].compensate!);
  }

  /** The last step before `step` that has a compensation, or -1. */
  private previousUndoable(step: number): number {
    const steps = this.saga.steps;
    for (let j = step - 1; j >= 0; j--) if (steps[j].compensate !== null) return j;
    return -1;
  }

  /** Send the lifecycle an event; true when the saga has ended. */
  private send(run: SagaRun, code: number): boolean {
    const from = run.state;
    const lifecycle = this.saga.lifecycle;
    const to = (run.state = lifecycle.step(from, code));
    const ended = (run.ended = lifecycle.final[to]);
    if (ended) run.endMs = this.env.sim.nowMs;
    if (run.state !== from) this.env.listener.sagaChanged(run, from);
    return ended;
  }
}
