// Compact number formatting for summaries and the dashboard, and the summary's plain-text tables.

/** Format milliseconds compactly for tables: 0.42ms, 12.3ms, 1.52s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 100) return `${ms.toFixed(0)}ms`;
  if (ms >= 10) return `${ms.toFixed(1)}ms`;
  if (ms >= 1) return `${ms.toFixed(2)}ms`;
  if (ms >= 0.001) return `${(ms * 1000).toFixed(ms >= 0.01 ? 0 : 1)}us`;
  return ms === 0 ? '0' : `${(ms * 1e6).toFixed(0)}ns`;
}

/** Format a count or rate with k/M/G suffixes: 950, 12.3k, 1.20M, 3.00G. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '-';
  const a = Math.abs(n);
  if (a >= 1e12) return n.toExponential(2).replace('e+', 'e');
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** Format a fraction as a percentage: 0.873 -> 87.3%. */
export function formatPercent(f: number, digits = 1): string {
  return Number.isFinite(f) ? `${(f * 100).toFixed(digits)}%` : '-';
}

/** Milliseconds, or - for a statistic with no data. */
export const formatMsOrDash = (x: number | null) => (x === null ? '-' : formatMs(x));
/** A level's maximum beside its mean: 12.3k from ten thousand on, like the mean. */
export const formatWhole = (n: number) => (n >= 10_000 ? formatCount(n) : String(n));
/** A count of requests: exact below a million. */
export const formatExact = (n: number) => (n >= 1_000_000 ? formatCount(n) : String(n));

/** Lay out rows as columns: the first column left-aligned, the rest right-aligned. */
export function table(header: string[], rows: string[][], gap = '  '): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join(gap)
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
