// The plain-text summary of a report: the table printed at the end of a run (and when stdout is not a TTY).
import { formatCount, formatMs, formatPercent } from './format.js';
import type { Report } from './report.js';

type Row = string[];

/** Lay out rows as columns: the first column left-aligned, the rest right-aligned. */
export function table(header: Row, rows: Row[], gap = '  '): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: Row) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join(gap)
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const ms = (x: number | null) => (x === null ? '-' : formatMs(x));
/** A level's maximum beside its mean: 12.3k from ten thousand on, like the mean. */
const whole = (n: number) => (n >= 10_000 ? formatCount(n) : String(n));
/** A count of requests: exact below a million. */
const exact = (n: number) => (n >= 1_000_000 ? formatCount(n) : String(n));

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
  if (r.network) {
    const n = r.network;
    const gb = (n.bytes.sameDatacenter + n.bytes.crossDatacenter + n.bytes.crossRegion) / 2 ** 30;
    out.push(
      `network: ${n.hops.sameDatacenter} same-datacenter, ${n.hops.crossDatacenter} cross-datacenter, ${n.hops.crossRegion} cross-region messages; ${gb.toFixed(3)} GB, $${n.costUsd.toFixed(4)} transfer`,
    );
    out.push('');
  }
  const busyEdges = Object.entries(r.edges).filter(
    ([, e]) => e.retries + e.timeouts + e.breakerRejected + e.bulkheadRejected + e.hedges + e.fallbacks > 0,
  );
  if (busyEdges.length > 0) {
    out.push(
      table(
        ['call edge', 'calls', 'attempts', 'retries', 'timeouts', 'breaker', 'bulkhead', 'hedges', 'fallback', 'amp'],
        busyEdges.map(([name, e]) => [
          name,
          exact(e.calls),
          exact(e.attempts),
          exact(e.retries),
          exact(e.timeouts),
          exact(e.breakerRejected),
          exact(e.bulkheadRejected),
          exact(e.hedges),
          exact(e.fallbacks),
          e.amplification === null ? '-' : e.amplification.toFixed(2),
        ]),
        ' ',
      ),
    );
    out.push('breaker, bulkhead: calls they refused; amp: attempts per call (the load retries and hedges add)');
    out.push('');
  }
  if (r.faults.length > 0) {
    out.push("Faults (workload requests whose calls reached the fault's target while it was");
    out.push('active; failed: failed or rejected):');
    out.push(
      table(
        ['window', 'fault', 'requests', 'failed', 'ok p99'],
        r.faults.map((f) => [
          `${(f.at / 1000).toFixed(1)}s-${f.forMs === null ? 'end' : `${((f.at + f.forMs) / 1000).toFixed(1)}s`}`,
          `${f.kind} ${f.target}`,
          exact(f.requests),
          f.errorRate === null ? '-' : formatPercent(f.errorRate),
          ms(f.latencyMs.p99),
        ]),
      ),
    );
    out.push('');
  }
  const caches = Object.entries(r.caches);
  if (caches.length > 0) {
    out.push(
      table(
        ['cache', 'kind', 'lookups', 'hit ratio', 'evicted', 'expired', 'coalesced', 'stampedes', 'max fetch'],
        caches.map(([name, c]) => [
          name,
          `${c.kind} x${c.copies}`,
          whole(c.lookups),
          c.hitRatio === null ? '-' : formatPercent(c.hitRatio),
          whole(c.evictions),
          whole(c.expirations),
          whole(c.coalesced),
          String(c.stampedes),
          String(c.maxConcurrentFetches),
        ]),
      ),
    );
    for (const [name, e] of Object.entries(r.cachedEndpoints)) {
      if (e.requests === 0) continue;
      out.push(
        `origin load ${name}: ${formatPercent(e.originRequests / e.requests)} of requests (${e.originRequests}/${e.requests}), ${formatPercent(e.originLoadReduction ?? NaN)} off by caching`,
      );
    }
    out.push('');
  }
  const taxed = Object.entries(r.services).filter(([, s]) => s.rpcCpuShare !== null && s.rpcCpuShare > 0);
  if (taxed.length > 0) {
    out.push(`rpc tax (share of CPU on messages): ${taxed.map(([name, s]) => `${name} ${formatPercent(s.rpcCpuShare!)}`).join(', ')}`);
    out.push('');
  }
  if (r.slo) {
    const parts = r.slo.objectives.map((o) => {
      const fmt = (x: number | null) => (x === null ? '-' : o.metric === 'errorRate' ? formatPercent(x, 2) : ms(x));
      return `${o.workload === undefined ? '' : `${o.workload} `}${o.metric} ${fmt(o.actual)} <= ${fmt(o.target)} ${o.met ? 'met' : 'MISSED'}`;
    });
    out.push(`SLO ${r.slo.met ? 'met' : 'MISSED'}: ${parts.join(', ')}`);
    out.push('');
  }
  out.push(
    `engine: ${formatCount(r.engine.events)} events in ${r.engine.wallSeconds.toFixed(2)}s wall (${formatCount(r.engine.eventsPerSec)} events/s)`,
  );
  return `${out.join('\n')}\n`;
}
