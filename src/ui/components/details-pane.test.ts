import { describe, expect, it } from 'vitest';
import { fitId } from './details-pane.js';
import { fitName } from './service-table.js';

describe('names that do not fit', () => {
  it('a service name ends in an ellipsis, keeping its flags; a replica id keeps its #index', () => {
    expect(fitName('gateway', ' slow', 13)).toBe('gateway slow ');
    expect(fitName('product-recommendation-engine', '', 13)).toBe('product-reco…');
    expect(fitName('product-recommendation-engine', ' slow', 13)).toBe('product… slow');
    expect(fitName('product-recommendation-engine', ' slow err+', 13)).toBe('product-reco…'); // no room for the name: the flags give way
    expect(fitName('product-recommendation-engine', ' slow err+', 9)).toBe('product-…');
    expect(fitId('payment#3', 14)).toBe('payment#3     ');
    expect(fitId('fraud-detection-scoring-service#12', 14)).toBe('fraud-dete…#12');
    for (const [name, w] of [
      ['a-very-long-service-name', 9],
      ['x', 9],
      ['abcdefghij', 10],
      ['abcdefghijk', 10],
    ] as const)
      expect(fitName(name, '', w)).toHaveLength(w);
  });
});

describe('names that share a long prefix', () => {
  it('are cut in the middle where cutting at the end would make two rows read the same', async () => {
    const { tableLines } = await import('./service-table.js');
    const { theme } = await import('../theme.js');
    const row = (name: string) => ({
      name,
      replicasUp: 1,
      replicasTotal: 1,
      cores: 1,
      inFlight: 2_100_000,
      queue: 2_099_999,
      utilization: 1,
      throughputPerSec: 10,
      errorRate: 0,
      p50Ms: 1,
      p99Ms: 2,
      health: 'bad' as const,
      slowed: false,
      injectedErrors: false,
      replicas: [],
      edges: [],
      breakers: [],
    });
    const lines = tableLines(
      [row('service-with-a-rather-long-name-1'), row('service-with-a-rather-long-name-2'), row('db')],
      0,
      theme(false),
      80,
      10,
    ).map((l) => l.replace(/\x1b\[[0-9;]*m/g, '')); // inverse marks the selection even without colour
    expect(lines[1]).toMatch(/^›!servic…ame-1 /); // no colour: ! marks a service in trouble
    expect(lines[2]).toMatch(/^ !servic…ame-2 /);
    expect(lines[3]).toMatch(/^ !db /);
    expect(lines[1]).toMatch(/ 2\.10M 2\.10M /); // in flight and queue abbreviated: they overflowed their columns
  });
});
