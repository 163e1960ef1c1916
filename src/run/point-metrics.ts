// The numbers a sweep or a plan keeps of each run: the report paths every point shows, plus any asked for.
import { valuesAt } from '../observe/value-paths.js';
import type { Report } from '../observe/report.js';

/** A run's metrics by report path (`latencyMs.p99`, `services.payment.utilization`); null where there was nothing to measure. */
export type Metrics = Record<string, number | null>;

/** The share of ended workload requests that failed or were rejected (as the SLO's errorRate); of one workload's with `workload`. */
export function errorRatio(r: Report, workload?: string): number | null {
  const c = workload === undefined ? r.requests : r.workloads[workload]?.requests;
  if (c === undefined) return null;
  const ended = c.completed + c.failed + c.rejected;
  return ended > 0 ? (c.failed + c.rejected) / ended : null;
}

/** Whether the report has the path (a number, or null where nothing was measured yet); computed paths count. */
export function hasMetric(r: Report, path: string): boolean {
  if (path === 'requests.errorRatio' || path === 'slo.met' || path === 'costUsd.total') return true;
  const perWorkload = /^workloads\.(.+)\.requests\.errorRatio$/.exec(path);
  if (perWorkload) return perWorkload[1] in r.workloads;
  const found = valuesAt(r, path.replace(/\[(\d+)\]/g, '.$1').split('.'));
  return found.length === 1 && (found[0].value === null || typeof found[0].value === 'number');
}

/** The path's one number in the report (null: absent, not a number, or matching several values). */
export function metricAt(r: Report, path: string): number | null {
  if (path === 'requests.errorRatio' && !('errorRatio' in r.requests)) return errorRatio(r);
  if (path === 'slo.met') return r.slo === null ? null : r.slo.met ? 1 : 0;
  const perWorkload = /^workloads\.(.+)\.requests\.errorRatio$/.exec(path);
  if (perWorkload) return errorRatio(r, perWorkload[1]);
  const found = valuesAt(r, path.replace(/\[(\d+)\]/g, '.$1').split('.'));
  return found.length === 1 && typeof found[0].value === 'number' && Number.isFinite(found[0].value) ? found[0].value : null;
}

/**
 * What every point of a sweep shows: end-to-end latency (mean, p50, p99; of
 * successful requests after the warm-up), the error ratio, SLO met (1 or 0,
 * when the scenario has one), network cost (when it has a network) and the total cost (when it has a network or a priced service), every
 * service's utilization, and the `extra` paths.
 */
export function pointMetrics(r: Report, extra: readonly string[] = []): Metrics {
  const m: Metrics = {
    'latencyMs.mean': r.latencyMs.mean,
    'latencyMs.p50': r.latencyMs.p50,
    'latencyMs.p99': r.latencyMs.p99,
    'requests.errorRatio': errorRatio(r),
  };
  if (r.slo !== null) m['slo.met'] = r.slo.met ? 1 : 0;
  if (r.network !== null) m['network.costUsd'] = r.network.costUsd;
  // the run's cost in all: compute (replica-hours at each service's price) and network transfer
  if (r.costUsd !== undefined) m['costUsd.total'] = r.costUsd.total;
  for (const [name, s] of Object.entries(r.services)) m[`services.${name}.utilization`] = s.utilization;
  for (const path of extra) if (!(path in m)) m[path] = metricAt(r, path);
  return m;
}

export type Unit = 'ms' | 'share' | 'usd' | 'number';

/** How a metric reads: milliseconds, a share (utilization, error ratio), US dollars or a plain number. */
export function unitOf(path: string): Unit {
  const last = path.split('.').pop() ?? '';
  if (/Ms$/.test(path.split('.').slice(-2, -1)[0] ?? '') || /Ms$/.test(last)) return 'ms';
  if (/utilization|Ratio|errorRate|hitRatio|Share$|^met$/.test(last)) return 'share';
  if (/Usd$|costUsd/.test(path)) return 'usd';
  return 'number';
}
