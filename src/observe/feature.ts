// What an observed feature owns: its collector, its report section with its summary lines, and its dashboard parts.
import type { z } from 'zod';
import type { ModelListener } from '../model/listener.js';
import type { Service } from '../model/service.js';
import type { World } from '../model/world.js';
import type { MetricsCollector } from './metrics.js';

/**
 * A feature's collector implements only the listener methods it needs: the
 * core collector calls, for each model event, the collectors that implement
 * its method and no others (see MetricsCollector).
 */
export type Collector = Partial<ModelListener>;

/** What a report section is built from, besides its collector. */
export interface ReportContext {
  readonly world: World;
  /** The core collector: requests, latency and service levels after the warm-up. */
  readonly metrics: MetricsCollector;
  /** The end of the measured window (the world's clock). */
  readonly nowMs: number;
}

/** The values of a report section with this zod shape. */
export type SectionOf<S extends z.ZodRawShape> = z.infer<z.ZodObject<S>>;

export interface ReportPart<S extends z.ZodRawShape, C> {
  /** The section's top-level keys of the report and their schemas. */
  readonly shape: S;
  /** Its values at the end of a run, in the report's key order. */
  build(collector: C, ctx: ReportContext): SectionOf<S>;
  /** Its lines of the plain-text summary, each block ending with a blank line; none when there is nothing to say. */
  summary?(section: SectionOf<S>): string[];
}

/** A line of the dashboard's event log. */
export interface LogLine {
  atMs: number;
  kind: 'info' | 'refused';
  text: string;
}

/** Two samples of a feature's counters (see LiveView.sample) and the simulated seconds between them. */
export interface RateWindow<S> {
  readonly first: S;
  readonly newest: S;
  readonly dSimS: number;
}

/** A feature's part of one live session: what it samples, logs and adds to the snapshot and to each service's row. */
export interface LiveView<S, F, R> {
  /** Cumulative counters, read when the session takes a sample: rates are differences between two samples. */
  sample?(): S;
  /** Log lines due since the last frame (`done`: the run is over, log everything). */
  log?(nowMs: number, done: boolean): LogLine[];
  /** Its fields of the snapshot. */
  fields?(window: RateWindow<S>): F;
  /** Its fields of a service's row. */
  serviceFields?(service: Service): R;
}

export interface LivePart<C, L, S, F, R> {
  /** What the dashboard shows beyond the report (counts from the start, warm-up included): a collector, or null when not needed. */
  collect?(world: World): L;
  /** Its view for a live session, over its report collector and its live one. */
  view(world: World, collector: C, live: L): LiveView<S, F, R>;
}

/**
 * An observed feature. `collect` gives its collector, or null when the world
 * does not use the feature (then it costs the run nothing). Its report section
 * is built from the collector at the end; its live part shows it on the dashboard.
 */
export interface Feature<N extends string, C, S extends z.ZodRawShape, L = null, VS = undefined, F = object, R = object> {
  readonly name: N;
  collect(world: World): C;
  readonly report: ReportPart<S, C>;
  readonly live?: LivePart<C, L, VS, F, R>;
}

/** A feature, its types inferred. */
export function defineFeature<N extends string, C, S extends z.ZodRawShape, L = null, VS = undefined, F = object, R = object>(
  feature: Feature<N, C, S, L, VS, F, R>,
): Feature<N, C, S, L, VS, F, R> {
  return feature;
}

// biome-ignore lint/suspicious/noExplicitAny: the widest feature, whatever its types
export type AnyFeature = Feature<string, any, z.ZodRawShape, any, any, any, any>;

/** The intersection of a union's members. */
export type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

type ViewOf<F> = F extends { readonly live?: { view(...args: never[]): infer V } } ? V : never;
type ViewFields<V> = V extends { fields?(...args: never[]): infer X } ? X : never;
type ViewServiceFields<V> = V extends { serviceFields?(...args: never[]): infer X } ? X : never;
type ReportShape<F> = F extends { readonly report: { readonly shape: infer S } } ? S : never;
/** The snapshot fields of some features (their views' `fields`), as one object type. */
export type FieldsOf<F> = UnionToIntersection<ViewFields<ViewOf<F>>>;
/** The service-row fields of some features (their views' `serviceFields`), as one object type. */
export type ServiceFieldsOf<F> = UnionToIntersection<ViewServiceFields<ViewOf<F>>>;
/** The report shapes of some features, as one shape. */
export type ShapeOf<F> = UnionToIntersection<ReportShape<F>>;
