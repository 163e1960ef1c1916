// A saga as the model runs it: its resolved steps, one run's small state, and what runs tell observers.
import type { CompensationMode, SagaStepKind } from '../scenario/sections/sagas.js';
import type { SagaMachine } from './saga.machine.js';
import type { Call, Service } from './service.js';
import type { Span } from './span.js';
import type { StatechartTable } from './statechart.js';

export interface SagaStep {
  readonly kind: SagaStepKind;
  readonly action: Call;
  readonly compensate: Call | null;
  /** `service.endpoint` of the action (the report's compensationsByStep key). */
  readonly name: string;
}

/** A saga of the scenario, resolved once: its orchestrator, its steps as calls, and the lifecycle's transition table. */
export class SagaDef {
  constructor(
    readonly name: string,
    readonly index: number,
    readonly orchestrator: Service,
    readonly steps: readonly SagaStep[],
    readonly compensation: CompensationMode,
    readonly lifecycle: StatechartTable<SagaMachine>,
  ) {}
}

/**
 * One saga in progress or ended: a few numbers (its state's number in the
 * lifecycle table, where its steps are), held in the orchestrator span's flowState.
 */
export class SagaRun {
  /** Its state's number in `saga.lifecycle`. */
  state = 0;
  /** The forward step running (or, once ended, the one it stopped at); steps before it completed. */
  step = 0;
  /** Serial compensation: the step being compensated; parallel: -1. */
  undo = -1;
  /** Parallel compensation: answers still awaited. */
  outstanding = 0;
  /** Compensations issued so far. */
  compensations = 0;
  readonly startMs: number;
  compensationStartMs = -1;
  endMs = -1;

  constructor(
    readonly saga: SagaDef,
    /** The orchestrator's span that runs it. */
    readonly span: Span,
    nowMs: number,
  ) {
    this.startMs = nowMs;
  }

  get stateName(): string {
    return this.saga.lifecycle.states[this.state];
  }

  /** In one of the ends (set as the state changes: read on every answer). */
  ended = false;
}

/** What sagas tell the model's observers. */
export interface SagaEvents {
  /** A saga started (`from` -1) or changed state (`from`: the number of its previous state in its lifecycle table). */
  sagaChanged(run: SagaRun, from: number): void;
  /** A compensation of step `step` was sent (once per step; its retries are the call's). */
  sagaCompensation(run: SagaRun, step: number): void;
}
