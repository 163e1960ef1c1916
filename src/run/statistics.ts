// Statistics across replications: the mean and its 95% confidence interval (Student's t), for sweeps and plans.

/** Student's t quantile at 0.975 for 1..30 degrees of freedom (two-sided 95%). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t such that P(T <= t) = 0.975 for `df` degrees of freedom (a table to 30, then the Cornish-Fisher expansion: error < 1e-4). */
export function t975(df: number): number {
  if (!(df >= 1)) return Number.NaN;
  if (df <= 30) return T975[Math.floor(df) - 1];
  const z = 1.959963984540054;
  return (
    z +
    (z ** 3 + z) / (4 * df) +
    (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2) +
    (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3)
  );
}

/** A mean with its 95% confidence interval; with one value (or none) the interval is the value itself (null: no values). */
export interface Interval {
  readonly mean: number | null;
  readonly low: number | null;
  readonly high: number | null;
}

/**
 * The mean of independent replications and its 95% confidence interval,
 * mean +- t(0.975, n-1) x sd / sqrt(n). Values that are null (a metric with no
 * data on that seed) are left out.
 */
export function meanInterval(values: readonly (number | null)[]): Interval {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { mean: null, low: null, high: null };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, low: mean, high: mean };
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  const half = t975(n - 1) * Math.sqrt(variance / n);
  return { mean, low: mean - half, high: mean + half };
}
