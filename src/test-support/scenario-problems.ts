// Test helper: the problems msim reports for a scenario text, as printed (file:line:column: path: expected ..., found ...).
import { loadScenarioText } from '../scenario/load.js';
import { ScenarioError, formatProblem } from '../scenario/problems.js';

/** The formatted problems of `yaml` (named bad.yaml); throws when the scenario is accepted. */
export function problems(yaml: string): string[] {
  try {
    loadScenarioText(yaml, 'bad.yaml');
  } catch (err) {
    if (err instanceof ScenarioError) return err.problems.map(formatProblem);
    throw err;
  }
  throw new Error('scenario was accepted');
}
