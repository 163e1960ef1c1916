// Probability distributions of durations: plain-data specs, their means, and seeded samplers.
import type { RandomStream } from './rng.js';

/** A distribution of durations in milliseconds, as plain data (what a scenario spec holds). */
export type DistSpec =
  | { readonly kind: 'constant'; readonly valueMs: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  | { readonly kind: 'exponential'; readonly meanMs: number }
  /** Normal truncated at 0 (negative draws are redrawn). */
  | { readonly kind: 'normal'; readonly meanMs: number; readonly sdMs: number }
  /** ln(X in ms) ~ Normal(mu, sigma). */
  | { readonly kind: 'lognormal'; readonly mu: number; readonly sigma: number }
  | { readonly kind: 'gamma'; readonly shape: number; readonly scaleMs: number }
  | { readonly kind: 'pareto'; readonly scaleMs: number; readonly shape: number }
  /** Quantile table: q in [0, 1], values non-decreasing; see PercentileSampler. */
  | { readonly kind: 'percentiles'; readonly points: readonly { readonly q: number; readonly valueMs: number }[] }
  | { readonly kind: 'mix'; readonly parts: readonly { readonly weight: number; readonly dist: DistSpec }[] };

/** Draws durations in milliseconds. */
export interface Sampler {
  sample(): number;
}

/** z such that P(Z <= z) = q for a standard normal. Acklam's rational approximation (rel. error < 1.2e-9). */
export function normalQuantile(q: number): number {
  if (q <= 0) return -Infinity;
  if (q >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (q < lo) {
    const r = Math.sqrt(-2 * Math.log(q));
    return (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1);
  }
  if (q > 1 - lo) return -normalQuantile(1 - q);
  const r = q - 0.5;
  const s = r * r;
  return (
    ((((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r) /
    (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1)
  );
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 via erf; abs. error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Analytic mean of a distribution, in ms (Infinity for heavy tails without one). */
export function distMeanMs(d: DistSpec): number {
  switch (d.kind) {
    case 'constant':
      return d.valueMs;
    case 'uniform':
      return (d.minMs + d.maxMs) / 2;
    case 'exponential':
      return d.meanMs;
    case 'normal': {
      if (d.sdMs === 0) return d.meanMs;
      const alpha = -d.meanMs / d.sdMs;
      const pdf = Math.exp(-0.5 * alpha * alpha) / Math.sqrt(2 * Math.PI);
      return d.meanMs + (d.sdMs * pdf) / (1 - normalCdf(alpha));
    }
    case 'lognormal':
      return Math.exp(d.mu + (d.sigma * d.sigma) / 2);
    case 'gamma':
      return d.shape * d.scaleMs;
    case 'pareto':
      return d.shape > 1 ? (d.shape * d.scaleMs) / (d.shape - 1) : Infinity;
    case 'percentiles':
      return new PercentileSampler(d.points, null).meanMs();
    case 'mix':
      return d.parts.reduce((sum, p) => sum + p.weight * distMeanMs(p.dist), 0);
  }
}

/** The second moment E[X^2] in ms^2 (Infinity where it does not exist); for queueing estimates, not the hot path. */
export function distSecondMomentMs2(d: DistSpec): number {
  switch (d.kind) {
    case 'constant':
      return d.valueMs * d.valueMs;
    case 'uniform':
      return (d.minMs * d.minMs + d.minMs * d.maxMs + d.maxMs * d.maxMs) / 3;
    case 'exponential':
      return 2 * d.meanMs * d.meanMs;
    case 'normal': {
      // the normal truncated at 0 (as sampled): E[X^2] = m^2 + s^2 + m s phi(a) / (1 - Phi(a)), a = -m/s
      if (d.sdMs === 0) return d.meanMs * d.meanMs;
      const alpha = -d.meanMs / d.sdMs;
      const pdf = Math.exp(-0.5 * alpha * alpha) / Math.sqrt(2 * Math.PI);
      return d.meanMs * d.meanMs + d.sdMs * d.sdMs + (d.meanMs * d.sdMs * pdf) / (1 - normalCdf(alpha));
    }
    case 'lognormal':
      return Math.exp(2 * d.mu + 2 * d.sigma * d.sigma);
    case 'gamma':
      return d.shape * (d.shape + 1) * d.scaleMs * d.scaleMs;
    case 'pareto':
      return d.shape > 2 ? (d.shape * d.scaleMs * d.scaleMs) / (d.shape - 2) : Infinity;
    case 'percentiles': {
      // integral of quantile(u)^2 du, with u = 1 - e^-l (the sampler is linear in l between its points)
      const q = new PercentileSampler(d.points, null);
      const steps = 20_000;
      const end = 30;
      const h = end / steps;
      let sum = 0;
      for (let i = 0; i < steps; i++) {
        const l = (i + 0.5) * h;
        const x = q.quantile(1 - Math.exp(-l));
        sum += x * x * Math.exp(-l) * h;
      }
      return sum;
    }
    case 'mix':
      return d.parts.reduce((sum, p) => sum + p.weight * distSecondMomentMs2(p.dist), 0);
  }
}

/** Build a sampler for `spec` that draws from `rng`. */
export function createSampler(spec: DistSpec, rng: RandomStream): Sampler {
  switch (spec.kind) {
    case 'constant':
      return new ConstantSampler(spec.valueMs);
    case 'uniform':
      return new UniformSampler(spec.minMs, spec.maxMs, rng);
    case 'exponential':
      return new ExponentialSampler(spec.meanMs, rng);
    case 'normal':
      return new NormalSampler(spec.meanMs, spec.sdMs, rng);
    case 'lognormal':
      return new LognormalSampler(spec.mu, spec.sigma, rng);
    case 'gamma':
      return new GammaSampler(spec.shape, spec.scaleMs, rng);
    case 'pareto':
      return new ParetoSampler(spec.scaleMs, spec.shape, rng);
    case 'percentiles':
      return new PercentileSampler(spec.points, rng);
    case 'mix':
      return new MixSampler(spec.parts, rng);
  }
}

class ConstantSampler implements Sampler {
  constructor(private readonly valueMs: number) {}
  sample(): number {
    return this.valueMs;
  }
}

class UniformSampler implements Sampler {
  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly rng: RandomStream,
  ) {}
  sample(): number {
    return this.minMs + (this.maxMs - this.minMs) * this.rng.next();
  }
}

class ExponentialSampler implements Sampler {
  constructor(
    private readonly meanMs: number,
    private readonly rng: RandomStream,
  ) {}
  sample(): number {
    // 1 - U is in (0, 1], so the log is finite.
    return -this.meanMs * Math.log(1 - this.rng.next());
  }
}

/** Standard normal draws by the Box-Muller transform, caching the second value of each pair. */
class StandardNormal {
  private spare = 0;
  private hasSpare = false;
  constructor(private readonly rng: RandomStream) {}
  next(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.rng.next()));
    const theta = 2 * Math.PI * this.rng.next();
    this.spare = r * Math.sin(theta);
    this.hasSpare = true;
    return r * Math.cos(theta);
  }
}

class NormalSampler implements Sampler {
  private readonly z: StandardNormal;
  constructor(
    private readonly meanMs: number,
    private readonly sdMs: number,
    rng: RandomStream,
  ) {
    this.z = new StandardNormal(rng);
  }
  sample(): number {
    // Truncation at 0 by redrawing: the mean is >= 0 (validated), so each draw succeeds with p >= 0.5.
    for (;;) {
      const x = this.meanMs + this.sdMs * this.z.next();
      if (x >= 0) return x;
    }
  }
}

class LognormalSampler implements Sampler {
  private readonly z: StandardNormal;
  constructor(
    private readonly mu: number,
    private readonly sigma: number,
    rng: RandomStream,
  ) {
    this.z = new StandardNormal(rng);
  }
  sample(): number {
    return Math.exp(this.mu + this.sigma * this.z.next());
  }
}

/** Marsaglia and Tsang's method (2000); shapes below 1 use the U^(1/shape) boost. */
class GammaSampler implements Sampler {
  private readonly z: StandardNormal;
  private readonly d: number;
  private readonly c: number;
  private readonly boost: number;
  constructor(
    shape: number,
    private readonly scaleMs: number,
    private readonly rng: RandomStream,
  ) {
    this.z = new StandardNormal(rng);
    const a = shape < 1 ? shape + 1 : shape;
    this.boost = shape < 1 ? 1 / shape : 0;
    this.d = a - 1 / 3;
    this.c = 1 / Math.sqrt(9 * this.d);
  }
  sample(): number {
    let x: number;
    for (;;) {
      const z = this.z.next();
      const v0 = 1 + this.c * z;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const u = 1 - this.rng.next();
      if (Math.log(u) < 0.5 * z * z + this.d - this.d * v + this.d * Math.log(v)) {
        x = this.d * v;
        break;
      }
    }
    if (this.boost !== 0) x *= (1 - this.rng.next()) ** this.boost;
    return x * this.scaleMs;
  }
}

class ParetoSampler implements Sampler {
  private readonly invShape: number;
  constructor(
    private readonly scaleMs: number,
    shape: number,
    private readonly rng: RandomStream,
  ) {
    this.invShape = 1 / shape;
  }
  sample(): number {
    return this.scaleMs / (1 - this.rng.next()) ** this.invShape;
  }
}

/**
 * A distribution given by a few percentiles. Between two given points the
 * value is linear in L = -ln(1 - q) (the log of the survival function), which
 * reproduces an exponential distribution exactly from any two of its
 * percentiles; below the first point it starts at 0 ms (or p0 when given);
 * above the last it continues the last segment's slope (an exponential tail),
 * unless p100 is given, which is a hard maximum (that segment is linear in q).
 */
export class PercentileSampler implements Sampler {
  private readonly qs: number[];
  private readonly ls: number[];
  private readonly vs: number[];
  private readonly tailSlope: number;
  private readonly bounded: boolean;

  constructor(
    points: readonly { q: number; valueMs: number }[],
    private readonly rng: RandomStream | null,
  ) {
    const sorted = [...points].sort((a, b) => a.q - b.q);
    if (sorted.length === 0 || sorted[0].q > 0) sorted.unshift({ q: 0, valueMs: 0 });
    this.qs = sorted.map((p) => p.q);
    this.vs = sorted.map((p) => p.valueMs);
    this.ls = this.qs.map((q) => (q >= 1 ? Infinity : -Math.log(1 - q)));
    const n = sorted.length;
    this.bounded = this.qs[n - 1] >= 1;
    this.tailSlope = n >= 2 && !this.bounded ? (this.vs[n - 1] - this.vs[n - 2]) / (this.ls[n - 1] - this.ls[n - 2]) : 0;
  }

  sample(): number {
    return this.quantile(this.rng!.next());
  }

  /** The value at quantile u in [0, 1). */
  quantile(u: number): number {
    const { qs, vs, ls } = this;
    const n = qs.length;
    if (u >= qs[n - 1]) {
      if (this.bounded) return vs[n - 1];
      return vs[n - 1] + this.tailSlope * (-Math.log(1 - u) - ls[n - 1]);
    }
    let i = 1;
    while (qs[i] <= u) i++;
    // segment [i-1, i]
    if (ls[i] === Infinity) return vs[i - 1] + ((vs[i] - vs[i - 1]) * (u - qs[i - 1])) / (qs[i] - qs[i - 1]);
    const l = -Math.log(1 - u);
    return vs[i - 1] + ((vs[i] - vs[i - 1]) * (l - ls[i - 1])) / (ls[i] - ls[i - 1]);
  }

  /** Exact mean of the piecewise form, integrated segment by segment. */
  meanMs(): number {
    const { qs, vs, ls } = this;
    const n = qs.length;
    let mean = 0;
    for (let i = 1; i < n; i++) {
      if (ls[i] === Infinity) {
        mean += ((qs[i] - qs[i - 1]) * (vs[i - 1] + vs[i])) / 2;
        continue;
      }
      const s = (vs[i] - vs[i - 1]) / (ls[i] - ls[i - 1]);
      const ea = Math.exp(-ls[i - 1]);
      const eb = Math.exp(-ls[i]);
      mean += vs[i - 1] * (ea - eb) + s * (ea - (ls[i] - ls[i - 1] + 1) * eb);
    }
    if (!this.bounded) {
      const el = Math.exp(-ls[n - 1]);
      mean += (vs[n - 1] + this.tailSlope) * el;
    }
    return mean;
  }
}

class MixSampler implements Sampler {
  private readonly cumulative: Float64Array;
  private readonly samplers: Sampler[];
  constructor(
    parts: readonly { weight: number; dist: DistSpec }[],
    private readonly rng: RandomStream,
  ) {
    const total = parts.reduce((s, p) => s + p.weight, 0);
    this.cumulative = new Float64Array(parts.length);
    let acc = 0;
    parts.forEach((p, i) => {
      acc += p.weight / total;
      this.cumulative[i] = acc;
    });
    this.cumulative[parts.length - 1] = 1;
    // Components share the mixture's stream: the draw order is fixed, so runs stay reproducible.
    this.samplers = parts.map((p) => createSampler(p.dist, rng));
  }
  sample(): number {
    const u = this.rng.next();
    const c = this.cumulative;
    let i = 0;
    while (u >= c[i]) i++;
    return this.samplers[i].sample();
  }
}
