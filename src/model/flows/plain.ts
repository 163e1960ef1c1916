// The plain request flow: the endpoint's CPU work, then (unless it fails) its steps of calls.
import type { Replica, RequestFlow } from '../service.js';
import { Outcome, type Span } from '../span.js';
import type { StepRunner } from './steps.js';

export class PlainFlow implements RequestFlow {
  constructor(private readonly steps: StepRunner) {}

  start(replica: Replica, span: Span): void {
    replica.doWork(span);
  }

  /** The work is done: the endpoint fails with its error rate (skipping its calls), else its steps run. */
  cpuDone(replica: Replica, span: Span): void {
    if (span.endpoint.failsNow()) {
      replica.finish(span, Outcome.Error);
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
