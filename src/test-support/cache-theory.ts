// Hit-ratio approximations for caches under independent requests: Che (LRU) and the FIFO/random analogue, and TTL caches.

function sum(p: Float64Array, f: (pi: number) => number): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += f(p[i]);
  return s;
}

/** Solve f(T) = target for T >= 0, f increasing (bisection on a doubling bracket). */
function solveIncreasing(f: (t: number) => number, target: number): number {
  let lo = 0;
  let hi = 1;
  while (f(hi) < target) hi *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Che's approximation for LRU (Che, Tung and Wang, IEEE JSAC 2002): the
 * characteristic time T solves sum_i (1 - exp(-p_i T)) = C, and the hit
 * ratio is sum_i p_i (1 - exp(-p_i T)).
 */
export function cheLruHitRatio(p: Float64Array, capacity: number): number {
  if (capacity >= p.length) return 1;
  const t = solveIncreasing((x) => sum(p, (pi) => -Math.expm1(-pi * x)), capacity);
  return sum(p, (pi) => pi * -Math.expm1(-pi * t));
}

/**
 * FIFO and random replacement (Fricker, Robert and Roberts, ITC 2012; after
 * Gelenbe 1973): T solves sum_i p_i T / (1 + p_i T) = C, and the hit ratio is
 * sum_i p_i (p_i T / (1 + p_i T)).
 */
export function fifoHitRatio(p: Float64Array, capacity: number): number {
  if (capacity >= p.length) return 1;
  const t = solveIncreasing((x) => sum(p, (pi) => (pi * x) / (1 + pi * x)), capacity);
  return sum(p, (pi) => (pi * (pi * t)) / (1 + pi * t));
}

/** A TTL cache (TTL set on a miss, not renewed by hits) with Poisson requests at rate lambda: lambda T / (1 + lambda T). */
export function ttlHitRatio(ratePerMs: number, ttlMs: number): number {
  return (ratePerMs * ttlMs) / (1 + ratePerMs * ttlMs);
}
