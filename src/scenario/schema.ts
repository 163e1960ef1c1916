// The zod schema of a scenario file, composed from every section's fields: names, types, units and defaults, with errors as data.
import { z } from 'zod';
import { strict } from './fields.js';
import { type Inner, type Level, type Section, type Shape, arrange } from './section.js';
import { SECTIONS } from './sections/index.js';

/** The schema of a scenario made of these sections. */
export function composeSchema(sections: readonly Section[]) {
  /** The fields every section adds at one level, in order; `inner` holds the schemas composed so far (a level holds only the ones below it). */
  const fieldsOf = (level: 'top' | 'service' | 'endpoint' | 'call', inner: Partial<Inner>): Shape => {
    const parts = sections.flatMap((s) => {
      const l: Level<unknown> | undefined = s[level];
      if (!l?.fields) return [];
      return [{ entries: Object.entries(typeof l.fields === 'function' ? l.fields(inner as Inner) : l.fields), at: l.fieldsAt }];
    });
    return Object.fromEntries(arrange(parts));
  };
  /** A call: `service`, `service.endpoint` or a mapping (`{ to, probability, ... }`). */
  const call = z.preprocess((v) => (typeof v === 'string' ? { to: v } : v), strict(fieldsOf('call', {})));
  /** A step: one call, or a list of calls run in parallel. */
  const step = z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(call).min(1));
  const endpointFields = fieldsOf('endpoint', { step });
  const endpoint = strict(endpointFields);
  /** A service: its own fields, then those of its one endpoint when it has no `endpoints`. */
  const service = strict({
    ...fieldsOf('service', { step, endpoint }),
    ...endpointFields,
    endpoints: z.record(z.string(), endpoint).optional(),
  });
  return strict(fieldsOf('top', { step, endpoint, service }));
}

export const scenarioSchema = composeSchema(SECTIONS);
