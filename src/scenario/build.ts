// The frozen spec of a checked scenario, built by every section: each builds its part of the scenario and of each service, endpoint and call.
import { type Raw, endpointsOf, isMapping, resolveTarget } from './raw.js';
import { type BuildContext, type Level, type Section, arrange } from './section.js';
import { SECTIONS } from './sections/index.js';

/**
 * The spec of a scenario the schema and the checks passed (`top`: the schema's output; `data`: the
 * raw data it came from). Sections build in SECTIONS order and see the top-level keys built before
 * theirs; a key another section built that holds a record (`services`) gains their entries.
 */
export function buildSpec(top: Raw, data: Raw, sections: readonly Section[] = SECTIONS): Raw {
  const endpoints = endpointsOf(data);
  const spec: Raw = {};
  /** A service, endpoint or call: the parts of every section that builds one, in order. */
  const build = (level: 'service' | 'endpoint' | 'call') => (input: Raw) =>
    Object.fromEntries(
      arrange(
        sections.flatMap((s) => {
          const l: Level<unknown> | undefined = s[level];
          return l?.build ? [{ entries: Object.entries(l.build(input, top, ctx) as Raw), at: l.builtAt }] : [];
        }),
      ),
    );
  const ctx: BuildContext = {
    data,
    spec,
    target: (text) => {
      const r = resolveTarget(text, endpoints);
      if (!('service' in r)) throw new Error(`internal: unresolved target ${text}`);
      return r;
    },
    service: build('service'),
    endpoint: build('endpoint'),
    call: build('call'),
  };
  let keys: [string, string][] = [];
  for (const s of sections) {
    const l: Level<unknown> | undefined = s.top;
    if (!l?.build) continue;
    const fresh: [string, string][] = [];
    for (const [k, v] of Object.entries(l.build(top, top, ctx) as Raw)) {
      if (!(k in spec)) {
        fresh.push([k, k]);
        spec[k] = v;
      } else if (isMapping(spec[k]) && isMapping(v)) Object.assign(spec[k], v);
      else throw new Error(`internal: the spec key "${k}" is built by two sections`);
    }
    keys = arrange([{ entries: keys }, { entries: fresh, at: l.builtAt }]);
  }
  completeServices(spec.services as Record<string, Raw>, ctx);
  return Object.fromEntries(keys.map(([k]) => [k, spec[k]]));
}

/**
 * Services a section adds whole (a shared cache's nodes) get the fields of every other section,
 * as a service and endpoints that set none of them would: a new feature's fields reach them too.
 */
function completeServices(services: Record<string, Raw>, ctx: BuildContext): void {
  const blank = ctx.service({});
  const blankEndpoint = ctx.endpoint({});
  for (const [name, svc] of Object.entries(services)) {
    const eps = svc.endpoints as Record<string, Raw>;
    const fullEps = Object.fromEntries(Object.entries(eps).map(([e, ep]) => [e, complete(ep, blankEndpoint)]));
    const changed = Object.entries(fullEps).some(([e, ep]) => ep !== eps[e]);
    const full = complete(svc, blank);
    if (changed || full !== svc) services[name] = { ...full, endpoints: fullEps };
  }
}

/** `value` with the keys of `blank` it lacks (itself when it lacks none). */
function complete(value: Raw, blank: Raw): Raw {
  const missing = Object.keys(blank).filter((k) => !(k in value));
  return missing.length === 0 ? value : { ...value, ...Object.fromEntries(missing.map((k) => [k, blank[k]])) };
}
