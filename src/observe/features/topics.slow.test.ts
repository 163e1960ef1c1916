// What scenarios/event-pipeline.yaml shows: a slow consumer group's lag grows and drains while checkout latency stays flat; a killed consumer sets off a rebalance.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../model/assemble.js';
import { runScenario } from '../../run/run.js';
import { loadScenarioFile } from '../../scenario/load.js';

const file = new URL('../../../scenarios/event-pipeline.yaml', import.meta.url).pathname;

describe('scenarios/event-pipeline.yaml', () => {
  const spec = loadScenarioFile(file);

  it('analytics lags through its slowdown and catches up; shipping lags only around its rebalance', () => {
    for (const seed of [1, 2, 3]) {
      const world = assemble(spec, { seed });
      const pending = (group: string) => world.broker!.groups.find((g) => g.name === group)!.pending;
      world.start();
      const at = (ms: number) => {
        world.sim.runUntil(ms);
        return { analytics: pending('analytics'), shipping: pending('shipping') };
      };
      // analytics handles about 110/s of the 200/s published while 3x slower: some 90 a second pile up
      const endOfSlowdown = at(40_000);
      expect(endOfSlowdown.analytics, `seed ${seed}`).toBeGreaterThan(1200);
      expect(endOfSlowdown.shipping, `seed ${seed}`).toBeLessThan(30);
      expect(at(59_000).analytics, `seed ${seed}`).toBeLessThan(30);
      // shipping#2 dies at 60 s: its group stops for the 3 s rebalance, about 600 messages pile up
      const inRebalance = at(62_900);
      expect(inRebalance.shipping, `seed ${seed}`).toBeGreaterThan(450);
      expect(at(90_000).shipping, `seed ${seed}`).toBeLessThan(30);
    }
  }, 60_000);

  it('checkout latency is the same with or without the consumer faults: the producer waits for the broker only', () => {
    const faulty = runScenario(spec, { seed: 4 });
    const calm = runScenario({ ...spec, faults: [] }, { seed: 4 });
    expect(faulty.workloads.checkout.latencyMs).toEqual(calm.workloads.checkout.latencyMs);
    const [f, c] = [faulty.topics!['order-events'].byGroup, calm.topics!['order-events'].byGroup];
    expect(f.analytics.lag.messagesMax).toBeGreaterThan(10 * c.analytics.lag.messagesMax);
    expect(f.shipping.rebalances).toBe(1);
    expect(c.shipping.rebalances).toBe(0);
    expect(f.shipping.consumers).toBe(4);
  }, 60_000);
});
