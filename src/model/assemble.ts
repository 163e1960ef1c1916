// Assembly: turns a scenario spec and a seed into the model's parts, once, wired through their ports; returns the World.
import { createSampler } from '../engine/distributions.js';
import { RandomStreams } from '../engine/rng.js';
import type { RetrySpec, ScenarioSpec } from '../scenario/spec.js';
import { Actuators } from './actuators.js';
import { Broker } from './broker.js';
import { type CacheCalls, CacheLevel, type CacheWork } from './cache.js';
import { Calls } from './calls.js';
import { ModelContext } from './context.js';
import { FaultSchedule } from './faults.js';
import { CacheNodeFlow, CachedFlow } from './flows/cached.js';
import { PlainFlow } from './flows/plain.js';
import { FanOutSite } from './flows/fanout.js';
import { StepRunner } from './flows/steps.js';
import { KeySource } from './key-space.js';
import type { ModelListener } from './listener.js';
import { Network, buildLocations } from './network.js';
import { CallGear, type CallPolicy, Edge, HedgeDelay } from './resilience.js';
import { Router } from './router.js';
import { type Call, Endpoint, type ReplicaHooks, Service } from './service.js';
import { Workload } from './workload.js';
import { Autoscaler } from './controllers/autoscaler.js';
import { World } from './world.js';
import { SagaFlow } from './flows/saga.js';
import { SagaDef } from './saga.js';
import { SAGA_EVENTS, sagaMachine } from './saga.machine.js';
import { StatechartTable } from './statechart.js';
import type { SagaCallSpec } from '../scenario/sections/sagas.js';
import type { EndpointSpec } from '../scenario/spec.js';
import type { FanOutSpec } from '../scenario/sections/fanout.js';

export interface AssembleOptions {
  seed?: number;
  listener?: ModelListener;
}

/**
 * Build the model: services and their replicas, endpoints with their calls
 * resolved (RPC costs, resilience policies, edges), each endpoint's request
 * flow (plain steps, a cached lookup, a cache node), the breakers and
 * bulkheads of every calling replica by call site, caches and key spaces,
 * workloads, the router, the actuators and the fault schedule. Nothing is
 * looked up by name while the model runs.
 */
export function assemble(spec: ScenarioSpec, options: AssembleOptions = {}): World {
  const seed = options.seed ?? spec.seed;
  const streams = new RandomStreams(seed);
  const locations = buildLocations(spec.regions);
  const locationById = new Map(locations.map((l) => [l.id, l]));
  const network = spec.network ? new Network(spec.network, Object.keys(spec.regions), streams) : null;

  // replicas added or killed while the model runs: the parts that keep state per replica hear of it
  const caches: CacheLevel[] = [];
  let gear: CallGear | null = null;
  let broker: Broker | null = null;
  const hooks: ReplicaHooks = {
    added: (replica) => {
      gear!.equip(replica);
      broker?.replicaAdded(replica);
    },
    killed: (replica) => {
      for (const level of caches) level.drop(replica);
      broker?.replicaKilled(replica);
    },
    restarted: (replica) => {
      broker?.replicaAdded(replica);
    },
  };
  const ctx = new ModelContext(seed, streams, spec.warmupMs, spec.durationMs, spec.discoveryDelayMs, locations.length, hooks);
  if (options.listener) ctx.listener = options.listener;
  const router = new Router(ctx, network);
  ctx.router = router;

  const services = Object.entries(spec.services).map(([name, s], i) => {
    const placement = s.placement.flatMap((p) => Array.from({ length: p.replicas }, () => locationById.get(p.location)!));
    return new Service(name, i, s, placement[0], placement, ctx, streams);
  });
  const byName = new Map(services.map((s) => [s.name, s]));
  ctx.allReplicas = () => services.flatMap((s) => s.replicas);
  // topics and their consumer groups (none without topics: then nothing of them runs)
  broker = Broker.build(
    spec.topics,
    ctx,
    network,
    streams,
    (id) => locationById.get(id)!,
    (name) => byName.get(name)!,
  );

  const edges: Edge[] = [];
  /** The edge between two services (one per pair; the first retry policy seen sets its budget and bucket). */
  const edge = (from: Service, to: Service, retry: RetrySpec | null): Edge => {
    const found = edges.find((e) => e.from === from && e.to === to);
    if (found) return found;
    const e = new Edge(edges.length, from, to, retry);
    edges.push(e);
    return e;
  };

  // calls are resolved once all services exist
  const rpc = spec.rpc;
  const rpcMs = (bytes: number, shm: boolean) =>
    rpc === null ? 0 : shm ? rpc.shmOverheadMs + (rpc.shmPerKBMs * bytes) / 1024 : rpc.overheadMs + (rpc.perKBMs * bytes) / 1024;
  // a saga runs at its orchestrator as an endpoint of its own (`saga:<name>`), whose flow runs its steps
  const sagaTargets = new Map(
    Object.entries(spec.sagas).map(([name, s]) => {
      const svc = byName.get(s.orchestrator)!;
      return [name, { service: svc, endpoint: new Endpoint(svc, `saga:${name}`, SAGA_ENDPOINT, streams) }];
    }),
  );
  /** By service index: its calls with a breaker or a bulkhead (call sites), in order. */
  const sites: Call[][] = [];
  for (const svc of services) {
    const svcSites: Call[] = [];
    sites.push(svcSites);
    for (const [epName, ep] of svc.endpoints) {
      ep.chargesRpc = rpc !== null;
      ep.serveRpcMs = rpcMs(ep.requestBytes, false) + rpcMs(ep.responseBytes, false);
      ep.serveShmRpcMs = rpcMs(ep.requestBytes, true) + rpcMs(ep.responseBytes, true);
      for (const step of svc.spec.endpoints[epName].steps) {
        const calls = step.map((c): Call => {
          if (c.publish !== null) {
            const index = ep.calls.length + step.indexOf(c);
            // a publish: the producer's request goes to the broker, its ack comes back; it calls no service
            return {
              kind: 'publish',
              service: svc,
              endpoint: ep,
              probability: c.probability,
              locality: 'none',
              transport: 'tcp',
              index,
              callerRpcMs: rpcMs(ep.requestBytes, false),
              awaited: true,
              policy: null,
              topic: broker!.topics.find((t) => t.name === c.publish)!,
            };
          }
          const saga = c.saga === null ? null : sagaTargets.get(c.saga)!;
          const callee = saga?.service ?? byName.get(c.service)!;
          const target = saga?.endpoint ?? callee.endpoints.get(c.endpoint)!;
          const shm = c.transport === 'shm';
          const index = ep.calls.length + step.indexOf(c);
          const site = c.breaker !== null || c.bulkhead !== null ? svcSites.length : -1;
          const plain =
            (c.timeoutMs === null &&
              c.retry === null &&
              c.breaker === null &&
              c.hedge === null &&
              c.bulkhead === null &&
              c.fallback === null) ||
            c.mode === 'async';
          const policy: CallPolicy | null = plain
            ? null
            : {
                timeoutMs: c.timeoutMs,
                retry: c.retry,
                breaker: c.breaker,
                hedge: c.hedge === null ? null : new HedgeDelay(c.hedge),
                fallback:
                  c.fallback === null
                    ? null
                    : createSampler(c.fallback.cpu, streams.stream(`call:${svc.name}.${epName}[${index}]:fallback`)),
                bulkhead: c.bulkhead,
                edge: edge(svc, callee, c.retry),
                rng: streams.stream(`call:${svc.name}.${epName}[${index}]:retry`),
                site,
              };
          const call: Call = {
            kind: saga === null ? 'call' : 'saga',
            policy,
            service: callee,
            endpoint: target,
            probability: c.probability,
            locality: shm ? 'datacenter' : (c.locality ?? callee.locality),
            transport: c.transport,
            index,
            callerRpcMs: (rpcMs(target.requestBytes, shm) + rpcMs(target.responseBytes, shm)) * copiesOf(c.fanout, callee),
            awaited: c.mode !== 'async',
            // a call made several times at once: only then the field exists
            ...(c.fanout === null ? {} : { fanout: new FanOutSite(c.fanout, svc, callee) }),
          };
          if (site >= 0) svcSites.push(call);
          return call;
        });
        ep.steps.push(calls);
        ep.calls.push(...calls);
      }
    }
  }
  gear = new CallGear(ctx, sites);
  ctx.gear = gear;
  for (const svc of services) for (const r of svc.replicas) gear.equip(r);

  // request flows, caches and key spaces
  const caller = new Calls(ctx);
  const steps = new StepRunner(caller, ctx);
  const plain = new PlainFlow(steps);
  for (const c of Object.values(spec.caches)) {
    const nodes = c.kind === 'shared' ? byName.get(c.name)! : null;
    const level = new CacheLevel(caches.length, c, nodes, ctx, streams);
    caches.push(level);
    if (nodes === null) continue;
    // a shared cache's key lives on one node: its requests go there, not where the balancer would send them
    nodes.shardKey = (span) => (span.parent!.flowState as CacheWork).key;
    const nodeFlow = new CacheNodeFlow(level, steps);
    for (const ep of nodes.endpoints.values()) ep.flow = nodeFlow;
  }
  const keyOffsets = new Map<string, number>();
  let offset = 0;
  for (const k of Object.values(spec.keys)) {
    keyOffsets.set(k.name, offset);
    offset += k.count;
  }
  /** A caller endpoint's get (with the cache's timeout), set and del calls to a shared cache's nodes. */
  const cacheCalls = (callerService: Service, epName: string, level: CacheLevel): CacheCalls => {
    const nodes = level.service!;
    const timeoutMs = level.spec.timeoutMs;
    const call = (endpoint: string, withTimeout: boolean): Call => ({
      kind: 'call',
      service: nodes,
      endpoint: nodes.endpoints.get(endpoint)!,
      probability: 1,
      locality: 'none',
      transport: 'tcp',
      index: -1,
      callerRpcMs: 0,
      // a fill or a write goes out as the request ends: nobody waits for its answer
      awaited: endpoint === 'get',
      policy:
        withTimeout && timeoutMs !== null
          ? ({
              timeoutMs,
              retry: null,
              breaker: null,
              hedge: null,
              fallback: null,
              bulkhead: null,
              edge: edge(callerService, nodes, null),
              rng: streams.stream(`call:${callerService.name}.${epName}:cache:${level.name}`),
              site: -1,
            } satisfies CallPolicy)
          : null,
    });
    return { get: call('get', true), set: call('set', false), del: call('del', false) };
  };
  for (const svc of services) {
    for (const [epName, ep] of svc.endpoints) {
      const es = svc.spec.endpoints[epName];
      if (es.keys !== null) ep.keys = new KeySource(spec.keys[es.keys], keyOffsets.get(es.keys)!, streams, `${svc.name}.${epName}`);
      if (svc.shardKey !== null) continue; // a cache node: its flow is set
      if (es.cache.length === 0) {
        ep.flow = plain;
        continue;
      }
      const levels = es.cache.map((name) => caches.find((c) => c.name === name)!);
      const calls = levels.map((level) => (level.service === null ? null : cacheCalls(svc, epName, level)));
      ep.flow = new CachedFlow(ep, levels, calls, es.onWrite, steps, caller);
    }
  }

  // sagas: their steps as calls from the orchestrator, their lifecycle's table, their endpoints' flows
  const lifecycle = new StatechartTable(sagaMachine, SAGA_EVENTS);
  const sagaCall = (from: Service, c: SagaCallSpec, stream: string): Call => {
    const callee = byName.get(c.service)!;
    return {
      kind: 'call',
      service: callee,
      endpoint: callee.endpoints.get(c.endpoint)!,
      probability: 1,
      locality: c.locality ?? callee.locality,
      transport: c.transport,
      index: -1,
      callerRpcMs: 0,
      awaited: true,
      policy:
        c.timeoutMs === null && c.retry === null
          ? null
          : ({
              timeoutMs: c.timeoutMs,
              retry: c.retry,
              breaker: null,
              hedge: null,
              fallback: null,
              bulkhead: null,
              edge: edge(from, callee, c.retry),
              rng: streams.stream(stream),
              site: -1,
            } satisfies CallPolicy),
    };
  };
  const sagas = Object.entries(spec.sagas).map(([name, s], i) => {
    const { service: orchestrator, endpoint } = sagaTargets.get(name)!;
    const steps = s.steps.map((st, j) => ({
      kind: st.kind,
      name: `${st.action.service}.${st.action.endpoint}`,
      action: sagaCall(orchestrator, st.action, `saga:${name}[${j}]:action`),
      compensate: st.compensate === null ? null : sagaCall(orchestrator, st.compensate, `saga:${name}[${j}]:compensate`),
    }));
    const def = new SagaDef(name, i, orchestrator, steps, s.compensation, lifecycle);
    endpoint.flow = new SagaFlow(def, caller, ctx);
    orchestrator.endpoints.set(endpoint.name, endpoint);
    return def;
  });
  const sagaTimeouts = sagas.some((d) =>
    d.steps.some((st) => [st.action, st.compensate].some((c) => (c?.policy as CallPolicy | null | undefined)?.timeoutMs != null)),
  );

  const hasTimeouts =
    services.some((s) =>
      [...s.endpoints.values()].some((e) =>
        e.calls.some((c) => (c.policy as CallPolicy | null)?.timeoutMs != null || (c.policy as CallPolicy | null)?.hedge != null),
      ),
    ) || caches.some((c) => c.service !== null && c.spec.timeoutMs !== null);
  const workloads = spec.workloads.map((w, i) => {
    const entry = byName.get(w.service)!;
    const workload = new Workload(w, i, entry, locationById.get(w.from)!, ctx, streams);
    if (w.mix !== null)
      workload.setMix(
        w.mix.map((m) => ({
          service: byName.get(m.service)!,
          endpoint: byName.get(m.service)!.endpoints.get(m.endpoint)!,
          weight: m.weight,
        })),
        streams.stream(`workload:${w.name}:mix`),
      );
    return workload;
  });
  const actuators = new Actuators({ services, workloads, caches, router, network, gear });
  const registry = { services, service: (name: string) => byName.get(name)! };
  const faultSchedule = new FaultSchedule(ctx.sim, registry, actuators, spec.faults, streams);
  const autoscalers = services.flatMap((s) =>
    s.spec.autoscale === undefined ? [] : [new Autoscaler(s, s.spec.autoscale, ctx.sim, actuators, streams)],
  );
  return new World(spec, {
    ctx,
    services,
    workloads,
    caches,
    edges,
    locations,
    network,
    router,
    gear,
    actuators,
    faultSchedule,
    hasTimeouts: hasTimeouts || sagaTimeouts,
    keyOffsets,
    broker,
    sagas,
    autoscalers,
  });
}

/** Copies of a call each time it is made: its count, or (each: replica) the callee's replicas at the start. */
function copiesOf(fanout: FanOutSpec | null, callee: Service): number {
  return fanout === null ? 1 : fanout.each ? callee.replicas.length : fanout.count;
}

/** The endpoint a saga runs as at its orchestrator: no CPU or errors of its own (its steps are calls), empty messages. */
const SAGA_ENDPOINT = { cpu: { kind: 'constant', valueMs: 0 }, errors: 0, requestKB: 0, responseKB: 0 } as unknown as EndpointSpec;
