// Loading the scenario named on the command line (a file, or - for standard input), turning its problems into a usage error.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Override } from '../scenario/overrides.js';
import { decodeScenarioText, loadScenarioBytes, readScenarioFile } from '../scenario/load.js';
import { ScenarioError, formatProblem } from '../scenario/problems.js';
import type { ScenarioSpec } from '../scenario/spec.js';
import { type CliIo, UsageError } from './io.js';
import { runLengthProblem } from '../analysis/offered-load.js';

/** How a scenario read from standard input is named in messages. */
export const STDIN_NAME = '<stdin>';

/** A scenario as the command line gave it: the spec, and the SHA-256 of the bytes it was read from (what a replay checks). */
export interface ScenarioInput {
  spec: ScenarioSpec;
  sha256: string;
  /** The file's text, and the name its problems carry (the absolute path, or <stdin>): to load it again with other changes. */
  text: string;
  name: string;
}

/** The scenario `file` (relative to io.cwd), or standard input for `-`, loaded with the overrides. */
export async function loadForCli(
  file: string,
  io: Pick<CliIo, 'cwd' | 'readStdin'>,
  overrides: readonly Override[],
): Promise<ScenarioSpec> {
  return (await readScenarioInput(file, io, overrides)).spec;
}

/** The scenario `file` (or standard input for `-`), read once: its spec with the overrides, and the hash of its bytes. */
export async function readScenarioInput(
  file: string,
  io: Pick<CliIo, 'cwd' | 'readStdin'>,
  overrides: readonly Override[],
  /** A replay's report: when its overrides do not fit, first say whether the report is of another scenario. */
  replayOf?: { scenario: string; label: string },
): Promise<ScenarioInput> {
  const abs = file === '-' ? STDIN_NAME : resolve(io.cwd, file);
  try {
    let bytes: Uint8Array;
    if (file === '-') {
      if (!io.readStdin)
        throw new ScenarioError([
          { path: [], expected: 'a scenario on standard input', found: 'no standard input', where: '-', file: '-' },
        ]);
      bytes = await io.readStdin();
    } else bytes = readScenarioFile(abs);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    try {
      return { spec: loadScenarioBytes(bytes, abs, overrides), sha256, text: decodeScenarioText(bytes, abs), name: abs };
    } catch (err) {
      if (replayOf !== undefined && overrides.length > 0 && err instanceof ScenarioError) {
        let name: string | null = null;
        try {
          name = loadScenarioBytes(bytes, abs, []).name;
        } catch {
          // the file is broken on its own: its own problems are the news
        }
        if (name !== null && name !== replayOf.scenario)
          throw new UsageError([`${replayOf.label}: expected a report of scenario "${name}", found one of "${replayOf.scenario}"`]);
      }
      throw err;
    }
  } catch (err) {
    if (err instanceof ScenarioError) throw scenarioUsageError(err, abs, file === '-' ? STDIN_NAME : file);
    throw err;
  }
}

/** A scenario's problems as a usage error, the file named as the user wrote it (`shown`) rather than by its absolute path. */
export function scenarioUsageError(err: ScenarioError, abs: string, shown: string): UsageError {
  const problems = err.problems.map((p) => ({
    ...p,
    where: p.where?.startsWith(abs) ? shown + p.where.slice(abs.length) : p.where,
    file: p.file === abs ? shown : p.file,
  }));
  return new UsageError(
    problems.map((p) => formatProblem(p).replace(/: \(top level\): /, ': ')),
    problems,
  );
}

/** Refuse a scenario whose run could not end in reasonable time (a usage error, like an impossible size). */
export function refuseEndlessRun(spec: ScenarioSpec, file: string): void {
  const p = runLengthProblem(spec);
  if (p === null) return;
  const where = file === '-' ? STDIN_NAME : file;
  const problem = { path: ['duration'], expected: p.expected, found: p.found, where, file: where };
  throw new UsageError([formatProblem(problem)], [problem]);
}
