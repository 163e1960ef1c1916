// Autoscaling like the Kubernetes HPA: min/max, a target (utilization, in-flight requests or rps per replica), sync period, tolerance, behaviours; and a cold start.
import { z } from 'zod';
import type { DistSpec } from '../../engine/distributions.js';
import { distribution, duration, positiveInt, probability, strict } from '../fields.js';
import type { Problem } from '../problems.js';
import type { Raw } from '../raw.js';
import type { Input, Section } from '../section.js';

export type AutoscaleMetric = 'utilization' | 'inFlight' | 'rps';

/** One direction's behaviour: the stabilization window, and how much may change per period (the largest of the policies). */
export interface ScaleBehaviour {
  readonly stabilizationMs: number;
  /** Pods per period (null: no such policy). */
  readonly maxPods: number | null;
  /** A share of the replicas at the period's start (null: no such policy). */
  readonly maxPercent: number | null;
  readonly periodMs: number;
}

export interface AutoscaleSpec {
  readonly min: number;
  readonly max: number;
  readonly metric: AutoscaleMetric;
  /** utilization: a share of the cores (0.7); inFlight: requests per replica; rps: requests per second per replica. */
  readonly target: number;
  readonly everyMs: number;
  readonly tolerance: number;
  readonly scaleUp: ScaleBehaviour;
  readonly scaleDown: ScaleBehaviour;
}

/** Absent without autoscaling (the spec of other scenarios, and `msim validate --json`, stay as they were). */
export interface AutoscaleServicePart {
  readonly autoscale?: AutoscaleSpec;
  /** How long a replica the autoscaler adds takes to become ready (it takes no traffic meanwhile). */
  readonly coldStart?: DistSpec;
}

/** Kubernetes' defaults (autoscaling/v2): sync every 15 s, tolerance 10%; up: no window, max(4 pods, 100%) per 15 s; down: 300 s window, 100% per 15 s. */
export const HPA_DEFAULTS = {
  everyMs: 15_000,
  tolerance: 0.1,
  scaleUp: { stabilizationMs: 0, maxPods: 4, maxPercent: 1, periodMs: 15_000 },
  scaleDown: { stabilizationMs: 300_000, maxPods: null, maxPercent: 1, periodMs: 15_000 },
} as const;
/** A cold start when none is given: a few seconds (pull a cached image, start the process, pass the readiness probe). */
export const DEFAULT_COLD_START: DistSpec = { kind: 'constant', valueMs: 5000 } as DistSpec;

const behaviour = strict({
  stabilization: duration.optional(),
  maxPods: positiveInt.optional(),
  maxPercent: probability.optional(),
  period: duration.optional(),
});
const target = strict({
  utilization: probability.optional(),
  inFlight: z.number().gt(0).optional(),
  rps: z.number().gt(0).optional(),
});
const serviceFields = {
  autoscale: strict({
    min: positiveInt.optional(),
    max: positiveInt,
    target,
    every: duration.optional(),
    tolerance: probability.optional(),
    scaleUp: behaviour.optional(),
    scaleDown: behaviour.optional(),
  }).optional(),
  coldStart: distribution.optional(),
};
type ServiceInput = Input<typeof serviceFields>;
type BehaviourInput = z.infer<typeof behaviour>;

function buildBehaviour(b: BehaviourInput | undefined, d: ScaleBehaviour): ScaleBehaviour {
  if (b === undefined) return d;
  const policies = b.maxPods !== undefined || b.maxPercent !== undefined;
  return {
    stabilizationMs: b.stabilization ?? d.stabilizationMs,
    maxPods: policies ? (b.maxPods ?? null) : d.maxPods,
    maxPercent: policies ? (b.maxPercent ?? null) : d.maxPercent,
    periodMs: b.period ?? d.periodMs,
  };
}

export const autoscale: Section<{ service: AutoscaleServicePart }> = {
  name: 'autoscale',
  service: {
    fields: serviceFields,
    build: (svc: ServiceInput) => {
      const a = svc.autoscale;
      const out: { autoscale?: AutoscaleSpec; coldStart?: DistSpec } = {};
      if (a !== undefined) {
        const [metric, value] = Object.entries(a.target).find(([, v]) => v !== undefined) as [AutoscaleMetric, number];
        out.autoscale = {
          min: a.min ?? 1,
          max: a.max,
          metric,
          target: value,
          everyMs: a.every ?? HPA_DEFAULTS.everyMs,
          tolerance: a.tolerance ?? HPA_DEFAULTS.tolerance,
          scaleUp: buildBehaviour(a.scaleUp, HPA_DEFAULTS.scaleUp),
          scaleDown: buildBehaviour(a.scaleDown, HPA_DEFAULTS.scaleDown),
        };
      }
      if (svc.coldStart !== undefined) out.coldStart = svc.coldStart;
      return out;
    },
  },
  checkInput: checkAutoscale,
};

/** What the schema cannot see: min above max, a target that is not exactly one metric, or out of range; periods of 0. */
function checkAutoscale(top: Raw): Problem[] {
  const out: Problem[] = [];
  for (const [name, svc] of Object.entries((top.services ?? {}) as Record<string, ServiceInput>)) {
    const a = svc.autoscale;
    const at = ['services', name, 'autoscale'];
    if (svc.coldStart !== undefined && a === undefined) {
      out.push({
        path: ['services', name, 'coldStart'],
        expected: 'an autoscale: with it (the cold start is that of the replicas the autoscaler adds)',
        found: 'coldStart and no autoscale',
        atKey: true,
      });
    }
    if (a === undefined) continue;
    if (a.min !== undefined && a.min > a.max) {
      out.push({ path: [...at, 'min'], expected: `at most max (${a.max})`, found: String(a.min) });
    }
    const set = Object.entries(a.target).filter(([, v]) => v !== undefined);
    if (set.length !== 1) {
      out.push({
        path: [...at, 'target'],
        expected: 'exactly one of utilization, inFlight, rps',
        found: set.length === 0 ? 'none' : set.map(([k]) => k).join(' and '),
      });
    } else if (set[0][0] === 'utilization' && set[0][1] === 0) {
      out.push({ path: [...at, 'target', 'utilization'], expected: 'a share of the cores above 0, such as 70%', found: '0' });
    }
    if (a.every === 0) out.push({ path: [...at, 'every'], expected: 'a sync period above 0, such as 15s', found: '0' });
    for (const dir of ['scaleUp', 'scaleDown'] as const) {
      if (a[dir]?.period === 0) out.push({ path: [...at, dir, 'period'], expected: 'a period above 0, such as 15s', found: '0' });
      if (a[dir]?.maxPercent === 0) out.push({ path: [...at, dir, 'maxPercent'], expected: 'a share above 0, such as 100%', found: '0' });
    }
  }
  return out;
}
