// A sweep's outputs: the table (mean and 95% interval per point), a terminal chart of one metric, the CSV and the JSON.
import { formatMs, formatPercent } from '../observe/format.js';
import type { Interval } from './statistics.js';
import type { SweepPointResult, SweepResult } from './sweep.js';
import { type Unit, unitOf } from './point-metrics.js';

/** The JSON `--json` writes: stable key order, two-space indent, a final newline. */
export function sweepJson(result: SweepResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** A value of a varied field as the table shows it. */
function showSet(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function showNumber(value: number, unit: Unit): string {
  if (unit === 'ms') return formatMs(value);
  if (unit === 'share') return formatPercent(value, Math.abs(value) < 0.001 && value !== 0 ? 3 : Math.abs(value) < 0.1 ? 2 : 1);
  if (unit === 'usd') return `$${value < 0.01 ? value.toPrecision(2) : value.toFixed(2)}`;
  return Math.abs(value) >= 100 || Number.isInteger(value) ? String(Math.round(value)) : String(Number(value.toPrecision(3)));
}

/** `112ms ±4.1`: the mean and the half-width of its 95% interval (`-` when nothing was measured). */
export function showInterval(i: Interval | undefined, unit: Unit): string {
  if (!i || i.mean === null) return '-';
  const half = (i.high! - i.low!) / 2;
  if (half === 0) return showNumber(i.mean, unit);
  // clamped at a bound (0, or 1 for a share): the interval as it is, not a half-width that would hide its top
  if (Math.abs(i.mean - i.low! - (i.high! - i.mean)) > 1e-9 * Math.max(1, Math.abs(i.mean)))
    return `${showNumber(i.mean, unit)} [${showNumber(i.low!, unit)}, ${showNumber(i.high!, unit)}]`;
  // a share's half-width in percentage points: 12.3% ±0.41
  const h = unit === 'share' ? Number((half * 100).toPrecision(2)).toString() : showNumber(half, unit);
  return `${showNumber(i.mean, unit)} ±${h}`;
}

/** The busiest service at a point: the highest mean utilization. */
function busiest(p: SweepPointResult): { name: string; interval: Interval } | null {
  let best: { name: string; interval: Interval } | null = null;
  for (const [k, v] of Object.entries(p.summary)) {
    const m = /^services\.(.+)\.utilization$/.exec(k);
    if (!m || v.mean === null) continue;
    if (!best || v.mean > best.interval.mean!) best = { name: m[1], interval: v };
  }
  return best;
}

function sloCell(p: SweepPointResult): string {
  const runs = p.runs.filter((r) => r.metrics['slo.met'] !== undefined && r.metrics['slo.met'] !== null);
  if (runs.length === 0) return '';
  const met = runs.filter((r) => r.metrics['slo.met'] === 1).length;
  return `${met === runs.length ? 'ok' : 'MISS'} ${met}/${runs.length}`;
}

function table(rows: string[][], right: boolean[]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (right[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}

/** The per-point table: the varied values, then p50, p99, errors, the busiest service, the SLO and the cost where known. */
export function sweepTable(result: SweepResult): string {
  const hasSlo = result.points.some((p) => sloCell(p) !== '');
  const hasCost = result.points.some((p) => p.summary['costUsd.total']?.mean != null);
  const extra = result.metric !== 'latencyMs.p99' && result.metric !== 'latencyMs.p50' ? result.metric : null;
  const header = [
    ...result.vary,
    'p50',
    'p99',
    'errors',
    'busiest',
    ...(extra ? [extra] : []),
    ...(hasSlo ? ['SLO'] : []),
    ...(hasCost ? ['cost $'] : []),
  ];
  const rows = result.points.map((p) => {
    const b = busiest(p);
    return [
      ...result.vary.map((v) => showSet(p.set[v])),
      showInterval(p.summary['latencyMs.p50'], 'ms'),
      showInterval(p.summary['latencyMs.p99'], 'ms'),
      showInterval(p.summary['requests.errorRatio'], 'share'),
      b ? `${b.name} ${showInterval(b.interval, 'share')}` : '-',
      ...(extra ? [showInterval(p.summary[extra], unitOf(extra))] : []),
      ...(hasSlo ? [sloCell(p)] : []),
      ...(hasCost ? [showInterval(p.summary['costUsd.total'], 'usd')] : []),
    ];
  });
  const right = header.map((_, c) => c >= result.vary.length);
  const truncated = result.points.reduce((n, p) => n + p.runs.filter((r) => r.truncated).length, 0);
  const note = [
    `${result.scenario}: ${result.points.length} point${result.points.length === 1 ? '' : 's'} x ${result.seeds.length} seeds (${result.seeds.join(', ')}; the same at every point)`,
    'mean ±half-width of its 95% confidence interval over the seeds; latency of successful requests after the warm-up',
  ];
  const lines = [...note, '', ...table([header, ...rows], right)];
  if (truncated > 0)
    lines.push(
      '',
      `warning: ${truncated} run(s) stopped early (too many requests in the system): their numbers cover only part of the run`,
    );
  return `${lines.join('\n')}\n`;
}

const BAR_WIDTH = 40;
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

function bar(value: number, max: number): string {
  const eighths = max > 0 ? Math.round((value / max) * BAR_WIDTH * 8) : 0;
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

/**
 * The charted metric against the first varied field: one bar per point (the
 * mean), with its interval; points that share the other varied values are
 * grouped under a heading.
 */
export function sweepChart(result: SweepResult): string {
  const metric = result.metric;
  const unit = unitOf(metric);
  const means = result.points.map((p) => p.summary[metric]?.mean ?? null);
  const max = Math.max(0, ...result.points.map((p) => p.summary[metric]?.high ?? 0));
  const [first, ...others] = result.vary;
  const labelWidth = Math.max(...result.points.map((p) => showSet(p.set[first]).length));
  const lines = [`${metric} by ${first} (bars: the mean; [95% interval])`];
  // one group of bars per combination of the other varied fields (in the order they first appear), the first field along each
  const groups = new Map<string, number[]>();
  result.points.forEach((p, i) => {
    const g = others.map((o) => `${o}=${showSet(p.set[o])}`).join(', ');
    const members = groups.get(g);
    if (members) members.push(i);
    else groups.set(g, [i]);
  });
  for (const [g, members] of groups) {
    if (others.length > 0) lines.push(`  ${g}`);
    for (const i of members) {
      const p = result.points[i];
      const m = means[i];
      const s = p.summary[metric];
      const text = m === null ? 'no data' : `${showNumber(m, unit)} [${showNumber(s.low!, unit)}, ${showNumber(s.high!, unit)}]`;
      lines.push(`  ${showSet(p.set[first]).padStart(labelWidth)} │${m === null ? '' : bar(m, max)} ${text}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per point and seed, then per point the rows `mean`, `low95` and `high95`: the columns are the point, its values, the seed, every metric. */
export function sweepCsv(result: SweepResult): string {
  const seen = new Set<string>();
  for (const p of result.points) for (const k of Object.keys(p.summary)) seen.add(k);
  const keys = [...seen];
  const lines = [['point', ...result.vary, 'seed', ...keys].map(csvCell).join(',')];
  for (const p of result.points) {
    const values = result.vary.map((v) => p.set[v]);
    for (const r of p.runs) lines.push([p.point, ...values, r.seed, ...keys.map((k) => r.metrics[k])].map(csvCell).join(','));
    for (const [label, pick] of [
      ['mean', (i: Interval) => i.mean],
      ['low95', (i: Interval) => i.low],
      ['high95', (i: Interval) => i.high],
    ] as const)
      lines.push([p.point, ...values, label, ...keys.map((k) => (p.summary[k] ? pick(p.summary[k]) : null))].map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}
