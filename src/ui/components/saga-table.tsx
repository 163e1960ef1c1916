// The saga strip: per saga, those in flight by state (a bar of the running, committed and compensating) and how many ended each way.
import { Text } from 'ink';
import { formatCount } from '../../observe/format.js';
import type { SagaRow } from '../../run/snapshot.js';
import { type Theme, bar, fitWidth } from '../theme.js';
import { fitName } from './service-table.js';

/** Lines the strip takes: a header and a row per saga (none without sagas). */
export function sagaLineCount(sagas: readonly SagaRow[]): number {
  return sagas.length === 0 ? 0 : 1 + sagas.length;
}

const count = (n: number | undefined) => formatCount(n ?? 0);

export function sagaLines(sagas: readonly SagaRow[], t: Theme, width: number): string[] {
  if (sagas.length === 0) return [];
  const nameW = Math.max(6, Math.min(20, ...sagas.map((s) => s.name.length)));
  const barW = 12;
  const lines = [
    fitWidth(
      t.bold(
        `  ${'saga'.padEnd(nameW)} ${'in flight: compensating share'.padEnd(barW + 8)} ${'running'.padStart(8)} ${'committed'.padStart(9)} ${'compens.'.padStart(8)}  ${'completed'.padStart(9)} ${'undone'.padStart(7)} ${'failed'.padStart(6)} ${'stuck'.padStart(6)}`,
      ),
      width,
    ),
  ];
  for (const s of sagas) {
    const f = s.inFlight;
    const total = (f.running ?? 0) + (f.committed ?? 0) + (f.compensating ?? 0);
    const share = total === 0 ? 0 : (f.compensating ?? 0) / total;
    const stuck = s.ends.stuck ?? 0;
    lines.push(
      fitWidth(
        `  ${fitName(s.name, '', nameW)} ${(share > 0.1 ? t.warn : t.good)(bar(share, barW))} ${count(total).padStart(7)} ${count(f.running).padStart(8)} ${count(f.committed).padStart(9)} ${count(f.compensating).padStart(8)}  ${count(s.ends.completed).padStart(9)} ${count(s.ends.compensated).padStart(7)} ${count(s.ends.failed).padStart(6)} ${(stuck > 0 ? t.warn : t.dim)(count(stuck).padStart(6))}`,
        width,
      ),
    );
  }
  return lines;
}

export function SagaTable(props: { sagas: readonly SagaRow[]; theme: Theme; width: number }) {
  return <Text>{sagaLines(props.sagas, props.theme, props.width).join('\n')}</Text>;
}
