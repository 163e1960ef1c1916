// The behaviour baseline: every shipped scenario and fixture on seeds 1 to 5, each report (minus engine) as a SHA-256.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../observe/report.js';
import { Run } from '../run/run.js';
import { loadScenarioFile } from '../scenario/load.js';

export const BASELINE_SEEDS = [1, 2, 3, 4, 5];

/** The scenario files the baseline covers, relative to the repository: scenarios/ and the test fixtures. */
export function baselineFiles(root: string): string[] {
  const yaml = (dir: string) =>
    readdirSync(join(root, dir))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => `${dir}/${f}`);
  return [...yaml('scenarios'), ...yaml('src/scenario/fixtures')];
}

/** What is compared: the whole report but its wall-clock part, and a few figures a person can read in a diff. */
export interface BaselineEntry {
  sha256: string;
  completed: number;
  p99Ms: number | null;
}

export function baselineEntry(report: Report): BaselineEntry {
  const { engine: _engine, ...rest } = report;
  return {
    sha256: createHash('sha256').update(JSON.stringify(rest)).digest('hex'),
    completed: report.requests.completed,
    p99Ms: report.latencyMs.p99,
  };
}

/** Run every case: `file@seed` -> its entry. */
export function computeBaseline(root: string): Record<string, BaselineEntry> {
  const out: Record<string, BaselineEntry> = {};
  for (const file of baselineFiles(root)) {
    const spec = loadScenarioFile(join(root, file));
    for (const seed of BASELINE_SEEDS) out[`${file}@${seed}`] = baselineEntry(new Run(spec, { seed }).runToEnd());
  }
  return out;
}
