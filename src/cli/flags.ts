// Reading shared flags (--seed, --duration, --warmup, --set) into overrides, with clear errors.
import { scenarioOverrides } from '../run/api.js';
import type { Override } from '../scenario/overrides.js';
import type { Problem } from '../scenario/problems.js';
import { formatProblem } from '../scenario/problems.js';
import { UsageError } from './io.js';

export interface ScenarioFlags {
  seed?: string;
  duration?: string;
  warmup?: string;
  set?: string[];
}

/** The overrides a report recorded (`--set a.b=1`, `--duration 10s`, `--warmup 5s`), turned back into flags. */
export function flagsFromLabels(labels: readonly string[]): ScenarioFlags {
  const flags: ScenarioFlags = { set: [] };
  for (const label of labels) {
    const space = label.indexOf(' ');
    const [name, value] = [label.slice(0, space), label.slice(space + 1)];
    if (name === '--set') flags.set!.push(value);
    else if (name === '--duration') flags.duration = value;
    else if (name === '--warmup') flags.warmup = value;
    else throw new UsageError([`a recorded override: expected --set, --duration or --warmup, found "${label}"`]);
  }
  return flags;
}

/** Turn the flags into scenario overrides (through the programmatic API); every bad flag is reported at once. */
export function overridesFromFlags(flags: ScenarioFlags): { overrides: Override[]; seed?: number } {
  const problems: Problem[] = [];
  let seed: number | undefined;
  if (flags.seed !== undefined) {
    if (/^-?\d+$/.test(flags.seed.trim()) && Number.isSafeInteger(Number(flags.seed))) seed = Number(flags.seed);
    else problems.push({ path: [], expected: 'a whole number', found: JSON.stringify(flags.seed), where: `--seed ${flags.seed}` });
  }
  const changes = scenarioOverrides({ set: flags.set ?? [], duration: flags.duration, warmup: flags.warmup });
  problems.push(...changes.problems);
  if (problems.length)
    throw new UsageError(
      problems.map((p) => formatProblem(p).replace(/^(--[^:]+): \(top level\): /, '$1: ')),
      problems,
    );
  return { overrides: changes.overrides, seed };
}
