// Reading shared flags (--seed, --duration, --warmup, --set) into overrides, with clear errors.
import { type Override, parseSetFlag } from '../scenario/overrides.js';
import type { Problem } from '../scenario/problems.js';
import { formatProblem } from '../scenario/problems.js';
import { parseDuration } from '../scenario/units.js';
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

/** Turn the flags into scenario overrides; every bad flag is reported at once. */
export function overridesFromFlags(flags: ScenarioFlags): { overrides: Override[]; seed?: number } {
  const problems: Problem[] = [];
  const overrides: Override[] = [];
  let seed: number | undefined;
  if (flags.seed !== undefined) {
    if (/^-?\d+$/.test(flags.seed.trim()) && Number.isSafeInteger(Number(flags.seed))) seed = Number(flags.seed);
    else problems.push({ path: [], expected: 'a whole number', found: JSON.stringify(flags.seed), where: `--seed ${flags.seed}` });
  }
  for (const name of ['duration', 'warmup'] as const) {
    const value = flags[name];
    if (value === undefined) continue;
    const d = parseDuration(value);
    if (!d.ok) problems.push({ path: [], expected: d.expected, found: d.found, where: `--${name} ${value}` });
    else overrides.push({ label: `--${name} ${value}`, path: [name], value });
  }
  for (const text of flags.set ?? []) {
    const o = parseSetFlag(text);
    if (!('label' in o)) problems.push(o);
    else if (o.path.length === 1 && (o.path[0] === 'duration' || o.path[0] === 'warmup') && flags[o.path[0]] !== undefined) {
      // both would set it, and the order of flags on the command line is not kept: say which to keep
      problems.push({
        path: [],
        expected: `one of --${o.path[0]} ${flags[o.path[0]]} and this (both set ${o.path[0]})`,
        found: 'both',
        where: o.label,
      });
    } else overrides.push(o);
  }
  if (problems.length)
    throw new UsageError(
      problems.map((p) => formatProblem(p).replace(/^(--[^:]+): \(top level\): /, '$1: ')),
      problems,
    );
  return { overrides, seed };
}
