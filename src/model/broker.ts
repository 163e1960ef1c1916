// Messaging: topics with partitions on a broker, publishes acked after the append, consumer groups as an origin of requests (at-least-once, dead letters, rebalances).
import { type Sampler, createSampler } from '../engine/distributions.js';
import { RingQueue } from '../engine/ring-queue.js';
import type { RandomStream, RandomStreams } from '../engine/rng.js';
import type { EventTarget, Simulation, TimerId } from '../engine/simulation.js';
import type { ConsumerSpec, TopicSpec } from '../scenario/spec.js';
import { cacheWorkOf } from './cache.js';
import { type Location, type Network, hopClassOf } from './network.js';
import type { Endpoint, Replica, Service } from './service.js';
import { type AttemptOwner, Outcome, RootRequest, Span, type WorkloadRef } from './span.js';
import { mix32 } from '../engine/hash.js';

/** What happened to a message, for observers. Numbers, so the hot path compares integers. */
export const TopicEvent = {
  /** Appended to its partition (group: null). */
  Published: 0,
  /** A group's consumer began handling it (a first delivery or a redelivery). */
  HandlingStarted: 1,
  /** A group's consumer handled it: it is done for that group. */
  Delivered: 2,
  /** A handling failed or timed out: it will be delivered again. */
  Redelivered: 3,
  /** It failed maxDeliveries times: it went to the dead-letter topic (or was dropped). */
  DeadLettered: 4,
  /** The group stopped to move partitions among its consumers (message: null). */
  RebalanceStarted: 5,
  /** The group took up its partitions again (message: null). */
  RebalanceEnded: 6,
} as const;
export type TopicEvent = (typeof TopicEvent)[keyof typeof TopicEvent];

/** What the broker tells the model's observers. */
export interface BrokerEvents {
  topicEvent(topic: Topic, group: ConsumerGroup | null, kind: TopicEvent, message: Message | null): void;
}

/** What the broker needs of the model around it. */
export interface BrokerEnv {
  readonly sim: Simulation;
  readonly listener: BrokerEvents;
  readonly warmupMs: number;
}

/** One message in a partition's log. Shared by the groups that read it; never changed once appended. */
export class Message {
  constructor(
    /** Its offset in its topic (in append order, over all partitions). */
    readonly seq: number,
    readonly partition: number,
    readonly key: number,
    /** When the producer sent it (ms): end-to-end latency counts from here. */
    readonly sentMs: number,
    /** When the broker appended it (ms): lag counts from here. */
    readonly appendedMs: number,
    /** Published after the warm-up: counted in the statistics. */
    readonly measured: boolean,
  ) {}
}

/** A group's view of one partition: messages not yet done for the group (the head is the one being handled), and its consumer. */
class GroupPartition {
  readonly queue = new RingQueue<Message>();
  /** Deliveries of the head message so far. */
  deliveries = 0;
  owner: ConsumerThread | null = null;
  constructor(readonly index: number) {}
}

/** One consumer thread of a group in one replica: it handles the partitions assigned to it, one message at a time. */
export class ConsumerThread {
  partitions: GroupPartition[] = [];
  /** The delivery in progress, or null when idle. */
  current: Delivery | null = null;
  /** Round-robin position among its partitions. */
  cursor = 0;
  alive = true;
  constructor(
    readonly replica: Replica,
    readonly index: number,
  ) {}
}

/** One handling of a message by a consumer: the span at the consumer's replica, answered back here (not to a parent). */
class Delivery implements AttemptOwner {
  done = false;
  timer: TimerId = -1;
  constructor(
    readonly group: ConsumerGroup,
    readonly thread: ConsumerThread,
    readonly part: GroupPartition,
    readonly message: Message,
    readonly span: Span,
  ) {}
  attemptDone(span: Span): void {
    this.group.handled(this, span.outcome === Outcome.Ok ? Outcome.Ok : span.outcome);
  }
}

const CONTINUE = 1;
const TIMEOUT = 2;
const REBALANCE_END = 3;
const ARRIVE = 4;

/**
 * A consumer group of a topic: its partitions' pending messages, its threads
 * (perReplica in each replica of the consuming service that is up), and which
 * thread owns which partition (round-robin). A partition is handled by one
 * thread at a time, in order: the head is redelivered until it succeeds or
 * reaches maxDeliveries. When a consumer replica dies or joins, the whole
 * group stops for the rebalance pause, then the partitions are assigned anew.
 */
export class ConsumerGroup implements EventTarget, WorkloadRef {
  readonly index: number;
  readonly name: string;
  readonly service: Service;
  readonly endpoint: Endpoint;
  readonly parts: GroupPartition[];
  threads: ConsumerThread[] = [];
  /** Messages appended and not yet delivered or dead-lettered (all of them, warm-up included). */
  pending = 0;
  /** Of those, the ones published after the warm-up. */
  pendingMeasured = 0;
  /** Stopped for a rebalance. */
  rebalancing = false;
  /** Stopped by a what-if (the group consumes nothing until resumed). */
  stopped = false;
  private rebalanceTimer: TimerId = -1;

  constructor(
    readonly topic: Topic,
    readonly spec: ConsumerSpec,
    index: number,
    service: Service,
    private readonly env: BrokerEnv,
    private readonly network: Network | null,
  ) {
    this.index = index;
    this.name = spec.group;
    this.service = service;
    this.endpoint = service.endpoints.get(spec.endpoint)!;
    this.parts = Array.from({ length: topic.spec.partitions }, (_, i) => new GroupPartition(i));
    this.join();
    this.assign();
  }

  /** Where the handlings come from (WorkloadRef): the broker. */
  get location(): Location {
    return this.topic.location;
  }

  finished(): void {}

  /** A message was appended: queue it; its partition's owner takes it if idle. */
  offer(message: Message): void {
    const part = this.parts[message.partition];
    part.queue.push(message);
    this.pending++;
    if (message.measured) this.pendingMeasured++;
    const owner = part.owner;
    if (owner !== null && owner.current === null && !this.rebalancing && !this.stopped) this.pump(owner);
  }

  /** The threads of the consumer replicas that are up now, in replica order. */
  private join(): void {
    for (const t of this.threads) t.alive = false;
    this.threads = [];
    for (const r of this.service.replicas) {
      if (!r.up) continue;
      for (let i = 0; i < this.spec.perReplica; i++) this.threads.push(new ConsumerThread(r, i));
    }
  }

  /** Partition p goes to thread p mod n (Kafka's round-robin assignor); none without threads. */
  private assign(): void {
    for (const t of this.threads) {
      t.partitions = [];
      t.cursor = 0;
    }
    const n = this.threads.length;
    for (const p of this.parts) {
      p.owner = n === 0 ? null : this.threads[p.index % n];
      if (p.owner !== null) p.owner.partitions.push(p);
    }
  }

  /** A consumer replica left or joined: stop, then assign the partitions anew after the rebalance pause. */
  rebalance(): void {
    if (this.rebalanceTimer >= 0) this.env.sim.cancel(this.rebalanceTimer);
    else this.env.listener.topicEvent(this.topic, this, TopicEvent.RebalanceStarted, null);
    this.rebalancing = true;
    this.join();
    this.rebalanceTimer = this.env.sim.schedule(this.topic.spec.rebalanceMs, this, REBALANCE_END, null);
  }

  /** Stop consuming (a what-if), or start again. */
  setStopped(stopped: boolean): void {
    if (this.stopped === stopped) return;
    this.stopped = stopped;
    if (!stopped && !this.rebalancing) for (const t of this.threads) if (t.current === null) this.pump(t);
  }

  handleEvent(code: number, ref: unknown): void {
    if (code === CONTINUE) {
      const t = ref as ConsumerThread;
      if (t.alive && t.current === null && !this.rebalancing && !this.stopped) this.pump(t);
    } else if (code === TIMEOUT) {
      const d = ref as Delivery;
      if (d.done) return;
      d.span.abandoned = true;
      this.handled(d, Outcome.Timeout);
    } else if (code === REBALANCE_END) {
      this.rebalanceTimer = -1;
      this.rebalancing = false;
      this.join();
      this.assign();
      this.env.listener.topicEvent(this.topic, this, TopicEvent.RebalanceEnded, null);
      if (!this.stopped) for (const t of this.threads) if (t.current === null) this.pump(t);
    } else if (code === ARRIVE) {
      const d = ref as Delivery;
      d.thread.replica.arrive(d.span);
    }
  }

  /** An idle thread takes the head of the next of its partitions that has one (round robin among them). */
  private pump(t: ConsumerThread): void {
    if (this.rebalancing || this.stopped) return;
    if (!t.replica.up) {
      this.rebalance(); // its replica left (removed, or killed): the group finds out when it next hands it work
      return;
    }
    const parts = t.partitions;
    const n = parts.length;
    for (let k = 0; k < n; k++) {
      const part = parts[(t.cursor + k) % n];
      if (part.queue.length === 0) continue;
      t.cursor = (t.cursor + k + 1) % n;
      this.deliver(t, part, part.queue.peek()!);
      return;
    }
  }

  private deliver(t: ConsumerThread, part: GroupPartition, message: Message): void {
    const env = this.env;
    const sim = env.sim;
    const now = sim.nowMs;
    const root = new RootRequest(this, now, -1, now >= env.warmupMs);
    const span = new Span(this.service, this.endpoint, null, root, root.measured);
    const d = new Delivery(this, t, part, message, span);
    span.attempts = d;
    span.sentMs = now;
    t.current = d;
    part.deliveries++;
    root.entry = t.replica;
    env.listener.topicEvent(this.topic, this, TopicEvent.HandlingStarted, message);
    if (this.spec.timeoutMs !== null) d.timer = sim.schedule(this.spec.timeoutMs, this, TIMEOUT, d);
    const replica = t.replica;
    const network = this.network;
    if (network !== null) {
      span.replica = replica;
      const from = this.topic.location;
      const delayMs = network.delayMs(from, replica.location, hopClassOf(from, replica.location), this.endpoint.requestBytes);
      sim.schedule(delayMs, this, ARRIVE, d);
    } else {
      replica.arrive(span);
    }
  }

  /** A handling ended (answered, or timed out): the message is done for the group, delivered again, or dead-lettered. */
  handled(d: Delivery, outcome: Outcome): void {
    if (d.done) return;
    d.done = true;
    if (d.timer >= 0) this.env.sim.cancel(d.timer);
    const t = d.thread;
    const part = d.part;
    t.current = null;
    const listener = this.env.listener;
    if (part.queue.peek() !== d.message) throw new Error('internal: a delivery that is not its partition head');
    if (outcome === Outcome.Ok) {
      this.done(part);
      listener.topicEvent(this.topic, this, TopicEvent.Delivered, d.message);
    } else if (part.deliveries >= this.topic.spec.maxDeliveries) {
      this.done(part);
      listener.topicEvent(this.topic, this, TopicEvent.DeadLettered, d.message);
      this.topic.deadLettered(d.message);
    } else {
      listener.topicEvent(this.topic, this, TopicEvent.Redelivered, d.message);
    }
    // the thread goes on with an event of its own: no recursion however many handlings fail at once
    if (t.alive) this.env.sim.schedule(0, this, CONTINUE, t);
    else if (part.owner !== null && part.owner !== t && part.owner.current === null) this.env.sim.schedule(0, this, CONTINUE, part.owner);
  }

  /** The head of a partition is done for the group (delivered or dead-lettered). */
  private done(part: GroupPartition): void {
    const message = part.queue.shift()!;
    part.deliveries = 0;
    this.pending--;
    if (message.measured) this.pendingMeasured--;
  }

  /** When the group's oldest pending message was appended (ms), or null when nothing is pending. */
  oldestPendingMs(): number | null {
    let oldest: number | null = null;
    for (const p of this.parts) {
      const m = p.queue.peek();
      if (m !== undefined && (oldest === null || m.appendedMs < oldest)) oldest = m.appendedMs;
    }
    return oldest;
  }
}

/** A publish on its way: appended after the hop to the broker and the append, acked after the hop back. */
class Publish {
  constructor(
    readonly parent: Span | null,
    readonly key: number,
    readonly sentMs: number,
    readonly from: Location | null,
  ) {}
}

const APPEND = 1;
const ACK = 2;

/** A topic: its partitions' logs on the broker, and the groups subscribed to it. */
export class Topic implements EventTarget {
  readonly groups: ConsumerGroup[] = [];
  /** Messages appended so far (warm-up included). */
  appended = 0;
  /** The dead-letter topic, or null. */
  deadLetter: Topic | null = null;
  private readonly append: Sampler;
  private readonly keyRng: RandomStream;

  constructor(
    readonly index: number,
    readonly spec: TopicSpec,
    readonly location: Location,
    private readonly env: BrokerEnv,
    private readonly network: Network | null,
    streams: RandomStreams,
  ) {
    this.append = createSampler(spec.broker.append, streams.stream(`topic:${spec.name}:append`));
    this.keyRng = streams.stream(`topic:${spec.name}:keys`);
  }

  get name(): string {
    return this.spec.name;
  }

  /** How long the broker takes to ack an append: the leader's, or the slowest of all replicas' (acks: all). */
  private appendMs(): number {
    let ms = this.append.sample();
    if (this.spec.broker.acks === 'all') for (let i = 1; i < this.spec.broker.replicas; i++) ms = Math.max(ms, this.append.sample());
    return ms;
  }

  /** `parent` publishes a message: its key is its request's (a cached lookup's key, or one from its endpoint's key space), else random. */
  publish(parent: Span): void {
    const cached = cacheWorkOf(parent);
    const keys = parent.endpoint.keys;
    const key = cached !== null ? cached.key : keys !== null ? keys.draw() : Math.floor(this.keyRng.next() * 0x7fffffff);
    const from = parent.replica!.location;
    const op = new Publish(parent, key, this.env.sim.nowMs, from);
    const hopMs = this.hopMs(from, this.location, parent.endpoint.requestBytes);
    this.env.sim.schedule(hopMs + this.appendMs(), this, APPEND, op);
  }

  /** A message that failed every delivery to a group goes here (from the broker itself). */
  deadLettered(message: Message): void {
    const dlq = this.deadLetter;
    if (dlq === null) return;
    dlq.env.sim.schedule(dlq.appendMs(), dlq, APPEND, new Publish(null, message.key, message.sentMs, null));
  }

  handleEvent(code: number, ref: unknown): void {
    const op = ref as Publish;
    if (code === APPEND) {
      this.appendNow(op);
      if (op.parent === null) return;
      const back = this.hopMs(this.location, op.from!, 0);
      if (back > 0) this.env.sim.schedule(back, this, ACK, op);
      else this.ack(op);
    } else if (code === ACK) {
      this.ack(op);
    }
  }

  private ack(op: Publish): void {
    const parent = op.parent!;
    parent.replica!.childDone(parent, Outcome.Ok);
  }

  private appendNow(op: Publish): void {
    const env = this.env;
    const now = env.sim.nowMs;
    const partition = mix32(op.key) % this.spec.partitions;
    const message = new Message(this.appended++, partition, op.key, op.sentMs, now, now >= env.warmupMs);
    env.listener.topicEvent(this, null, TopicEvent.Published, message);
    for (const g of this.groups) g.offer(message);
  }

  private hopMs(from: Location, to: Location, bytes: number): number {
    const network = this.network;
    if (network === null) return 0;
    return network.delayMs(from, to, hopClassOf(from, to), bytes);
  }
}

/** The topics of a scenario and their groups; replicas of consuming services that die or join set off rebalances. */
export class Broker {
  constructor(readonly topics: readonly Topic[]) {}

  /** Every consumer group of every topic, in topic order. */
  get groups(): ConsumerGroup[] {
    return this.topics.flatMap((t) => t.groups);
  }

  replicaKilled(replica: Replica): void {
    for (const g of this.groups) if (g.service === replica.service && g.threads.some((t) => t.replica === replica)) g.rebalance();
  }

  replicaAdded(replica: Replica): void {
    for (const g of this.groups) if (g.service === replica.service) g.rebalance();
  }

  /** Build the topics of a spec (null when it has none: a scenario without topics pays nothing). */
  static build(
    specs: Readonly<Record<string, TopicSpec>>,
    env: BrokerEnv,
    network: Network | null,
    streams: RandomStreams,
    location: (id: string) => Location,
    service: (name: string) => Service,
  ): Broker | null {
    const list = Object.values(specs);
    if (list.length === 0) return null;
    const topics = list.map((s, i) => new Topic(i, s, location(s.broker.at), env, network, streams));
    let groupIndex = 0;
    for (const t of topics) {
      if (t.spec.deadLetter !== null) t.deadLetter = topics.find((o) => o.name === t.spec.deadLetter)!;
      for (const c of t.spec.consumers) t.groups.push(new ConsumerGroup(t, c, groupIndex++, service(c.service), env, network));
    }
    return new Broker(topics);
  }
}
