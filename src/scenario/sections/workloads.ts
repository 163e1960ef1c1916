// Workloads: who sends requests where, how they arrive (poisson(400/s), closed(users=50, think=...)) and how the rate changes.
import { z } from 'zod';
import type { DistSpec } from '../../engine/distributions.js';
import { distFromExpr, namedArgs, numberArg, rateArg, readWith, required, singleArg, valueError } from '../distribution.js';
import type { Call } from '../expr.js';
import { duration, probability, rate, strict, unit } from '../fields.js';
import { type SloSpec, buildSlo, emptySloProblem, objectives } from './slo.js';
import type { Problem } from '../problems.js';
import { type Raw, endpointsOf, isMapping, resolveTarget } from '../raw.js';
import type { Input, Section } from '../section.js';
import { suggest } from '../suggest.js';
import { type Parsed, describe, fail, parseProbability } from '../units.js';

export type ArrivalSpec =
  | { readonly kind: 'poisson'; readonly ratePerSec: number }
  | { readonly kind: 'constant'; readonly ratePerSec: number }
  | { readonly kind: 'closed'; readonly users: number; readonly think: DistSpec };

/** One point of a rate schedule: from `atMs` on, the rate is `ratePerSec` (reached linearly over `rampMs`). */
export interface RatePoint {
  readonly atMs: number;
  readonly ratePerSec: number;
  readonly rampMs: number;
}

export interface WorkloadSpec {
  readonly name: string;
  /** Where the clients are (`region/dc`). */
  readonly from: string;
  readonly service: string;
  readonly endpoint: string;
  readonly arrivals: ArrivalSpec;
  readonly schedule: readonly RatePoint[];
  /** Objectives on this workload's requests alone (`workloads[i].slo`), or null. */
  readonly slo: SloSpec | null;
  /** A request mix (`mix: { home.read: 60%, ... }`): each request goes to one entry, drawn by weight; null: all to `service.endpoint` (with a mix, its first entry). */
  readonly mix: readonly MixEntrySpec[] | null;
}

/** One entry of a request mix: its target and its share of the requests (the shares sum to 1). */
export interface MixEntrySpec {
  readonly service: string;
  readonly endpoint: string;
  readonly weight: number;
}

export interface WorkloadsScenarioPart {
  readonly workloads: readonly WorkloadSpec[];
}

const ratePoint = strict({ at: duration, rate, ramp: duration.optional() });

const workload = strict({
  name: z.string().min(1),
  from: z.string().min(1).optional(),
  description: z.string().optional(),
  to: z.string().min(1).optional(),
  mix: z.record(z.string(), probability).optional(),
  arrivals: unit(parseArrivals),
  schedule: z.array(ratePoint).optional(),
  slo: objectives.optional(),
});

const topFields = { workloads: z.array(workload).min(1) };
type TopInput = Input<typeof topFields>;

export const workloads: Section<{ top: WorkloadsScenarioPart }> = {
  name: 'workloads',
  top: {
    fields: topFields,
    fieldsAt: { before: 'services' },
    // the clients of a workload without `from` sit where the first replica of its target is
    build: (top: TopInput, _top, ctx) => {
      const services = ctx.spec.services as Readonly<Record<string, { readonly placement: readonly { readonly location: string }[] }>>;
      return {
        workloads: top.workloads.map((w): WorkloadSpec => {
          // with a mix, the workload's target is its first entry (where its clients sit by default)
          const mix = w.mix === undefined ? null : Object.entries(w.mix).map(([to, weight]) => ({ ...ctx.target(to), weight }));
          const target = mix === null ? ctx.target(w.to!) : { service: mix[0].service, endpoint: mix[0].endpoint };
          const built: WorkloadSpec = {
            name: w.name,
            from: w.from ?? services[target.service].placement[0].location,
            ...target,
            arrivals: w.arrivals,
            schedule: (w.schedule ?? []).map((p) => ({ atMs: p.at, ratePerSec: p.rate, rampMs: p.ramp ?? 0 })),
            slo: w.slo ? buildSlo(w.slo) : null,
            mix,
          };
          return built;
        }),
      };
    },
    builtAt: { before: 'services' },
  },
  check: checkWorkloads,
  checkInput: checkSchedules,
};

/** Unique names, and targets that exist. */
function checkWorkloads(data: Raw): Problem[] {
  const problems: Problem[] = [];
  const endpoints = endpointsOf(data);
  if (Array.isArray(data.workloads)) {
    const seen = new Set<string>();
    data.workloads.forEach((w, i) => {
      if (!isMapping(w)) return;
      if (typeof w.name === 'string') {
        if (seen.has(w.name))
          problems.push({ path: ['workloads', i, 'name'], expected: 'a unique workload name', found: `"${w.name}" a second time` });
        seen.add(w.name);
      }
      if (typeof w.to === 'string') {
        const r = resolveTarget(w.to, endpoints);
        if (!('service' in r)) problems.push({ path: ['workloads', i, 'to'], ...r });
      }
      problems.push(...checkMix(w, i, endpoints));
    });
  }
  return problems;
}

/** A workload's target: `to` or `mix`, one of them; a mix's entries resolve, and their weights sum to 100%. */
function checkMix(w: Raw, i: number, endpoints: Map<string, string[]>): Problem[] {
  const problems: Problem[] = [];
  if ((w.to === undefined) === (w.mix === undefined)) {
    problems.push({
      path: ['workloads', i, ...(w.mix !== undefined ? ['mix'] : [])],
      expected: 'a target: to: service.endpoint, or a request mix (mix: { service.endpoint: 60%, ... })',
      found: w.to === undefined ? 'neither to nor mix' : 'both to and mix',
      atKey: w.mix !== undefined,
    });
    return problems;
  }
  if (!isMapping(w.mix)) return problems; // none, or the schema says what a mix is
  const entries = Object.entries(w.mix);
  if (entries.length === 0) {
    problems.push({ path: ['workloads', i, 'mix'], expected: 'at least one entry, such as { api.read: 100% }', found: 'an empty mix' });
    return problems;
  }
  let sum = 0;
  let numbers = true;
  for (const [to, weight] of entries) {
    const r = resolveTarget(to, endpoints);
    if (!('service' in r)) problems.push({ path: ['workloads', i, 'mix', to], ...r, atKey: true });
    const p = parseProbability(weight);
    if (p.ok) sum += p.value;
    else numbers = false; // the schema reports it
  }
  if (numbers && Math.abs(sum - 1) > 1e-9)
    problems.push({
      path: ['workloads', i, 'mix'],
      expected: 'weights that sum to 100%',
      found: `a sum of ${Number((sum * 100).toPrecision(6))}%`,
    });
  return problems;
}

/** A schedule only on open-loop arrivals, its points in time order; a workload's slo not empty. */
function checkSchedules(top: TopInput): Problem[] {
  const problems: Problem[] = [];
  top.workloads.forEach((w, i) => {
    problems.push(...emptySloProblem(w.slo, ['workloads', i, 'slo']));
    if (w.schedule && w.arrivals.kind === 'closed') {
      problems.push({
        path: ['workloads', i, 'schedule'],
        expected: 'a schedule only on open-loop arrivals (poisson or constant)',
        found: 'a schedule on closed(...)',
        atKey: true,
      });
    }
    w.schedule?.forEach((p, j) => {
      if (j > 0 && p.at < w.schedule![j - 1].at) {
        problems.push({
          path: ['workloads', i, 'schedule', j, 'at'],
          expected: 'schedule points in time order',
          found: `${p.at / 1000}s after ${w.schedule![j - 1].at / 1000}s`,
        });
      }
    });
  });
  return problems;
}

export const ARRIVALS_HINT = 'poisson(<rate>), constant(<rate>) or closed(users=<n>, think=<distribution>)';
const KINDS = ['poisson', 'constant', 'closed'];

export function parseArrivals(input: unknown): Parsed<ArrivalSpec> {
  if (typeof input !== 'string') return fail(ARRIVALS_HINT, describe(input));
  return readWith(input, (e) => {
    if (e.type !== 'call') return valueError(ARRIVALS_HINT, JSON.stringify(e.text), e.offset);
    return fromCall(e);
  });
}

function fromCall(call: Call): ArrivalSpec {
  switch (call.name) {
    case 'poisson':
    case 'constant':
      return { kind: call.name, ratePerSec: rateArg(singleArg(call, 'rate', '<rate>, such as 400/s')) };
    case 'closed': {
      const a = namedArgs(call, ['users', 'think']);
      // each user holds an event while it thinks: a million is far past any real closed loop, and well inside the engine
      const users = numberArg(
        required(call, a, 'users', 'users=<n>, think=<distribution>'),
        'users, a whole number from 1 to 1,000,000',
        (n) => Number.isInteger(n) && n >= 1 && n <= 1_000_000,
      );
      const think = a.has('think') ? distFromExpr(a.get('think')!.value) : ({ kind: 'constant', valueMs: 0 } as const);
      return { kind: 'closed', users, think };
    }
    default:
      return valueError(`${ARRIVALS_HINT}${suggest(call.name, KINDS, ' (did you mean "%s"?)')}`, `"${call.name}(...)"`, call.offset);
  }
}
