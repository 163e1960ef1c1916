// scenarios/order-saga.yaml shows what its header says: about 3% of orders compensated, sagas stuck by the partition and only by it, none when shipping's retries outlast it.
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../scenario/load.js';
import { type Override, parseSetFlag } from '../scenario/overrides.js';
import { runScenario } from './run.js';

const file = new URL('../../scenarios/order-saga.yaml', import.meta.url).pathname;
const set = (...flags: string[]) => flags.map((f) => parseSetFlag(f) as Override);
const sagaOf = (overrides: Override[] = [], seed?: number) =>
  runScenario(loadScenarioFile(file, overrides), { seed }).sagas!['place-order'];

describe('scenarios/order-saga.yaml', () => {
  for (const seed of [1, 2, 3]) {
    it(`compensates payment (2%) and inventory (1%) failures: 2.98% of sagas, within 4.5 binomial sd (seed ${seed})`, () => {
      const s = sagaOf([], seed);
      const ended = s.completed + s.compensated + s.failed + s.stuck;
      const expected = 0.02 + 0.98 * 0.01;
      // sagas stuck in the partition had passed the pivot: they could not have been compensated; leave them out
      const n = ended - s.stuck;
      expect(Math.abs(s.compensated / n - expected)).toBeLessThan(4.5 * Math.sqrt((expected * (1 - expected)) / n));
      expect(s.failed).toBe(0); // the first step (create) never fails: every failure has something to undo
      // payment failures undo only the order; inventory failures undo the payment, then the order
      expect(s.compensationsByStep['orders.create']).toBe(s.compensated);
      expect(s.compensationsByStep['payment.charge']).toBeLessThan(s.compensated);
      expect(s.stuck).toBeGreaterThan(100); // the partition leaves some sagas stuck
    });
  }

  it('no partition, no stuck saga; retries that outlast the partition leave none stuck either', () => {
    expect(sagaOf(set('faults=[]')).stuck).toBe(0);
    const patient = sagaOf(set('sagas.place-order.steps[3].retry.attempts=20'));
    expect(patient.stuck).toBe(0);
    expect(patient.latencyMs.p99!).toBeGreaterThan(15_000); // the price: checkout waits out the partition
  });
});
