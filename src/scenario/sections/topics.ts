// Messaging: topics with partitions on a broker, consumer groups that handle their messages, and the publish step that feeds them.
import { z } from 'zod';
import type { DistSpec } from '../../engine/distributions.js';
import { distribution, duration, strict } from '../fields.js';
import type { PathSegment, Problem } from '../problems.js';
import { NAME, type Raw, endpointsOf, forEachEndpoint, isMapping, resolveTarget } from '../raw.js';
import type { Input, Section } from '../section.js';
import { suggest } from '../suggest.js';
import { locationsOf, regionsOf } from './topology.js';

/** How many broker replicas must have appended a message before the producer gets its ack. */
export type Acks = 'leader' | 'all';
export const ACKS: readonly Acks[] = ['leader', 'all'];

export interface BrokerSpec {
  /** The location (`region/datacenter`) of the broker: producers and consumers reach it over the network. */
  readonly at: string;
  /** How long appending a message to a partition's log takes on one broker replica. */
  readonly append: DistSpec;
  /** Copies of each partition (the leader among them). */
  readonly replicas: number;
  /** leader: the ack comes after the leader's append; all: after the slowest of the replicas' appends. */
  readonly acks: Acks;
}

export interface ConsumerSpec {
  /** The endpoint that handles each message. */
  readonly service: string;
  readonly endpoint: string;
  readonly group: string;
  /** Consumer threads in each replica of the service. */
  readonly perReplica: number;
  /** A handling that takes longer fails (and the message is redelivered); null: none. */
  readonly timeoutMs: number | null;
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly broker: BrokerSpec;
  /** A message is handed to a group at most this many times; then it goes to the dead-letter topic (or is dropped). */
  readonly maxDeliveries: number;
  readonly deadLetter: string | null;
  /** The pause of a group while its partitions move to the other consumers (eager rebalancing). */
  readonly rebalanceMs: number;
  /** Subscribed consumer groups, in file order (one entry per group). */
  readonly consumers: readonly ConsumerSpec[];
}

export interface TopicsScenarioPart {
  /** In file order. */
  readonly topics: Readonly<Record<string, TopicSpec>>;
}

export interface TopicsCallPart {
  /** The topic this entry publishes to, instead of calling a service (null: a call). */
  readonly publish: string | null;
}

export const DEFAULT_MAX_DELIVERIES = 5;
export const DEFAULT_REBALANCE_MS = 3000;
export const MAX_PARTITIONS = 10_000;

const broker = strict({
  at: z.string().min(1).optional(),
  append: distribution.optional(),
  replicas: z.number().int().min(1).max(15).optional(),
  acks: z.enum(ACKS as [string, ...string[]]).optional(),
});

const consumer = strict({
  service: z.string().min(1),
  group: z.string().min(1).optional(),
  perReplica: z.number().int().min(1).max(1000).optional(),
  timeout: duration.optional(),
});

const topic = strict({
  description: z.string().optional(),
  partitions: z.number().int().min(1).max(MAX_PARTITIONS),
  broker: broker.optional(),
  maxDeliveries: z.number().int().min(1).max(1000).optional(),
  deadLetter: z.string().min(1).optional(),
  rebalance: duration.optional(),
  consumers: z.array(consumer).optional(),
});

type TopicInput = z.output<typeof topic>;
const topFields = { topics: z.record(z.string(), topic).optional() };
const callFields = { publish: z.string().min(1).optional() };
type TopInput = Input<typeof topFields>;

export const topics: Section<{ top: TopicsScenarioPart; call: TopicsCallPart }> = {
  name: 'topics',
  top: {
    fields: topFields,
    build: (top: TopInput, _top, ctx) => {
      const firstLocation = locationsOf(regionsOf(ctx.data))[0];
      return {
        topics: Object.fromEntries(
          Object.entries(top.topics ?? {}).map(([name, t]) => [name, topicSpec(name, t, firstLocation, ctx.target)]),
        ),
      };
    },
  },
  call: {
    fields: callFields,
    build: (c: Input<typeof callFields>) => ({ publish: c.publish ?? null }),
  },
  check: checkTopics,
};

function topicSpec(
  name: string,
  t: TopicInput,
  firstLocation: string,
  target: (text: string) => { service: string; endpoint: string },
): TopicSpec {
  return {
    name,
    partitions: t.partitions,
    broker: {
      at: t.broker?.at ?? firstLocation,
      append: t.broker?.append ?? { kind: 'constant', valueMs: 1 },
      replicas: t.broker?.replicas ?? 1,
      acks: (t.broker?.acks ?? 'leader') as Acks,
    },
    maxDeliveries: t.maxDeliveries ?? DEFAULT_MAX_DELIVERIES,
    deadLetter: t.deadLetter ?? null,
    rebalanceMs: t.rebalance ?? DEFAULT_REBALANCE_MS,
    consumers: (t.consumers ?? []).map((c) => ({
      ...target(c.service),
      group: c.group ?? target(c.service).service,
      perReplica: c.perReplica ?? 1,
      timeoutMs: c.timeout ?? null,
    })),
  };
}

/** The fields a publish entry may have besides `publish`: it is not a call, so no resilience or transport options. */
const PUBLISH_FIELDS = ['publish', 'probability'];

/** What a schema cannot check: names, the broker's location, consumers' endpoints, dead-letter topics, publishes' topics. */
function checkTopics(data: Raw): Problem[] {
  const problems: Problem[] = [];
  const topicsData = isMapping(data.topics) ? data.topics : {};
  const names = Object.keys(topicsData);
  const endpoints = endpointsOf(data);
  const locations = locationsOf(regionsOf(data));
  for (const [name, t] of Object.entries(topicsData)) {
    if (!NAME.test(name))
      problems.push({
        path: ['topics', name],
        expected: 'a topic name of letters, digits, "-" and "_"',
        found: JSON.stringify(name),
        atKey: true,
      });
    if (!isMapping(t)) continue;
    if (isMapping(t.broker) && typeof t.broker.at === 'string' && !locations.includes(t.broker.at))
      problems.push({
        path: ['topics', name, 'broker', 'at'],
        expected: `a location (${locations.join(', ')})`,
        found: JSON.stringify(t.broker.at),
        hint: suggest(t.broker.at, locations, 'did you mean "%s"?') || undefined,
      });
    if (typeof t.deadLetter === 'string') {
      if (t.deadLetter === name)
        problems.push({ path: ['topics', name, 'deadLetter'], expected: 'another topic for dead letters', found: `"${name}" itself` });
      else if (!names.includes(t.deadLetter))
        problems.push({
          path: ['topics', name, 'deadLetter'],
          expected: `a topic defined under topics: (${names.join(', ')})`,
          found: JSON.stringify(t.deadLetter),
          hint: suggest(t.deadLetter, names, 'did you mean "%s"?') || undefined,
        });
    }
    if (!Array.isArray(t.consumers)) continue;
    const groups = new Set<string>();
    t.consumers.forEach((c, i) => {
      if (!isMapping(c)) return;
      const at: PathSegment[] = ['topics', name, 'consumers', i];
      if (typeof c.service === 'string') {
        const r = resolveTarget(c.service, endpoints);
        if (!('service' in r)) problems.push({ path: [...at, 'service'], ...r });
      }
      const group = typeof c.group === 'string' ? c.group : typeof c.service === 'string' ? c.service.split('.')[0] : null;
      if (group === null) return;
      if (!NAME.test(group))
        problems.push({ path: [...at, 'group'], expected: 'a group name of letters, digits, "-" and "_"', found: JSON.stringify(group) });
      if (groups.has(group))
        problems.push({
          path: [...at, c.group === undefined ? 'service' : 'group'],
          expected: 'each consumer group once per topic (a group shares the partitions among its consumers)',
          found: `group "${group}" a second time`,
        });
      groups.add(group);
    });
  }
  forEachPublish(data, (p, path) => {
    const topicName = p.publish;
    if (typeof topicName === 'string' && !names.includes(topicName))
      problems.push({
        path: [...path, 'publish'],
        expected: names.length ? `a topic (${names.join(', ')})` : 'a topic defined under topics: (this scenario has none)',
        found: JSON.stringify(topicName),
        hint: suggest(topicName, names, 'did you mean "%s"?') || undefined,
      });
    for (const field of Object.keys(p))
      if (!PUBLISH_FIELDS.includes(field) && field !== 'to')
        // both to and publish: the core's check says so
        problems.push({
          path: [...path, field],
          expected: `only ${PUBLISH_FIELDS.join(' and ')} in a publish entry (the producer waits for the broker's ack alone)`,
          found: `"${field}" beside publish`,
          atKey: true,
        });
  });
  return problems;
}

/** Every publish entry (a call mapping with `publish`) of every endpoint, with its raw path. */
function forEachPublish(data: Raw, visit: (entry: Raw, path: PathSegment[]) => void): void {
  forEachEndpoint(data, (_from, ep, base) => {
    if (!Array.isArray(ep.calls)) return;
    ep.calls.forEach((step, i) => {
      const entries = Array.isArray(step)
        ? step.map((c, j) => [c, [...base, 'calls', i, j]] as const)
        : [[step, [...base, 'calls', i]] as const];
      for (const [c, path] of entries) if (isMapping(c) && c.publish !== undefined) visit(c, [...path]);
    });
  });
}
