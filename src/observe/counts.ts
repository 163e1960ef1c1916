// Requests counted by how they ended.
import { Outcome } from '../model/span.js';

/** Requests by how they ended. `started` counts arrivals after the warm-up. */
export class Counts {
  started = 0;
  completed = 0;
  failed = 0;
  rejected = 0;

  /** Requests that ended, however. */
  get ended(): number {
    return this.completed + this.failed + this.rejected;
  }

  count(outcome: Outcome): void {
    if (outcome === Outcome.Ok) this.completed++;
    else if (outcome === Outcome.Rejected) this.rejected++;
    else this.failed++;
  }
}
