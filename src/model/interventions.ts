// What-ifs applied to a running model at the current simulated time through its actuators: scale, kill, slow, errors, load, caches.
import type { Actuators } from './actuators.js';
import type { ConsumerGroup } from './broker.js';
import type { ServiceRegistry } from './faults.js';
import type { CallGear } from './resilience.js';
import type { Service } from './service.js';
import type { Workload } from './workload.js';

/** What a what-if needs of the running model: its clock, its services and workloads, its levers. */
export interface Controls extends ServiceRegistry {
  readonly sim: { readonly nowMs: number };
  readonly workloads: readonly Workload[];
  readonly actuators: Actuators;
  readonly gear: CallGear;
  /** Topics' consumer groups (absent or null: no topics). */
  readonly broker?: { readonly groups: ConsumerGroup[] } | null;
}

/** The source the dashboard's what-ifs act as (faults are fault:<n>). */
const WHAT_IF = 'what-if';

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
  'consumers-stop',
  'consumers-resume',
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
  | 'flush-caches'
  | 'toggle-consumers';

export const SLOW_FACTOR = 3;
export const INJECTED_ERROR_RATE = 0.2;

export type Resolved = { ok: true; intervention: Intervention } | { ok: false; message: string };

/** Decide the concrete intervention for an intent on a service, now (which replica, which direction of a toggle). */
export function resolveIntervention(world: Controls, intent: InterventionIntent, serviceName: string): Resolved {
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
      return ok(svc.speed.get(WHAT_IF) === 1 ? 'slow-on' : 'slow-off');
    case 'toggle-errors':
      return ok(world.actuators.errorsOf(svc, WHAT_IF) === 0 ? 'errors-on' : 'errors-off');
    case 'toggle-breakers':
      return world.gear.hasBreakers(svc)
        ? ok('breakers-toggle')
        : { ok: false, message: `${serviceName}: no circuit breakers configured on its calls` };
    case 'double-load':
      return workloadsReaching(world, svc).length > 0
        ? ok('double-load')
        : { ok: false, message: `${serviceName}: no workload reaches it` };
    case 'flush-caches':
      return world.actuators.holdsCaches(svc)
        ? ok('flush-caches')
        : { ok: false, message: `${serviceName}: it holds no cache (a shared cache's nodes, or replicas with a local cache)` };
    case 'toggle-consumers': {
      const groups = consumerGroupsOf(world, svc);
      if (groups.length === 0) return { ok: false, message: `${serviceName}: it consumes no topic` };
      return ok(groups.every((g) => g.stopped) ? 'consumers-resume' : 'consumers-stop');
    }
  }
}

/** The consumer groups whose handling endpoint is in `svc`. */
function consumerGroupsOf(world: Controls, svc: Service): ConsumerGroup[] {
  return (world.broker?.groups ?? []).filter((g) => g.service === svc);
}

/** Apply a concrete intervention. Returns a line for the event log. Throws on a target that does not exist. */
export function applyIntervention(world: Controls, iv: Intervention): string {
  const act = world.actuators;
  if (iv.action === 'kill-replica') {
    const [name, index] = iv.target.split('#');
    const replica = world.service(name).replicas[Number(index)];
    if (!replica) throw new Error(`no replica ${iv.target}`);
    const inSystem = replica.inSystem;
    act.kill(replica);
    return `killed ${iv.target} (${inSystem} request${inSystem === 1 ? '' : 's'} in it failed)`;
  }
  const svc = world.service(iv.target);
  switch (iv.action) {
    case 'add-replica': {
      const r = act.addReplica(svc);
      return `added ${r.id}: ${svc.upReplicas().length} of ${svc.replicas.length} replicas up`;
    }
    case 'remove-replica': {
      const r = act.removeReplica(svc);
      if (r === null) throw new Error(`${svc.name}: cannot remove its last replica`);
      return `removed ${r.id} (draining its ${r.inSystem} request${r.inSystem === 1 ? '' : 's'}): ${svc.upReplicas().length} up`;
    }
    case 'slow-on':
      act.setSpeed(svc, WHAT_IF, SLOW_FACTOR);
      return `${svc.name} slowed: CPU x${SLOW_FACTOR}`;
    case 'slow-off':
      act.setSpeed(svc, WHAT_IF, 1);
      return `${svc.name} back to normal CPU speed`;
    case 'errors-on':
      act.setErrors(svc, null, WHAT_IF, INJECTED_ERROR_RATE);
      return `${svc.name}: injecting ${INJECTED_ERROR_RATE * 100}% errors`;
    case 'errors-off':
      act.setErrors(svc, null, WHAT_IF, 0);
      return `${svc.name}: error injection off`;
    case 'breakers-toggle': {
      if (!world.gear.hasBreakers(svc)) return `${svc.name}: no circuit breakers configured on its calls`;
      const disabled = !world.gear.breakersDisabled(svc);
      act.setBreakersDisabled(svc, disabled);
      return `${svc.name}: circuit breakers ${disabled ? 'off (every call goes through)' : 'on'}`;
    }
    case 'double-load': {
      const ws = workloadsReaching(world, svc);
      for (const w of ws) act.scaleLoad(w, 2);
      return `doubled the load of ${ws.map((w) => w.name).join(', ')} (reaching ${svc.name})`;
    }
    case 'flush-caches': {
      const entries = act.flushCaches(svc);
      return `flushed the caches held by ${svc.name}: ${entries} entr${entries === 1 ? 'y' : 'ies'} dropped, every lookup misses until they refill`;
    }
    case 'consumers-stop':
    case 'consumers-resume': {
      const groups = consumerGroupsOf(world, svc);
      const stop = iv.action === 'consumers-stop';
      for (const g of groups) g.setStopped(stop);
      const names = groups.map((g) => `${g.topic.name}/${g.name}`).join(', ');
      return stop ? `${svc.name} stopped consuming ${names}: their lag grows` : `${svc.name} consumes ${names} again`;
    }
  }
  throw new Error(`unknown intervention ${iv.action as string}`);
}

/** Workloads whose requests can reach `target` through the call graph. */
export function workloadsReaching(world: Pick<Controls, 'workloads'>, target: Service): Workload[] {
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
