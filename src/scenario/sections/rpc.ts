// The cost of messages: CPU at each end per message and per KB, over TCP or shared memory, and the sizes of requests and responses.
import { z } from 'zod';
import { duration, strict } from '../fields.js';
import type { Input, Section } from '../section.js';

export type Transport = 'tcp' | 'shm';
export const TRANSPORTS: readonly Transport[] = ['tcp', 'shm'];

/** CPU a message costs at each end: `overhead + perKB x size`, for TCP and for shared memory. */
export interface RpcSpec {
  readonly overheadMs: number;
  readonly perKBMs: number;
  readonly shmOverheadMs: number;
  readonly shmPerKBMs: number;
}

export interface RpcScenarioPart {
  /** Null: messages cost no CPU. */
  readonly rpc: RpcSpec | null;
}

export interface RpcEndpointPart {
  /** Message sizes on the wire (KB): the request to this endpoint and its response. */
  readonly requestKB: number;
  readonly responseKB: number;
}

export interface RpcCallPart {
  /** tcp (default) or shm: shared memory to a replica in the same datacenter, no wire and no kernel stack. */
  readonly transport: Transport;
}

const transport = z.enum(TRANSPORTS as [string, ...string[]]);
const sizeKB = z.number().min(0);

const topFields = {
  rpc: strict({
    overhead: duration.optional(),
    perKB: duration.optional(),
    transport: transport.optional(),
    shm: strict({ overhead: duration.optional(), perKB: duration.optional() }).optional(),
  }).optional(),
};
const endpointFields = { requestKB: sizeKB.optional(), responseKB: sizeKB.optional() };
const callFields = { transport: transport.optional() };
type TopInput = Input<typeof topFields>;

export const rpc: Section<{ top: RpcScenarioPart; endpoint: RpcEndpointPart; call: RpcCallPart }> = {
  name: 'rpc',
  top: {
    fields: topFields,
    fieldsAt: { after: 'network' },
    build: ({ rpc }: TopInput) => ({
      rpc: rpc
        ? {
            overheadMs: rpc.overhead ?? 0,
            perKBMs: rpc.perKB ?? 0,
            // a copy through shared memory: about 1 us to hand over, 0.1 us a KB (memcpy at ~10 GB/s)
            shmOverheadMs: rpc.shm?.overhead ?? 0.001,
            shmPerKBMs: rpc.shm?.perKB ?? 0.0001,
          }
        : null,
    }),
  },
  endpoint: {
    fields: endpointFields,
    build: (e: Input<typeof endpointFields>) => ({ requestKB: e.requestKB ?? 0, responseKB: e.responseKB ?? 0 }),
  },
  call: {
    fields: callFields,
    fieldsAt: { after: 'locality' },
    // the scenario's transport is every call's default
    build: (c: Input<typeof callFields>, top: TopInput) => ({
      transport: ((c.transport ?? top.rpc?.transport) as Transport | undefined) ?? 'tcp',
    }),
    builtAt: { after: 'locality' },
  },
};
