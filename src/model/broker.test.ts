// Topics' invariants over many seeds and shapes: at-least-once accounting, one handler per partition, order with one partition, dead letters, rebalances.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../run/run.js';
import { loadScenarioText } from '../scenario/load.js';
import type { ScenarioSpec } from '../scenario/spec.js';
import { assemble } from './assemble.js';
import { type ConsumerGroup, type Message, type Topic, TopicEvent } from './broker.js';
import { nullListener } from './listener.js';

interface Shape {
  partitions: number;
  maxDeliveries: number;
  errors: number;
  replicas: number;
  perReplica: number;
  timeoutMs: number | null;
  killAtMs: number | null;
  ratePerSec: number;
}

function scenario(s: Shape, warmup = '1s', faults?: string): ScenarioSpec {
  const kill = faults ?? (s.killAtMs === null ? '' : `faults: [{ at: ${s.killAtMs}ms, kill: "worker#0" }]\n`);
  const timeout = s.timeoutMs === null ? '' : `, timeout: ${s.timeoutMs}ms`;
  return loadScenarioText(
    `name: t
duration: 6s
warmup: ${warmup}
${kill}workloads: [{ name: w, to: producer, arrivals: poisson(${s.ratePerSec}/s) }]
topics:
  events:
    partitions: ${s.partitions}
    broker: { append: exp(mean=1ms) }
    maxDeliveries: ${s.maxDeliveries}
    deadLetter: dlq
    rebalance: 400ms
    consumers:
      - { service: worker, group: workers, perReplica: ${s.perReplica}${timeout} }
      - { service: audit, group: audit }
  dlq:
    partitions: 1
    consumers: [{ service: ops, group: ops }]
services:
  producer: { replicas: 2, cpu: exp(mean=1ms), calls: [{ publish: events }] }
  worker: { replicas: ${s.replicas}, cores: 2, cpu: exp(mean=4ms), errors: ${s.errors} }
  audit: { cores: 4, cpu: exp(mean=1ms) }
  ops: { cpu: 1ms }
`,
    't.yaml',
  );
}

const shapes = fc.record({
  partitions: fc.integer({ min: 1, max: 8 }),
  maxDeliveries: fc.integer({ min: 1, max: 4 }),
  errors: fc.constantFrom(0, 0.1, 0.4, 0.8),
  replicas: fc.integer({ min: 1, max: 3 }),
  perReplica: fc.integer({ min: 1, max: 3 }),
  timeoutMs: fc.constantFrom(null, 6, 30),
  killAtMs: fc.constantFrom(null, 1500, 3000),
  ratePerSec: fc.integer({ min: 20, max: 300 }),
});

/** Every topic event of a run, with the time it happened. */
interface Logged {
  atMs: number;
  topic: string;
  group: string | null;
  kind: TopicEvent;
  message: Message | null;
}

function eventsOf(spec: ScenarioSpec, seed: number): { log: Logged[]; groups: ConsumerGroup[] } {
  const log: Logged[] = [];
  const world = assemble(spec, { seed });
  world.listener = {
    ...nullListener,
    topicEvent(topic: Topic, group: ConsumerGroup | null, kind: TopicEvent, message: Message | null) {
      log.push({ atMs: world.sim.nowMs, topic: topic.name, group: group?.name ?? null, kind, message });
    },
  };
  world.start();
  world.sim.runUntil(spec.durationMs);
  return { log, groups: world.broker!.groups };
}

describe('topics: invariants over random shapes and seeds', () => {
  it('published = delivered + deadLettered + inFlight for every group, at the end of every run', () => {
    fc.assert(
      fc.property(shapes, fc.integer({ min: 1, max: 1000 }), (shape, seed) => {
        const r = runScenario(scenario(shape), { seed });
        for (const [name, t] of Object.entries(r.topics!))
          for (const [group, g] of Object.entries(t.byGroup)) {
            expect(g.published, `${name}/${group}`).toBe(t.published);
            expect(g.delivered + g.deadLettered + g.inFlight, `${name}/${group}`).toBe(g.published);
          }
        // a group that never fails never redelivers nor dead-letters
        if (shape.errors === 0 && shape.timeoutMs === null && shape.killAtMs === null)
          expect(r.topics!.events.byGroup.workers.redelivered + r.topics!.events.byGroup.workers.deadLettered).toBe(0);
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('each message is handled by one consumer at a time, at most maxDeliveries times, and ends delivered or dead-lettered once', () => {
    fc.assert(
      fc.property(shapes, fc.integer({ min: 1, max: 1000 }), (shape, seed) => {
        const { log } = eventsOf(scenario(shape), seed);
        const busy = new Map<string, number>(); // group|partition -> the seq being handled
        const handlings = new Map<string, number>(); // group|seq -> deliveries so far
        const ended = new Set<string>();
        for (const e of log) {
          if (e.group === null || e.message === null) continue;
          const part = `${e.topic}|${e.group}|${e.message.partition}`;
          const msg = `${e.topic}|${e.group}|${e.message.seq}`;
          if (e.kind === TopicEvent.HandlingStarted) {
            expect(busy.has(part), `${part} handled twice at once`).toBe(false);
            expect(ended.has(msg)).toBe(false);
            busy.set(part, e.message.seq);
            handlings.set(msg, (handlings.get(msg) ?? 0) + 1);
            expect(handlings.get(msg)!).toBeLessThanOrEqual(shape.maxDeliveries);
          } else {
            expect(busy.get(part)).toBe(e.message.seq);
            busy.delete(part);
            if (e.kind === TopicEvent.DeadLettered) expect(handlings.get(msg)).toBe(shape.maxDeliveries);
            if (e.kind === TopicEvent.Redelivered) expect(handlings.get(msg)!).toBeLessThan(shape.maxDeliveries);
            if (e.kind !== TopicEvent.Redelivered) {
              expect(ended.has(msg)).toBe(false);
              ended.add(msg);
            }
          }
        }
        // dead letters reach the dead-letter topic (those appended by the end)
        const dead = log.filter((e) => e.kind === TopicEvent.DeadLettered && e.topic === 'events').length;
        const dlqPublished = log.filter((e) => e.kind === TopicEvent.Published && e.topic === 'dlq').length;
        expect(dlqPublished).toBeLessThanOrEqual(dead);
        expect(dlqPublished).toBeGreaterThanOrEqual(dead - log.filter((e) => e.kind === TopicEvent.DeadLettered && e.atMs > 5_900).length);
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('with one partition, messages are handled (and done) in publish order', () => {
    fc.assert(
      fc.property(shapes, fc.integer({ min: 1, max: 1000 }), (shape, seed) => {
        const { log } = eventsOf(scenario({ ...shape, partitions: 1 }), seed);
        for (const group of ['workers', 'audit']) {
          const mine = log.filter((e) => e.topic === 'events' && e.group === group && e.message !== null);
          const starts = mine.filter((e) => e.kind === TopicEvent.HandlingStarted).map((e) => e.message!.seq);
          const done = mine.filter((e) => e.kind === TopicEvent.Delivered || e.kind === TopicEvent.DeadLettered).map((e) => e.message!.seq);
          // redeliveries repeat the head; the order of first handlings is the publish order
          const firsts = starts.filter((s, i) => i === 0 || s !== starts[i - 1]);
          expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
          expect(done).toEqual(done.map((_, i) => i)); // every message, in order, none skipped
        }
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});

describe('topics: rebalancing', () => {
  it('killing a consumer replica stops its group for the rebalance pause, then its partitions go to the other consumers', () => {
    const shape: Shape = {
      partitions: 6,
      maxDeliveries: 3,
      errors: 0,
      replicas: 3,
      perReplica: 1,
      timeoutMs: null,
      killAtMs: 2000,
      ratePerSec: 200,
    };
    const { log, groups } = eventsOf(scenario(shape, '0s'), 3);
    const workers = log.filter((e) => e.group === 'workers');
    const started = workers.filter((e) => e.kind === TopicEvent.RebalanceStarted);
    const ended = workers.filter((e) => e.kind === TopicEvent.RebalanceEnded);
    expect(started.map((e) => e.atMs)).toEqual([2000]);
    expect(ended.map((e) => e.atMs)).toEqual([2400]);
    // nothing is handed to the group during the pause; the audit group goes on meanwhile
    expect(workers.filter((e) => e.kind === TopicEvent.HandlingStarted && e.atMs >= 2000 && e.atMs < 2400)).toEqual([]);
    expect(
      log.filter((e) => e.group === 'audit' && e.kind === TopicEvent.HandlingStarted && e.atMs > 2000 && e.atMs < 2400).length,
    ).toBeGreaterThan(0);
    // the two survivors own all six partitions
    const g = groups.find((x) => x.name === 'workers')!;
    expect(g.threads.map((t) => t.replica.id)).toEqual(['worker#1', 'worker#2']);
    expect(g.parts.every((p) => p.owner !== null && p.owner.replica.id !== 'worker#0')).toBe(true);
    // the backlog of the pause is worked off: at the end little is pending
    expect(g.pending).toBeLessThan(50);
  });

  it('a killed consumer replica that restarts (the fault ends) rejoins its group after another rebalance', () => {
    const shape: Shape = {
      partitions: 6,
      maxDeliveries: 3,
      errors: 0,
      replicas: 3,
      perReplica: 1,
      timeoutMs: null,
      killAtMs: null,
      ratePerSec: 200,
    };
    const spec = scenario(shape, '0s', 'faults: [{ at: 2000ms, for: 1000ms, kill: "worker#0" }]\n');
    const { log, groups } = eventsOf(spec, 3);
    const workers = log.filter((e) => e.group === 'workers');
    // one rebalance when it dies, one when it comes back at the fault's end (before this, it never came back)
    expect(workers.filter((e) => e.kind === TopicEvent.RebalanceStarted).map((e) => e.atMs)).toEqual([2000, 3000]);
    const g = groups.find((x) => x.name === 'workers')!;
    expect(g.threads.map((t) => t.replica.id).sort()).toEqual(['worker#0', 'worker#1', 'worker#2']);
    expect(g.parts.filter((p) => p.owner?.replica.id === 'worker#0').length).toBeGreaterThan(0);
    expect(g.pending).toBeLessThan(50);
  });

  it('a group with more threads than partitions keeps the extra threads idle: partitions bound its parallelism', () => {
    const { log } = eventsOf(
      scenario(
        { partitions: 2, maxDeliveries: 1, errors: 0, replicas: 2, perReplica: 3, timeoutMs: null, killAtMs: null, ratePerSec: 300 },
        '0s',
      ),
      1,
    );
    let inFlight = 0;
    let most = 0;
    for (const e of log) {
      if (e.group !== 'workers') continue;
      if (e.kind === TopicEvent.HandlingStarted) most = Math.max(most, ++inFlight);
      else if (e.kind === TopicEvent.Delivered || e.kind === TopicEvent.DeadLettered || e.kind === TopicEvent.Redelivered) inFlight--;
    }
    expect(most).toBe(2);
  });
});

describe('topics: the consumers what-if', () => {
  it('c stops the selected service consumer groups (their lag grows) and, again, resumes them', async () => {
    const { applyIntervention, resolveIntervention } = await import('./interventions.js');
    const shape: Shape = {
      partitions: 4,
      maxDeliveries: 3,
      errors: 0,
      replicas: 2,
      perReplica: 1,
      timeoutMs: null,
      killAtMs: null,
      ratePerSec: 200,
    };
    const world = assemble(scenario(shape, '0s'), { seed: 2 });
    world.start();
    world.sim.runUntil(1000);
    const g = world.broker!.groups.find((x) => x.name === 'workers')!;
    const stop = resolveIntervention(world, 'toggle-consumers', 'worker');
    if (!stop.ok) throw new Error(stop.message);
    expect(stop.intervention.action).toBe('consumers-stop');
    expect(applyIntervention(world, stop.intervention)).toBe('worker stopped consuming events/workers: their lag grows');
    world.sim.runUntil(2000);
    expect(g.pending).toBeGreaterThan(150); // about 200 a second, none handled
    const resume = resolveIntervention(world, 'toggle-consumers', 'worker');
    if (!resume.ok) throw new Error(resume.message);
    expect(resume.intervention.action).toBe('consumers-resume');
    applyIntervention(world, resume.intervention);
    world.sim.runUntil(4000);
    expect(g.pending).toBeLessThan(20);
    expect(resolveIntervention(world, 'toggle-consumers', 'producer')).toEqual({ ok: false, message: 'producer: it consumes no topic' });
  });
});
