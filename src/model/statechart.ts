// Drives a pure xstate v5 statechart on simulated time: its delayed transitions and events become engine timers.
import { type AnyStateMachine, type EventFromLogic, type SnapshotFrom, initialTransition, transition } from 'xstate';
import type { EventTarget, Simulation, TimerId } from '../engine/simulation.js';

/** The engine's clock as the driver needs it (null: delays are not run, e.g. in pure tests that send timeouts by hand). */
export type Timers = Pick<Simulation, 'schedule' | 'cancel'> | null;

interface Delayed {
  readonly id: string;
  readonly event: { type: string };
}

/**
 * One instance of a statechart. `send` runs xstate's pure `transition()`; the
 * actions it returns that schedule a delayed event (an `after` transition, or
 * `raise(..., { delay })`) become engine timers, and those that cancel one
 * cancel them, so the machine runs on simulated time, deterministically.
 * Per instance it keeps the snapshot and the timers in flight (a handful at
 * most): O(1) whatever the load. `onChange` hears every transition, those
 * the timers make included.
 */
export class StatechartDriver<M extends AnyStateMachine> implements EventTarget {
  snapshot: SnapshotFrom<M>;
  private timers: Map<string, TimerId> | null = null;

  constructor(
    readonly machine: M,
    private readonly clock: Timers,
    private readonly onChange: (() => void) | null = null,
  ) {
    const [snapshot, actions] = initialTransition(machine, undefined as never);
    this.snapshot = snapshot as SnapshotFrom<M>;
    this.runActions(actions);
  }

  send(event: EventFromLogic<M>): SnapshotFrom<M> {
    const [snapshot, actions] = transition(this.machine, this.snapshot, event);
    this.snapshot = snapshot as SnapshotFrom<M>;
    this.runActions(actions);
    this.onChange?.();
    return this.snapshot;
  }

  /** A delayed event is due. */
  handleEvent(_code: number, ref: unknown): void {
    const d = ref as Delayed;
    this.timers?.delete(d.id);
    this.send(d.event as EventFromLogic<M>);
  }

  private runActions(actions: readonly { type: string; params?: unknown }[]): void {
    for (const a of actions) {
      if (a.type === 'xstate.raise') {
        const p = a.params as { event: { type: string }; id: string | undefined; delay: number | undefined };
        if (p.delay === undefined || this.clock === null) continue; // an immediate raise is run by transition() itself
        const id = p.id ?? p.event.type;
        (this.timers ??= new Map()).set(id, this.clock.schedule(p.delay, this, 1, { id, event: p.event } satisfies Delayed));
      } else if (a.type === 'xstate.cancel') {
        const id = (a.params as { sendId: string }).sendId;
        const timer = this.timers?.get(id);
        if (timer === undefined) continue;
        this.clock!.cancel(timer);
        this.timers!.delete(id);
      }
    }
  }
}
