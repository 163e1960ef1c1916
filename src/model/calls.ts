// Making a call: a plain send to the callee, or attempts under the call's resilience policy; fire-and-forget marked as such.
import type { CopyHandle, GatherOwner } from './flows/fanout.js';
import type { Caller } from './flows/steps.js';
import { CallAttempts, type CallEnv, type CallPolicy } from './resilience.js';
import type { Call, Replica } from './service.js';
import { type AttemptOwner, NOBODY_WAITS, Outcome, Span } from './span.js';

export class Calls implements Caller {
  constructor(private readonly env: CallEnv) {}

  /** `parent` calls another service. */
  call(parent: Span, call: Call): void {
    if (call.policy !== null) {
      new CallAttempts(this.env, parent, call, call.policy as CallPolicy).start();
      return;
    }
    if (call.topic !== undefined) {
      call.topic.publish(parent); // answered with the broker's ack
      return;
    }
    const env = this.env;
    const span = new Span(call.service, call.endpoint, parent, parent.root, env.sim.nowMs >= env.warmupMs);
    if (!call.awaited) span.attempts = NOBODY_WAITS; // fire-and-forget: its answer is dropped
    env.router.send(span, parent.replica!.location, call.locality, call.transport === 'shm');
    if (!call.awaited && call.kind === 'saga') parent.replica!.childDone(parent, Outcome.Ok); // an async saga: the caller's answer at once
  }

  /** One copy of a fanned-out call, to a chosen replica; its answer goes to `owner` (a gather) or, with null, to the parent. */
  callTo(parent: Span, call: Call, target: Replica, owner: (AttemptOwner & GatherOwner) | null): Span | CopyHandle {
    const env = this.env;
    if (call.policy !== null) {
      const attempts = new CallAttempts(env, parent, call, call.policy as CallPolicy);
      attempts.target = target;
      attempts.owner = owner;
      attempts.start();
      return attempts;
    }
    const span = new Span(call.service, call.endpoint, parent, parent.root, env.sim.nowMs >= env.warmupMs);
    span.attempts = owner;
    env.router.sendTo(span, target, parent.replica!.location, call.transport === 'shm');
    return span;
  }
}
