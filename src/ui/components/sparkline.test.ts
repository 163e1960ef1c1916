import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combineCells, rowSparkline, sparkSpanMs, sparkline } from './sparkline.js';

describe('sparkline', () => {
  it('draws 0 as ▁ and the top of the scale as █, no data as a space, right-aligned', () => {
    expect(sparkline([0, 1, 2, 4, 8], 5)).toBe('▁▂▃▅█');
    expect(sparkline([NaN, 0, 8], 5)).toBe('   ▁█');
    expect(sparkline([0.5, 1], 2, 1)).toBe('▅█'); // a fixed scale (utilization, errors): 1 is full
    expect(sparkline([0, 0], 2)).toBe('▁▁');
  });

  it('is exactly `width` cells for any values, the newest at the right edge (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.constant(NaN))), fc.integer({ min: 0, max: 80 }), (values, width) => {
        const line = sparkline(values, width);
        expect([...line]).toHaveLength(width);
        expect(line).toMatch(/^[ ▁▂▃▄▅▆▇█]*$/);
      }),
    );
  });

  it('combines buckets into cells from the newest back: peaks (max) or means; NaN only when all are', () => {
    expect(combineCells([1, 5, 2, 3, 9, 4], 3, 2, 'max')).toEqual([5, 3, 9]);
    expect(combineCells([1, 5, 2, 3, 9, 4], 2, 2, 'mean')).toEqual([2.5, 6.5]);
    expect(combineCells([1, NaN, NaN, 3], 3, 2, 'max')).toEqual([1, 3]);
    expect(combineCells([NaN, NaN], 1, 2, 'mean')[0]).toBeNaN();
    expect(combineCells([7, 1, 2, 3], 9, 3, 'max')).toEqual([7, 3]); // a partial cell at the oldest end
  });

  it("a row's sparkline covers about 60 buckets whatever its width, and says how long that is", () => {
    const p99 = Array.from({ length: 100 }, (_, i) => (i === 95 ? 500 : 100));
    const history = { p99, throughput: p99, utilization: p99.map(() => 0.5), queue: p99, errors: p99.map(() => 0) };
    expect(rowSparkline(history, 'p99', 12)).toBe('▂▂▂▂▂▂▂▂▂▂▂█'); // 5 buckets a cell: the spike keeps its cell's peak
    expect(rowSparkline(history, 'utilization', 4)).toBe('▅▅▅▅');
    expect(rowSparkline(history, 'errors', 4)).toBe('▁▁▁▁');
    expect(rowSparkline(undefined, 'p99', 4)).toBe('    ');
    expect(sparkSpanMs(12, 250)).toBe(15_000);
    expect(sparkSpanMs(37, 250)).toBe(18_500); // 2 buckets a cell
  });
});
