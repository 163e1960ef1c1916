// Loading the scenario named on the command line (a file, or - for standard input), turning its problems into a usage error.
import { resolve } from 'node:path';
import type { Override } from '../scenario/overrides.js';
import { loadScenarioBytes, loadScenarioFile } from '../scenario/load.js';
import { ScenarioError, formatProblem } from '../scenario/problems.js';
import type { ScenarioSpec } from '../scenario/spec.js';
import { type CliIo, UsageError } from './io.js';

/** How a scenario read from standard input is named in messages. */
export const STDIN_NAME = '<stdin>';

/** The scenario `file` (relative to io.cwd), or standard input for `-`, loaded with the overrides. */
export async function loadForCli(file: string, io: Pick<CliIo, 'cwd' | 'readStdin'>, overrides: readonly Override[]): Promise<ScenarioSpec> {
  const abs = file === '-' ? STDIN_NAME : resolve(io.cwd, file);
  try {
    if (file !== '-') return loadScenarioFile(abs, overrides);
    if (!io.readStdin) throw new UsageError(['-: expected a scenario on standard input, found no standard input']);
    return loadScenarioBytes(await io.readStdin(), STDIN_NAME, overrides);
  } catch (err) {
    if (err instanceof ScenarioError) {
      // name the file as the user wrote it
      const problems = err.problems.map((p) => ({ ...p, where: p.where?.startsWith(abs) ? (file === '-' ? STDIN_NAME : file) + p.where.slice(abs.length) : p.where, file: p.file === abs ? (file === '-' ? STDIN_NAME : file) : p.file }));
      throw new UsageError(problems.map((p) => formatProblem(p).replace(/: \(top level\): /, ': ')), problems);
    }
    throw err;
  }
}
