// The end of a run in the Prometheus text exposition format (0.0.4, OpenMetrics-compatible names): counters, latency histograms, levels.
import type { World } from '../../model/world.js';
import type { Histogram } from '../histogram.js';
import type { MetricsCollector } from '../metrics.js';
import type { Report } from '../report.js';

/** Prometheus's default latency buckets (seconds). */
export const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = Record<string, string>;

/** A label value escaped as the format asks: backslash, double quote and line feed. */
const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (l: Labels): string => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
};
/** A sample value: finite numbers as JavaScript prints them (the format takes Go's float syntax), NaN and infinities by name. */
const num = (v: number | null | undefined): string =>
  v === null || v === undefined || Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);

class Family {
  readonly lines: string[] = [];
  constructor(
    readonly name: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    readonly help: string,
  ) {}
  sample(labels: Labels, value: number | null | undefined, suffix = ''): void {
    this.lines.push(`${this.name}${suffix}${labelText(labels)} ${num(value)}`);
  }
  histogram(labels: Labels, h: Histogram): void {
    for (const le of LATENCY_BUCKETS_S) this.sample({ ...labels, le: String(le) }, h.countAtOrBelow(le * 1000), '_bucket');
    this.sample({ ...labels, le: '+Inf' }, h.count, '_bucket');
    this.sample(labels, h.sum / 1000, '_sum');
    this.sample(labels, h.count, '_count');
  }
  text(): string {
    if (this.lines.length === 0) return '';
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} ${this.type}\n${this.lines.join('\n')}\n`;
  }
}

/**
 * The run's end state as Prometheus metrics, labelled by scenario, workload,
 * service, replica and location: requests by outcome, latency histograms (end
 * to end per workload, and per service), throughput, utilization and queue
 * length (means over the measured window), replicas up, call edges' attempts,
 * retries, timeouts and breaker refusals.
 */
export function prometheusText(report: Report, world: World, metrics: MetricsCollector): string {
  const scenario = { scenario: report.scenario };
  const fams: Family[] = [];
  const fam = (name: string, type: Family['type'], help: string) => {
    const f = new Family(name, type, help);
    fams.push(f);
    return f;
  };
  const requests = fam('msim_requests_total', 'counter', 'Workload requests measured after the warm-up, by outcome.');
  const duration = fam('msim_request_duration_seconds', 'histogram', 'End-to-end latency of successful workload requests.');
  const throughput = fam('msim_request_throughput_per_second', 'gauge', 'Completed workload requests per simulated second.');
  for (const [i, w] of world.workloads.entries()) {
    const r = report.workloads[w.name];
    const l = { ...scenario, workload: w.name };
    for (const outcome of ['completed', 'failed', 'rejected'] as const) requests.sample({ ...l, outcome }, r.requests[outcome]);
    duration.histogram(l, metrics.workloads[i].latency);
    throughput.sample(l, r.throughputPerSec);
  }
  const svcRequests = fam('msim_service_requests_total', 'counter', 'Requests a service received after the warm-up, by outcome.');
  const svcDuration = fam(
    'msim_service_request_duration_seconds',
    'histogram',
    'Time successful requests spent at a service (arrival to answer).',
  );
  const utilization = fam('msim_replica_utilization_ratio', 'gauge', 'Mean share of busy cores over the measured window.');
  const queue = fam('msim_replica_queue_length', 'gauge', 'Mean requests waiting at a replica (for a slot or a core).');
  const up = fam('msim_replica_up', 'gauge', 'Whether the replica is up at the end of the run.');
  const replicasUp = fam('msim_service_replicas_up', 'gauge', 'Replicas up at the end of the run.');
  for (const [i, s] of world.services.entries()) {
    const r = report.services[s.name];
    const l = { ...scenario, service: s.name };
    for (const outcome of ['completed', 'failed', 'rejected'] as const) svcRequests.sample({ ...l, outcome }, r.requests[outcome]);
    svcDuration.histogram(l, metrics.services[i].latency);
    replicasUp.sample(l, r.replicasUp);
    for (const [j, p] of r.perReplica.entries()) {
      const rl = { ...l, replica: p.replica, location: s.replicas[j]?.location.id ?? '' };
      utilization.sample(rl, p.utilization);
      queue.sample(rl, p.queueLength.mean);
      up.sample(rl, p.up ? 1 : 0);
    }
  }
  const edgeFams = {
    attempts: fam('msim_edge_attempts_total', 'counter', 'Attempts sent on a call edge (first tries, retries and hedges).'),
    retries: fam('msim_edge_retries_total', 'counter', 'Retries sent on a call edge.'),
    timeouts: fam('msim_edge_timeouts_total', 'counter', 'Attempts on a call edge that timed out.'),
    breakerRejected: fam('msim_edge_breaker_rejected_total', 'counter', 'Calls on an edge refused by an open circuit breaker.'),
  };
  for (const [name, e] of Object.entries(report.edges ?? {})) {
    const [from, to] = name.split('->');
    const l = { ...scenario, from, to };
    for (const [k, f] of Object.entries(edgeFams)) f.sample(l, (e as Record<string, number>)[k]);
  }
  return fams.map((f) => f.text()).join('');
}
