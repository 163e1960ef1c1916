// What-ifs applied to a running world at the current simulated time: scale, kill, slow, inject errors, add load, flush caches.
import type { Service } from './service.js';
import type { Workload } from './workload.js';
import type { World } from './world.js';

export const INTERVENTION_ACTIONS = [
  'add-replica',
  'remove-replica',
  'kill-replica',
  'slow-on',
  'slow-off',
  'errors-on',
  'errors-off',
  'breakers-toggle',
  'double-load',
  'flush-caches',
] as const;
export type InterventionAction = (typeof INTERVENTION_ACTIONS)[number];

/** A concrete intervention, as recorded in the report and replayed by `--replay`. */
export interface Intervention {
  atMs: number;
  action: InterventionAction;
  /** A service name, or a replica id such as `payment#0` for kill-replica. */
  target: string;
}

/** What the user asked for on a service; `resolve` turns it into a concrete intervention. */
export type InterventionIntent =
  | 'add-replica'
  | 'remove-replica'
  | 'kill-replica'
  | 'toggle-slow'
  | 'toggle-errors'
  | 'toggle-breakers'
  | 'double-load'
  | 'flush-caches';

export const SLOW_FACTOR = 3;
export const INJECTED_ERROR_RATE = 0.2;

export type Resolved = { ok: true; intervention: Intervention } | { ok: false; message: string };

/** Decide the concrete intervention for an intent on a service, now (which replica, which direction of a toggle). */
export function resolveIntervention(world: World, intent: InterventionIntent, serviceName: string): Resolved {
  const svc = world.service(serviceName);
  const atMs = world.sim.nowMs;
  const ok = (action: InterventionAction, target = serviceName): Resolved => ({ ok: true, intervention: { atMs, action, target } });
  switch (intent) {
    case 'add-replica':
      return ok('add-replica');
    case 'remove-replica':
      return svc.upReplicas().length > 1
        ? ok('remove-replica')
        : { ok: false, message: `${serviceName}: cannot remove its last replica (k kills it)` };
    case 'kill-replica': {
      const victim = svc.upReplicas()[0];
      return victim ? ok('kill-replica', victim.id) : { ok: false, message: `${serviceName}: no replica is up` };
    }
    case 'toggle-slow':
      return ok(svc.cpuFactor === 1 ? 'slow-on' : 'slow-off');
    case 'toggle-errors':
      return ok(svc.injectedErrorRate === 0 ? 'errors-on' : 'errors-off');
    case 'toggle-breakers':
      return ok('breakers-toggle');
    case 'double-load':
      return workloadsReaching(world, svc).length > 0
        ? ok('double-load')
        : { ok: false, message: `${serviceName}: no workload reaches it` };
    case 'flush-caches':
      return svc.replicas.some((r) => r.cacheCopies.some((c) => c !== undefined))
        ? ok('flush-caches')
        : { ok: false, message: `${serviceName}: it holds no cache (a shared cache's nodes, or replicas with a local cache)` };
  }
}

/** Apply a concrete intervention. Returns a line for the event log. Throws on a target that does not exist. */
export function applyIntervention(world: World, iv: Intervention): string {
  if (iv.action === 'kill-replica') {
    const [name, index] = iv.target.split('#');
    const replica = world.service(name).replicas[Number(index)];
    if (!replica) throw new Error(`no replica ${iv.target}`);
    const inSystem = replica.inSystem;
    replica.kill();
    return `killed ${iv.target} (${inSystem} request${inSystem === 1 ? '' : 's'} in it failed)`;
  }
  const svc = world.service(iv.target);
  switch (iv.action) {
    case 'add-replica': {
      const r = svc.addReplica();
      return `added ${r.id}: ${svc.upReplicas().length} of ${svc.replicas.length} replicas up`;
    }
    case 'remove-replica': {
      const up = svc.upReplicas();
      const r = up[up.length - 1];
      r.setUp(false);
      return `removed ${r.id} (draining its ${r.inSystem} request${r.inSystem === 1 ? '' : 's'}): ${up.length - 1} up`;
    }
    case 'slow-on':
      svc.cpuFactor = SLOW_FACTOR;
      return `${svc.name} slowed: CPU x${SLOW_FACTOR}`;
    case 'slow-off':
      svc.cpuFactor = 1;
      return `${svc.name} back to normal CPU speed`;
    case 'errors-on':
      svc.injectedErrorRate = INJECTED_ERROR_RATE;
      return `${svc.name}: injecting ${INJECTED_ERROR_RATE * 100}% errors`;
    case 'errors-off':
      svc.injectedErrorRate = 0;
      return `${svc.name}: error injection off`;
    case 'breakers-toggle': {
      const has = [...svc.endpoints.values()].some((e) => e.calls.some((c) => c.policy?.breaker));
      if (!has) return `${svc.name}: no circuit breakers configured on its calls`;
      svc.breakersDisabled = !svc.breakersDisabled;
      for (const b of world.breakers.values()) if (b.caller === svc) b.disabled = svc.breakersDisabled;
      return `${svc.name}: circuit breakers ${svc.breakersDisabled ? 'off (every call goes through)' : 'on'}`;
    }
    case 'double-load': {
      const ws = workloadsReaching(world, svc);
      for (const w of ws) w.scaleLoad(2);
      return `doubled the load of ${ws.map((w) => w.name).join(', ')} (reaching ${svc.name})`;
    }
    case 'flush-caches': {
      // the contents go; fetches in progress stay counted, so single-flight waiters are still woken
      let entries = 0;
      for (const r of svc.replicas) {
        for (const c of r.cacheCopies) {
          if (c === undefined) continue;
          entries += c.store.size;
          c.store.clear();
        }
      }
      return `flushed the caches held by ${svc.name}: ${entries} entr${entries === 1 ? 'y' : 'ies'} dropped, every lookup misses until they refill`;
    }
  }
  throw new Error(`unknown intervention ${iv.action as string}`);
}

/** Workloads whose requests can reach `target` through the call graph. */
export function workloadsReaching(world: World, target: Service): Workload[] {
  return world.workloads.filter((w) => {
    const seen = new Set<string>();
    const stack = [w.endpoint];
    while (stack.length > 0) {
      const ep = stack.pop()!;
      if (ep.service === target) return true;
      const key = `${ep.service.name}.${ep.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const step of ep.steps) for (const c of step) stack.push(c.endpoint);
    }
    return false;
  });
}
