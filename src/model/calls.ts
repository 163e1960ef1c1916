// Making a call: a plain send to the callee, or attempts under the call's resilience policy; fire-and-forget marked as such.
import type { Caller } from './flows/steps.js';
import { CallAttempts, type CallEnv, type CallPolicy } from './resilience.js';
import type { Call } from './service.js';
import { NOBODY_WAITS, Outcome, Span } from './span.js';

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
}
