// Offered load by theory, before simulating: request rates through the call graph and the caches, CPU utilization per service.
import { distMeanMs } from '../engine/distributions.js';
import { formatCount, formatMs, formatPercent } from '../observe/format.js';
import type { CallSpec, EndpointSpec, RpcSpec, ScenarioSpec, ServiceSpec, WorkloadSpec } from '../scenario/spec.js';
import { rateAt } from '../model/workload.js';
import { type KeyGroups, keyGroups, lruLevel } from './cache-estimate.js';

export interface ServiceLoad {
  readonly replicas: number;
  readonly cores: number;
  /** Requests arriving per second, all endpoints (a shared cache's nodes: its gets, sets and dels). */
  readonly offeredPerSec: number;
  /** The part of offeredPerSec caused by open-loop workloads (a closed loop holds itself back). */
  readonly openPerSec: number;
  /** The part of cpuMsPerSec caused by open-loop workloads. */
  readonly openCpuMsPerSec: number;
  /** CPU demanded per second, in ms: business logic, local cache lookups and RPC messages. */
  readonly cpuMsPerSec: number;
  /** cpuMsPerSec / (1000 x replicas x cores); at 1 or more the service cannot keep up. */
  readonly utilization: number;
  /** Waiting requests have no bound at a replica (no concurrency limit or no queue limit). */
  readonly unboundedQueue: boolean;
}

export interface LoadEstimate {
  /** Per service, in file order. */
  readonly services: Readonly<Record<string, ServiceLoad>>;
  /** Requests per second per `service.endpoint` (before its caches). */
  readonly endpointsPerSec: Readonly<Record<string, number>>;
  /** Hit ratio per cache and calling endpoint (`cache@service.endpoint`), from Che's approximation. */
  readonly cacheHitRatios: Readonly<Record<string, number>>;
  /** Closed-loop workloads with no think time whose requests need no CPU: they loop without simulated time passing. */
  readonly zeroDelayLoops: readonly string[];
}

interface Tally {
  offeredPerSec: number;
  openPerSec: number;
  cpuMsPerSec: number;
  openCpuMsPerSec: number;
}

/** CPU demanded of a service, and the part of it open-loop workloads cause. */
function demand(t: Tally, cpuMsPerSec: number, open: boolean): void {
  t.cpuMsPerSec += cpuMsPerSec;
  if (open) t.openCpuMsPerSec += cpuMsPerSec;
}

/** The CPU one message costs at one end, with rpc costs. */
export function rpcMs(rpc: RpcSpec, kb: number, shm: boolean): number {
  return shm ? rpc.shmOverheadMs + rpc.shmPerKBMs * kb : rpc.overheadMs + rpc.perKBMs * kb;
}

/**
 * Offered load at the workloads' peak rates (closed loops at users / mean
 * think time, their most). Each endpoint's requests run its CPU and, unless
 * they fail (`errors`), its calls with their probabilities; an endpoint with
 * caches sends only its misses (by Che's approximation) and its writes to its
 * origin. A service over its capacity passes on only what it can serve (a
 * share 1 / utilization of its requests), so the services behind it see that
 * much: the estimate iterates to a fixed point. Not counted: retries, hedges,
 * timeouts cutting work short, faults, and coalesced misses; so the figures are
 * the load of a healthy run.
 */
export function estimateLoad(spec: ScenarioSpec): LoadEstimate {
  const names = Object.keys(spec.services);
  const unthrottled = new Map(names.map((n) => [n, 1]));
  const sources = spec.workloads.map((w): Source => {
    const a = w.arrivals;
    if (a.kind !== 'closed') return { workload: w, ratePerSec: Math.max(a.ratePerSec, ...w.schedule.map((p) => p.ratePerSec)), open: true };
    // a closed loop sends at most users / (think time + the CPU one request needs, with no queueing)
    const alone = estimateWith(spec, unthrottled, [{ workload: w, ratePerSec: 1, open: false }]);
    const cpuMsPerRequest = Object.values(alone.services).reduce((sum, s) => sum + s.cpuMsPerSec, 0);
    const cycleMs = distMeanMs(a.think) + cpuMsPerRequest;
    return { workload: w, ratePerSec: cycleMs > 0 ? (1000 * a.users) / cycleMs : Infinity, open: false };
  });
  let pass = unthrottled;
  let result = estimateWith(spec, pass, sources);
  for (let i = 0; i < 100; i++) {
    const next = new Map(names.map((n) => [n, result.services[n].utilization > 1 ? 1 / result.services[n].utilization : 1]));
    if (names.every((n) => Math.abs(next.get(n)! - pass.get(n)!) <= 1e-12 * pass.get(n)!)) break;
    pass = next;
    result = estimateWith(spec, pass, sources);
  }
  return { ...result, zeroDelayLoops: sources.filter((src) => src.ratePerSec === Infinity).map((src) => src.workload.name) };
}

/** Where requests come from: a workload at its peak rate. */
interface Source {
  workload: WorkloadSpec;
  ratePerSec: number;
  open: boolean;
}

/** One pass of the estimate: each service passes on `pass` of what reaches it to the services it calls. */
function estimateWith(
  spec: ScenarioSpec,
  pass: ReadonlyMap<string, number>,
  sources: readonly Source[],
): Omit<LoadEstimate, 'zeroDelayLoops'> {
  const tallies = new Map<string, Tally>(
    Object.keys(spec.services).map((s) => [s, { offeredPerSec: 0, openPerSec: 0, cpuMsPerSec: 0, openCpuMsPerSec: 0 }]),
  );
  const endpointsPerSec: Record<string, number> = {};
  const cacheHitRatios: Record<string, number> = {};
  const groupsBySpace = new Map<string, KeyGroups>();
  const groupsOf = (space: string) => {
    let g = groupsBySpace.get(space);
    if (!g) groupsBySpace.set(space, (g = keyGroups(spec.keys[space].count, spec.keys[space].popularity)));
    return g;
  };
  const rpc = spec.rpc;

  const arrive = (service: string, endpoint: string, ratePerSec: number, open: boolean, shm: boolean): void => {
    if (!(ratePerSec > 0)) return;
    const t = tallies.get(service)!;
    t.offeredPerSec += ratePerSec;
    if (open) t.openPerSec += ratePerSec;
    const id = `${service}.${endpoint}`;
    endpointsPerSec[id] = (endpointsPerSec[id] ?? 0) + ratePerSec;
    const ep = spec.services[service].endpoints[endpoint];
    if (ep.cache.length === 0) {
      origin(service, ep, ratePerSec, open, shm);
      return;
    }
    // through the caches: reads look up level by level; misses at every level and writes reach the origin
    const writeShare = ep.keys === null ? 0 : spec.keys[ep.keys].writes;
    let reaching = ratePerSec * (1 - writeShare);
    let groups = groupsOf(ep.keys!);
    for (const name of ep.cache) {
      const c = spec.caches[name];
      const copies = c.kind === 'local' ? spec.services[service].replicas : 1;
      const capacity = c.kind === 'local' ? c.entriesPerCopy : c.entriesPerCopy * spec.services[name].replicas;
      const level = lruLevel(groups, capacity, c.ttlMs, reaching / copies / 1000);
      cacheHitRatios[`${name}@${id}`] = level.hitRatio;
      if (c.kind === 'local') demand(t, reaching * distMeanMs(c.hit), open);
      else {
        arrive(name, 'get', reaching, open, false);
        arrive(name, 'set', reaching * level.missRatio, open, false); // a fill
      }
      reaching *= level.missRatio;
      groups = level.missed;
    }
    const writes = ratePerSec * writeShare;
    for (const name of ep.cache)
      if (spec.caches[name].kind === 'shared')
        arrive(name, (ep.onWrite ?? spec.caches[name].onWrite) === 'update' ? 'set' : 'del', writes, open, false);
    origin(service, ep, reaching + writes, open, shm);
  };

  /** The endpoint's own work: CPU (with its RPC costs), then its calls unless it fails. */
  const origin = (service: string, ep: EndpointSpec, ratePerSec: number, open: boolean, shm: boolean): void => {
    const t = tallies.get(service)!;
    let cpuMs = distMeanMs(ep.cpu);
    if (rpc !== null) cpuMs += rpcMs(rpc, ep.requestKB, shm) + rpcMs(rpc, ep.responseKB, shm);
    demand(t, ratePerSec * cpuMs, open);
    const going = ratePerSec * pass.get(service)! * (1 - ep.errors);
    for (const step of ep.steps) {
      for (const call of step) {
        const rate = going * call.probability * copiesPerCall(spec, call);
        if (call.publish !== null) {
          // a publish: every consumer group of the topic handles each message (first deliveries only)
          for (const c of spec.topics[call.publish].consumers) arrive(c.service, c.endpoint, rate, true, false);
          continue;
        }
        if (call.saga !== null) {
          // a saga: its orchestrator calls each step's action in turn (at most this rate: a failure stops it)
          for (const st of spec.sagas[call.saga].steps)
            arrive(st.action.service, st.action.endpoint, rate, open, st.action.transport === 'shm');
          continue;
        }
        if (rpc !== null) demand(t, rate * callerRpcMs(rpc, spec, call), open);
        arrive(call.service, call.endpoint, rate, open, call.transport === 'shm');
      }
    }
  };

  for (const { workload, ratePerSec, open } of sources)
    for (const t of entriesOf(workload)) arrive(t.service, t.endpoint, ratePerSec * t.weight, open, false);

  const services: Record<string, ServiceLoad> = {};
  for (const [name, s] of Object.entries(spec.services)) {
    const t = tallies.get(name)!;
    services[name] = {
      replicas: s.replicas,
      cores: s.cores,
      offeredPerSec: t.offeredPerSec,
      openPerSec: t.openPerSec,
      openCpuMsPerSec: t.openCpuMsPerSec,
      cpuMsPerSec: t.cpuMsPerSec,
      utilization: t.cpuMsPerSec === 0 ? 0 : t.cpuMsPerSec / (1000 * s.replicas * s.cores),
      unboundedQueue: s.concurrency === null || s.queue === null,
    };
  }
  return { services, endpointsPerSec, cacheHitRatios };
}

/** The CPU a call's two messages cost its caller (the request sent, the answer received). */
export function callerRpcMs(rpc: RpcSpec, spec: ScenarioSpec, call: CallSpec): number {
  const target = spec.services[call.service].endpoints[call.endpoint];
  const shm = call.transport === 'shm';
  return rpcMs(rpc, target.requestKB, shm) + rpcMs(rpc, target.responseKB, shm);
}

/** How a utilization reads: 87%, or 1.3k x capacity when far over. */
function share(u: number): string {
  return u >= 10 ? `${formatCount(u)}x its capacity` : `${formatPercent(u, 0)} of its capacity`;
}

/**
 * Warnings about the load a scenario offers: a service at or over 100% whose
 * queue is unbounded grows until the run ends (or the in-system bound stops
 * it); with a bounded queue the excess is rejected. One line each, naming the
 * service and its utilization.
 */
export function loadWarnings(spec: ScenarioSpec, estimate: LoadEstimate = estimateLoad(spec)): string[] {
  const out: string[] = estimate.zeroDelayLoops.map(
    (w) =>
      `workload ${w}: a closed loop with no think time whose requests take no CPU: its users send again at the same instant, forever (the run stops when 10M events pass at one instant)`,
  );
  const peak = spec.workloads.some((w) => w.schedule.length > 0) ? " at the workloads' peak rates" : '';
  for (const [name, s] of Object.entries(estimate.services)) {
    if (!(s.utilization >= 1) || s.offeredPerSec === Infinity) continue;
    const svc: ServiceSpec = spec.services[name];
    const demand = Number.isFinite(s.cpuMsPerSec)
      ? `${formatCount(s.offeredPerSec)} requests/s needing ${formatMs(s.cpuMsPerSec / Math.max(s.offeredPerSec, 1e-12))} of CPU each on ${svc.replicas} replica${svc.replicas === 1 ? '' : 's'} x ${svc.cores} core${svc.cores === 1 ? '' : 's'}`
      : 'its mean CPU demand is infinite (a heavy-tailed distribution without a mean)';
    if (s.unboundedQueue && s.openPerSec > 0) {
      out.push(
        `${name}: offered load is ${share(s.utilization)}${peak} (${demand}) and its queue is unbounded: requests pile up for as long as that lasts (a run stops when the requests in the system pass --max-in-system)`,
      );
    } else if (s.unboundedQueue) {
      out.push(`${name}: offered load is ${share(s.utilization)} (${demand}): its closed-loop users will wait in its queue`);
    } else {
      out.push(
        `${name}: offered load is ${share(s.utilization)}${peak} (${demand}); its queue is bounded, so about ${formatPercent(1 - 1 / s.utilization, 0)} of its requests will be rejected`,
      );
    }
  }
  const requests = expectedRequests(spec);
  if (requests > LONG_RUN_REQUESTS && requests <= MAX_RUN_REQUESTS) {
    const hours = requests / 1e6 / 3600;
    out.push(
      `about ${formatCount(requests)} workload requests in ${formatCount(spec.durationMs / 1000)}s simulated: at a million a second of wall time (fast for msim) that takes ${hours >= 1 ? `${formatCount(hours)} hours` : `${formatCount(hours * 60)} minutes`}; a shorter --duration shows the same behaviour sooner`,
    );
  }
  return out;
}

/** Workload requests in a run before its length is worth a warning (about 8 minutes at a million a second). */
const LONG_RUN_REQUESTS = 5e8;
/** Workload requests a run may have at most: about a day of wall time at a million a second. */
export const MAX_RUN_REQUESTS = 1e11;

/**
 * The open-loop workload requests a run will send: each workload's rate
 * integrated over the run. Between the schedule's breakpoints (its points and
 * the ends of their ramps) the rate is linear, so the midpoint rule is exact.
 */
export function expectedRequests(spec: ScenarioSpec): number {
  let total = 0;
  for (const w of spec.workloads) {
    const a = w.arrivals;
    if (a.kind === 'closed') continue;
    const cuts = [0, spec.durationMs, ...w.schedule.flatMap((p) => [p.atMs, p.atMs + p.rampMs])].filter(
      (t) => t >= 0 && t <= spec.durationMs,
    );
    cuts.sort((x, y) => x - y);
    for (let i = 1; i < cuts.length; i++) {
      const lengthMs = cuts[i] - cuts[i - 1];
      if (lengthMs > 0) total += (lengthMs / 1000) * rateAt(a.ratePerSec, w.schedule, cuts[i - 1] + lengthMs / 2);
    }
  }
  return total;
}

/** Refuse a run that could not end in reasonable time (over MAX_RUN_REQUESTS workload requests); null when it can. */
export function runLengthProblem(spec: ScenarioSpec): { expected: string; found: string } | null {
  const requests = expectedRequests(spec);
  if (!(requests > MAX_RUN_REQUESTS)) return null;
  return {
    expected:
      'a run of at most 1e11 workload requests (about a day of wall time at a million a second): a shorter duration or lower rates show the same behaviour',
    found: `about ${formatCount(requests)} in ${formatCount(spec.durationMs / 1000)}s simulated`,
  };
}

/** Copies of a call each time it is made: its count, one per replica of the callee (each: replica), else 1. */
export function copiesPerCall(spec: ScenarioSpec, call: CallSpec): number {
  const f = call.fanout;
  return f === null ? 1 : f.each ? (spec.services[call.service]?.replicas ?? 1) : f.count;
}

/** Where a workload's requests go: its request mix's entries, or its one target (weight 1). */
export function entriesOf(w: WorkloadSpec): readonly { service: string; endpoint: string; weight: number }[] {
  return w.mix ?? [{ service: w.service, endpoint: w.endpoint, weight: 1 }];
}
