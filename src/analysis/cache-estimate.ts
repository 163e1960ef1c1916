// Hit ratios of caches estimated by theory (Che's approximation for LRU, with TTLs), over key popularity grouped by rank.
import type { PopularitySpec } from '../scenario/spec.js';

/**
 * A key space's popularity as groups of keys of about the same probability:
 * exact per rank for the first ranks, then ranks in geometric bands (each band's
 * keys within 2% of each other), so a billion keys take a few thousand groups.
 */
export interface KeyGroups {
  /** Keys in each group. */
  readonly counts: Float64Array;
  /** Probability of one key of the group (a request asks for it), per group. */
  readonly p: Float64Array;
}

const EXACT_RANKS = 2048;
const BAND_RATIO = 1.02;

/** Group the keys of a key space by popularity. */
export function keyGroups(count: number, popularity: PopularitySpec): KeyGroups {
  if (popularity.kind === 'uniform') return { counts: Float64Array.of(count), p: Float64Array.of(1 / count) };
  if (popularity.kind === 'hotset') {
    const hot = Math.min(count, Math.max(1, Math.round(popularity.keyShare * count)));
    if (hot === count) return { counts: Float64Array.of(count), p: Float64Array.of(1 / count) };
    return {
      counts: Float64Array.of(hot, count - hot),
      p: Float64Array.of(popularity.requestShare / hot, (1 - popularity.requestShare) / (count - hot)),
    };
  }
  const s = popularity.exponent;
  const counts: number[] = [];
  const mass: number[] = [];
  for (let rank = 1; rank <= Math.min(count, EXACT_RANKS); rank++) {
    counts.push(1);
    mass.push(rank ** -s);
  }
  // a band [a, b): its mass by the midpoint rule on x^-s (the error is far below a band's 2% spread)
  const integral = (a: number, b: number) => (s === 1 ? Math.log(b / a) : (b ** (1 - s) - a ** (1 - s)) / (1 - s));
  for (let a = EXACT_RANKS + 1; a <= count; ) {
    const b = Math.min(count + 1, Math.max(a + 1, Math.floor(a * BAND_RATIO)));
    counts.push(b - a);
    mass.push(integral(a - 0.5, b - 0.5));
    a = b;
  }
  const total = mass.reduce((x, y) => x + y, 0);
  return { counts: Float64Array.from(counts), p: Float64Array.from(mass, (m, i) => m / total / counts[i]) };
}

/** Solve f(t) = target for t >= 0 with f increasing from f(0) = 0 (bisection on a doubling bracket). */
function solveIncreasing(f: (t: number) => number, target: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 2000 && f(hi) < target; i++) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface LevelEstimate {
  /** Share of the lookups that reach this level and hit. */
  readonly hitRatio: number;
  /** The popularity of the keys that miss here (what the next level sees), as per-key request rates relative to this level's. */
  readonly missed: KeyGroups;
  /** Share of this level's lookups that miss. */
  readonly missRatio: number;
}

/**
 * One LRU cache of `capacity` entries in front of requests with the given
 * popularity: Che's approximation (Che, Tung and Wang, 2002). The
 * characteristic time T solves sum_i (1 - exp(-p_i T)) = C and key i hits with
 * probability 1 - exp(-p_i T). With a TTL (filled on a miss, not renewed), a key
 * requested at rate r_i hits at most r_i TTL / (1 + r_i TTL) of the time; the
 * estimate takes the smaller of the two per key. Used for every eviction
 * policy: an estimate (LFU does better, FIFO and random a little worse).
 */
export function lruLevel(groups: KeyGroups, capacity: number, ttlMs: number | null, lookupsPerMs: number): LevelEstimate {
  const { counts, p } = groups;
  const n = counts.length;
  let keys = 0;
  for (let g = 0; g < n; g++) keys += counts[g];
  let t = Infinity;
  if (capacity < keys) {
    t = solveIncreasing((x) => {
      let sum = 0;
      for (let g = 0; g < n; g++) sum += counts[g] * -Math.expm1(-p[g] * x);
      return sum;
    }, capacity);
  }
  const missedMass = new Float64Array(n);
  let hit = 0;
  let miss = 0;
  for (let g = 0; g < n; g++) {
    let h = t === Infinity ? 1 : -Math.expm1(-p[g] * t);
    if (ttlMs !== null && Number.isFinite(lookupsPerMs)) {
      const r = p[g] * lookupsPerMs * ttlMs;
      h = Math.min(h, r / (1 + r));
    }
    hit += counts[g] * p[g] * h;
    missedMass[g] = p[g] * (1 - h);
    miss += counts[g] * missedMass[g];
  }
  const missedP = miss > 0 ? Float64Array.from(missedMass, (m) => m / miss) : new Float64Array(n);
  return { hitRatio: hit, missRatio: miss, missed: { counts, p: missedP } };
}
