// The fault schedule: which kind each entry is, what it needs, and whether its target exists.
import type { Problem } from '../problems.js';
import type { FaultInput } from '../schema.js';
import type { FaultSpec } from '../spec.js';
import { suggest } from '../suggest.js';
import { pairsOf } from './topology.js';

const KINDS = ['kill', 'latency', 'errors', 'partition', 'cpu', 'pause'] as const;

/** Turn checked fault entries into specs; problems for anything a schema cannot see. */
export function readFaults(
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
      case 'cpu':
        if (!isService(target)) {
          bad('a service', services);
          return;
        }
        if (f.factor === undefined) problems.push({ path, expected: 'factor: <number>', found: 'no factor' });
        else out.push({ ...base, kind, target, factor: f.factor });
        return;
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
