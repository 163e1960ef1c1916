// What a service's replicas cost: `cost: { perReplicaHour }` in US dollars, paid for the time each replica is up.
import { z } from 'zod';
import { strict } from '../fields.js';
import type { Input, Section } from '../section.js';

/** Absent without a cost (so the spec of a scenario without one, and `msim validate --json`, stay as they were). */
export interface CostServicePart {
  readonly cost?: { readonly perReplicaHourUsd: number };
}

const serviceFields = { cost: strict({ perReplicaHour: z.number().min(0) }).optional() };
type ServiceInput = Input<typeof serviceFields>;

export const cost: Section<{ service: CostServicePart }> = {
  name: 'cost',
  service: {
    fields: serviceFields,
    build: (svc: ServiceInput) => (svc.cost === undefined ? {} : { cost: { perReplicaHourUsd: svc.cost.perReplicaHour } }),
  },
};
