// Key spaces and caches: which key each request asks for, the caches endpoints look it up in, and the nodes of shared caches.
import { z } from 'zod';
import type { DistSpec } from '../../engine/distributions.js';
import { distribution, duration, positiveInt, probability, replicas, strict, unit } from '../fields.js';
import type { Problem } from '../problems.js';
import { NAME, type Raw, forEachEndpoint, isMapping } from '../raw.js';
import type { Input, Section } from '../section.js';
import { suggest } from '../suggest.js';
import { type Parsed, fail, ok, parseProbability } from '../units.js';
import type { CoreEndpointPart, CoreServicePart } from './core.js';
import type { ResilienceServicePart } from './resilience.js';
import type { RpcEndpointPart } from './rpc.js';
import { type Locality, type TopologyServicePart, locality, placementOf } from './topology.js';

/** How popular each key is: Zipf with an exponent, all alike, or a hot set (keyShare of the keys get requestShare of the requests). */
export type PopularitySpec =
  | { readonly kind: 'zipf'; readonly exponent: number }
  | { readonly kind: 'uniform' }
  | { readonly kind: 'hotset'; readonly keyShare: number; readonly requestShare: number };

export interface KeySpaceSpec {
  readonly name: string;
  readonly count: number;
  readonly popularity: PopularitySpec;
  /** Share of requests that write their key (they skip the caches and go to the origin, then invalidate or update). */
  readonly writes: number;
}

export type CacheKind = 'local' | 'shared';
export const CACHE_KINDS: readonly CacheKind[] = ['local', 'shared'];
export type Eviction = 'lru' | 'lfu' | 'fifo' | 'random';
export const EVICTIONS: readonly Eviction[] = ['lru', 'lfu', 'fifo', 'random'];
export type OnWrite = 'invalidate' | 'update';
export const ON_WRITE: readonly OnWrite[] = ['invalidate', 'update'];

export interface CacheSpec {
  readonly name: string;
  /** local: in each replica's memory (lookups cost CPU there); shared: a cache service of its own, over the network. */
  readonly kind: CacheKind;
  /** Entries per copy: each replica's local cache, or each node of a shared cache. */
  readonly capacity: number;
  /** What a copy is given: the capacity, or fewer when fewer keys reach the cache (it could never hold more). */
  readonly entriesPerCopy: number;
  readonly eviction: Eviction;
  /** Entries expire this long after they are filled (null: never). */
  readonly ttlMs: number | null;
  /** What a lookup costs: CPU of the calling replica (local) or of the cache node (shared). */
  readonly hit: DistSpec;
  /** Single-flight: concurrent misses of one key wait for the one fetch from the origin. */
  readonly coalesce: boolean;
  /** Refresh an entry in the background when a hit finds less than this share of its TTL left (null: never). */
  readonly refreshAhead: number | null;
  /** What a write does to the cached key: drop it, or write the new value through. */
  readonly onWrite: OnWrite;
  /** shared: the caller gives up on a lookup after this long and treats it as a miss (null: waits). */
  readonly timeoutMs: number | null;
  /** shared: which nodes a caller uses: all (none), or those in its region or datacenter (a cache per region), farther ones only when none is up. */
  readonly locality: Locality;
}

export interface CachesScenarioPart {
  /** Key spaces and caches, in file order (shared caches are also services, named after the cache). */
  readonly keys: Readonly<Record<string, KeySpaceSpec>>;
  readonly caches: Readonly<Record<string, CacheSpec>>;
}

export interface CachesServicePart {
  /** The shared cache this service is the nodes of (its endpoints get, set and del), or null for an application service. */
  readonly cache: string | null;
}

export interface CachesEndpointPart {
  /** The key space its requests draw a key from (null: requests have no key). */
  readonly keys: string | null;
  /** Caches looked up in order before the endpoint's own work (the origin); empty: none. */
  readonly cache: readonly string[];
  /** What its writes do to the cached key in every level, overriding the caches' onWrite (null: each cache's). */
  readonly onWrite: OnWrite | null;
}

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

const keySpace = strict({
  description: z.string().optional(),
  count: z.number().int().min(1).max(1_000_000_000),
  popularity: unit(parsePopularity).optional(),
  writes: probability.optional(),
});

const cache = strict({
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
  locality: locality.optional(),
});

type KeySpaceInput = z.output<typeof keySpace>;
type CacheInput = z.output<typeof cache>;

/** The caches an endpoint looks up in order: one name, or a list. */
const cacheList = z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(z.string().min(1)).min(1).max(8));

const topFields = { keys: z.record(z.string(), keySpace).optional(), caches: z.record(z.string(), cache).optional() };
const endpointFields = {
  keys: z.string().min(1).optional(),
  cache: cacheList.optional(),
  onWrite: z.enum(ON_WRITE as [string, ...string[]]).optional(),
};
type TopInput = Input<typeof topFields>;
type EndpointInput = Input<typeof endpointFields>;

/** What sizing a cache needs of the spec: the caches, the key spaces, and which services' endpoints use each cache. */
interface CacheUse {
  readonly caches: Readonly<Record<string, CacheSpec>>;
  readonly keys: Readonly<Record<string, KeySpaceSpec>>;
  readonly services: Readonly<
    Record<string, { readonly replicas: number; readonly endpoints: Readonly<Record<string, CachesEndpointPart>> }>
  >;
}

export const caches: Section<{ top: CachesScenarioPart; service: CachesServicePart; endpoint: CachesEndpointPart }> = {
  name: 'caches',
  top: {
    fields: topFields,
    build: (top: TopInput, _top, ctx) => {
      const specs: Record<string, CacheSpec> = Object.fromEntries(
        Object.entries(top.caches ?? {}).map(([name, c]) => [name, cacheSpec(name, c)]),
      );
      const keys = Object.fromEntries(Object.entries(top.keys ?? {}).map(([name, k]) => [name, keySpaceSpec(name, k)]));
      const nodes = Object.fromEntries(
        Object.entries(top.caches ?? {})
          .filter(([, c]) => c.kind === 'shared')
          .map(([name, c]) => [name, sharedCacheService(specs[name], c, ctx.data)]),
      );
      // what a copy is given depends on the services using the cache, so it comes once they are all built
      const services = { ...(ctx.spec.services as CacheUse['services']), ...nodes };
      for (const [name, c] of Object.entries(specs))
        specs[name] = { ...c, entriesPerCopy: cacheEntries(name, { caches: specs, keys, services }).perCopy };
      return { keys, caches: specs, services: nodes };
    },
  },
  service: {
    build: () => ({ cache: null }),
    builtAt: { before: 'endpoints' },
  },
  endpoint: {
    fields: endpointFields,
    fieldsAt: { after: 'description' },
    build: (e: EndpointInput) => ({ keys: e.keys ?? null, cache: e.cache ?? [], onWrite: (e.onWrite as OnWrite | undefined) ?? null }),
    builtAt: { before: 'cpu' },
  },
  check: checkCaches,
  checkSpec: (spec) => checkCacheMemory(spec as unknown as CacheUse),
};

/** Options a local cache cannot have. */
const SHARED_ONLY = ['replicas', 'cores', 'timeout', 'locality'] as const;

/** What a schema cannot check: names, references from endpoints to key spaces and caches, and option combinations. */
function checkCaches(data: Raw): Problem[] {
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
export function cacheEntries(name: string, spec: CacheUse): { copies: number; perCopy: number } {
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
function checkCacheMemory(spec: CacheUse): Problem[] {
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

function keySpaceSpec(name: string, k: KeySpaceInput): KeySpaceSpec {
  return { name, count: k.count, popularity: k.popularity ?? { kind: 'uniform' }, writes: k.writes ?? 0 };
}

/** Defaults: LRU, no TTL, invalidate on write; a lookup costs 1 us in process, 20 us on a cache node (about 50,000 operations a second on one core, Redis-like). */
function cacheSpec(name: string, c: CacheInput): CacheSpec {
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

/** A shared cache's nodes: a service whose endpoints are its operations. */
type CacheNodes = CoreServicePart &
  TopologyServicePart &
  ResilienceServicePart &
  CachesServicePart & {
    readonly endpoints: Readonly<Record<string, CoreEndpointPart & CachesEndpointPart & RpcEndpointPart & { steps: [] }>>;
  };

/** The nodes of a shared cache as a service: `get`, `set` and `del` each cost a lookup; one core each (Redis is single-threaded). */
function sharedCacheService(spec: CacheSpec, c: CacheInput, data: Raw): CacheNodes {
  const ep = (cpu: DistSpec) => ({ keys: null, cache: [], onWrite: null, cpu, errors: 0, steps: [] as [], requestKB: 0, responseKB: 0 });
  const placement = placementOf(c.replicas, data);
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
