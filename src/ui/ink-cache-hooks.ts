// Module hooks that bound two caches in Ink 6: its text measurements, kept forever, grew with every frame the dashboard drew.
import type { LoadHook } from 'node:module';

/** Entries kept before a cache starts over (Ink 7 and later keep 4,096 in an LRU; recomputing a measure is cheap). */
export const CACHE_LIMIT = 4096;

/** The unbounded caches of ink 6.x, exactly as they are written, and what replaces each (same name, bounded). */
const PATCHES: readonly { file: string; from: string; to: string }[] = [
  {
    file: '/ink/build/measure-text.js',
    from: 'const cache = new Map();',
    to: `const cache = new (class extends Map { set(k, v) { if (this.size >= ${CACHE_LIMIT}) this.clear(); return super.set(k, v); } })();`,
  },
  {
    file: '/ink/build/wrap-text.js',
    from: 'const cache = {};',
    to: `let cache = {}; let cacheSize = 0; const countEntry = () => { if (++cacheSize > ${CACHE_LIMIT}) { cache = {}; cacheSize = 1; } };`,
  },
];

/**
 * Rewrite a module's source if it is one of Ink's caches written exactly as
 * expected; any other source (a newer Ink) is returned as it is.
 */
export function boundInkCaches(url: string, source: string): string {
  const patch = PATCHES.find((p) => url.endsWith(p.file));
  if (patch === undefined || !source.includes(patch.from)) return source;
  let out = source.replace(patch.from, patch.to);
  // wrap-text stores with `cache[cacheKey] = wrappedText;`: count each new entry
  if (patch.file.endsWith('wrap-text.js'))
    out = out.replace('cache[cacheKey] = wrappedText;', 'countEntry(); cache[cacheKey] = wrappedText;');
  return out;
}

/** The load hook (registered with module.register before Ink is imported). */
export const load: LoadHook = async (url, context, nextLoad) => {
  const result = await nextLoad(url, context);
  if (!PATCHES.some((p) => url.endsWith(p.file)) || result.source === undefined || result.source === null) return result;
  return { ...result, source: boundInkCaches(url, String(result.source)) };
};
