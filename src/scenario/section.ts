// A section of the scenario language: one feature's fields, checks and build, composed by schema.ts, load.ts and build.ts.
import type { z } from 'zod';
import type { Problem } from './problems.js';
import type { Raw, Target } from './raw.js';

/** Zod fields by name, in the order messages list them ("expected one of the fields ..."). */
export type Shape = Record<string, z.ZodType>;

/** What zod gives back for a shape: the checked (and converted) input. */
export type Input<S extends Shape> = z.output<z.ZodObject<S>>;

/**
 * Where a section's fields, or its keys in the built spec, go among those of the sections before
 * it in SECTIONS: after them all, unless `after` or `before` names one (to keep an order messages
 * and `msim validate --json` have always had). A new feature's fields need neither.
 */
export interface Place {
  readonly after?: string;
  readonly before?: string;
}

/** The composed schemas a field may hold: a service (`services:`), an endpoint (`endpoints:`), a step of calls (`calls:`). */
export interface Inner {
  readonly service: z.ZodType;
  readonly endpoint: z.ZodType;
  readonly step: z.ZodType;
}

/** What build steps may use besides their input. */
export interface BuildContext {
  /** The raw data after overrides (names as written, endpoints of each service). */
  readonly data: Raw;
  /** The top-level keys the sections before this one built. */
  readonly spec: Readonly<Raw>;
  /** `service` or `service.endpoint` resolved (the checks made sure it resolves). */
  target(text: string): Target;
  /** A service, an endpoint or a call built by every section from its checked input. */
  service(input: Raw): Raw;
  endpoint(input: Raw): Raw;
  call(input: Raw): Raw;
}

/**
 * What a section adds at one level of a scenario (its top level, each service, each endpoint,
 * each call): fields, and keys of the built spec. The fields of an endpoint may also stand at
 * service level, for a service with one endpoint.
 */
export interface Level<Part> {
  readonly fields?: Shape | ((inner: Inner) => Shape);
  readonly fieldsAt?: Place;
  /**
   * This section's part of the spec at this level, from the checked input of one service, endpoint
   * or call (or of the whole scenario), and of the whole scenario (`top`). It must accept an input
   * that sets none of its fields: that is how the services other sections add (a shared cache's
   * nodes) get their value.
   */
  build?(input: Raw, top: Raw, ctx: BuildContext): Part;
  readonly builtAt?: Place;
}

/** The types of a section's parts of the spec, by level; spec.ts joins them into ScenarioSpec, ServiceSpec, EndpointSpec and CallSpec. */
export interface SpecParts {
  readonly top?: object;
  readonly service?: object;
  readonly endpoint?: object;
  readonly call?: object;
}

/** One feature of the scenario language. Register it in SECTIONS (sections/index.ts). */
export interface Section<P extends SpecParts = SpecParts> {
  readonly name: string;
  readonly top?: Level<P['top']>;
  readonly service?: Level<P['service']>;
  readonly endpoint?: Level<P['endpoint']>;
  readonly call?: Level<P['call']>;
  /** What a schema cannot check, on the raw data (after overrides): names, references. Runs even when the schema fails. */
  check?(data: Raw): Problem[];
  /** What a schema cannot check, on the whole checked input. Runs when the schema passed. */
  checkInput?(top: Raw, data: Raw): Problem[];
  /** What only the built spec shows (sizes that depend on everything). Runs when nothing else was found. */
  checkSpec?(spec: Raw): Problem[];
}

/**
 * Entries of several parts in one order: each part's after those of the parts before it, or where
 * its Place says. A key twice is a mistake in the sections (the same field in two of them).
 */
export function arrange<V>(parts: readonly { readonly entries: readonly (readonly [string, V])[]; readonly at?: Place }[]): [string, V][] {
  const out: [string, V][] = [];
  for (const { entries, at } of parts) {
    let index = out.length;
    const anchor = at?.after ?? at?.before;
    if (anchor !== undefined) {
      const i = out.findIndex(([k]) => k === anchor);
      if (i < 0) throw new Error(`internal: no field "${anchor}" to place ${entries.map(([k]) => k).join(', ')} by`);
      index = at?.after !== undefined ? i + 1 : i;
    }
    for (const [k] of entries) if (out.some(([o]) => o === k)) throw new Error(`internal: the field "${k}" is in two sections`);
    out.splice(index, 0, ...entries.map(([k, v]): [string, V] => [k, v]));
  }
  return out;
}
