// Running an endpoint's steps: the calls of a step go out together, the next step starts when all have answered.
import type { Call, Replica } from '../service.js';
import { Outcome, type Span } from '../span.js';
import { type CopyCaller, type GatherEnv, fanOut } from './fanout.js';

/** Makes a call for a span (a plain send, or attempts under a policy): what steps need of the rest of the model. */
export interface Caller extends CopyCaller {
  call(parent: Span, call: Call): void;
}

/**
 * A span's steps, in order. The calls of a step are issued at once (those its
 * probabilities draw), and the step waits for all of them; a failed or
 * rejected call fails the span when its step is over.
 */
export class StepRunner {
  constructor(
    private readonly caller: Caller,
    /** The clock, for fan-outs that wait for a deadline. */
    private readonly env: GatherEnv,
  ) {}

  /** Issue the calls of the current step; move on while steps make no calls; finish after the last. */
  run(replica: Replica, span: Span): void {
    const ep = span.endpoint;
    const steps = ep.steps;
    while (span.step < steps.length) {
      const calls = steps[span.step];
      span.pending = 1; // guard: children that answer at once cannot end the step while it is issued
      for (let i = 0; i < calls.length; i++) {
        const call = calls[i];
        if (span.decisions !== null ? span.decisions[call.index] === 0 : !ep.callsNow(call)) continue;
        span.pending++;
        if (call.fanout === undefined) this.caller.call(span, call);
        else fanOut(this.env, this.caller, span, call); // several copies at once
        if (span.outcome !== Outcome.Pending) return; // this replica was killed meanwhile
      }
      if (--span.pending > 0) return; // wait for childDone
      if (span.childFailure !== Outcome.Pending) {
        replica.finish(span, span.childFailure);
        return;
      }
      span.step++;
    }
    replica.finish(span, Outcome.Ok);
  }

  /** A call of the current step answered. */
  childDone(replica: Replica, span: Span, outcome: Outcome): void {
    if (outcome !== Outcome.Ok && span.childFailure === Outcome.Pending) span.childFailure = outcome;
    if (--span.pending > 0) return;
    if (span.childFailure !== Outcome.Pending) {
      replica.finish(span, span.childFailure);
      return;
    }
    span.step++;
    this.run(replica, span);
  }
}
