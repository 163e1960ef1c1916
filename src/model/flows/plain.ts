// The plain request flow: the endpoint's CPU work, then (unless it fails) its steps of calls.
import type { Replica, RequestFlow } from '../service.js';
import { CANCELLED, Outcome, type Span } from '../span.js';
import type { StepRunner } from './steps.js';

export class PlainFlow implements RequestFlow {
  constructor(private readonly steps: StepRunner) {}

  start(replica: Replica, span: Span): void {
    if (span.attempts === CANCELLED) {
      replica.finish(span, Outcome.Timeout); // cancelled while it waited for a slot: no work (the caller stopped waiting)
      return;
    }
    replica.doWork(span);
  }

  /** The work is done: the endpoint fails with its error rate (skipping its calls), else its steps run. */
  cpuDone(replica: Replica, span: Span): void {
    if (span.endpoint.failsNow()) {
      replica.finish(span, Outcome.Error);
      return;
    }
    if (span.attempts === CANCELLED) {
      replica.finish(span, Outcome.Timeout); // cancelled during its work: it makes none of its calls
      return;
    }
    span.step = 0;
    this.steps.run(replica, span);
  }

  childDone(replica: Replica, span: Span, outcome: Outcome): void {
    this.steps.childDone(replica, span, outcome);
  }

  ended(): void {}
}
