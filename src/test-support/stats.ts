// Test helpers: replication statistics, Student-t quantiles and closed-form queueing results.
import { loadScenarioText } from '../scenario/load.js';
import { runScenario } from '../run/run.js';
import type { Report } from '../observe/report.js';

/** Two-sided 99.9% Student-t quantiles t(0.9995, df). */
const T_9995: Record<number, number> = {
  4: 8.61,
  5: 6.869,
  6: 5.959,
  7: 5.408,
  8: 5.041,
  9: 4.781,
  10: 4.587,
  11: 4.437,
  12: 4.318,
  14: 4.14,
  15: 4.073,
  19: 3.883,
  24: 3.745,
  29: 3.659,
};

export function tQuantile999(df: number): number {
  const t = T_9995[df];
  if (t === undefined) throw new Error(`no t quantile for df=${df}`);
  return t;
}

export interface Estimate {
  mean: number;
  /** Standard error of the mean over independent replications. */
  se: number;
  n: number;
  /** Half-width of the two-sided 99.9% confidence interval. */
  halfWidth999: number;
}

export function estimate(xs: readonly number[]): Estimate {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  const se = Math.sqrt(variance / n);
  return { mean, se, n, halfWidth999: tQuantile999(n - 1) * se };
}

export { erlangC } from '../analysis/queueing.js';

/** Exact mean value analysis of a closed network: single-server FCFS stations with mean service times (ms) and a think time (ms). */
export function mva(users: number, serviceMs: readonly number[], thinkMs: number): { throughputPerMs: number; responseMs: number } {
  let q = serviceMs.map(() => 0);
  let x = 0;
  let r = 0;
  for (let n = 1; n <= users; n++) {
    const rk = serviceMs.map((s, k) => s * (1 + q[k]));
    r = rk.reduce((a, b) => a + b, 0);
    x = n / (thinkMs + r);
    q = rk.map((v) => x * v);
  }
  return { throughputPerMs: x, responseMs: r };
}

/** Run a scenario given as YAML text once per seed. */
export function replicate(yaml: string, seeds: readonly number[]): Report[] {
  const spec = loadScenarioText(yaml, 'theory.yaml');
  return seeds.map((seed) => runScenario(spec, { seed }));
}

export const seedsUpTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
