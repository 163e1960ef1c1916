import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS, latencyBucket } from '../../observe/live-history.js';
import { theme, visibleLength } from '../theme.js';
import { bands, heatmapLines, heatmapPanelLines, shadeLevel } from './latency-heatmap.js';

/** Columns of counts: each column a map from latency (ms) to how many requests took it. */
function columns(cols: Record<number, number>[]) {
  const counts = new Uint32Array(cols.length * LATENCY_BUCKETS);
  cols.forEach((c, i) => {
    for (const [ms, n] of Object.entries(c)) counts[i * LATENCY_BUCKETS + latencyBucket(Number(ms))] += n;
  });
  return { columns: cols.length, counts };
}

describe('latency heatmap', () => {
  it('shades a count against its column: any count at least ░, the largest █', () => {
    expect(shadeLevel(0, 10)).toBe(-1);
    expect(shadeLevel(1, 1000)).toBe(0);
    expect(shadeLevel(1000, 1000)).toBe(3);
    expect(shadeLevel(500, 1000)).toBe(1);
  });

  it('merges latency buckets into bands that fit the height', () => {
    expect(bands(3, 12, 5)).toEqual({ first: 3, per: 2, rows: 5 });
    expect(bands(3, 12, 20)).toEqual({ first: 3, per: 1, rows: 10 });
    expect(bands(3, 3, 4)).toEqual({ first: 3, per: 1, rows: 1 });
  });

  it('shows a bimodal latency as two bands with a gap, and a rare timeout tail as ░ at the top', () => {
    const data = columns(Array.from({ length: 30 }, () => ({ 2: 500, 200: 400, 1000: 3 })));
    const lines = heatmapLines(data, theme(false), 80, 20);
    const body = lines.map((l) => l.slice(l.indexOf('┤') + 1 || l.indexOf('┼') + 1));
    const filled = body.map((b) => b.trim() !== '');
    expect(filled[0]).toBe(true); // the slowest band: the tail
    expect(body[0]).toMatch(/^░+$/);
    expect(filled[filled.length - 1]).toBe(true); // the fastest
    // two modes: filled, empty, filled, empty, filled from the top
    const runs = filled
      .join('')
      .replace(/(true)+/g, 'T')
      .replace(/(false)+/g, 'F');
    expect(runs).toBe('TFTFT');
    expect(lines.some((l) => /┤█{30}$/.test(l))).toBe(true);
    expect(lines[0]).toMatch(/^ *927ms ┤/); // labelled with its band's lower bound (1 s is in the band from 927 ms)
  });

  it('fits any panel, and says when there is nothing yet', () => {
    const data = columns(Array.from({ length: 200 }, (_, i) => ({ [1 + (i % 50)]: 10 })));
    for (const [w, h] of [
      [40, 3],
      [80, 8],
      [160, 20],
    ]) {
      const out = heatmapPanelLines(data, 'end to end', theme(true), w, h, 250);
      expect(out.length).toBeLessThanOrEqual(h);
      for (const l of out) expect(visibleLength(l)).toBeLessThanOrEqual(w);
    }
    expect(heatmapPanelLines(columns([]), 'payment', theme(false), 80, 6, 250)[1]).toMatch(/waiting for the first requests/);
    expect(heatmapPanelLines(undefined, 'payment', theme(false), 80, 6, 250)[0]).toMatch(/latency distribution: payment/);
  });
});
