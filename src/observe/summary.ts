// The plain-text summary of a report: the table printed at the end of a run (and when stdout is not a TTY).
import type { AnyFeature } from './feature.js';
import { FEATURES, type Features } from './features/index.js';
import { formatCount, formatExact as exact, formatMs, formatMsOrDash as ms, formatPercent, formatWhole as whole, table } from './format.js';
import type { Report } from './report.js';

export { table } from './format.js';

/** Features whose lines come first, in this order (the summary's layout before features were modules); the others follow in FEATURES order. */
const FIRST: readonly string[] = ['network', 'calls', 'faults', 'caches'] satisfies Features['name'][];
/** Features whose lines come last, after the rpc tax line: the verdict. */
const LAST: readonly string[] = ['slo'] satisfies Features['name'][];

/** A feature's lines of the summary, from its section of the report. */
function featureLines(f: AnyFeature, r: Report): string[] {
  return f.report.summary?.(r) ?? [];
}

export function formatSummary(r: Report): string {
  const out: string[] = [];
  const q = r.requests;
  const secs = (x: number) => (x > 0 && x < 0.1 ? formatMs(x * 1000) : `${Number(x.toFixed(1))}s`);
  out.push(
    `${r.scenario}: ${secs(r.simulatedSeconds)} simulated (${secs(r.warmupSeconds)} warm-up), seed ${r.seed}${r.interventions.length ? `, ${r.interventions.length} intervention${r.interventions.length === 1 ? '' : 's'}` : ''}`,
  );
  if (r.truncation)
    out.push(`STOPPED EARLY at ${ms(r.truncation.atMs)} simulated: ${r.truncation.reason}. The figures cover the time reached.`);
  if (!r.measured) {
    out.push(
      r.warmupSeconds > 0
        ? `The run ended at ${secs(r.simulatedSeconds)}, before its ${secs(r.warmupSeconds)} warm-up did: nothing was measured.`
        : 'The run ended before any simulated time passed: nothing was measured.',
    );
    out.push('');
    out.push(`engine: ${formatCount(r.engine.events)} events in ${r.engine.wallSeconds.toFixed(2)}s wall`);
    return `${out.join('\n')}\n`;
  }
  out.push('');
  // fits 80 columns: the max is in the JSON report
  out.push('End to end (after the warm-up; latency of successful requests only):');
  const latencyRow = (name: string, c: Report['requests'], l: Report['latencyMs']) => [
    name,
    exact(c.started),
    exact(c.completed),
    exact(c.failed),
    exact(c.rejected),
    ms(l.mean),
    ms(l.p50),
    ms(l.p90),
    ms(l.p99),
    ms(l.p999),
  ];
  out.push(
    table(
      ['', 'started', 'ok', 'failed', 'rejected', 'mean', 'p50', 'p90', 'p99', 'p99.9'],
      [
        latencyRow('all workloads', q, r.latencyMs),
        ...Object.entries(r.workloads).map(([name, w]) => latencyRow(`  ${name}`, w.requests, w.latencyMs)),
      ],
      ' ',
    ),
  );
  if (q.inFlight > 0) out.push(`in flight at the end: ${exact(q.inFlight)} (sent, not answered when the run ended)`);
  const notOk = q.failed + q.rejected;
  if (notOk > 0) {
    const f = r.failedLatencyMs;
    out.push(`failed or rejected: ${exact(notOk)}, ending after p50 ${ms(f.p50)}, p99 ${ms(f.p99)}, max ${ms(f.max)}`);
  }
  out.push('');
  out.push('Services (util: busy cores / cores up; fail, rej: shares of the requests that');
  out.push('ended; queue: waiting for a slot or a core; latency of successful requests):');
  out.push(
    table(
      ['service', 'replicas', 'util', 'ok/s', 'fail', 'rej', 'queue', 'max q', 'p50', 'p99'],
      Object.entries(r.services).map(([name, s]) => {
        const ended = s.requests.completed + s.requests.failed + s.requests.rejected;
        const share = (n: number) => (ended ? formatPercent(n / ended) : '-');
        return [
          name,
          `${s.replicasUp === s.replicas ? s.replicas : `${s.replicasUp}/${s.replicas}`} x${s.cores}`,
          s.utilization === null ? '-' : formatPercent(s.utilization),
          formatCount(s.throughputPerSec),
          share(s.requests.failed),
          share(s.requests.rejected),
          s.queueLength.mean === null ? '-' : formatCount(s.queueLength.mean),
          s.queueLength.max === null ? '-' : whole(s.queueLength.max),
          ms(s.latencyMs.p50),
          ms(s.latencyMs.p99),
        ];
      }),
    ),
  );
  if (Object.values(r.services).some((s) => s.replicasUp !== s.replicas)) out.push('replicas: up at the end / all it had');
  out.push('');
  const locations = Object.entries(r.workloads).filter(([, w]) => w.byLocation && Object.keys(w.byLocation).length > 1);
  if (locations.length > 0) {
    out.push(
      table(
        ['by serving location', 'ok', 'mean', 'p50', 'p99'],
        locations.flatMap(([name, w]) =>
          Object.entries(w.byLocation!).map(([loc, b]) => [
            `${name} @ ${loc}`,
            String(b.completed),
            ms(b.latencyMs.mean),
            ms(b.latencyMs.p50),
            ms(b.latencyMs.p99),
          ]),
        ),
      ),
    );
    out.push('');
  }
  const features = FEATURES as readonly AnyFeature[];
  const named = (names: readonly string[]) => names.flatMap((n) => features.filter((f) => f.name === n));
  for (const f of [...named(FIRST), ...features.filter((f) => !FIRST.includes(f.name) && !LAST.includes(f.name))])
    out.push(...featureLines(f, r));
  const taxed = Object.entries(r.services).filter(([, s]) => s.rpcCpuShare !== null && s.rpcCpuShare > 0);
  if (taxed.length > 0) {
    out.push(`rpc tax (share of CPU on messages): ${taxed.map(([name, s]) => `${name} ${formatPercent(s.rpcCpuShare!)}`).join(', ')}`);
    out.push('');
  }
  for (const f of named(LAST)) out.push(...featureLines(f, r));
  out.push(
    `engine: ${formatCount(r.engine.events)} events in ${r.engine.wallSeconds.toFixed(2)}s wall (${formatCount(r.engine.eventsPerSec)} events/s)`,
  );
  return `${out.join('\n')}\n`;
}
