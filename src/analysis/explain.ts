// `msim explain`: the analytic pre-flight: offered load, utilization, bottleneck, M/M/c delays and end-to-end means, before simulating.
import { distMeanMs, distSecondMomentMs2 } from '../engine/distributions.js';
import type { CallSpec, EndpointSpec, ScenarioSpec } from '../scenario/spec.js';
import type { HopClass, Locality } from '../scenario/spec.js';
import { linkKey } from '../scenario/sections/topology.js';
import {
  type LoadEstimate,
  copiesPerCall,
  entriesOf,
  estimateLoad,
  loadWarnings,
  callerRpcMs,
  rpcMs as messageMs,
} from './offered-load.js';
import { erlangC } from './queueing.js';

/** One service by theory. Times in ms; null where the service is at or over capacity (no steady state). */
export interface ServiceExplanation {
  readonly replicas: number;
  readonly cores: number;
  /** Requests per second arriving at the service (all endpoints), at the workloads' peak rates. */
  readonly offeredPerSec: number;
  /** Mean CPU per request, ms (business logic, cache lookups and RPC messages). */
  readonly cpuMsPerRequest: number;
  /** Mean CPU demand x rate / (replicas x cores). */
  readonly utilization: number;
  /** Erlang C: the probability a request waits for a core (each replica an M/M/cores queue with its share of the load). */
  readonly waitProbability: number | null;
  /** Mean wait for a core, ms. */
  readonly queueingMs: number | null;
  /** Mean time from arrival to answer at the service: wait + CPU + its calls (rate-weighted over its endpoints). */
  readonly responseMs: number | null;
  /** Little's law: requests in the service on average (offeredPerSec x responseMs). */
  readonly inServiceMean: number | null;
  /** The most attempts one workload request can cause here (retries and hedges multiplied along every path). */
  readonly worstAmplification: number;
}

/** One call edge by theory. */
export interface EdgeExplanation {
  /** `caller.endpoint->callee.endpoint`. */
  readonly edge: string;
  readonly callsPerSec: number;
  /** Mean network round trip of one attempt, ms (0 without `network:`). */
  readonly roundTripMs: number;
  /** Attempts one call can make at most: retry attempts x (1 + hedges); the most over its sites. */
  readonly worstAttempts: number;
  /** How many times the endpoint's steps write this call (a fan-out to 100 leaves: 100); the rates are summed. */
  readonly sites: number;
}

export interface Explanation {
  readonly scenario: string;
  readonly services: Readonly<Record<string, ServiceExplanation>>;
  readonly edges: readonly EdgeExplanation[];
  /** The busiest service (highest utilization); null with no CPU demand anywhere. */
  readonly bottleneck: string | null;
  /** Open-loop workload requests per second at which the bottleneck reaches 100%, the mix and fan-out unchanged (closed loops held at their rate). */
  readonly saturationPerSec: number | null;
  /** Today's open-loop workload rate (the peak of each schedule), which saturationPerSec scales. */
  readonly openPerSec: number;
  /** Per workload: its peak rate (a closed loop's: users / (think + response)) and the mean end-to-end latency by theory. */
  readonly workloads: Readonly<
    Record<string, { readonly ratePerSec: number | null; readonly latencyMs: { readonly mean: number | null } }>
  >;
  /** Requests per second per `service.endpoint` (before its caches). */
  readonly endpointsPerSec: Readonly<Record<string, number>>;
  /** End to end, rate-weighted over the workloads. */
  readonly latencyMs: { readonly mean: number | null };
  /** Little's law end to end: workload requests in the system on average. */
  readonly inSystemMean: number | null;
  readonly cacheHitRatios: Readonly<Record<string, number>>;
  readonly warnings: readonly string[];
}

/** Balancers that pick by the replicas' load: modelled as one queue for all the service's cores. */
const POOLING_BALANCERS: ReadonlySet<string> = new Set(['least-requests', 'p2c', 'ewma']);

/** Where a request is: a location's share. */
type Spread = ReadonlyMap<string, number>;

/**
 * The analytic model, stated (README "msim explain"):
 * - load: each workload at its peak rate through the call graph, with call
 *   probabilities, endpoint error rates and cache hit ratios by Che's
 *   approximation (src/analysis/offered-load.ts);
 * - each replica is a queue with c = its cores servers fed an equal share of
 *   its service's requests (Poisson) under round-robin and random balancers;
 *   under least-requests, p2c and ewma (which send work where it waits
 *   least) the service is one queue with replicas x cores servers; serving
 *   the service's CPU per request:
 *   the M/M/c wait by Erlang C, scaled by (1 + CV^2) / 2 of the CPU demand
 *   (Allen-Cunneen): exact for M/M/c and for M/G/1, an approximation for
 *   M/G/c and for balancers that do better than an even split;
 * - an endpoint answers after wait + its CPU + its steps in order; a step's
 *   parallel calls end with the slowest, estimated as the mean of the maximum
 *   of independent exponential branches with each branch's mean (exact for
 *   exponential branches, an upper estimate for less variable ones; the
 *   largest branch mean is a lower bound);
 * - a call costs the network round trip between the caller's and callee's
 *   locations (by placement and locality: replicas share load by their count)
 *   plus the callee's response.
 * Not modelled: retries, hedges, timeouts, breakers, faults, concurrency and
 * queue limits (no rejections), closed-loop feedback beyond the peak rate.
 */
export function explain(spec: ScenarioSpec, load: LoadEstimate = estimateLoad(spec)): Explanation {
  const regionOf = new Map<string, string>();
  for (const [region, dcs] of Object.entries(spec.regions)) for (const dc of dcs) regionOf.set(`${region}/${dc}`, region);
  const network = spec.network;

  const hopMs = (a: string, b: string, bytes: number): number => {
    if (network === null) return 0;
    const ra = regionOf.get(a);
    const rb = regionOf.get(b);
    const cls: HopClass = a === b ? 'sameDatacenter' : ra === rb ? 'crossDatacenter' : 'crossRegion';
    const link = cls === 'crossRegion' ? network.links[linkKey(ra!, rb!)] : undefined;
    let ms = distMeanMs(link ?? network.delay[cls]);
    const bps = network.bandwidthBps[cls];
    if (bps !== null) ms += (bytes * 8 * 1000) / bps;
    const loss = cls === 'crossRegion' ? (network.linkLoss[linkKey(ra!, rb!)] ?? network.loss[cls]) : network.loss[cls];
    if (loss > 0 && loss < 1) ms += (loss / (1 - loss)) * network.retransmitTimeoutMs;
    return ms;
  };

  /** Where a caller at `from` lands among the callee's replicas, by locality. */
  const landing = (service: string, from: string, locality: Locality): Spread => {
    const placement = spec.services[service].placement.filter((p) => p.replicas > 0);
    let chosen = placement;
    if (locality === 'datacenter' && placement.some((p) => p.location === from)) chosen = placement.filter((p) => p.location === from);
    else if (locality !== 'none') {
      const regional = placement.filter((p) => regionOf.get(p.location) === regionOf.get(from));
      if (regional.length > 0) chosen = regional;
    }
    const total = chosen.reduce((n, p) => n + p.replicas, 0);
    return new Map(chosen.map((p) => [p.location, p.replicas / total]));
  };
  const spreadOf = (service: string): Spread => landing(service, '', 'none');

  const rpc = spec.rpc;
  const rpcMs = (kb: number, shm: boolean) => (rpc === null ? 0 : messageMs(rpc, kb, shm));
  const replicaLoad = (name: string) => {
    const s = load.services[name];
    const cpuMsPerRequest = s.offeredPerSec > 0 ? s.cpuMsPerSec / s.offeredPerSec : 0;
    if (!(s.utilization < 1)) return { cpuMsPerRequest, waitProbability: null, queueingMs: null };
    // balancers that look at the replicas' load come close to one shared queue; blind ones split the stream evenly
    const pooled = POOLING_BALANCERS.has(spec.services[name].balancer);
    const servers = pooled ? s.replicas * s.cores : s.cores;
    const a = ((pooled ? s.offeredPerSec : s.offeredPerSec / s.replicas) / 1000) * cpuMsPerRequest;
    const pw = a > 0 ? erlangC(servers, a) : 0;
    // Allen-Cunneen: the M/M/c wait x (1 + CV^2) / 2 of the CPU demand (exact for M/M/c and, by Pollaczek-Khinchine, M/G/1)
    const cv2 = cpuVariability(name);
    const queueingMs = a > 0 ? ((pw * cpuMsPerRequest) / (servers - a)) * ((1 + cv2) / 2) : 0;
    return { cpuMsPerRequest, waitProbability: pw, queueingMs };
  };
  /** The squared coefficient of variation of one request's CPU at a service, over its endpoints by rate (message costs as constants). */
  const cpuVariability = (name: string): number => {
    let rate = 0;
    let m1 = 0;
    let m2 = 0;
    for (const [endpoint, ep] of Object.entries(spec.services[name].endpoints)) {
      const r = load.endpointsPerSec[`${name}.${endpoint}`] ?? 0;
      if (!(r > 0)) continue;
      const c = rpcMs(ep.requestKB, false) + rpcMs(ep.responseKB, false);
      const mean = distMeanMs(ep.cpu);
      rate += r;
      m1 += r * (mean + c);
      m2 += r * (distSecondMomentMs2(ep.cpu) + 2 * c * mean + c * c);
    }
    if (!(rate > 0) || !(m1 > 0)) return 1;
    m1 /= rate;
    m2 /= rate;
    return Math.max(0, m2 / (m1 * m1) - 1);
  };
  const queueing = new Map(Object.keys(spec.services).map((n) => [n, replicaLoad(n)]));

  // responses by (service, endpoint, arriving-from-location): memoized; the call graph has no cycles (validated)
  const memo = new Map<string, number>();
  const onPath = new Set<string>();
  const respond = (service: string, endpoint: string, at: string): number => {
    const key = `${service}.${endpoint}@${at}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    if (onPath.has(key)) return Number.NaN;
    onPath.add(key);
    const q = queueing.get(service)!;
    const ep = spec.services[service].endpoints[endpoint];
    let ms: number;
    if (q.queueingMs === null) ms = Number.POSITIVE_INFINITY;
    else ms = q.queueingMs + ownCpuMs(service, ep, endpoint) + stepsMs(service, endpoint, ep, at);
    onPath.delete(key);
    memo.set(key, ms);
    return ms;
  };

  /** The share of an endpoint's requests its caches do not answer (misses at every level, and writes). */
  const originShareOf = (id: string, ep: EndpointSpec): number => {
    if (ep.cache.length === 0) return 1;
    const writes = ep.keys === null ? 0 : spec.keys[ep.keys].writes;
    let reaching = 1 - writes;
    for (const name of ep.cache) reaching *= 1 - (load.cacheHitRatios[`${name}@${id}`] ?? 0);
    return reaching + writes;
  };

  /** CPU one request of this endpoint needs here: its messages, its local cache lookups, and at the origin its own CPU and its calls' messages. */
  const ownCpuMs = (service: string, ep: EndpointSpec, endpoint: string): number => {
    const messagesMs = rpcMs(ep.requestKB, false) + rpcMs(ep.responseKB, false);
    let originMs = distMeanMs(ep.cpu);
    for (const step of ep.steps)
      for (const call of step) {
        if (call.publish !== null || call.saga !== null) continue; // publishes and sagas are not in the queueing model (yet)
        if (rpc !== null) originMs += (1 - ep.errors) * call.probability * copiesPerCall(spec, call) * callerRpcMs(rpc, spec, call);
      }
    if (ep.cache.length === 0) return messagesMs + originMs;
    const id = `${service}.${endpoint}`;
    const writes = ep.keys === null ? 0 : spec.keys[ep.keys].writes;
    let reaching = 1 - writes;
    let lookupsMs = 0;
    for (const name of ep.cache) {
      const c = spec.caches[name];
      if (c.kind === 'local') lookupsMs += reaching * distMeanMs(c.hit);
      reaching *= 1 - (load.cacheHitRatios[`${name}@${id}`] ?? 0);
    }
    return messagesMs + lookupsMs + (reaching + writes) * originMs;
  };

  /** The endpoint's steps in order (and its shared-cache calls), each step's parallel calls by the fork-join estimate. */
  const stepsMs = (service: string, endpoint: string, ep: EndpointSpec, at: string): number => {
    const id = `${service}.${endpoint}`;
    let originShare = 1;
    let total = 0;
    if (ep.cache.length > 0) {
      const writes = ep.keys === null ? 0 : spec.keys[ep.keys].writes;
      let reaching = 1 - writes;
      for (const name of ep.cache) {
        const c = spec.caches[name];
        if (c.kind === 'shared') total += reaching * (roundTrip(name, at, spec.services[name].locality, 0) + respond(name, 'get', at));
        reaching *= 1 - (load.cacheHitRatios[`${name}@${id}`] ?? 0);
      }
      originShare = reaching + writes;
    }
    const going = originShare * (1 - ep.errors);
    for (const step of ep.steps) {
      const branches = step
        .filter((call) => call.publish === null && call.saga === null)
        .flatMap((call) => copyBranches(call, callMs(call, at), copiesPerCall(spec, call)));
      total += going * forkJoinMeanMs(branches);
    }
    return total;
  };

  const roundTrip = (callee: string, from: string, locality: Locality, bytes: number): number => {
    let ms = 0;
    for (const [loc, share] of landing(callee, from, locality)) ms += share * (hopMs(from, loc, bytes) + hopMs(loc, from, bytes));
    return ms;
  };

  /** One call from a caller replica at `at`: round trip plus the callee's response where it lands. */
  const callMs = (call: CallSpec, at: string): number => {
    const target = spec.services[call.service].endpoints[call.endpoint];
    const shm = call.transport === 'shm';
    const locality: Locality = shm ? 'datacenter' : (call.locality ?? spec.services[call.service].locality);
    let ms = 0;
    for (const [loc, share] of landing(call.service, at, locality)) {
      const trip = shm && loc === at ? 0 : hopMs(at, loc, target.requestKB * 1024) + hopMs(loc, at, target.responseKB * 1024);
      ms += share * (trip + respond(call.service, call.endpoint, loc));
    }
    return ms;
  };

  // end to end, per workload: from its location to the entry service's replicas and back
  const workloads: Record<string, { ratePerSec: number | null; latencyMs: { mean: number | null } }> = {};
  let weighted = 0;
  let totalRate = 0;
  let openRate = 0;
  for (const w of spec.workloads) {
    const a = w.arrivals;
    let ms = 0;
    for (const entry of entriesOf(w)) {
      const target = spec.services[entry.service].endpoints[entry.endpoint];
      for (const [loc, share] of landing(entry.service, w.from, spec.services[entry.service].locality)) {
        const trip = hopMs(w.from, loc, target.requestKB * 1024) + hopMs(loc, w.from, target.responseKB * 1024);
        ms += entry.weight * share * (trip + respond(entry.service, entry.endpoint, loc));
      }
    }
    const mean = Number.isFinite(ms) ? ms : null;
    // a closed loop: its users cycle through think time and a response (the interactive response time law)
    const ratePerSec =
      a.kind === 'closed'
        ? mean === null
          ? Number.NaN
          : (1000 * a.users) / (distMeanMs(a.think) + mean)
        : Math.max(a.ratePerSec, ...w.schedule.map((p) => p.ratePerSec));
    if (a.kind !== 'closed') openRate += ratePerSec;
    workloads[w.name] = { ratePerSec: Number.isFinite(ratePerSec) ? ratePerSec : null, latencyMs: { mean } };
    if (Number.isFinite(ratePerSec)) {
      totalRate += ratePerSec;
      weighted += ratePerSec * ms;
    }
  }
  const meanMs = totalRate > 0 && Number.isFinite(weighted) ? weighted / totalRate : null;

  // service responses: rate-weighted over their endpoints and the locations requests reach them at
  const services: Record<string, ServiceExplanation> = {};
  const amplification = worstAmplification(spec);
  for (const [name, s] of Object.entries(load.services)) {
    const q = queueing.get(name)!;
    let sum = 0;
    let rate = 0;
    for (const endpoint of Object.keys(spec.services[name].endpoints)) {
      const r = load.endpointsPerSec[`${name}.${endpoint}`] ?? 0;
      if (r <= 0) continue;
      let ms = 0;
      for (const [loc, share] of spreadOf(name)) ms += share * respond(name, endpoint, loc);
      sum += r * ms;
      rate += r;
    }
    const responseMs = q.queueingMs === null ? null : rate > 0 ? sum / rate : q.queueingMs + q.cpuMsPerRequest;
    services[name] = {
      replicas: s.replicas,
      cores: s.cores,
      offeredPerSec: s.offeredPerSec,
      cpuMsPerRequest: q.cpuMsPerRequest,
      utilization: s.utilization,
      waitProbability: q.waitProbability,
      queueingMs: q.queueingMs,
      responseMs: responseMs !== null && Number.isFinite(responseMs) ? responseMs : null,
      inServiceMean: responseMs !== null && Number.isFinite(responseMs) ? (s.offeredPerSec * responseMs) / 1000 : null,
      worstAmplification: amplification.get(name) ?? 1,
    };
  }

  // call edges: calls per second (what reaches the caller's origin, less its errors and what an overloaded caller cannot serve) and round trips
  const edges: EdgeExplanation[] = [];
  for (const [service, svc] of Object.entries(spec.services)) {
    const u = load.services[service].utilization;
    const served = u > 1 ? 1 / u : 1;
    for (const [endpoint, ep] of Object.entries(svc.endpoints)) {
      const id = `${service}.${endpoint}`;
      const going = (load.endpointsPerSec[id] ?? 0) * originShareOf(id, ep) * served * (1 - ep.errors);
      for (const step of ep.steps)
        for (const call of step) {
          if (call.publish !== null || call.saga !== null) continue;
          const target = spec.services[call.service].endpoints[call.endpoint];
          const shm = call.transport === 'shm';
          const locality: Locality = shm ? 'datacenter' : (call.locality ?? spec.services[call.service].locality);
          let rtt = 0;
          for (const [at, callerShare] of spreadOf(service))
            for (const [loc, share] of landing(call.service, at, locality))
              rtt +=
                callerShare *
                share *
                (shm && loc === at ? 0 : hopMs(at, loc, target.requestKB * 1024) + hopMs(loc, at, target.responseKB * 1024));
          const edge = `${id}->${call.service}.${call.endpoint}`;
          const worstAttempts = (call.retry?.attempts ?? 1) * (1 + (call.hedge?.max ?? 0));
          // the same call written many times (a fan-out to 100 leaves) is one edge with its sites counted
          const same = edges.findIndex((e) => e.edge === edge);
          const copies = copiesPerCall(spec, call);
          if (same < 0) edges.push({ edge, callsPerSec: going * call.probability * copies, roundTripMs: rtt, worstAttempts, sites: 1 });
          else {
            const e = edges[same];
            const calls = e.callsPerSec + going * call.probability * copies;
            edges[same] = {
              edge,
              callsPerSec: calls,
              roundTripMs: calls > 0 ? (e.roundTripMs * e.callsPerSec + rtt * going * call.probability * copies) / calls : e.roundTripMs,
              worstAttempts: Math.max(e.worstAttempts, worstAttempts),
              sites: e.sites + 1,
            };
          }
        }
    }
  }

  let bottleneck: string | null = null;
  for (const [name, s] of Object.entries(services))
    if (s.utilization > 0 && (bottleneck === null || s.utilization > services[bottleneck].utilization)) bottleneck = name;
  // the open-loop rate at which the bottleneck fills, closed loops held where they are: the open part of its CPU
  // demand grows with the open rate, the closed part stays; none when the closed loops alone fill it
  let saturationPerSec: number | null = null;
  if (bottleneck !== null && openRate > 0 && Number.isFinite(services[bottleneck].utilization)) {
    const b = load.services[bottleneck];
    const capacityMsPerSec = 1000 * b.replicas * b.cores;
    const closedMsPerSec = b.cpuMsPerSec - b.openCpuMsPerSec;
    if (b.openCpuMsPerSec > 0 && closedMsPerSec < capacityMsPerSec)
      saturationPerSec = (openRate * (capacityMsPerSec - closedMsPerSec)) / b.openCpuMsPerSec;
  }

  return {
    scenario: spec.name,
    services,
    edges,
    bottleneck,
    saturationPerSec,
    openPerSec: openRate,
    workloads,
    endpointsPerSec: load.endpointsPerSec,
    latencyMs: { mean: meanMs },
    inSystemMean: meanMs !== null ? (totalRate * meanMs) / 1000 : null,
    cacheHitRatios: load.cacheHitRatios,
    warnings: loadWarnings(spec, load),
  };
}

/**
 * The mean of the slowest of a step's parallel calls, each present with its
 * probability and, when present, exponential with its mean:
 * E[max] = integral over t of 1 - prod_i (1 - p_i e^(-t/m_i)).
 */
export function forkJoinMeanMs(branches: readonly { probability: number; meanMs: number }[]): number {
  const present = branches.filter((b) => b.probability > 0);
  if (present.length === 0) return 0;
  if (present.some((b) => !Number.isFinite(b.meanMs))) return Number.POSITIVE_INFINITY;
  if (present.length === 1) return present[0].probability * present[0].meanMs;
  const top = Math.max(...present.map((b) => b.meanMs));
  if (top === 0) return 0;
  // the integrand falls as e^(-t/top) beyond a few means; Simpson's rule on a fine grid to 60 top means is exact to ~1e-9
  const end = top * (60 + Math.log(present.length));
  const n = 4000;
  const h = end / n;
  const f = (t: number) => {
    let below = 1;
    for (const b of present) below *= 1 - b.probability * (b.meanMs > 0 ? Math.exp(-t / b.meanMs) : 0);
    return 1 - below;
  };
  let sum = f(0) + f(end);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(i * h);
  return (sum * h) / 3;
}

/** Per service: the most attempts a single workload request can make there (product of attempts along the worst path). */
function worstAmplification(spec: ScenarioSpec): Map<string, number> {
  const worst = new Map<string, number>();
  const visit = (service: string, endpoint: string, factor: number, depth: number) => {
    if (depth > 64) return;
    if (factor > (worst.get(service) ?? 0)) worst.set(service, factor);
    const ep = spec.services[service].endpoints[endpoint];
    for (const step of ep.steps)
      for (const call of step)
        if (call.publish === null && call.saga === null)
          visit(call.service, call.endpoint, factor * (call.retry?.attempts ?? 1) * (1 + (call.hedge?.max ?? 0)), depth + 1);
  };
  for (const w of spec.workloads) for (const t of entriesOf(w)) visit(t.service, t.endpoint, 1, 0);
  return worst;
}

/**
 * The fork-join branches of a call made `copies` times: one per copy, all awaited; with `wait: first k`
 * (or a fraction), one branch whose mean is the k-th order statistic of exponential copies,
 * mean x (1/n + ... + 1/(n-k+1)) (the fraction's deadline is not modelled: the k-th copy is waited for).
 */
function copyBranches(call: CallSpec, meanMs: number, copies: number): { probability: number; meanMs: number }[] {
  const w = call.fanout?.wait ?? null;
  if (w === null) return Array.from({ length: copies }, () => ({ probability: call.probability, meanMs }));
  const k = Math.min(copies, w.kind === 'first' ? w.first : Math.ceil(w.fraction * copies - 1e-9));
  let sum = 0;
  for (let i = 0; i < k; i++) sum += 1 / (copies - i);
  return [{ probability: call.probability, meanMs: meanMs * sum }];
}
