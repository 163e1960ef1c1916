import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plot, plotMax, rowOf } from './plot.js';

const format = (v: number) => v.toFixed(0);
const value = fc.oneof(
  fc.constant(null),
  fc.constant(Number.NaN),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.double({ min: -10, max: 1e6, noNaN: true }),
);

/** A simple reference: which rows of column `c` a series touches (bottom row 0). */
function touched(values: readonly (number | null)[], c: number, max: number, height: number): Set<number> {
  const ok = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
  const v = values[c];
  if (!ok(v)) return new Set();
  const y1 = rowOf(v, max, height);
  const p = values[c - 1];
  if (!ok(p)) return new Set([y1]);
  const y0 = rowOf(p, max, height);
  const rows = new Set<number>();
  for (let y = Math.min(y0, y1); y <= Math.max(y0, y1); y++) rows.add(y);
  return rows;
}

describe('plot (line chart with gaps)', () => {
  it('never throws; gives `height` lines of label + tick + one cell a value; a gap column is empty; a value column is drawn exactly on its rows', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), fc.integer({ min: 1, max: 12 }), (values, height) => {
        const lines = plot([{ values }], { height, labelWidth: 6, format });
        expect(lines).toHaveLength(height);
        const max = plotMax([{ values }]);
        for (const l of lines) expect(l.length).toBe(6 + 2 + values.length);
        for (let c = 0; c < values.length; c++) {
          const rows = touched(values, c, max, height);
          for (let r = 0; r < height; r++) {
            const ch = lines[height - 1 - r][8 + c];
            expect(ch !== ' ', `column ${c} row ${r}`).toBe(rows.has(r));
          }
        }
      }),
    );
  });

  it('labels the rows from 0 to the largest value, and a mark row with the mark label', () => {
    const lines = plot([{ values: [0, 50, 100] }], { height: 3, labelWidth: 5, format, marks: [{ value: 40, label: 'slo40' }] });
    expect(lines).toEqual(['  100 ┤  ╭', 'slo40 ┤╌╭╯', '    0 ┼─╯ ']);
  });

  it('scales to a mark above every value, so the mark stays on screen', () => {
    expect(plotMax([{ values: [1, 2, null] }], [{ value: 10, label: 'x' }])).toBe(10);
    expect(plotMax([{ values: [null, Number.NaN] }])).toBe(1);
    const lines = plot([{ values: [1, 2] }], { height: 4, labelWidth: 3, format, marks: [{ value: 10, label: '10' }] });
    expect(lines[0]).toMatch(/^ 10 ┤╌╌$/);
  });

  it('a later series draws over an earlier one; paints runs of cells once', () => {
    const calls: string[] = [];
    const paint = (tag: string) => (s: string) => {
      calls.push(s);
      return `<${tag}>${s}</${tag}>`;
    };
    const lines = plot(
      [
        { values: [5, 5, 5], paint: paint('a') },
        { values: [null, 5, 5], paint: paint('b') },
      ],
      { height: 2, labelWidth: 1, format },
    );
    expect(lines[0]).toBe('5 ┤<a>─</a><b>╶─</b>');
    expect(calls).toEqual(['─', '╶─']);
  });
});
