import { describe, expect, it } from 'vitest';
import { sweepChart } from './sweep-output.js';
import type { SweepResult } from './sweep.js';

const point = (i: number, a: number, b: number, p99: number) => ({
  point: i,
  set: { a, b },
  summary: { 'latencyMs.p99': { mean: p99, low: p99 - 1, high: p99 + 1 } },
  runs: [],
});

describe('sweepChart', () => {
  it('draws one group of bars per value of the other fields, the first field along each (it varies slowest)', () => {
    const result: SweepResult = {
      scenario: 's',
      scenarioSha256: '',
      vary: ['a', 'b'],
      seeds: [1],
      metric: 'latencyMs.p99',
      overrides: [],
      points: [point(0, 1, 1, 40), point(1, 1, 2, 30), point(2, 2, 1, 20), point(3, 2, 2, 10)],
    };
    const lines = sweepChart(result).trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/│.*? (\d)/, '│ $1'))).toEqual([
      'latencyMs.p99 by a (bars: the mean; [95% interval])',
      '  b=1',
      '  1 │ 40.0ms [39.0ms, 41.0ms]',
      '  2 │ 20.0ms [19.0ms, 21.0ms]',
      '  b=2',
      '  1 │ 30.0ms [29.0ms, 31.0ms]',
      '  2 │ 10.0ms [9.00ms, 11.0ms]',
    ]);
  });
});
