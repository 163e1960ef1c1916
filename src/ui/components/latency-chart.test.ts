import { describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../../observe/live-metrics.js';
import { theme } from '../theme.js';
import { chartLines, chartPanelLines } from './latency-chart.js';

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
/** A series from p99 values (p50 half of it); null: a bucket without a successful request. */
const series = (p99s: (number | null)[], bucketMs = 100): SeriesPoint[] =>
  p99s.map((p99, i) => ({ tMs: (i + 1) * bucketMs, p99Ms: p99, p50Ms: p99 === null ? null : p99 / 2, count: p99 === null ? 0 : 10 }));
/** The plotted columns of a chart line (after the label and the axis tick). */
const plotted = (line: string) => strip(line).slice(9);

describe('latency chart', () => {
  it('draws a gap (buckets without successful requests: an outage, a service slower than a bucket) as empty columns, not a crash', () => {
    const lines = chartLines(series([100, 120, null, null, null, 110, 90]), 80, 6, false);
    expect(lines).toHaveLength(6);
    const columns = lines.map(plotted);
    for (const c of [2, 3, 4])
      expect(
        columns
          .map((l) => l[c] ?? ' ')
          .join('')
          .trim(),
        `column ${c}`,
      ).toBe('');
    for (const c of [0, 1, 5, 6])
      expect(
        columns
          .map((l) => l[c] ?? ' ')
          .join('')
          .trim(),
        `column ${c}`,
      ).not.toBe('');
  });

  it('draws a series that starts with a gap, or has single points between gaps', () => {
    expect(() => chartLines(series([null, null, 50, null, 70, null]), 80, 5, true, 300)).not.toThrow();
    const lines = chartLines(series([null, null, 50, null, 70, null]), 80, 5, false);
    expect(lines.map(plotted).join('\n')).toMatch(/[─╶]/);
  });

  it('says so when the visible window has no successful request (a long outage), and waits before the first request', () => {
    const t = theme(false);
    const outage = chartPanelLines(series([100, ...Array(200).fill(null)]), t, 80, 8, 100, null).map(strip);
    expect(outage.join('\n')).toMatch(/no successful requests in the last 7\.0s/);
    expect(chartPanelLines([], t, 80, 8, 100, null).map(strip).join('\n')).toMatch(/waiting for the first requests/);
  });

  it('labels the SLO line with the SLO, not with the value of the row it is drawn on', () => {
    // p99 up to 930ms over 5 rows: rows of 0, 232, 465, 698, 930ms; 300ms is drawn on the 232ms row
    const lines = chartLines(series([930, 500, 200]), 80, 5, false, 300).map(strip);
    const sloRow = lines.find((l) => l.includes('╌'));
    expect(sloRow).toBeDefined();
    expect(sloRow).toMatch(/^ {2}300ms ┤/);
    expect(lines.join('\n')).not.toMatch(/233ms|232ms/);
    const panel = chartPanelLines(series([930, 500, 200]), theme(false), 80, 6, 100, { metric: 'p99', targetMs: 300 }).map(strip);
    expect(panel[0]).toMatch(/╌ SLO p99 300ms/);
  });

  it('fits every line to the width, with colours on', () => {
    const t = theme(true);
    for (const width of [40, 80, 133]) {
      const lines = chartPanelLines(
        series(Array.from({ length: 240 }, (_, i) => (i % 7 === 3 ? null : 50 + (i % 13) * 20))),
        t,
        width,
        10,
        100,
        { metric: 'p99', targetMs: 200 },
      );
      expect(lines).toHaveLength(10);
      for (const l of lines) expect(strip(l).length, l).toBeLessThanOrEqual(width);
    }
  });
});
