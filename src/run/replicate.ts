// Replications: one scenario run on several seeds (common random numbers: seed i is the same run wherever it is used).
import type { Report } from '../observe/report.js';
import type { ScenarioSpec } from '../scenario/spec.js';
import { Run, type RunOptions } from './run.js';

/**
 * Run `spec` once per seed and return the reports in seed order. Seed i draws
 * the same random numbers whatever else is run (every stream is named and
 * seeded from the run seed), so comparing two scenarios seed by seed removes
 * most of the noise between them (common random numbers). In this process, one
 * after another; sweeps spread them over worker threads with the same results.
 */
export function replicate(spec: ScenarioSpec, seeds: readonly number[], options: Omit<RunOptions, 'seed'> = {}): Report[] {
  return seeds.map((seed) => new Run(spec, { ...options, seed }).runToEnd());
}
