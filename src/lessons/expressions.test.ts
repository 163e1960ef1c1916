import { describe, expect, it } from 'vitest';
import { type Expression, evaluate, margin, parseExpression, valuesAt } from './expressions.js';

const parse = (text: string): Expression => {
  const e = parseExpression(text);
  if (typeof e === 'string') throw new Error(e);
  return e;
};

describe('lesson expressions', () => {
  it('reads a path, an operator and a limit in a number, a percentage or a duration', () => {
    expect(parse('latencyMs.p99 < 200ms')).toMatchObject({
      path: ['latencyMs', 'p99'],
      op: '<',
      limit: 200,
      limitText: '200ms',
      aggregate: null,
    });
    expect(parse('services.payment.utilization<=70%')).toMatchObject({
      path: ['services', 'payment', 'utilization'],
      op: '<=',
      limit: 0.7,
    });
    expect(parse('latencyMs.p99 < 1.5s').limit).toBe(1500);
    expect(parse('requests.rejected == 0')).toMatchObject({ op: '==', limit: 0 });
    expect(parse('sum(services.*.replicas) <= 8')).toMatchObject({ aggregate: 'sum', path: ['services', '*', 'replicas'], limit: 8 });
    expect(parse('workloads[0].latencyMs.p50 >= 1e-3')).toMatchObject({ path: ['workloads', '0', 'latencyMs', 'p50'], limit: 0.001 });
    // an edge's name has an arrow in it; the operator after it is still found
    expect(parse('edges.gateway->payment.retries>5')).toMatchObject({ path: ['edges', 'gateway->payment', 'retries'], op: '>', limit: 5 });
    expect(parse('edges.a->b.amplification<=1.5')).toMatchObject({ path: ['edges', 'a->b', 'amplification'], op: '<=', limit: 1.5 });
  });

  it('says what is wrong with a broken expression', () => {
    expect(parseExpression('latencyMs.p99 about 200ms')).toMatch(/expected "<path> <op> <limit>"/);
    expect(parseExpression('latencyMs.p99 < fast')).toMatch(/expected a limit .* found "fast"/);
    expect(parseExpression('latencyMs..p99 < 1')).toMatch(/expected a dotted path/);
  });

  it('finds values by path, * matching every key, a list entry by its name or index', () => {
    const spec = {
      workloads: [
        { name: 'shoppers', rate: 5 },
        { name: 'bots', rate: 7 },
      ],
      services: { a: { replicas: 2 }, b: { replicas: 3 } },
    };
    expect(valuesAt(spec, ['workloads', 'bots', 'rate'])).toEqual([{ at: 'workloads.bots.rate', value: 7 }]);
    expect(valuesAt(spec, ['workloads', '0', 'rate'])).toEqual([{ at: 'workloads.shoppers.rate', value: 5 }]);
    expect(valuesAt(spec, ['services', '*', 'replicas']).map((m) => m.value)).toEqual([2, 3]);
    expect(valuesAt(spec, ['services', 'c', 'replicas'])).toEqual([]);
    // inherited properties are not fields
    expect(valuesAt(spec, ['services', 'constructor'])).toEqual([]);
  });

  it('evaluates every match (reporting the worst), or an aggregate over them', () => {
    const report = { services: { a: { utilization: 0.5 }, b: { utilization: 0.9 }, c: { utilization: 0.65 } } };
    expect(evaluate(parse('services.*.utilization < 70%'), report)).toEqual({
      value: 0.9,
      met: false,
      at: 'services.b.utilization',
      missing: false,
    });
    // all met: the one closest to its limit
    expect(evaluate(parse('services.*.utilization < 95%'), report)).toMatchObject({ value: 0.9, met: true, at: 'services.b.utilization' });
    expect(evaluate(parse('sum(services.*.utilization) <= 2'), report)).toMatchObject({ value: 2.05, met: false });
    expect(evaluate(parse('max(services.*.utilization) < 1'), report)).toMatchObject({ value: 0.9, met: true });
    expect(evaluate(parse('count(services.*) <= 3'), report)).toMatchObject({ value: 3, met: true });
    // nothing there: missed, and said so
    expect(evaluate(parse('services.d.utilization < 1'), report)).toMatchObject({ value: null, met: false, missing: true });
    // a metric without data (null, as a p99 with no success) is missed
    expect(evaluate(parse('latencyMs.p99 < 1s'), { latencyMs: { p99: null } })).toMatchObject({ value: null, met: false, missing: false });
  });

  it('measures the margin to the limit as a share of it', () => {
    expect(margin(parse('x < 200'), 150)).toBeCloseTo(0.25, 12);
    expect(margin(parse('x >= 0.9'), 0.99)).toBeCloseTo(0.1, 12);
    expect(margin(parse('x < 200'), 250)).toBeCloseTo(-0.25, 12);
    expect(margin(parse('x == 0'), 0)).toBeNull();
  });
});
