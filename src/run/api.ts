// The programmatic way in: load a scenario with overrides, as the command line does; run it with Run or runScenario.
import { type Override, parseSetFlag } from '../scenario/overrides.js';
import { loadScenarioFile, loadScenarioText } from '../scenario/load.js';
import { type Problem, ScenarioError } from '../scenario/problems.js';
import type { ScenarioSpec } from '../scenario/spec.js';
import { parseDuration } from '../scenario/units.js';

/** Changes to a scenario, as `msim run` takes them. */
export interface ScenarioChanges {
  /**
   * Fields to set, by path (`services.payment.replicas`, `workloads[0].arrivals`,
   * `workloads.shoppers.arrivals`): a map of path to value, or `--set` texts (`path=value`,
   * the value read as YAML).
   */
  set?: Readonly<Record<string, unknown>> | readonly string[];
  /** Simulated time to run, such as `60s` or `10m`. */
  duration?: string;
  /** Initial time excluded from the statistics. */
  warmup?: string;
}

/**
 * The overrides for some changes, labelled as the command line would write
 * them (`--set a.b=1`, `--duration 10s`): what a report records and a replay
 * applies. Every problem is returned at once.
 */
export function scenarioOverrides(changes: ScenarioChanges): { overrides: Override[]; problems: Problem[] } {
  const overrides: Override[] = [];
  const problems: Problem[] = [];
  for (const name of ['duration', 'warmup'] as const) {
    const value = changes[name];
    if (value === undefined) continue;
    const d = parseDuration(value);
    if (!d.ok) problems.push({ path: [], expected: d.expected, found: d.found, where: `--${name} ${value}` });
    else overrides.push({ label: `--${name} ${value}`, path: [name], value });
  }
  const sets = Array.isArray(changes.set)
    ? (changes.set as readonly string[])
    : Object.entries(changes.set ?? {}).map(([path, value]) => `${path}=${JSON.stringify(value)}`);
  for (const text of sets) {
    const o = parseSetFlag(text);
    if (!('label' in o)) problems.push(o);
    else if (o.path.length === 1 && (o.path[0] === 'duration' || o.path[0] === 'warmup') && changes[o.path[0]] !== undefined) {
      // both would set it, and which came last is not known: say which to keep
      problems.push({
        path: [],
        expected: `one of --${o.path[0]} ${changes[o.path[0]]} and this (both set ${o.path[0]})`,
        found: 'both',
        where: o.label,
      });
    } else overrides.push(o);
  }
  return { overrides, problems };
}

/**
 * Load a scenario file (or, with `{ text }`, YAML text named `name` in
 * messages) with changes applied, validated and frozen. Throws a ScenarioError
 * listing every problem (each with file:line:column or the change it came from).
 */
export function loadScenario(source: string | { text: string; name: string }, changes: ScenarioChanges = {}): ScenarioSpec {
  const { overrides, problems } = scenarioOverrides(changes);
  if (problems.length > 0) throw new ScenarioError(problems);
  return typeof source === 'string' ? loadScenarioFile(source, overrides) : loadScenarioText(source.text, source.name, overrides);
}
