// Dashboard header: scenario, simulated time with a progress bar, speed, pause state, seed, engine speed.
import { Text } from 'ink';
import { formatCount } from '../../observe/format.js';
import { speedLabel } from '../../run/live-session.js';
import type { Snapshot } from '../../run/snapshot.js';
import { type Theme, bar, fitWidth } from '../theme.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 100_000 ? 1 : 0)}s`;

export function headerLines(s: Snapshot, t: Theme, width: number): string[] {
  const state = s.done ? t.dim('■ done') : s.paused ? t.warn('⏸ paused') : t.good('▶ running');
  const lagging = !s.paused && !s.done && s.speed !== 'max' && s.actualSpeed > 0 && s.actualSpeed < s.speed * 0.8;
  const speed =
    s.speed === 'max'
      ? `max (${formatCount(s.actualSpeed)}x)`
      : lagging
        ? `${speedLabel(s.speed)} (${formatCount(s.actualSpeed)}x)`
        : speedLabel(s.speed);
  const timeText = `${seconds(s.simMs)} / ${seconds(s.endMs)}`;
  const barWidth = Math.max(10, Math.min(40, width - timeText.length - 48));
  const warm = s.simMs < s.warmupMs ? t.dim(`  warm-up to ${seconds(s.warmupMs)}`) : '';
  const line1 = `${t.bold(t.accent('msim'))} ${s.scenario}  ${state}  speed ${speed}  seed ${s.seed}${s.paused || s.done ? '' : `  ${t.dim(`${formatCount(s.eventsPerSec)} events/s`)}`}`;
  const failed = `failed ${s.totals.failed}`;
  const rejected = `rejected ${s.totals.rejected}`;
  const line2 = `${t.accent(bar(s.endMs > 0 ? s.simMs / s.endMs : 0, barWidth))} ${timeText}${warm}  ok ${s.totals.completed}  ${s.totals.failed ? t.bad(failed) : failed}  ${s.totals.rejected ? t.warn(rejected) : rejected}`;
  return [fitWidth(line1, width), fitWidth(line2, width)];
}

export function Header({ snapshot, theme, width }: { snapshot: Snapshot; theme: Theme; width: number }) {
  return <Text>{headerLines(snapshot, theme, width).join('\n')}</Text>;
}
