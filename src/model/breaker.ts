// A circuit breaker in the running model: drives the pure statechart on simulated time.
import { type SnapshotFrom, getInitialSnapshot, transition } from 'xstate';
import type { EventTarget } from '../engine/simulation.js';
import type { BreakerSpec } from '../scenario/spec.js';
import { type BreakerMachine, createBreakerMachine } from './breaker.machine.js';
import type { Service } from './service.js';
import type { World } from './world.js';

export type BreakerState = 'closed' | 'open' | 'halfOpen';

const OPEN_ELAPSED = 1;
const machines = new Map<string, BreakerMachine>();

/** One breaker between a caller (a replica, or a whole service) and a callee service. */
export class Breaker implements EventTarget {
  private readonly machine: BreakerMachine;
  private snapshot: SnapshotFrom<BreakerMachine>;
  /** Turned off by the `b` what-if: every call goes through and nothing is recorded. */
  disabled = false;

  /** `caller` is the calling service (its replica's, or its own with scope: service). */
  constructor(readonly name: string, readonly caller: Service, readonly spec: BreakerSpec, private readonly world: World) {
    const key = JSON.stringify(spec.config);
    let m = machines.get(key);
    if (!m) machines.set(key, (m = createBreakerMachine(spec.config)));
    this.machine = m;
    this.snapshot = getInitialSnapshot(m);
  }

  get state(): BreakerState {
    return this.snapshot.value as BreakerState;
  }

  /** May a call go out now? In half-open this takes one of the permitted probes. Returns 'probe' for a probe. */
  allow(): false | 'call' | 'probe' {
    if (this.disabled) return 'call';
    const state = this.state;
    if (state === 'closed') return 'call';
    if (state === 'open') return false;
    if (this.snapshot.context.probes >= this.spec.config.halfOpenCalls) return false;
    this.send({ type: 'PROBE' });
    return 'probe';
  }

  /** A call let through while closed (or a probe, in half-open) ended. */
  record(kind: 'call' | 'probe', failed: boolean, durationMs: number): void {
    if (this.disabled) return;
    // a call let through before the breaker opened must not count as a probe
    if ((kind === 'probe') !== (this.state === 'halfOpen')) return;
    this.send({ type: 'RESULT', failed, durationMs, atMs: this.world.sim.nowMs });
  }

  handleEvent(code: number): void {
    if (code === OPEN_ELAPSED && this.state === 'open') this.send({ type: 'OPEN_ELAPSED' });
  }

  private send(event: Parameters<typeof transition<BreakerMachine>>[2]): void {
    const from = this.state;
    [this.snapshot] = transition(this.machine, this.snapshot, event);
    const to = this.state;
    if (to === from) return;
    if (to === 'open') this.world.sim.schedule(this.spec.config.openMs, this, OPEN_ELAPSED, null);
    this.world.listener.breakerChanged(this, from, to);
  }
}
