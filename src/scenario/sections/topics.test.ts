// Bad input in topics and publishes: one located message per problem.
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../load.js';
import type { ScenarioError } from '../problems.js';

const base = `name: t
workloads: [{ name: w, to: orders, arrivals: poisson(10/s) }]
`;

/** The problems of a scenario, as "line:column path: expected" lines. */
function problemsOf(yaml: string): string[] {
  try {
    loadScenarioText(yaml, 't.yaml');
  } catch (err) {
    return (err as ScenarioError).problems.map((p) => `${p.line}:${p.column} ${p.path.join('.')}: ${p.expected} / ${p.found}`);
  }
  return [];
}

const topic = (body: string) => `${base}topics:\n  events:\n${body}`;
const services = `services:
  orders: { cpu: 1ms, calls: [{ publish: events }] }
  shipping: { cpu: 1ms }
`;

describe('topics: bad input', () => {
  it('a fragment like the issue example loads', () => {
    const spec = loadScenarioText(
      `${topic('    partitions: 6\n    broker: { append: exp(mean=2ms), replicas: 3, acks: all }\n    consumers: [{ service: shipping, perReplica: 2 }]\n')}${services}`,
      't.yaml',
    );
    expect(spec.topics.events).toMatchObject({
      partitions: 6,
      broker: { at: 'local/dc1', replicas: 3, acks: 'all' },
      maxDeliveries: 5,
      rebalanceMs: 3000,
      consumers: [{ service: 'shipping', endpoint: 'default', group: 'shipping', perReplica: 2, timeoutMs: null }],
    });
    expect(spec.services.orders.endpoints.default.steps[0][0].publish).toBe('events');
  });

  it('zero partitions', () => {
    expect(problemsOf(`${topic('    partitions: 0\n')}${services}`)).toEqual(['5:17 topics.events.partitions: a number >= 1 / 0']);
  });

  it('a publish to an unknown topic, with a suggestion', () => {
    expect(problemsOf(`${topic('    partitions: 1\n')}services:\n  orders: { cpu: 1ms, calls: [{ publish: evnts }] }\n`)).toEqual([
      '7:42 services.orders.calls.0.publish: a topic (events) / "evnts"',
    ]);
  });

  it('a consumer service (or endpoint) that does not exist', () => {
    expect(
      problemsOf(`${topic('    partitions: 1\n    consumers: [{ service: shiping }, { service: orders.nope }]\n')}${services}`),
    ).toEqual([
      '6:28 topics.events.consumers.0.service: a service (orders, shipping) / "shiping", which is not a service',
      '6:50 topics.events.consumers.1.service: "orders" (it has no named endpoints) / "orders.nope"',
    ]);
  });

  it('a group twice, an unknown dead-letter topic, a broker at an unknown location', () => {
    expect(
      problemsOf(
        `${topic('    partitions: 1\n    deadLetter: dlq\n    broker: { at: eu/dc1 }\n    consumers: [{ service: shipping }, { service: orders, group: shipping }]\n')}${services}`,
      ),
    ).toEqual([
      '6:17 topics.events.deadLetter: a topic defined under topics: (events) / "dlq"',
      '7:19 topics.events.broker.at: a location (local/dc1) / "eu/dc1"',
      '8:66 topics.events.consumers.1.group: each consumer group once per topic (a group shares the partitions among its consumers) / group "shipping" a second time',
    ]);
  });

  it('an entry with neither to nor publish, or both; resilience options on a publish', () => {
    expect(
      problemsOf(
        `${topic('    partitions: 1\n')}services:\n  orders: { cpu: 1ms, calls: [{ probability: 0.5 }, { to: shipping, publish: events }, { publish: events, timeout: 1s }] }\n  shipping: { cpu: 1ms }\n`,
      ),
    ).toEqual([
      "7:31 services.orders.calls.0: one of to, publish, saga in a step's entry (to: service.endpoint for a call) / none of them",
      "7:53 services.orders.calls.1: one of to, publish, saga in a step's entry / to and publish",
      '7:107 services.orders.calls.2.timeout: only publish and probability in a publish entry (the producer waits for the broker\'s ack alone) / "timeout" beside publish',
    ]);
  });
});
