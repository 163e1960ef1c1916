// The topic strip: per topic and consumer group, the lag now (messages as a bar, and the oldest pending message's age) and the delivery rate.
import { Text } from 'ink';
import { formatCount, formatMs } from '../../observe/format.js';
import type { TopicGroupRow } from '../../observe/features/topics.js';
import { type Theme, bar, fitWidth } from '../theme.js';
import { fitName } from './service-table.js';

/** Lines the strip takes: a header and a row per consumer group (none without topics). */
export function topicLineCount(groups: readonly TopicGroupRow[]): number {
  return groups.length === 0 ? 0 : 1 + groups.length;
}

/** Columns besides the name and the bar: marker 2, consumers 10, lag count 8, lag age 9, rate 10, state 12, gaps. */
const FIXED_COLUMNS = 58;

export function topicLines(groups: readonly TopicGroupRow[], t: Theme, width: number): string[] {
  if (groups.length === 0) return [];
  const names = groups.map((g) => `${g.topic}/${g.group}`);
  const nameW = Math.max(12, Math.min(28, ...names.map((n) => n.length)));
  const barW = Math.max(4, Math.min(20, width - FIXED_COLUMNS - nameW));
  // the bar is relative to the most lagging group (at least 100 messages, so a healthy group shows an empty bar)
  const scale = Math.max(100, ...groups.map((g) => g.lagMessages));
  const header = t.bold(
    `  ${'topic/group'.padEnd(nameW)} ${'consumers'.padEnd(10)} ${'lag (messages)'.padEnd(barW + 9)} ${'lag age'.padStart(9)} ${'handled/s'.padStart(10)} ${'state'.padStart(12)}`,
  );
  const lines = [fitWidth(header, width)];
  groups.forEach((g, i) => {
    const paint = g.lagMessages > 0.5 * scale && g.lagMessages >= 100 ? t.warn : t.good;
    const state = g.state === 'consuming' ? t.dim(g.state.padStart(12)) : t.warn(g.state.padStart(12));
    lines.push(
      fitWidth(
        `  ${fitName(names[i], '', nameW)} ${`${g.consumers} of ${g.partitions}p`.padEnd(10)} ${paint(bar(g.lagMessages / scale, barW))} ${formatCount(g.lagMessages).padStart(8)} ${formatMs(g.lagMs).padStart(9)} ${formatCount(g.deliveredPerSec).padStart(10)} ${state}`,
        width,
      ),
    );
  });
  return lines;
}

export function TopicTable(props: { groups: readonly TopicGroupRow[]; theme: Theme; width: number }) {
  return <Text>{topicLines(props.groups, props.theme, props.width).join('\n')}</Text>;
}
