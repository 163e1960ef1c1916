// Every section of the scenario language, in the order their checks run and their fields are listed: a new feature adds its own here.
import { admission } from './admission.js';
import { autoscale } from './autoscale.js';
import { caches } from './caches.js';
import { containers } from './containers.js';
import { core } from './core.js';
import { cost } from './cost.js';
import { fanout } from './fanout.js';
import { faults } from './faults.js';
import { resilience } from './resilience.js';
import { rpc } from './rpc.js';
import { sagas } from './sagas.js';
import { sizes } from './sizes.js';
import { slo } from './slo.js';
import { topics } from './topics.js';
import { topology } from './topology.js';
import { workloads } from './workloads.js';

/**
 * The sections, composed by schema.ts (fields), load.ts (checks) and build.ts (the spec), and
 * joined into the spec's types by spec.ts. Their checks run in this order (it decides the order
 * of problems on one line); their fields and spec keys follow it unless a section places them.
 *
 * A new feature writes sections/<feature>.ts, exporting a Section with its fields at each level
 * it adds to (the top level, services, endpoints, calls), its checks, its build and the types of
 * its parts of the spec, and adds it at the end of this list: nothing else changes.
 */
export const SECTIONS = [
  core,
  slo,
  workloads,
  topology,
  resilience,
  faults,
  caches,
  sizes,
  admission,
  rpc,
  topics,
  sagas,
  containers,
  cost,
  autoscale,
  fanout,
] as const;
