// Zipf-distributed ranks in O(1) time and memory: rejection-inversion sampling (Hörmann & Derflinger 1996).
import type { RandomStream } from './rng.js';

/**
 * Draws a rank k in 1..n with probability proportional to k^-exponent. No
 * table: a million or a billion ranks cost the same few bytes, and a draw
 * takes one or two uniforms on average. Follows the algorithm of W. Hörmann
 * and G. Derflinger, "Rejection-inversion to generate variates from monotone
 * discrete distributions" (ACM TOMACS, 1996), as Apache Commons RNG does.
 */
export class ZipfSampler {
  private readonly hIntegralX1: number;
  private readonly hIntegralN: number;
  private readonly s: number;

  constructor(
    readonly n: number,
    readonly exponent: number,
    private readonly rng: RandomStream,
  ) {
    if (!(n >= 1) || !Number.isInteger(n)) throw new Error(`zipf: n must be a whole number >= 1, not ${n}`);
    if (!(exponent > 0)) throw new Error(`zipf: exponent must be > 0, not ${exponent}`);
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralN = this.hIntegral(n + 0.5);
    this.s = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  /** A rank in 1..n (1 the most popular). */
  sample(): number {
    for (;;) {
      const u = this.hIntegralN + this.rng.next() * (this.hIntegralX1 - this.hIntegralN);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.n) k = this.n;
      if (k - x <= this.s || u >= this.hIntegral(k + 0.5) - this.h(k)) return k;
    }
  }

  /** H(x), an integral of h(x) = x^-exponent (shifted so it is continuous at exponent 1). */
  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return helper2((1 - this.exponent) * logX) * logX;
  }

  private h(x: number): number {
    return Math.exp(-this.exponent * Math.log(x));
  }

  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.exponent);
    if (t < -1) t = -1; // rounding at the far end
    return Math.exp(helper1(t) * x);
  }
}

/** log(1 + x) / x, accurate near 0. */
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** (exp(x) - 1) / x, accurate near 0. */
function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
}

/** The probabilities of ranks 1..n under Zipf(exponent) (for checks and theory; O(n) memory). */
export function zipfProbabilities(n: number, exponent: number): Float64Array {
  const p = new Float64Array(n);
  let sum = 0;
  for (let k = 1; k <= n; k++) sum += p[k - 1] = k ** -exponent;
  for (let i = 0; i < n; i++) p[i] /= sum;
  return p;
}
