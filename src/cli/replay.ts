import { z } from 'zod';
import { INTERVENTION_ACTIONS, type Intervention } from '../model/interventions.js';
import { UsageError } from './io.js';
import { readJsonInput } from './output.js';

const replaySchema = z.object({
  scenario: z.string(),
  seed: z.number().int(),
  simulatedMs: z.number().positive(),
  interventions: z.array(z.object({ atMs: z.number().min(0), action: z.enum(INTERVENTION_ACTIONS), target: z.string() })),
  // reports written before these were recorded have neither
  scenarioSha256: z.string().nullable().optional(),
  overrides: z.array(z.string()).optional(),
});

export interface ReplayInput {
  scenario: string;
  seed: number;
  endMs: number;
  interventions: Intervention[];
  /** SHA-256 of the scenario file the report was made from (null: unknown). */
  scenarioSha256: string | null;
  /** The overrides of the recorded run, as written (`--set a.b=1`, `--duration 10s`). */
  overrides: string[];
}

export function readReplay(file: string, cwd: string): ReplayInput {
  const data = readJsonInput('--replay', file, cwd, 'a JSON report written by msim run --json');
  const r = replaySchema.safeParse(data);
  if (!r.success) {
    throw new UsageError(
      r.error.issues.map(
        (i) => `--replay ${file}: ${i.path.join('.') || '(top level)'}: expected ${i.message.replace(/^Invalid input: expected /, '')}`,
      ),
    );
  }
  return {
    scenario: r.data.scenario,
    seed: r.data.seed,
    endMs: r.data.simulatedMs,
    interventions: r.data.interventions,
    scenarioSha256: r.data.scenarioSha256 ?? null,
    overrides: r.data.overrides ?? [],
  };
}
