// The core of a scenario: its name and times, services, endpoints and calls, and the checks a schema cannot make of them.
import { z } from 'zod';
import type { DistSpec } from '../../engine/distributions.js';
import { distribution, duration, positiveInt, probability, replicas } from '../fields.js';
import type { PathSegment, Problem } from '../problems.js';
import { DEFAULT_ENDPOINT, NAME, type Raw, STEP_TARGETS, endpointsOf, forEachCall, isMapping, resolveTarget } from '../raw.js';
import type { Input, Inner, Section } from '../section.js';

export const DEFAULT_DURATION_MS = 60_000;
export const DEFAULT_SEED = 1;
const MAX_DURATION_MS = 3650 * 86_400_000;

export type BalancerKind = 'round-robin' | 'random' | 'least-requests' | 'p2c' | 'ewma';
export const BALANCERS: readonly BalancerKind[] = ['round-robin', 'random', 'least-requests', 'p2c', 'ewma'];

export interface CoreScenarioPart {
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly durationMs: number;
  readonly warmupMs: number;
}

export interface CoreServicePart {
  /** Total replicas (the sum of `placement`). */
  readonly replicas: number;
  readonly cores: number;
  /** Requests in progress at once per replica; null is unlimited. */
  readonly concurrency: number | null;
  /** Requests waiting for a concurrency slot per replica; null is unlimited. */
  readonly queue: number | null;
  readonly balancer: BalancerKind;
}

export interface CoreEndpointPart {
  readonly cpu: DistSpec;
  /** Probability that the endpoint fails after its CPU work (skipping its calls). */
  readonly errors: number;
}

export interface CoreCallPart {
  readonly service: string;
  readonly endpoint: string;
  /** Probability that the call is made at all (default 1). */
  readonly probability: number;
}

/** A non-negative limit, or "unlimited". */
const limit = z.union([z.number().int().min(0), z.literal('unlimited')], { error: 'a whole number >= 0 or "unlimited"' });

const topFields = (inner: Inner) => ({
  name: z.string().min(1),
  description: z.string().optional(),
  seed: z.number().int().optional(),
  duration: duration.optional(),
  warmup: duration.optional(),
  services: z.record(z.string(), inner.service),
});

const serviceFields = {
  description: z.string().optional(),
  replicas: replicas.optional(),
  cores: positiveInt.optional(),
  concurrency: limit.optional(),
  queue: limit.optional(),
  balancer: z.enum(BALANCERS as [string, ...string[]]).optional(),
};

const endpointFields = (inner: Inner) => ({
  description: z.string().optional(),
  cpu: distribution.optional(),
  errors: probability.optional(),
  calls: z.array(inner.step).optional(),
});

const callFields = { to: z.string().min(1).optional(), probability: probability.optional() };

/** The target of an entry that names no service endpoint (a publish, a saga's start: their sections resolve it). */
const NO_TARGET = { service: '', endpoint: '' };

type TopInput = Input<ReturnType<typeof topFields>>;
/** A service as the schema gives it back: its endpoints (or, without them, its own endpoint fields) are built by every section. */
type ServiceInput = Input<typeof serviceFields> & { endpoints?: Record<string, Raw> };
type EndpointInput = Input<ReturnType<typeof endpointFields>>;
type CallInput = Input<typeof callFields>;

export const core: Section<{ top: CoreScenarioPart; service: CoreServicePart; endpoint: CoreEndpointPart; call: CoreCallPart }> = {
  name: 'core',
  top: {
    fields: topFields,
    build: (top: TopInput, _top, ctx) => ({
      name: top.name,
      description: top.description ?? '',
      seed: top.seed ?? DEFAULT_SEED,
      durationMs: top.duration ?? DEFAULT_DURATION_MS,
      warmupMs: top.warmup ?? 0,
      services: Object.fromEntries(Object.entries(top.services).map(([name, svc]) => [name, ctx.service(svc as Raw)])),
    }),
  },
  service: {
    fields: serviceFields,
    build: (svc: ServiceInput, _top, ctx) => {
      const endpoints: Record<string, Raw> = {};
      if (svc.endpoints) for (const [e, ep] of Object.entries(svc.endpoints)) endpoints[e] = ctx.endpoint(ep);
      else endpoints[DEFAULT_ENDPOINT] = ctx.endpoint(svc);
      return {
        replicas: typeof svc.replicas === 'object' ? Object.values(svc.replicas).reduce((sum, n) => sum + n, 0) : (svc.replicas ?? 1),
        cores: svc.cores ?? 1,
        concurrency: svc.concurrency === undefined || svc.concurrency === 'unlimited' ? null : svc.concurrency,
        queue: svc.queue === undefined || svc.queue === 'unlimited' ? null : svc.queue,
        balancer: (svc.balancer ?? 'round-robin') as BalancerKind,
        endpoints,
      };
    },
  },
  endpoint: {
    fields: endpointFields,
    build: (e: EndpointInput, _top, ctx) => ({
      cpu: e.cpu ?? { kind: 'constant', valueMs: 0 },
      errors: e.errors ?? 0,
      steps: ((e.calls ?? []) as Raw[][]).map((step) => step.map((c) => ctx.call(c))),
    }),
  },
  call: {
    fields: callFields,
    // an entry of another kind (a publish, a saga) has no target service: its own section says what it is
    build: (c: CallInput, _top, ctx) => ({ ...(c.to === undefined ? NO_TARGET : ctx.target(c.to)), probability: c.probability ?? 1 }),
  },
  check: checkReferences,
  checkInput: checkTimes,
};

function checkTimes(top: TopInput): Problem[] {
  const problems: Problem[] = [];
  const durationMs = top.duration ?? DEFAULT_DURATION_MS;
  if (!(durationMs > 0)) problems.push({ path: ['duration'], expected: 'a duration > 0', found: `${durationMs}ms` });
  // beyond ten years the clock (milliseconds in a double) is coarser than a microsecond
  if (durationMs > MAX_DURATION_MS)
    problems.push({
      path: ['duration'],
      expected: 'a duration of at most 10 years, 87600h (the clock loses sub-microsecond resolution beyond)',
      found: `${Number((durationMs / 3_600_000).toPrecision(3))}h`,
    });
  if (top.warmup !== undefined && top.warmup >= durationMs) {
    problems.push({
      path: ['warmup'],
      expected: `a warm-up shorter than the duration (${durationMs / 1000}s)`,
      found: `${top.warmup / 1000}s`,
    });
  }
  return problems;
}

const NAME_HINT = 'a name of letters, digits, "-" and "_"';

/** Names of services and endpoints, service-level fields beside `endpoints`, call targets and call cycles. */
function checkReferences(data: Raw): Problem[] {
  const problems: Problem[] = [];
  const endpoints = endpointsOf(data);

  if (isMapping(data.services)) {
    for (const [name, svc] of Object.entries(data.services)) {
      if (!NAME.test(name))
        problems.push({ path: ['services', name], expected: `${NAME_HINT} for a service`, found: JSON.stringify(name), atKey: true });
      if (!isMapping(svc)) continue;
      if (isMapping(svc.endpoints)) {
        for (const ep of Object.keys(svc.endpoints)) {
          if (!NAME.test(ep))
            problems.push({
              path: ['services', name, 'endpoints', ep],
              expected: `${NAME_HINT} for an endpoint`,
              found: JSON.stringify(ep),
              atKey: true,
            });
        }
        if (Object.keys(svc.endpoints).length === 0)
          problems.push({ path: ['services', name, 'endpoints'], expected: 'at least one endpoint', found: 'an empty mapping' });
        for (const field of ['cpu', 'calls', 'errors']) {
          if (svc[field] !== undefined) {
            problems.push({
              path: ['services', name, field],
              expected: `"${field}" inside each endpoint when the service has "endpoints"`,
              found: `"${field}" at service level as well`,
              atKey: true,
            });
          }
        }
      }
    }
  }

  // call targets and the call graph
  const edges = new Map<string, { to: string; path: PathSegment[] }[]>();
  forEachCall(data, (from, to, path, entry) => {
    if (to === undefined && isMapping(entry)) {
      const kinds = STEP_TARGETS.filter((k) => entry[k] !== undefined);
      if (kinds.length !== 1)
        problems.push({
          path: path.slice(0, -1),
          expected: `one of ${STEP_TARGETS.join(', ')} in a step's entry (to: service.endpoint for a call)`,
          found: kinds.length === 0 ? 'none of them' : kinds.join(' and '),
        });
      return;
    }
    if (isMapping(entry) && STEP_TARGETS.some((k) => k !== 'to' && entry[k] !== undefined)) {
      problems.push({
        path: path.slice(0, -1),
        expected: `one of ${STEP_TARGETS.join(', ')} in a step's entry`,
        found: STEP_TARGETS.filter((k) => entry[k] !== undefined).join(' and '),
      });
      return;
    }
    if (typeof to !== 'string') return; // the schema reports non-text targets
    const r = resolveTarget(to, endpoints);
    if (!('service' in r)) {
      problems.push({ path, ...r });
      return;
    }
    const key = `${from.service}.${from.endpoint}`;
    if (!edges.has(key)) edges.set(key, []);
    edges.get(key)!.push({ to: `${r.service}.${r.endpoint}`, path });
  });
  problems.push(...findCycles(edges));

  return problems;
}

/** Depth-first search for cycles in the endpoint call graph; one problem per cycle, at the call that closes it. */
function findCycles(edges: Map<string, { to: string; path: PathSegment[] }[]>): Problem[] {
  const problems: Problem[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const e of edges.get(node) ?? []) {
      const s = state.get(e.to);
      if (s === 'open') {
        const cycle = [...stack.slice(stack.indexOf(e.to)), e.to];
        problems.push({ path: e.path, expected: 'calls that never lead back to the caller', found: `a call cycle ${cycle.join(' -> ')}` });
      } else if (s === undefined) visit(e.to);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return problems;
}
