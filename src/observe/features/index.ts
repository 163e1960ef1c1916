// The observed features, in one list: the collector, the report, the summary and the dashboard compose them from here.
import { autoscaler } from './autoscaler.js';
import { breakers } from './breakers.js';
import { caches } from './caches.js';
import { cost } from './cost.js';
import { calls } from './calls.js';
import { fanouts } from './fanouts.js';
import { faults } from './faults.js';
import { mixes } from './mixes.js';
import { network } from './network.js';
import { sagas } from './sagas.js';
import { slo } from './slo.js';
import { throttling } from './throttling.js';
import { topics } from './topics.js';

/**
 * Every observed feature, in the order of the report's sections (and of the
 * dashboard's log lines and row fields). A new feature is a module in this
 * folder and one entry here, at the end. The module (see ../feature.ts, and
 * caches.ts for a full example) defines, with defineFeature:
 * - collect(world): its collector, implementing only the ModelListener methods
 *   it needs (and counting after the warm-up itself), or null when the world
 *   does not use it: then no event reaches it;
 * - report: its top-level sections (a zod shape, then a builder of their
 *   values; they go after the others, before interventions) and summary lines;
 * - live (optional): a collector of what the dashboard shows beyond the report,
 *   and a view per live session: samples for rates, log lines, snapshot fields
 *   and fields of a service's row (their types reach Snapshot and ServiceRow).
 * A panel of its own on the dashboard is a component in src/ui over those fields.
 */
export const FEATURES = [
  calls,
  faults,
  breakers,
  network,
  caches,
  slo,
  topics,
  sagas,
  throttling,
  cost,
  autoscaler,
  fanouts,
  mixes,
] as const;

export type Features = (typeof FEATURES)[number];
