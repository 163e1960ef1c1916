// The core of a scenario: services, endpoints and calls; the checks a schema cannot make of them.
import type { PathSegment, Problem } from '../problems.js';
import { NAME, type Raw, endpointsOf, forEachCall, isMapping, resolveTarget } from '../raw.js';

const NAME_HINT = 'a name of letters, digits, "-" and "_"';

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
