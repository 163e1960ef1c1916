// Cache hit ratios against theory: Che's approximation for LRU, its FIFO/random analogue, and TTL caches.
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../engine/rng.js';
import { ZipfSampler, zipfProbabilities } from '../engine/zipf.js';
import type { Eviction } from '../scenario/spec.js';
import { cheLruHitRatio, fifoHitRatio, ttlHitRatio } from '../test-support/cache-theory.js';
import { estimate, replicate } from '../test-support/stats.js';
import { CacheStore } from './cache-store.js';

const LONG = process.env.MSIM_LONG === '1' ? 10 : 1;
/** Che's approximation is within about 0.002 of exact LRU (shared reference numbers); the bound is 1.5 points. */
const TOLERANCE = 0.015;

/**
 * Independent requests (the independent reference model) against one store.
 * Warm-up: 50 x capacity requests (at least 200,000) from empty, discarded.
 * Then 1,000,000 requests (x10 with MSIM_LONG=1) in 20 batches: the batch
 * means give a 99.9% t-interval, which must be narrow (under 0.005) so that
 * the 1.5-point comparison has power.
 */
function simulateHitRatio(n: number, exponent: number, capacity: number, eviction: Eviction, seed: number) {
  const streams = new RandomStreams(seed);
  const zipf = new ZipfSampler(n, exponent, streams.stream('keys'));
  const store = new CacheStore(capacity, eviction, eviction === 'random' ? streams.stream('evict') : null);
  const request = () => {
    const key = zipf.sample() - 1;
    if (store.get(key, 0) >= 0) return 1;
    store.set(key, 0, Infinity);
    return 0;
  };
  const warmup = Math.max(200_000, 50 * capacity);
  for (let i = 0; i < warmup; i++) request();
  const batches = 20;
  const perBatch = (1_000_000 * LONG) / batches;
  const means: number[] = [];
  for (let b = 0; b < batches; b++) {
    let hits = 0;
    for (let i = 0; i < perBatch; i++) hits += request();
    means.push(hits / perBatch);
  }
  return estimate(means);
}

describe("LRU under Zipf popularity agrees with Che's approximation (within 1.5 points)", () => {
  const cases: [number, number, number][] = [
    [100_000, 0.8, 1_000],
    [100_000, 0.8, 10_000],
    [100_000, 1.0, 1_000],
    [100_000, 1.0, 10_000],
    [10_000, 0.6, 500],
    [10_000, 1.2, 100],
  ];
  for (const [n, exponent, capacity] of cases) {
    it(`${n} keys, zipf(${exponent}), capacity ${capacity}`, () => {
      const che = cheLruHitRatio(zipfProbabilities(n, exponent), capacity);
      const sim = simulateHitRatio(n, exponent, capacity, 'lru', 1);
      expect(sim.halfWidth999).toBeLessThan(0.005);
      expect(Math.abs(sim.mean - che)).toBeLessThan(TOLERANCE);
    });
  }

  it('the solver reproduces the published Che values (100,000 objects: 20%/47% at alpha 0.8, 51%/74% at 1.0)', () => {
    const p08 = zipfProbabilities(100_000, 0.8);
    const p10 = zipfProbabilities(100_000, 1.0);
    expect(cheLruHitRatio(p08, 1_000)).toBeCloseTo(0.2, 1);
    expect(cheLruHitRatio(p08, 10_000)).toBeCloseTo(0.47, 1);
    expect(cheLruHitRatio(p10, 1_000)).toBeCloseTo(0.51, 1);
    expect(cheLruHitRatio(p10, 10_000)).toBeCloseTo(0.74, 1);
  });
});

describe('FIFO and random replacement agree with their approximation (Fricker, Robert and Roberts 2012)', () => {
  for (const eviction of ['fifo', 'random'] as const) {
    for (const [n, exponent, capacity] of [
      [100_000, 0.8, 1_000],
      [10_000, 1.0, 500],
    ] as const) {
      it(`${eviction}: ${n} keys, zipf(${exponent}), capacity ${capacity}`, () => {
        const theory = fifoHitRatio(zipfProbabilities(n, exponent), capacity);
        const sim = simulateHitRatio(n, exponent, capacity, eviction, 2);
        expect(sim.halfWidth999).toBeLessThan(0.005);
        expect(Math.abs(sim.mean - theory)).toBeLessThan(TOLERANCE);
      });
    }
  }

  it('LFU beats LRU, and LRU beats FIFO, under independent Zipf requests (the known order)', () => {
    const lfu = simulateHitRatio(10_000, 0.9, 200, 'lfu', 3).mean;
    const lru = simulateHitRatio(10_000, 0.9, 200, 'lru', 3).mean;
    const fifo = simulateHitRatio(10_000, 0.9, 200, 'fifo', 3).mean;
    expect(lfu).toBeGreaterThan(lru + 0.01);
    expect(lru).toBeGreaterThan(fifo + 0.01);
  });
});

describe('TTL caches: a key requested as a Poisson process at rate lambda hits lambda T / (1 + lambda T) of the time', () => {
  /** Poisson requests over keys with Zipf shares, an unbounded cache, TTL set on a miss. Returns per-key hits and requests. */
  function simulateTtl(n: number, exponent: number, ratePerMs: number, ttlMs: number, requests: number) {
    const streams = new RandomStreams(9);
    const zipf = new ZipfSampler(n, exponent, streams.stream('keys'));
    const gaps = streams.stream('gaps');
    const store = new CacheStore(n, 'lru');
    const hits = new Float64Array(n);
    const asks = new Float64Array(n);
    let now = 0;
    for (let i = 0; i < requests; i++) {
      now += -Math.log(1 - gaps.next()) / ratePerMs;
      const key = zipf.sample() - 1;
      asks[key]++;
      if (store.get(key, now) >= 0) hits[key]++;
      else store.set(key, now, now + ttlMs);
    }
    return { hits, asks };
  }

  it('per key (the three most popular, 99.9% binomial bounds) and over all keys (within 1.5 points)', () => {
    const n = 1000;
    const ratePerMs = 1; // 1000 requests/s over the key space
    const ttlMs = 50;
    const requests = 1_000_000 * LONG;
    const p = zipfProbabilities(n, 0.9);
    const { hits, asks } = simulateTtl(n, 0.9, ratePerMs, ttlMs, requests);
    for (let i = 0; i < 3; i++) {
      const h = ttlHitRatio(p[i] * ratePerMs, ttlMs);
      // hits within a key's cycles are positively correlated; 3.29 sd of a binomial widened by 2 covers it
      const sd = Math.sqrt((h * (1 - h)) / asks[i]) * 2;
      expect(Math.abs(hits[i] / asks[i] - h)).toBeLessThan(3.29 * sd);
    }
    const expected = Array.from(p).reduce((s, pi) => s + pi * ttlHitRatio(pi * ratePerMs, ttlMs), 0);
    const actual = hits.reduce((a, b) => a + b, 0) / requests;
    expect(Math.abs(actual - expected)).toBeLessThan(TOLERANCE);
  });
});

describe('end to end: a scenario with an in-process LRU cache', () => {
  it("reports a hit ratio within 1.5 points of Che's approximation", () => {
    // one replica, 2,000 requests/s for 300 s; the first 60 s (120,000 requests, 120x the capacity) are warm-up
    const [report] = replicate(
      `
name: che
duration: 300s
warmup: 60s
workloads:
  - { name: readers, to: api.get, arrivals: poisson(2000/s) }
keys:
  items: { count: 100000, popularity: zipf(0.8) }
caches:
  l1: { kind: local, capacity: 1000, eviction: lru }
services:
  api:
    cores: 4
    endpoints:
      get: { keys: items, cache: l1, cpu: exp(mean=0.5ms) }
`,
      [1],
    );
    const che = cheLruHitRatio(zipfProbabilities(100_000, 0.8), 1_000);
    const c = report.caches.l1;
    expect(c.lookups).toBeGreaterThan(450_000);
    expect(Math.abs(c.hitRatio! - che)).toBeLessThan(TOLERANCE);
    expect(report.cachedEndpoints['api.get'].originLoadReduction).toBeCloseTo(c.hitRatio!, 2);
  });
});
