// Container CPU limits: a service's replicas get a CFS quota of cpuLimit cores per period (cfsPeriod, 100ms by default).
import { z } from 'zod';
import { duration } from '../fields.js';
import type { Problem } from '../problems.js';
import { type Raw, isMapping } from '../raw.js';
import type { Input, Section } from '../section.js';

/** The Linux default: cpu.cfs_period_us = 100000. */
export const DEFAULT_CFS_PERIOD_MS = 100;

/** Both absent without a limit (so that the spec of a scenario without one, and `msim validate --json`, stay as they were). */
export interface ContainersServicePart {
  /** Cores of CPU quota per CFS period (Kubernetes' limits.cpu). */
  readonly cpuLimit?: number;
  /** The CFS period the quota is refilled at. */
  readonly cfsPeriodMs?: number;
}

const serviceFields = {
  cpuLimit: z.number().gt(0).optional(),
  cfsPeriod: duration.optional(),
};
type ServiceInput = Input<typeof serviceFields>;

export const containers: Section<{ service: ContainersServicePart }> = {
  name: 'containers',
  service: {
    fields: serviceFields,
    build: (svc: ServiceInput) =>
      svc.cpuLimit === undefined ? {} : { cpuLimit: svc.cpuLimit, cfsPeriodMs: svc.cfsPeriod ?? DEFAULT_CFS_PERIOD_MS },
  },
  check: checkContainers,
  checkInput: checkPeriods,
};

/** A period without a limit sets nothing. */
function checkContainers(data: Raw): Problem[] {
  const out: Problem[] = [];
  if (!isMapping(data.services)) return out;
  for (const [name, svc] of Object.entries(data.services)) {
    if (!isMapping(svc) || svc.cfsPeriod === undefined) continue;
    if (svc.cpuLimit === undefined) {
      out.push({
        path: ['services', name, 'cfsPeriod'],
        expected: 'a cpuLimit with it (the period is that of the CPU quota)',
        found: 'cfsPeriod and no cpuLimit',
        atKey: true,
      });
    }
  }
  return out;
}

/** A period of 0 gives no quota. */
function checkPeriods(top: Raw): Problem[] {
  const out: Problem[] = [];
  for (const [name, svc] of Object.entries((top.services ?? {}) as Record<string, ServiceInput>)) {
    if (svc.cfsPeriod === 0) out.push({ path: ['services', name, 'cfsPeriod'], expected: 'a period above 0, such as 100ms', found: '0' });
  }
  return out;
}
