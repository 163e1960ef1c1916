// The cache strip: hit ratio per cache level over the recent window, and the load reaching each cached endpoint's origin.
import { Text } from 'ink';
import { formatCount, formatPercent } from '../../observe/format.js';
import type { CacheRow, OriginRow } from '../../run/snapshot.js';
import { type Theme, bar, fitWidth } from '../theme.js';
import { fitName } from './service-table.js';

/** Lines the strip takes: a header, a row per cache, a row per cached endpoint (none without caches). */
export function cacheLineCount(caches: readonly CacheRow[], origins: readonly OriginRow[]): number {
  return caches.length === 0 ? 0 : 1 + caches.length + origins.length;
}

/** A rate: 0 stays 0. */
const perSec = (x: number) => (x === 0 ? '0' : formatCount(x));

/** Columns besides the name and the bar: marker 2, kind 9, ratio 7, lookups/s 9, evict/s 8, expire/s 9, stampedes 10, gaps. */
const FIXED_COLUMNS = 62;

export function cacheLines(caches: readonly CacheRow[], origins: readonly OriginRow[], t: Theme, width: number): string[] {
  if (caches.length === 0) return [];
  const nameW = Math.max(8, Math.min(20, ...caches.map((c) => c.name.length)));
  const barW = Math.max(4, Math.min(20, width - FIXED_COLUMNS - nameW));
  const header = t.bold(
    `  ${'cache'.padEnd(nameW)} ${'copies'.padEnd(9)} ${'hit ratio'.padEnd(barW + 7)} ${'lookups/s'.padStart(9)} ${'evict/s'.padStart(8)} ${'expire/s'.padStart(9)} ${'stampedes'.padStart(10)}`,
  );
  const lines = [fitWidth(header, width)];
  for (const c of caches) {
    const ratio = c.hitRatio === null ? '-' : formatPercent(c.hitRatio);
    // a low hit ratio is the warning sign: the origin takes the misses
    const paint = c.hitRatio === null ? t.dim : c.hitRatio < 0.2 ? t.warn : t.good;
    const stamp = c.stampedes > 0 ? t.warn(String(c.stampedes).padStart(10)) : String(c.stampedes).padStart(10);
    lines.push(
      fitWidth(
        `  ${fitName(c.name, '', nameW)} ${`${c.kind} x${c.copies}`.padEnd(9)} ${paint(bar(c.hitRatio ?? 0, barW))} ${ratio.padStart(6)} ${perSec(c.lookupsPerSec).padStart(9)} ${perSec(c.evictionsPerSec).padStart(8)} ${perSec(c.expirationsPerSec).padStart(9)} ${stamp}`,
        width,
      ),
    );
  }
  for (const o of origins) {
    const share = o.requestsPerSec > 0 ? o.originPerSec / o.requestsPerSec : null;
    const off = share === null ? '' : `, ${formatPercent(1 - share, 0)} taken off`;
    lines.push(
      fitWidth(
        `  ${t.dim('origin')} ${o.endpoint}: ${perSec(o.originPerSec)}/s of ${perSec(o.requestsPerSec)}/s requests reach it${off}`,
        width,
      ),
    );
  }
  return lines;
}

export function CacheTable(props: { caches: readonly CacheRow[]; origins: readonly OriginRow[]; theme: Theme; width: number }) {
  return <Text>{cacheLines(props.caches, props.origins, props.theme, props.width).join('\n')}</Text>;
}
