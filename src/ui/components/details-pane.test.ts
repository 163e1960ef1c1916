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
