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

/**
 * A statechart whose transitions depend only on its state and the event (no
 * context, no delays), as a table: each (state, event) is worked out once by
 * xstate's pure `transition()`, the first time it happens, and looked up after.
 * An instance is then one small integer (its state's number), and a transition
 * an array read: for machines run once per request (a saga each), where a
 * snapshot per instance and a transition() per event would cost more than
 * the calls they direct. The machine stays the one definition of the behaviour.
 */
export class StatechartTable<M extends AnyStateMachine> {
  /** State names by number (the initial one is 0), as they are reached. */
  readonly states: string[] = [];
  /** Final states, by number. */
  readonly final: boolean[] = [];
  private readonly snapshots: SnapshotFrom<M>[] = [];
  /** By state x events + event: the next state, or -1 while not worked out yet. */
  private next: Int32Array;

  constructor(
    readonly machine: M,
    /** The events, by number: `step(state, code)` sends `events[code]`. */
    private readonly events: readonly EventFromLogic<M>[],
  ) {
    this.next = new Int32Array(8 * events.length).fill(-1);
    const [snapshot, actions] = initialTransition(machine, undefined as never);
    if (actions.length > 0) throw new Error('internal: a table statechart runs no actions');
    this.stateOf(snapshot as SnapshotFrom<M>);
  }

  /** The state after event number `code` in state number `state`. */
  step(state: number, code: number): number {
    const i = state * this.events.length + code;
    const known = i < this.next.length ? this.next[i] : -1;
    if (known >= 0) return known;
    const [snapshot, actions] = transition(this.machine, this.snapshots[state], this.events[code]);
    if (actions.some((a) => a.type === 'xstate.raise' || (a.type as string) === 'xstate.cancel'))
      throw new Error('internal: a table statechart has no delayed transitions');
    const to = this.stateOf(snapshot as SnapshotFrom<M>);
    if (i >= this.next.length) {
      const grown = new Int32Array(Math.max(i + 1, 2 * this.next.length)).fill(-1);
      grown.set(this.next);
      this.next = grown;
    }
    this.next[i] = to;
    return to;
  }

  /** The number of a state by name (-1: not reached yet). */
  indexOf(name: string): number {
    return this.states.indexOf(name);
  }

  private stateOf(snapshot: SnapshotFrom<M>): number {
    const s = snapshot as unknown as { value: unknown; status: string };
    const name = typeof s.value === 'string' ? s.value : JSON.stringify(s.value);
    let n = this.states.indexOf(name);
    if (n < 0) {
      n = this.states.length;
      this.states.push(name);
      this.snapshots.push(snapshot);
      this.final.push(s.status === 'done');
    }
    return n;
  }
}
