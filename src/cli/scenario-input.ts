// Loading the scenario named on the command line, turning its problems into a usage error.
import { resolve } from 'node:path';
import type { Override } from '../scenario/overrides.js';
import { loadScenarioFile } from '../scenario/load.js';
import { ScenarioError, formatProblem } from '../scenario/problems.js';
import type { ScenarioSpec } from '../scenario/spec.js';
import { UsageError } from './io.js';

export function loadForCli(file: string, cwd: string, overrides: readonly Override[]): ScenarioSpec {
  try {
    return loadScenarioFile(resolve(cwd, file), overrides);
  } catch (err) {
    if (err instanceof ScenarioError) {
      // name the file as the user wrote it
      const abs = resolve(cwd, file);
      const problems = err.problems.map((p) => ({ ...p, where: p.where?.startsWith(abs) ? file + p.where.slice(abs.length) : p.where, file: p.file === abs ? file : p.file }));
      throw new UsageError(problems.map((p) => formatProblem(p).replace(/: \(top level\): /, ': ')), problems);
    }
    throw err;
  }
}
