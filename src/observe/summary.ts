// The plain-text summary of a report: the table printed at the end of a run (and when stdout is not a TTY).
import { formatCount, formatMs, formatPercent } from './format.js';
import type { Report } from './report.js';

type Row = string[];

/** Lay out rows as columns: the first column left-aligned, the rest right-aligned. */
export function table(header: Row, rows: Row[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: Row) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const ms = (x: number | null) => (x === null ? '-' : formatMs(x));

export function formatSummary(r: Report): string {
  const out: string[] = [];
  const q = r.requests;
  out.push(`${r.scenario}: ${r.simulatedSeconds}s simulated (${r.warmupSeconds}s warm-up), seed ${r.seed}`);
  out.push('');
  out.push(
    table(
      ['end to end', 'started', 'ok', 'failed', 'rejected', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'],
      [
        ['all workloads', String(q.started), String(q.completed), String(q.failed), String(q.rejected), ms(r.latencyMs.mean), ms(r.latencyMs.p50), ms(r.latencyMs.p90), ms(r.latencyMs.p99), ms(r.latencyMs.p999), ms(r.latencyMs.max)],
        ...Object.entries(r.workloads).map(([name, w]) => [
          `  ${name}`,
          String(w.requests.started),
          String(w.requests.completed),
          String(w.requests.failed),
          String(w.requests.rejected),
          ms(w.latencyMs.mean),
          ms(w.latencyMs.p50),
          ms(w.latencyMs.p90),
          ms(w.latencyMs.p99),
          ms(w.latencyMs.p999),
          ms(w.latencyMs.max),
        ]),
      ],
    ),
  );
  out.push('');
  out.push(
    table(
      ['service', 'replicas', 'util', 'req/s', 'errors', 'queue', 'max q', 'p50', 'p99'],
      Object.entries(r.services).map(([name, s]) => {
        const finished = s.requests.completed + s.requests.failed + s.requests.rejected;
        return [
          name,
          `${s.replicas}x${s.cores}`,
          s.utilization === null ? '-' : formatPercent(s.utilization),
          formatCount(s.throughputPerSec),
          finished ? formatPercent((s.requests.failed + s.requests.rejected) / finished) : '-',
          s.queueLength.mean === null ? '-' : formatCount(s.queueLength.mean),
          String(s.queueLength.max ?? '-'),
          ms(s.latencyMs.p50),
          ms(s.latencyMs.p99),
        ];
      }),
    ),
  );
  out.push('');
  out.push(`engine: ${formatCount(r.engine.events)} events in ${r.engine.wallSeconds.toFixed(2)}s wall (${formatCount(r.engine.eventsPerSec)} events/s)`);
  return `${out.join('\n')}\n`;
}
