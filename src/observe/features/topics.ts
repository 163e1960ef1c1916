// Messaging: per topic and consumer group, messages published, delivered, redelivered and dead-lettered, the lag (messages and time), end-to-end latency, rebalances.
import { z } from 'zod';
import { type ConsumerGroup, type Message, type Topic, TopicEvent } from '../../model/broker.js';
import type { World } from '../../model/world.js';
import { type Collector, type LiveView, type LogLine, defineFeature } from '../feature.js';
import { formatMs, formatWhole, table } from '../format.js';
import { Histogram } from '../histogram.js';
import { round } from '../report-fields.js';
import { TimeWeighted } from '../time-weighted.js';

/** One group's figures after the warm-up (messages published after it; lag levels integrated from it). */
export class GroupMetrics {
  delivered = 0;
  redelivered = 0;
  deadLettered = 0;
  rebalances = 0;
  /** Messages pending for the group (appended, not yet delivered or dead-lettered), over time. */
  readonly lag: TimeWeighted;
  /** Delivered messages: commit time - append time (how far behind the group was, in time). */
  readonly lagTime = new Histogram();
  /** Delivered messages: commit time - the producer's send time. */
  readonly endToEnd = new Histogram();
  constructor(startMs: number) {
    this.lag = new TimeWeighted(startMs);
  }
}

export class TopicMetrics {
  published = 0;
  readonly groups: GroupMetrics[];
  constructor(topic: Topic, startMs: number) {
    this.groups = topic.groups.map(() => new GroupMetrics(startMs));
  }
}

/** Counts messages published after the warm-up; every message moves the lag levels (they are integrated from the warm-up on). */
export class TopicsCollector implements Collector {
  readonly topics: TopicMetrics[];

  constructor(private readonly world: World) {
    this.topics = world.broker!.topics.map((t) => new TopicMetrics(t, world.warmupMs));
  }

  topicEvent(topic: Topic, group: ConsumerGroup | null, kind: TopicEvent, message: Message | null): void {
    const m = this.topics[topic.index];
    const now = this.world.sim.nowMs;
    if (kind === TopicEvent.Published) {
      if (message!.measured) m.published++;
      for (const g of m.groups) g.lag.add(1, now);
      return;
    }
    if (group === null) return;
    const g = m.groups[topic.groups.indexOf(group)];
    switch (kind) {
      case TopicEvent.Delivered:
        g.lag.add(-1, now);
        if (!message!.measured) return;
        g.delivered++;
        g.lagTime.record(now - message!.appendedMs);
        g.endToEnd.record(now - message!.sentMs);
        return;
      case TopicEvent.DeadLettered:
        g.lag.add(-1, now);
        if (message!.measured) g.deadLettered++;
        return;
      case TopicEvent.Redelivered:
        if (message!.measured) g.redelivered++;
        return;
      case TopicEvent.RebalanceStarted:
        if (now >= this.world.warmupMs) g.rebalances++;
        return;
    }
  }
}

/** A line the event log owes: a rebalance, or the dead letters of a group in one simulated second. */
interface TopicNote {
  atMs: number;
  text: string;
  kind: 'info' | 'refused';
}

const NOTES_KEPT = 200; // notes waiting to be logged, at most

/** What the dashboard shows beyond the report: deliveries since the start (for rates), and log notes not yet taken. */
export class TopicsLiveCollector implements Collector {
  /** Per group (world.broker.groups order): messages delivered since the start. */
  readonly delivered: number[];
  readonly notes: TopicNote[] = [];
  /** Per group: dead letters in the current simulated second, and which second. */
  readonly dead: { second: number; count: number }[];

  constructor(private readonly world: World) {
    const n = world.broker!.groups.length;
    this.delivered = new Array<number>(n).fill(0);
    this.dead = Array.from({ length: n }, () => ({ second: -1, count: 0 }));
  }

  topicEvent(topic: Topic, group: ConsumerGroup | null, kind: TopicEvent, _message: Message | null): void {
    if (group === null) return;
    const now = this.world.sim.nowMs;
    if (kind === TopicEvent.Delivered) this.delivered[group.index]++;
    else if (kind === TopicEvent.DeadLettered) {
      const d = this.dead[group.index];
      const second = Math.floor(now / 1000);
      if (d.second !== second) {
        this.flushDead(topic, group);
        d.second = second;
      }
      d.count++;
    } else if (kind === TopicEvent.RebalanceStarted)
      this.note(
        now,
        'info',
        `${topic.name}/${group.name}: rebalancing (${group.threads.length} consumers left), paused ${formatMs(topic.spec.rebalanceMs)}`,
      );
    else if (kind === TopicEvent.RebalanceEnded)
      this.note(
        now,
        'info',
        `${topic.name}/${group.name}: rebalanced, ${topic.spec.partitions} partitions over ${group.threads.length} consumers`,
      );
  }

  /** Log the dead letters of a group's last second (all of them at the end of the run). */
  flushDead(topic: Topic, group: ConsumerGroup): void {
    const d = this.dead[group.index];
    if (d.count === 0) return;
    const to = topic.deadLetter === null ? 'dropped' : `to ${topic.deadLetter.name}`;
    this.note(
      d.second * 1000,
      'refused',
      `${topic.name}/${group.name}: ${d.count} dead letter${d.count === 1 ? '' : 's'} ${to} (failed ${topic.spec.maxDeliveries} deliveries)`,
    );
    d.count = 0;
  }

  private note(atMs: number, kind: 'info' | 'refused', text: string): void {
    if (this.notes.length < NOTES_KEPT) this.notes.push({ atMs, kind, text });
  }
}

/** A consumer group on the dashboard: its lag now, in messages and in time, and what it does. */
export interface TopicGroupRow {
  readonly topic: string;
  readonly group: string;
  readonly partitions: number;
  readonly consumers: number;
  /** Messages pending now. */
  readonly lagMessages: number;
  /** Age of the oldest pending message (ms), 0 when none. */
  readonly lagMs: number;
  /** Over the recent window. */
  readonly deliveredPerSec: number;
  readonly state: 'consuming' | 'rebalancing' | 'stopped';
}

export interface TopicsFields {
  readonly topicGroups: readonly TopicGroupRow[];
}

const lagShape = z.object({
  messagesMax: z.number().int().describe('the most messages pending at once (appended, not yet delivered or dead-lettered)'),
  messagesMean: z.number().nullable().describe('messages pending, averaged over the measured time'),
  timeMsP99: z
    .number()
    .nullable()
    .describe('p99 over delivered messages of the time from append to commit: how far behind the consumers were, in time'),
});

const countsShape = {
  published: z.number().int().describe('messages appended after the warm-up'),
  delivered: z.number().int().describe('of those, handled successfully (for a topic: summed over its groups)'),
  redelivered: z.number().int().describe('handlings that failed or timed out and were delivered again (at least once)'),
  deadLettered: z.number().int().describe('messages that failed maxDeliveries times: sent to the dead-letter topic, or dropped'),
  inFlight: z
    .number()
    .int()
    .describe('messages published after the warm-up and still pending at the end: published = delivered + deadLettered + inFlight'),
  lag: lagShape,
  endToEndMs: z
    .object({ p50: z.number().nullable(), p99: z.number().nullable() })
    .describe("from the producer's publish to the consumer's successful handling"),
};

const groupShape = z.object({
  service: z.string().describe('the handling endpoint, service.endpoint'),
  consumers: z.number().int().describe('consumer threads at the end (perReplica x replicas up)'),
  ...countsShape,
  rebalances: z.number().int().describe('times the group stopped to move partitions (a consumer died or joined)'),
});

const topicShape = z.object({
  partitions: z.number().int(),
  ...countsShape,
  byGroup: z.record(z.string(), groupShape),
});

type GroupSection = z.infer<typeof groupShape>;

/** A group's figures at the end of the run. */
function groupSection(group: ConsumerGroup, m: GroupMetrics, published: number, nowMs: number): GroupSection {
  // pending at the end as the model counts it (not from these counters: the invariant checks one against the other)
  const inFlight = group.pendingMeasured;
  return {
    service: `${group.service.name}.${group.endpoint.name}`,
    consumers: group.threads.length,
    published,
    delivered: m.delivered,
    redelivered: m.redelivered,
    deadLettered: m.deadLettered,
    inFlight,
    lag: {
      messagesMax: m.lag.maxSince(nowMs),
      messagesMean: round(m.lag.mean(nowMs)),
      timeMsP99: m.lagTime.count > 0 ? round(m.lagTime.percentile(99)) : null,
    },
    endToEndMs: {
      p50: m.endToEnd.count > 0 ? round(m.endToEnd.percentile(50)) : null,
      p99: m.endToEnd.count > 0 ? round(m.endToEnd.percentile(99)) : null,
    },
    rebalances: m.rebalances,
  };
}

export const topics = defineFeature({
  name: 'topics',
  collect: (world: World) => (world.broker !== null ? new TopicsCollector(world) : null),
  report: {
    shape: {
      topics: z
        .record(z.string(), topicShape)
        .optional()
        .describe(
          "topics (only in scenarios with topics), counted for messages published after the warm-up; a topic's lag is its most lagging group's, its endToEndMs over all its groups",
        ),
    },
    build: (c: TopicsCollector | null, { world, nowMs }) => {
      if (c === null || world.broker === null) return {};
      return {
        topics: Object.fromEntries(
          world.broker.topics.map((topic, i) => {
            const m = c.topics[i];
            const groups = topic.groups.map((g, j) => groupSection(g, m.groups[j], m.published, nowMs));
            const sum = (f: (g: GroupSection) => number) => groups.reduce((s, g) => s + f(g), 0);
            const max = (f: (g: GroupSection) => number | null) =>
              groups.reduce<number | null>((s, g) => (f(g) === null ? s : s === null ? f(g) : Math.max(s, f(g)!)), null);
            const all = new Histogram();
            for (const g of m.groups) all.merge(g.endToEnd);
            return [
              topic.name,
              {
                partitions: topic.spec.partitions,
                published: m.published,
                delivered: sum((g) => g.delivered),
                redelivered: sum((g) => g.redelivered),
                deadLettered: sum((g) => g.deadLettered),
                inFlight: sum((g) => g.inFlight),
                lag: {
                  messagesMax: max((g) => g.lag.messagesMax) ?? 0,
                  messagesMean: max((g) => g.lag.messagesMean),
                  timeMsP99: max((g) => g.lag.timeMsP99),
                },
                endToEndMs: {
                  p50: all.count > 0 ? round(all.percentile(50)) : null,
                  p99: all.count > 0 ? round(all.percentile(99)) : null,
                },
                byGroup: Object.fromEntries(topic.groups.map((g, j) => [g.name, groups[j]])),
              },
            ];
          }),
        ),
      };
    },
    summary({ topics }) {
      if (topics === undefined) return [];
      const rows: string[][] = [];
      for (const [name, t] of Object.entries(topics)) {
        rows.push([name, `${t.partitions}p`, formatWhole(t.published), '', '', '', '', '', '', '']);
        for (const [group, g] of Object.entries(t.byGroup))
          rows.push([
            `  ${group}`,
            `x${g.consumers}`,
            '',
            formatWhole(g.delivered),
            formatWhole(g.redelivered),
            formatWhole(g.deadLettered),
            formatWhole(g.inFlight),
            `${formatWhole(g.lag.messagesMax)} / ${g.lag.timeMsP99 === null ? '-' : formatMs(g.lag.timeMsP99)}`,
            g.endToEndMs.p99 === null ? '-' : formatMs(g.endToEndMs.p99),
            String(g.rebalances),
          ]);
      }
      return [
        'Topics (messages published after the warm-up; lag: most pending at once / p99 append-to-commit time;',
        'e2e: publish to successful handling):',
        table(
          ['topic / group', 'parts', 'published', 'delivered', 'redeliv', 'dead', 'pending', 'lag max / p99', 'e2e p99', 'rebal'],
          rows,
        ),
        '',
      ];
    },
  },
  live: {
    collect: (world: World) => (world.broker !== null ? new TopicsLiveCollector(world) : null),
    view(world: World, _c: TopicsCollector | null, live: TopicsLiveCollector | null): LiveView<number[], TopicsFields, object> {
      const groups = world.broker?.groups ?? [];
      return {
        sample: () => (live === null ? [] : live.delivered.slice()),
        log(nowMs: number, done: boolean): LogLine[] {
          if (live === null) return [];
          const second = Math.floor(nowMs / 1000);
          for (const g of groups) {
            const d = live.dead[g.index];
            if (d.count > 0 && (done || d.second < second)) live.flushDead(g.topic, g);
          }
          return live.notes.splice(0).sort((a, b) => a.atMs - b.atMs);
        },
        fields: ({ first, newest, dSimS }): TopicsFields => ({
          topicGroups: groups.map((g, i) => {
            const oldest = g.oldestPendingMs();
            return {
              topic: g.topic.name,
              group: g.name,
              partitions: g.topic.spec.partitions,
              consumers: g.threads.length,
              lagMessages: g.pending,
              lagMs: oldest === null ? 0 : world.sim.nowMs - oldest,
              deliveredPerSec: dSimS > 0 ? ((newest[i] ?? 0) - (first[i] ?? 0)) / dSimS : 0,
              state: g.stopped ? 'stopped' : g.rebalancing ? 'rebalancing' : 'consuming',
            };
          }),
        }),
      };
    },
  },
});
