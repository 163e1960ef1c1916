// Raw scenario data (after overrides, before the schema): mappings, names, endpoints, call targets.
import type { PathSegment } from './problems.js';
import { suggest } from './suggest.js';

/** Name of the endpoint that service-level `cpu`/`calls` define. */
export const DEFAULT_ENDPOINT = 'default';

/** Names of services, endpoints, regions and datacenters. */
export const NAME = /^[A-Za-z0-9_-]+$/;

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

/** The fields that say what a step's entry is: a call (`to`), or another kind of entry (a publish to a topic, the start of a saga). */
export const STEP_TARGETS: readonly string[] = ['to', 'publish', 'saga'];

/** Every call of every endpoint, with its raw path, resolved or not (and the raw entry). */
export function forEachCall(data: Raw, visit: (from: Target, to: unknown, path: PathSegment[], entry: unknown) => void): void {
  forEachEndpoint(data, (from, ep, base) => {
    if (!Array.isArray(ep.calls)) return;
    ep.calls.forEach((step, i) => {
      const calls = Array.isArray(step)
        ? step.map((c, j) => [c, [...base, 'calls', i, j]] as const)
        : [[step, [...base, 'calls', i]] as const];
      for (const [c, path] of calls) {
        const to = isMapping(c) ? c.to : c;
        visit(from, to, isMapping(c) ? [...path, 'to'] : [...path], c);
      }
    });
  });
}
