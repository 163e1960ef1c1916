// What a scenario adds up to: replicas, cores, caches and cache entries in all.
import { cacheEntries } from '../scenario/sections/caches.js';
import type { ScenarioSpec } from '../scenario/spec.js';

/** A scenario's totals: what a lesson's constraints name (`totals.cores <= 16`) and what the planner minimizes. */
export interface ScenarioTotals {
  /** Replicas of every service. */
  readonly replicas: number;
  /** Cores of every replica of every service. */
  readonly cores: number;
  /** Caches declared under `caches:`. */
  readonly caches: number;
  /** Entries every cache can hold, over all its copies: capacity x replicas using a local cache, or x nodes of a shared one. */
  readonly cacheEntries: number;
}

export function scenarioTotals(spec: ScenarioSpec): ScenarioTotals {
  const services = Object.values(spec.services);
  const caches = Object.values(spec.caches);
  return {
    replicas: services.reduce((n, s) => n + s.replicas, 0),
    cores: services.reduce((n, s) => n + s.replicas * s.cores, 0),
    caches: caches.length,
    cacheEntries: caches.reduce((n, c) => n + c.capacity * cacheEntries(c.name, spec).copies, 0),
  };
}
