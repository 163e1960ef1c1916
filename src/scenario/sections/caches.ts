// Key spaces and caches in a scenario file: popularity syntax, the checks a schema cannot make, and their specs.
import { z } from 'zod';
import type { DistSpec } from '../../engine/distributions.js';
import { distribution, duration, positiveInt, probability, replicas, strict, unit } from '../fields.js';
import type { Problem } from '../problems.js';
import { NAME, type Raw, forEachEndpoint, isMapping } from '../raw.js';
import {
  CACHE_KINDS,
  type CacheKind,
  type CacheSpec,
  EVICTIONS,
  type Eviction,
  type KeySpaceSpec,
  LOCALITIES,
  type Locality,
  ON_WRITE,
  type OnWrite,
  type PopularitySpec,
  type ScenarioSpec,
  type ServiceSpec,
} from '../spec.js';
import { suggest } from '../suggest.js';
import { type Parsed, fail, ok, parseProbability } from '../units.js';

const POPULARITY_HINT = 'zipf(<exponent>) such as zipf(0.9), uniform, or hotset(10% keys get 90% requests)';

/** Keys of all key spaces together are numbered in one 32-bit space. */
export const MAX_TOTAL_KEYS = 2 ** 31 - 1;

/** `zipf(0.9)`, `uniform`, `hotset(10% keys get 90% requests)` or `hotset(10%, 90%)`. */
export function parsePopularity(input: unknown): Parsed<PopularitySpec> {
  if (typeof input !== 'string')
    return fail(POPULARITY_HINT, typeof input === 'number' ? `${input} (a number)` : (JSON.stringify(input) ?? 'nothing'));
  const text = input.trim();
  if (text === 'uniform' || text === 'uniform()') return ok({ kind: 'uniform' });
  const zipf = /^zipf\(\s*(?:s\s*=\s*)?([^)]*)\)$/.exec(text);
  if (zipf) {
    const exponent = Number(zipf[1]);
    if (zipf[1].trim() === '' || !Number.isFinite(exponent)) return fail('a Zipf exponent, such as zipf(0.9)', JSON.stringify(text));
    if (exponent === 0) return fail('a Zipf exponent > 0 (for all keys alike, write uniform)', JSON.stringify(text));
    if (!(exponent > 0 && exponent <= 10)) return fail('a Zipf exponent > 0 and <= 10', JSON.stringify(text));
    return ok({ kind: 'zipf', exponent });
  }
  const hot = /^hotset\(\s*([^\s,]+)\s*(?:keys?\s+get\s+|,\s*)([^\s,]+)\s*(?:requests?)?\s*\)$/.exec(text);
  if (hot) {
    const keyShare = parseProbability(hot[1]);
    const requestShare = parseProbability(hot[2]);
    if (!keyShare.ok || !requestShare.ok || keyShare.value <= 0 || keyShare.value > 1)
      return fail(
        'hotset(<share of keys> keys get <share of requests> requests) with shares as percentages, such as hotset(10% keys get 90% requests)',
        JSON.stringify(text),
      );
    return ok({ kind: 'hotset', keyShare: keyShare.value, requestShare: requestShare.value });
  }
  return fail(POPULARITY_HINT, JSON.stringify(text));
}

export const keySpace = strict({
  description: z.string().optional(),
  count: z.number().int().min(1).max(1_000_000_000),
  popularity: unit(parsePopularity).optional(),
  writes: probability.optional(),
});

export const cache = strict({
  description: z.string().optional(),
  kind: z.enum(CACHE_KINDS as [string, ...string[]]),
  capacity: z.number().int().min(1).max(10_000_000),
  eviction: z.enum(EVICTIONS as [string, ...string[]]).optional(),
  ttl: duration.optional(),
  hit: distribution.optional(),
  coalesce: z.boolean().optional(),
  refreshAhead: probability.optional(),
  onWrite: z.enum(ON_WRITE as [string, ...string[]]).optional(),
  replicas: replicas.optional(),
  cores: positiveInt.optional(),
  timeout: duration.optional(),
  locality: z.enum(LOCALITIES as [string, ...string[]]).optional(),
});

export type KeySpaceInput = z.output<typeof keySpace>;
export type CacheInput = z.output<typeof cache>;

/** Options a local cache cannot have. */
const SHARED_ONLY = ['replicas', 'cores', 'timeout', 'locality'] as const;

/** What a schema cannot check: names, references from endpoints to key spaces and caches, and option combinations. */
export function checkCaches(data: Raw): Problem[] {
  const problems: Problem[] = [];
  const keySpaces = isMapping(data.keys) ? Object.keys(data.keys) : [];
  const caches = isMapping(data.caches) ? data.caches : {};
  const services = isMapping(data.services) ? Object.keys(data.services) : [];

  for (const name of keySpaces) {
    if (!NAME.test(name))
      problems.push({
        path: ['keys', name],
        expected: 'a key space name of letters, digits, "-" and "_"',
        found: JSON.stringify(name),
        atKey: true,
      });
  }
  if (isMapping(data.keys)) {
    const total = Object.values(data.keys).reduce<number>((sum, k) => sum + (isMapping(k) && typeof k.count === 'number' ? k.count : 0), 0);
    if (total > MAX_TOTAL_KEYS)
      problems.push({
        path: ['keys'],
        expected: `at most ${MAX_TOTAL_KEYS} keys in all key spaces together`,
        found: `${total}`,
        atKey: true,
      });
  }
  for (const [name, c] of Object.entries(caches)) {
    if (!NAME.test(name))
      problems.push({
        path: ['caches', name],
        expected: 'a cache name of letters, digits, "-" and "_"',
        found: JSON.stringify(name),
        atKey: true,
      });
    if (!isMapping(c)) continue;
    if (c.kind === 'shared' && services.includes(name)) {
      problems.push({
        path: ['caches', name],
        expected: 'a shared cache named apart from the services (it becomes a service of its own)',
        found: `"${name}", also a service`,
        atKey: true,
      });
    }
    if (c.kind === 'local') {
      for (const field of SHARED_ONLY) {
        if (c[field] !== undefined)
          problems.push({
            path: ['caches', name, field],
            expected: `"${field}" only on a shared cache (a local cache lives in each replica of the services that use it)`,
            found: `"${field}" on a local cache`,
            atKey: true,
          });
      }
    }
    if (c.refreshAhead !== undefined && c.ttl === undefined) {
      problems.push({
        path: ['caches', name, 'refreshAhead'],
        expected: 'refreshAhead together with a ttl (it is a share of the TTL)',
        found: 'no ttl on this cache',
        atKey: true,
      });
    }
  }

  forEachEndpoint(data, (_at, ep, base) => {
    const keys = ep.keys;
    if (typeof keys === 'string' && !keySpaces.includes(keys)) {
      problems.push({
        path: [...base, 'keys'],
        expected: keySpaces.length ? `a key space (${keySpaces.join(', ')})` : 'a key space defined under keys: (this scenario has none)',
        found: JSON.stringify(keys),
        hint: suggest(keys, keySpaces, 'did you mean "%s"?') || undefined,
      });
    }
    if (ep.onWrite !== undefined && ep.cache === undefined) {
      problems.push({
        path: [...base, 'onWrite'],
        expected: 'onWrite together with cache: on the endpoint (it says what writes do to the cached key)',
        found: 'no cache on this endpoint',
        atKey: true,
      });
    }
    if (ep.cache === undefined) return;
    const list = typeof ep.cache === 'string' ? [ep.cache] : Array.isArray(ep.cache) ? ep.cache : [];
    const at = (i: number) => (typeof ep.cache === 'string' ? [...base, 'cache'] : [...base, 'cache', i]);
    const seen = new Set<unknown>();
    list.forEach((c, i) => {
      if (typeof c !== 'string') return;
      if (!(c in caches))
        problems.push({
          path: at(i),
          expected: Object.keys(caches).length
            ? `a cache (${Object.keys(caches).join(', ')})`
            : 'a cache defined under caches: (this scenario has none)',
          found: JSON.stringify(c),
          hint: suggest(c, Object.keys(caches), 'did you mean "%s"?') || undefined,
        });
      else if (seen.has(c)) problems.push({ path: at(i), expected: 'each cache once in the lookup order', found: `"${c}" a second time` });
      seen.add(c);
    });
    if (keys === undefined)
      problems.push({
        path: [...base, 'cache'],
        expected: 'keys: <key space> on the endpoint as well (which key each request asks for)',
        found: 'a cache without keys',
        atKey: true,
      });
  });
  return problems;
}

/** All caches' entries together, at most (each takes about 33 bytes, allocated up front). */
export const MAX_CACHE_ENTRIES = 20_000_000;

/**
 * The entries a cache can hold in all: its copies (a shared cache's nodes, or the replicas of
 * every service using a local one) times its capacity, never more than the keys that reach it.
 */
export function cacheEntries(name: string, spec: Pick<ScenarioSpec, 'caches' | 'services' | 'keys'>): { copies: number; perCopy: number } {
  const c = spec.caches[name];
  let copies = 0;
  let keys = 0;
  const spaces = new Set<string>();
  for (const svc of Object.values(spec.services)) {
    const users = Object.values(svc.endpoints).filter((ep) => ep.cache.includes(name));
    if (users.length === 0) continue;
    if (c.kind === 'local') copies += svc.replicas;
    for (const ep of users) if (ep.keys !== null) spaces.add(ep.keys);
  }
  for (const k of spaces) keys += spec.keys[k]?.count ?? 0;
  if (c.kind === 'shared') copies = spec.services[name]?.replicas ?? 0;
  return { copies, perCopy: Math.max(1, Math.min(c.capacity, keys)) };
}

/** Refuse caches that would not fit in memory, naming the largest. */
export function checkCacheMemory(spec: Pick<ScenarioSpec, 'caches' | 'services' | 'keys'>): Problem[] {
  const sizes = Object.keys(spec.caches).map((name) => ({ name, ...cacheEntries(name, spec) }));
  const total = sizes.reduce((n, c) => n + c.copies * c.perCopy, 0);
  if (total <= MAX_CACHE_ENTRIES) return [];
  const biggest = sizes.reduce((a, b) => (b.copies * b.perCopy > a.copies * a.perCopy ? b : a));
  const fmt = (n: number) => n.toLocaleString('en-US');
  return [
    {
      path: ['caches', biggest.name, 'capacity'],
      expected: `at most ${fmt(MAX_CACHE_ENTRIES)} cache entries in all (capacity x copies; about 33 bytes each, held in memory)`,
      found: `${fmt(total)}, ${biggest.name} alone ${fmt(biggest.perCopy)} x ${biggest.copies} ${spec.caches[biggest.name].kind === 'local' ? 'replicas' : 'nodes'}`,
    },
  ];
}

export function keySpaceSpec(name: string, k: KeySpaceInput): KeySpaceSpec {
  return { name, count: k.count, popularity: k.popularity ?? { kind: 'uniform' }, writes: k.writes ?? 0 };
}

/** Defaults: LRU, no TTL, invalidate on write; a lookup costs 1 us in process, 20 us on a cache node (about 50,000 operations a second on one core, Redis-like). */
export function cacheSpec(name: string, c: CacheInput): CacheSpec {
  return {
    name,
    kind: c.kind as CacheKind,
    capacity: c.capacity,
    entriesPerCopy: c.capacity, // until the endpoints using it are known: see cacheEntries
    eviction: (c.eviction ?? 'lru') as Eviction,
    ttlMs: c.ttl ?? null,
    hit: c.hit ?? { kind: 'constant', valueMs: c.kind === 'local' ? 0.001 : 0.02 },
    coalesce: c.coalesce ?? false,
    refreshAhead: c.refreshAhead ?? null,
    onWrite: (c.onWrite ?? 'invalidate') as OnWrite,
    timeoutMs: c.timeout ?? null,
    locality: (c.locality ?? 'none') as Locality,
  };
}

/** The nodes of a shared cache as a service: `get`, `set` and `del` each cost a lookup; one core each (Redis is single-threaded). */
export function sharedCacheService(spec: CacheSpec, c: CacheInput, defaultLocation: string): ServiceSpec {
  const ep = (cpu: DistSpec) => ({ keys: null, cache: [], onWrite: null, cpu, errors: 0, steps: [], requestKB: 0, responseKB: 0 });
  const placement =
    typeof c.replicas === 'object'
      ? Object.entries(c.replicas).map(([location, n]) => ({ location, replicas: n }))
      : [{ location: defaultLocation, replicas: c.replicas ?? 1 }];
  return {
    replicas: placement.reduce((sum, p) => sum + p.replicas, 0),
    placement,
    locality: spec.locality,
    cores: c.cores ?? 1,
    concurrency: null,
    queue: null,
    balancer: 'round-robin',
    rateLimit: null,
    outlier: null,
    cache: spec.name,
    endpoints: { get: ep(spec.hit), set: ep(spec.hit), del: ep(spec.hit) },
  };
}
