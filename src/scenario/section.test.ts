import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildSpec } from './build.js';
import { strict } from './fields.js';
import { loadScenarioFile, loadScenarioText } from './load.js';
import { type ScenarioError, problemsFromZod } from './problems.js';
import type { Raw } from './raw.js';
import { composeSchema } from './schema.js';
import { type Section, arrange } from './section.js';
import { SECTIONS } from './sections/index.js';

const keys = (entries: readonly (readonly [string, unknown])[]) => entries.map(([k]) => k);

describe('arrange', () => {
  const part = (...names: string[]) => names.map((k) => [k, k] as const);

  it('puts each part after those before it, or where its place says', () => {
    const out = arrange([
      { entries: part('a', 'b', 'c') },
      { entries: part('x', 'y'), at: { after: 'a' } },
      { entries: part('z'), at: { before: 'a' } },
      { entries: part('w') },
    ]);
    expect(keys(out)).toEqual(['z', 'a', 'x', 'y', 'b', 'c', 'w']);
  });

  it('refuses a field in two sections, and a place by a field that is not there', () => {
    expect(() => arrange([{ entries: part('a') }, { entries: part('a') }])).toThrow(/"a" is in two sections/);
    expect(() => arrange([{ entries: part('a') }, { entries: part('b'), at: { after: 'c' } }])).toThrow(/no field "c"/);
  });
});

describe('the order of fields and of the spec, as composed from the sections', () => {
  const expectedOf = (yaml: string): string => {
    try {
      loadScenarioText(yaml, 't.yaml');
    } catch (err) {
      return (err as ScenarioError).problems.map((p) => p.expected).join('\n');
    }
    return 'no problem';
  };
  const base = 'name: t\nworkloads: [{ name: w, to: api, arrivals: poisson(1/s) }]\n';

  it('lists the fields in messages in the order they have always had', () => {
    expect(expectedOf(`${base}services: { api: { cpu: 1ms } }\nbogus: 1\n`)).toBe(
      'one of the fields name, description, seed, duration, warmup, workloads, services, slo, regions, network, rpc, discovery, faults, keys, caches, topics, sagas',
    );
    expect(expectedOf(`${base}services: { api: { endpoints: { e: { bogus: 1 } } } }\n`)).toMatch(
      /^one of the fields description, keys, cache, onWrite, cpu, errors, calls, requestKB, responseKB$/m,
    );
    expect(expectedOf(`${base}services: { api: { calls: [{ to: db, bogus: 1 }] }, db: { cpu: 1ms } }\n`)).toBe(
      'one of the fields to, probability, locality, transport, timeout, retry, breaker, hedge, bulkhead, fallback, publish, saga, mode, count, each, wait',
    );
  });

  it('builds the spec with its keys in the order `msim validate --json` has always printed them', () => {
    const spec = loadScenarioFile(new URL('../../scenarios/catalog-cache.yaml', import.meta.url).pathname);
    expect(Object.keys(spec)).toEqual([
      'name',
      'description',
      'seed',
      'durationMs',
      'warmupMs',
      'workloads',
      'services',
      'slo',
      'regions',
      'network',
      'discoveryDelayMs',
      'faults',
      'keys',
      'caches',
      'rpc',
      'topics',
      'sagas',
    ]);
    const [app, nodes] = [Object.values(spec.services).find((s) => !s.cache)!, spec.services['product-l2']];
    expect(Object.keys(app)).toEqual([
      'replicas',
      'placement',
      'locality',
      'cores',
      'concurrency',
      'queue',
      'balancer',
      'outlier',
      'rateLimit',
      'cache',
      'endpoints',
    ]);
    // a shared cache's nodes have always listed rateLimit first
    expect(Object.keys(nodes)).toEqual([
      'replicas',
      'placement',
      'locality',
      'cores',
      'concurrency',
      'queue',
      'balancer',
      'rateLimit',
      'outlier',
      'cache',
      'endpoints',
    ]);
    const endpointKeys = ['keys', 'cache', 'onWrite', 'cpu', 'errors', 'steps', 'requestKB', 'responseKB'];
    expect(Object.keys(Object.values(app.endpoints)[0])).toEqual(endpointKeys);
    expect(Object.keys(nodes.endpoints.get)).toEqual(endpointKeys);
    const call = Object.values(loadScenarioFile(new URL('../../scenarios/cache-stampede.yaml', import.meta.url).pathname).services)
      .flatMap((s) => Object.values(s.endpoints))
      .flatMap((e) => e.steps.flat())[0];
    expect(Object.keys(call)).toEqual([
      'service',
      'endpoint',
      'probability',
      'locality',
      'transport',
      'timeoutMs',
      'retry',
      'breaker',
      'hedge',
      'bulkhead',
      'fallback',
      'publish',
      'saga',
      'mode',
      'fanout',
    ]);
  });
});

describe('a new section', () => {
  // what a feature such as workflows would add: a top-level key, and fields of services, endpoints and calls
  const trial: Section<{
    top: { workflows: Readonly<Record<string, readonly string[]>> };
    service: { replicaBudget: number | null };
    endpoint: { compensate: string | null };
    call: { idempotent: boolean };
  }> = {
    name: 'trial',
    top: {
      fields: { workflows: z.record(z.string(), z.array(z.string())).optional() },
      build: (top: { workflows?: Record<string, string[]> }) => ({ workflows: top.workflows ?? {} }),
    },
    service: {
      fields: { replicaBudget: strict({ max: z.number() }).optional() },
      build: (svc: { replicaBudget?: { max: number } }) => ({ replicaBudget: svc.replicaBudget?.max ?? null }),
    },
    endpoint: {
      fields: { compensate: z.string().optional() },
      build: (ep: { compensate?: string }) => ({ compensate: ep.compensate ?? null }),
    },
    call: {
      fields: { idempotent: z.boolean().optional() },
      build: (c: { idempotent?: boolean }) => ({ idempotent: c.idempotent ?? false }),
    },
  };
  const sections = [...SECTIONS, trial];
  const data: Raw = {
    name: 't',
    workloads: [{ name: 'w', to: 'api', arrivals: 'poisson(10/s)' }],
    services: {
      api: { cpu: '1ms', keys: 'k', cache: 'c', calls: [{ to: 'db', idempotent: true }], replicaBudget: { max: 3 } },
      db: { cpu: '2ms', compensate: 'undo' },
    },
    keys: { k: { count: 100 } },
    caches: { c: { kind: 'shared', capacity: 10 } },
    workflows: { order: ['api', 'db'] },
  };

  it('adds its fields after the ones of the sections before it', () => {
    const parsed = composeSchema(sections).safeParse({ ...data, services: { api: { cpu: '1ms', replicaBudge: 1 } } });
    expect(parsed.success).toBe(false);
    expect(problemsFromZod(parsed.error!.issues)[0].expected).toBe(
      'one of the fields description, replicas, locality, cores, concurrency, queue, balancer, rateLimit, outlier, cpuLimit, cfsPeriod, cost, autoscale, coldStart, replicaBudget, keys, cache, onWrite, cpu, errors, calls, requestKB, responseKB, compensate, endpoints',
    );
  });

  it('builds its parts of the spec, for the services other sections add too', () => {
    const parsed = composeSchema(sections).safeParse(data);
    expect(parsed.error).toBeUndefined();
    const spec = buildSpec(parsed.data as Raw, data, sections) as {
      workflows: unknown;
      services: Record<string, { replicaBudget: unknown; endpoints: Record<string, { compensate: unknown; steps: Raw[][] }> }>;
    };
    expect(Object.keys(spec).at(-1)).toBe('workflows');
    expect(spec.workflows).toEqual({ order: ['api', 'db'] });
    expect(spec.services.api.replicaBudget).toBe(3);
    expect(spec.services.api.endpoints.default.steps[0][0]).toMatchObject({ service: 'db', idempotent: true });
    expect(spec.services.db.endpoints.default.compensate).toBe('undo');
    // the nodes of the shared cache: built by the caches section, completed with the new fields
    expect(spec.services.c.replicaBudget).toBeNull();
    expect(spec.services.c.endpoints.get.compensate).toBeNull();
  });
});
