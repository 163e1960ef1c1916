// A circuit breaker in the running model: drives the pure statechart on simulated time, with only the events that change its state.
import type { Simulation } from '../engine/simulation.js';
import type { BreakerConfig } from '../scenario/breaker-presets.js';
import type { BreakerSpec } from '../scenario/spec.js';
import type { OutcomeWindow } from './breaker-window.js';
import { type BreakerEvent, type BreakerMachine, createBreakerMachine, outcomeFlags, probesDecide, tripped } from './breaker.machine.js';
import type { Service } from './service.js';
import { StatechartDriver, type Timers } from './statechart.js';

export type BreakerState = 'closed' | 'open' | 'halfOpen';

const machines = new Map<string, BreakerMachine>();

/** What breakers tell the model's observers. */
export interface BreakerEvents {
  breakerChanged(breaker: Breaker, from: BreakerState, to: BreakerState): void;
}

export interface BreakerEnv {
  readonly sim: Simulation;
  readonly listener: BreakerEvents;
}

/**
 * The statechart of one breaker, fed only the events that can change its
 * state (xstate's transition() takes some 20 us; a whole simulated request,
 * about 1 us). Between transitions it keeps the context's running
 * parts itself, as the machine would (the same window, the same functions):
 * the outcomes and the probes let through. A result it sends carries its
 * outcomes, so the machine judges exactly what it would have kept. After each
 * transition it takes the machine's context over again.
 */
export class BreakerCore {
  /** The statechart on simulated time (its open duration is the machine's own delay, run as an engine timer). */
  private readonly driver: StatechartDriver<BreakerMachine>;
  /** The context's outcomes and probes, kept up to date between transitions. */
  private outcomes: OutcomeWindow;
  private probes: number;
  state: BreakerState = 'closed';

  /** `clock` runs the open duration; without one (pure tests), send openElapsed() by hand. */
  constructor(
    readonly config: BreakerConfig,
    clock: Timers = null,
  ) {
    const key = JSON.stringify(config);
    let m = machines.get(key);
    if (!m) machines.set(key, (m = createBreakerMachine(config)));
    this.driver = new StatechartDriver(m, clock, () => this.took());
    this.outcomes = this.driver.snapshot.context.outcomes;
    this.probes = this.driver.snapshot.context.probes;
  }

  /** The machine's PROBE: true when it let one more probe through (half-open, with probes left). */
  probe(): boolean {
    // PROBE never changes the state: in half-open it only counts the probe (countProbe), when
    // probeAvailable holds; closed and open ignore it
    if (this.state !== 'halfOpen' || this.probes >= this.config.halfOpenCalls) return false;
    this.probes++;
    return true;
  }

  /** The machine's RESULT: a call (or probe) ended at atMs (never earlier than the previous one). */
  result(failed: boolean, durationMs: number, atMs: number): void {
    if (this.state === 'open') return; // open ignores RESULT
    const judged = this.outcomes.add(atMs, outcomeFlags(this.config, failed, durationMs));
    // closed: the only transition is guarded by tripsInClosed, tripped(config, judged); when
    // it is false the machine stays closed and records the outcome (recordOutcome), as here
    if (this.state === 'closed' && !tripped(this.config, judged)) {
      this.outcomes = judged;
      return;
    }
    // half-open: both transitions need lastProbeFails or lastProbeSucceeds, and both need
    // probesDecide(config, judged); without it the machine only records the outcome, as here
    if (this.state === 'halfOpen' && !probesDecide(this.config, judged)) {
      this.outcomes = judged;
      return;
    }
    this.send({ type: 'RESULT', failed, durationMs, atMs, outcomes: this.outcomes });
  }

  /** The machine's OPEN_ELAPSED: the open duration has passed. */
  openElapsed(): void {
    if (this.state === 'open') this.send({ type: 'OPEN_ELAPSED' }); // closed and half-open ignore it
  }

  /** The state changed (called after the machine took it). */
  protected changed(_from: BreakerState, _to: BreakerState): void {}

  private send(event: BreakerEvent): void {
    this.driver.send(event);
  }

  /** The machine took a transition (an event sent, or its delay ran out): take its context over again. */
  private took(): void {
    const from = this.state;
    const snapshot = this.driver.snapshot;
    this.outcomes = snapshot.context.outcomes;
    this.probes = snapshot.context.probes;
    const to = (this.state = snapshot.value as BreakerState);
    if (to !== from) this.changed(from, to);
  }
}

/** One breaker between a caller (a replica, or a whole service) and a callee service. */
export class Breaker extends BreakerCore {
  /** Turned off by the `b` what-if: every call goes through and nothing is recorded. */
  disabled = false;

  /** `caller` is the calling service (its replica's, or its own with scope: service). */
  constructor(
    readonly name: string,
    readonly caller: Service,
    readonly spec: BreakerSpec,
    private readonly env: BreakerEnv,
  ) {
    super(spec.config, env.sim);
  }

  /** May a call go out now? In half-open this takes one of the permitted probes. Returns 'probe' for a probe. */
  allow(): false | 'call' | 'probe' {
    if (this.disabled) return 'call';
    const state = this.state;
    if (state === 'closed') return 'call';
    if (state === 'open') return false;
    return this.probe() ? 'probe' : false;
  }

  /** A call let through while closed (or a probe, in half-open) ended. */
  record(kind: 'call' | 'probe', failed: boolean, durationMs: number): void {
    if (this.disabled) return;
    // a call let through before the breaker opened must not count as a probe
    if ((kind === 'probe') !== (this.state === 'halfOpen')) return;
    this.result(failed, durationMs, this.env.sim.nowMs);
  }

  protected override changed(from: BreakerState, to: BreakerState): void {
    this.env.listener.breakerChanged(this, from, to);
  }
}
