// What the deployment parts (CPU quotas, GC, memory, autoscalers) tell the model's observers: one narrow event.
import type { Replica } from './service.js';

/**
 * - `throttled`: the replica's CFS quota ran out; `value` is the time it stands throttled (ms, to the period's end);
 * - `cfsPeriod`: a CFS period in which the replica used CPU ended (`value`: 1), as nr_periods counts them;
 * - `gcPause`: a garbage-collection pause began (`value`: its length in ms);
 * - `oomKill`: the replica crossed its memory limit and was killed (`value`: the memory in use, MB);
 * - `restart`: a killed replica came back after its back-off (`value`: the back-off it waited, ms).
 */
export type DeployEventKind = 'throttled' | 'cfsPeriod' | 'gcPause' | 'oomKill' | 'restart';

export interface DeployEvents {
  deployEvent(replica: Replica, kind: DeployEventKind, value: number): void;
}
