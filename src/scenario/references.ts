// Checks what a schema cannot: call targets exist, names are well formed, no call cycles, unique workloads.
import type { PathSegment, Problem } from './problems.js';
import { DEFAULT_ENDPOINT } from './spec.js';
import { suggest } from './suggest.js';

/** Names of services, endpoints, regions and datacenters. */
export const NAME = /^[A-Za-z0-9_-]+$/;
const NAME_HINT = 'a name of letters, digits, "-" and "_"';

export interface Target {
  service: string;
  endpoint: string;
}

export type Raw = Record<string, unknown>;
export const isMapping = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The endpoints of each service in raw scenario data (service-level cpu/calls make one "default" endpoint). */
export function endpointsOf(data: Raw): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!isMapping(data.services)) return out;
  for (const [name, svc] of Object.entries(data.services)) {
    const eps = isMapping(svc) && isMapping(svc.endpoints) ? Object.keys(svc.endpoints) : [DEFAULT_ENDPOINT];
    out.set(name, eps.length ? eps : [DEFAULT_ENDPOINT]);
  }
  return out;
}

/** Resolve `service` or `service.endpoint` against the known endpoints. */
export function resolveTarget(text: string, endpoints: Map<string, string[]>): Target | { expected: string; found: string; hint?: string } {
  const dot = text.indexOf('.');
  const service = dot < 0 ? text : text.slice(0, dot);
  const eps = endpoints.get(service);
  if (!eps) {
    return {
      expected: `a service (${[...endpoints.keys()].join(', ')})`,
      found: `"${service}", which is not a service`,
      hint: suggest(service, endpoints.keys(), 'did you mean "%s"?') || undefined,
    };
  }
  if (dot < 0) {
    if (eps.length === 1) return { service, endpoint: eps[0] };
    return {
      expected: `an endpoint: ${eps.map((e) => `${service}.${e}`).join(', ')}`,
      found: `"${text}" (${service} has ${eps.length} endpoints)`,
    };
  }
  const endpoint = text.slice(dot + 1);
  if (!eps.includes(endpoint)) {
    const named = eps.filter((e) => e !== DEFAULT_ENDPOINT);
    return {
      expected: named.length ? `an endpoint of ${service} (${named.join(', ')})` : `"${service}" (it has no named endpoints)`,
      found: `"${text}"`,
      hint: suggest(endpoint, named, `did you mean "${service}.%s"?`) || undefined,
    };
  }
  return { service, endpoint };
}

/** Every endpoint in raw scenario data (a service without `endpoints` is its own "default" endpoint), with its raw path. */
export function forEachEndpoint(data: Raw, visit: (at: Target, ep: Raw, path: PathSegment[]) => void): void {
  if (!isMapping(data.services)) return;
  for (const [service, svc] of Object.entries(data.services)) {
    if (!isMapping(svc)) continue;
    const eps: [string, unknown, PathSegment[]][] = isMapping(svc.endpoints)
      ? Object.entries(svc.endpoints).map(([e, v]) => [e, v, ['services', service, 'endpoints', e]])
      : [[DEFAULT_ENDPOINT, svc, ['services', service]]];
    for (const [endpoint, ep, path] of eps) if (isMapping(ep)) visit({ service, endpoint }, ep, path);
  }
}

/** Every call of every endpoint, with its raw path, resolved or not. */
export function forEachCall(data: Raw, visit: (from: Target, to: unknown, path: PathSegment[]) => void): void {
  forEachEndpoint(data, (from, ep, base) => {
    if (!Array.isArray(ep.calls)) return;
    ep.calls.forEach((step, i) => {
      const calls = Array.isArray(step)
        ? step.map((c, j) => [c, [...base, 'calls', i, j]] as const)
        : [[step, [...base, 'calls', i]] as const];
      for (const [c, path] of calls) {
        const to = isMapping(c) ? c.to : c;
        visit(from, to, isMapping(c) ? [...path, 'to'] : [...path]);
      }
    });
  });
}

export function checkReferences(data: Raw): Problem[] {
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
  forEachCall(data, (from, to, path) => {
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

  // workloads
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
    });
  }
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
