// The lesson strip: each objective of a lesson met, missed or not measured yet, on the run so far (msim lesson run).
import { Text } from 'ink';
import type { ObjectiveLine } from '../../run/snapshot.js';
import { type Theme, fitWidth } from '../theme.js';

/** Lines the strip takes: a header and a line per objective (none outside a lesson). */
export function objectiveLineCount(objectives: readonly ObjectiveLine[] | undefined): number {
  return objectives === undefined || objectives.length === 0 ? 0 : 1 + objectives.length;
}

export function objectiveLines(objectives: readonly ObjectiveLine[] | undefined, t: Theme, width: number): string[] {
  if (objectives === undefined || objectives.length === 0) return [];
  const met = objectives.filter((o) => o.met === true).length;
  const lines = [fitWidth(t.bold(`  lesson objectives, this run so far: ${met} of ${objectives.length} met`), width)];
  const w = Math.max(...objectives.map((o) => o.objective.length));
  for (const o of objectives) {
    // without colour the word carries the state
    const mark = o.met === null ? t.dim('…  waiting') : o.met ? t.good('✓  met    ') : t.bad('✗  missed ');
    lines.push(fitWidth(`  ${mark} ${o.objective.padEnd(w)}  ${o.met === null ? t.dim(o.value) : o.value}`, width));
  }
  return lines;
}

export function Objectives(props: { objectives: readonly ObjectiveLine[] | undefined; theme: Theme; width: number }) {
  return <Text>{objectiveLines(props.objectives, props.theme, props.width).join('\n')}</Text>;
}
