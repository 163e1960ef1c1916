import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HISTORY_CAPACITY, LATENCY_BUCKETS, LiveHistory, latencyBucket, latencyBucketFloorMs } from './live-history.js';

const figures = (x: number) => ({ throughputPerSec: x, utilization: x / 1000, queue: x % 7, errorRate: 0 });

describe('LiveHistory', () => {
  it('puts a latency in the half-octave bucket whose bounds hold it (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.021, max: 80_000, noNaN: true }), (ms) => {
        const b = latencyBucket(ms);
        expect(latencyBucketFloorMs(b)).toBeLessThanOrEqual(ms * (1 + 1e-12));
        if (b < LATENCY_BUCKETS - 1) expect(ms).toBeLessThan(latencyBucketFloorMs(b + 1) * (1 + 1e-12));
      }),
    );
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(1e9)).toBe(LATENCY_BUCKETS - 1);
  });

  it('keeps the last buckets in fixed rings: memory does not grow however many buckets close', () => {
    const h = new LiveHistory(2);
    for (let i = 0; i < 3 * HISTORY_CAPACITY + 5; i++) {
      h.recordSpan(1, 10);
      if (i % 2 === 0) h.recordRequest(100);
      h.close((s) => figures(s === 0 ? i : -i));
    }
    const last = 3 * HISTORY_CAPACITY + 4;
    const a = h.serviceHistory(0, 4);
    expect(a.throughput).toEqual([last - 3, last - 2, last - 1, last]);
    expect(a.queue).toEqual([(last - 3) % 7, (last - 2) % 7, (last - 1) % 7, last % 7]);
    expect(h.serviceHistory(0, 10_000).throughput).toHaveLength(HISTORY_CAPACITY);
    expect(h.serviceHistory(1, 1).throughput).toEqual([-last]);
    const spans = h.latencyColumns(1, 3);
    expect(spans.columns).toBe(3);
    for (let c = 0; c < 3; c++) expect(spans.counts[c * LATENCY_BUCKETS + latencyBucket(10)]).toBe(1); // one span a bucket, each counted once
    const e2e = h.latencyColumns(null, 2);
    expect([...e2e.counts].reduce((x, y) => x + y, 0)).toBe(1); // every other bucket had a request
    expect(h.latencyColumns(0, 5).counts.every((n) => n === 0)).toBe(true);
    expect(h.version).toBe(3 * HISTORY_CAPACITY + 5);
  });

  it("a bucket's p99 is the nearest rank of its counts, within 19% of the exact value; NaN without successes", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.05, max: 50_000, noNaN: true }), { minLength: 1, maxLength: 300 }), (latencies) => {
        const h = new LiveHistory(1);
        for (const ms of latencies) h.recordSpan(0, ms);
        h.close(() => figures(1));
        const sorted = [...latencies].sort((x, y) => x - y);
        const exact = sorted[Math.ceil(0.99 * sorted.length) - 1];
        const p99 = h.serviceHistory(0, 1).p99[0];
        // half-octave buckets: the middle is within 2^(1/4) of anything in the bucket
        expect(p99 / exact).toBeGreaterThanOrEqual(2 ** -0.25 - 1e-9);
        expect(p99 / exact).toBeLessThanOrEqual(2 ** 0.25 + 1e-9);
      }),
    );
    const h = new LiveHistory(1);
    h.close(() => figures(1));
    expect(h.serviceHistory(0, 1).p99[0]).toBeNaN();
  });
});
