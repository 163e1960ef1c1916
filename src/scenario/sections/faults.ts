// The fault schedule: which kind each entry is, what it needs, and whether its target exists.
import { z } from 'zod';
import type { DistSpec } from '../../engine/distributions.js';
import { distribution, duration, probability, strict } from '../fields.js';
import type { Problem } from '../problems.js';
import { type Raw, endpointsOf } from '../raw.js';
import type { Input, Section } from '../section.js';
import { suggest } from '../suggest.js';
import { pairsOf, regionsOf } from './topology.js';

/** A scheduled fault: from `atMs` for `forMs` (null: to the end of the run). */
export type FaultSpec = {
  readonly atMs: number;
  readonly forMs: number | null;
} /** A replica (`svc#0`), a service, a datacenter (`region/dc`) or a region: their replicas die, and restart when it ends. */ & (
  | { readonly kind: 'kill'; readonly target: string }
  /** Extra latency on a service (each request waits, holding its slot) or a link (`a~b`): added, or multiplied. */
  | { readonly kind: 'latency'; readonly target: string; readonly add: DistSpec | null; readonly multiply: number }
  /** Failure probability on a service or an endpoint (`svc.ep`). */
  | { readonly kind: 'errors'; readonly target: string; readonly rate: number }
  /** No message crosses between two regions or datacenters (`a~b`): they are lost. */
  | { readonly kind: 'partition'; readonly target: string }
  /** CPU slowdown on a service or one replica (`svc#0`; a noisy neighbour): every demand x factor. */
  | { readonly kind: 'cpu'; readonly target: string; readonly factor: number }
  /** Stop-the-world pauses of a service's replicas: every `everyMs`, for `durationMs`. */
  | { readonly kind: 'pause'; readonly target: string; readonly everyMs: number; readonly durationMs: number }
);

export interface FaultsScenarioPart {
  readonly faults: readonly FaultSpec[];
}

/** One fault: `at`, optional `for`, and exactly one of kill, latency, errors, partition, cpu, pause with their settings. */
const fault = strict({
  at: duration,
  for: duration.optional(),
  kill: z.string().optional(),
  latency: z.string().optional(),
  add: distribution.optional(),
  multiply: z.number().positive().optional(),
  errors: z.string().optional(),
  rate: probability.optional(),
  partition: z.string().optional(),
  cpu: z.string().optional(),
  factor: z.number().positive().optional(),
  pause: z.string().optional(),
  every: duration.optional(),
  duration: duration.optional(),
});
type FaultInput = z.output<typeof fault>;

const topFields = { faults: z.array(fault).optional() };

/**
 * What faults may target, known before the spec is built: every service with its replicas and
 * endpoints (the nodes of a shared cache are a service with get, set and del), and the regions.
 */
type Targets = Parameters<typeof readFaults>[1];
type TopInput = Input<typeof topFields> & {
  services: Record<string, { replicas?: number | Record<string, number> }>;
  caches?: Record<string, { kind: string; replicas?: number | Record<string, number> }>;
};

function targetsOf(top: TopInput, data: Raw): Targets {
  const endpoints = endpointsOf(data);
  const replicaCount = (r: number | Record<string, number> | undefined) =>
    typeof r === 'object' ? Object.values(r).reduce((a, b) => a + b, 0) : (r ?? 1);
  const services = Object.fromEntries([
    ...Object.entries(top.services).map(
      ([name, svc]) =>
        [
          name,
          { replicas: replicaCount(svc.replicas), endpoints: Object.fromEntries((endpoints.get(name) ?? []).map((e) => [e, true])) },
        ] as const,
    ),
    ...Object.entries(top.caches ?? {})
      .filter(([, c]) => c.kind === 'shared')
      .map(([name, c]) => [name, { replicas: replicaCount(c.replicas), endpoints: { get: true, set: true, del: true } }] as const),
  ]);
  return { services, regions: regionsOf(data) };
}

export const faults: Section<{ top: FaultsScenarioPart }> = {
  name: 'faults',
  top: {
    fields: topFields,
    build: (top: TopInput, _top, ctx) => ({ faults: readFaults(top.faults ?? [], targetsOf(top, ctx.data)).faults }),
  },
  // fault targets need only names, endpoints and replica counts: checked with everything else
  checkInput: (top: TopInput, data) => readFaults(top.faults ?? [], targetsOf(top, data)).problems,
};

const KINDS = ['kill', 'latency', 'errors', 'partition', 'cpu', 'pause'] as const;

/** Turn checked fault entries into specs; problems for anything a schema cannot see. */
function readFaults(
  faults: readonly FaultInput[],
  spec: {
    services: Readonly<Record<string, { replicas: number; endpoints: Readonly<Record<string, unknown>> }>>;
    regions: Readonly<Record<string, readonly string[]>>;
  },
): { faults: FaultSpec[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const out: FaultSpec[] = [];
  const services = Object.keys(spec.services);
  const regions = Object.keys(spec.regions);
  const locations = Object.entries(spec.regions).flatMap(([r, dcs]) => dcs.map((d) => `${r}/${d}`));
  const regionPairs = pairsOf(regions);
  const locationPairs = pairsOf(locations);
  faults.forEach((f, i) => {
    const path = ['faults', i];
    const kinds = KINDS.filter((k) => f[k] !== undefined);
    if (kinds.length !== 1) {
      problems.push({ path, expected: `exactly one of ${KINDS.join(', ')}`, found: kinds.length === 0 ? 'none' : kinds.join(' and ') });
      return;
    }
    const kind = kinds[0];
    const target = f[kind]!;
    const bad = (expected: string, candidates: string[]): void => {
      problems.push({
        path: [...path, kind],
        expected,
        found: JSON.stringify(target),
        hint: suggest(target, candidates, 'did you mean "%s"?') || undefined,
      });
    };
    const isService = (t: string) => services.includes(t);
    const base = { atMs: f.at, forMs: f.for ?? null };
    switch (kind) {
      case 'kill': {
        const [svc, idx] = target.split('#');
        const ok =
          idx !== undefined
            ? isService(svc) && /^\d+$/.test(idx) && Number(idx) < spec.services[svc].replicas
            : isService(target) || locations.includes(target) || regions.includes(target);
        if (!ok) {
          bad('a replica (payment#0), a service, a datacenter (region/dc) or a region', [...services, ...locations, ...regions]);
          return;
        }
        out.push({ ...base, kind, target });
        return;
      }
      case 'latency':
        if (!isService(target) && !regionPairs.includes(target)) {
          bad('a service, or a link between two regions (a~b)', services);
          return;
        }
        if (f.add === undefined && f.multiply === undefined)
          problems.push({ path, expected: 'add: <duration or distribution> or multiply: <factor>', found: 'neither' });
        else if (isService(target) && f.multiply !== undefined && f.multiply < 1)
          problems.push({
            path: [...path, 'multiply'],
            expected:
              'a factor >= 1 on a service (its requests wait (factor - 1) x their CPU time; to make it faster, use cpu: with a factor < 1)',
            found: String(f.multiply),
          });
        else out.push({ ...base, kind, target, add: f.add ?? null, multiply: f.multiply ?? 1 });
        return;
      case 'errors': {
        const [svc, ep] = target.split('.');
        if (!isService(svc) || (ep !== undefined && !(ep in spec.services[svc].endpoints))) {
          bad('a service or an endpoint (service.endpoint)', services);
          return;
        }
        if (f.rate === undefined) problems.push({ path, expected: 'rate: <probability>', found: 'no rate' });
        else out.push({ ...base, kind, target, rate: f.rate });
        return;
      }
      case 'partition':
        if (!regionPairs.includes(target) && !locationPairs.includes(target)) {
          bad('two regions or two datacenters (a~b)', regions);
          return;
        }
        out.push({ ...base, kind, target });
        return;
      case 'cpu': {
        const [svc, idx] = target.split('#');
        const ok = idx !== undefined ? isService(svc) && /^\d+$/.test(idx) && Number(idx) < spec.services[svc].replicas : isService(target);
        if (!ok) {
          bad('a service or a replica (payment#0)', services);
          return;
        }
        if (f.factor === undefined) problems.push({ path, expected: 'factor: <number>', found: 'no factor' });
        else out.push({ ...base, kind, target, factor: f.factor });
        return;
      }
      case 'pause':
        if (!isService(target)) {
          bad('a service', services);
          return;
        }
        if (f.every === undefined || f.duration === undefined || !(f.duration < f.every))
          problems.push({
            path,
            expected: 'every: <duration> and duration: <duration>, shorter than every',
            found: `every ${f.every ?? 'missing'}, duration ${f.duration ?? 'missing'}`,
          });
        else out.push({ ...base, kind, target, everyMs: f.every, durationMs: f.duration });
        return;
    }
  });
  return { faults: out, problems };
}
