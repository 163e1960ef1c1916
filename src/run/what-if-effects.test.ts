import { describe, expect, it } from 'vitest';
import { LiveSession } from './live-session.js';
import { loadScenarioFile } from '../scenario/load.js';
import { WhatIfEffects } from './what-if-effects.js';

describe("what-ifs' effects in the log", () => {
  it('logs each what-if once, when due, in order, with p99 before and after', () => {
    const e = new WhatIfEffects(10_000);
    e.watch('add-replica', 'payment', 1_000, { serviceMs: 240, endToEndMs: 300 });
    e.watch('double-load', 'cart', 5_000, { serviceMs: null, endToEndMs: 310 });
    const now = { serviceMs: 160, endToEndMs: 210 };
    expect(e.due(10_999, () => now)).toEqual([]);
    expect(e.due(11_000, () => now)).toEqual([
      { atMs: 11_000, kind: 'info', text: 'payment +1 replica: p99 240ms -> 160ms after 10 s' }, // end to end too would not fit 80 columns
    ]);
    expect(e.due(20_000, () => ({ serviceMs: null, endToEndMs: null })).map((l) => l.text)).toEqual([
      'cart load x2: p99 - -> - after 10 s, end to end 310ms -> -',
    ]);
    expect(e.due(99_000, () => now)).toEqual([]);
  });

  it('in a live session: a replica added to the saturated payment service is followed 10 s later by its effect', () => {
    const s = new LiveSession(loadScenarioFile('scenarios/checkout.yaml'), { speed: 1 });
    let wall = 0;
    for (let i = 0; i < 100; i++) s.tick((wall += 100));
    s.command({ type: 'intervene', intent: 'add-replica', service: 'payment' });
    for (let i = 0; i < 99; i++) s.tick((wall += 100));
    expect(s.latest.log.some((l) => /payment \+1 replica/.test(l.text))).toBe(false);
    for (let i = 0; i < 5; i++) s.tick((wall += 100));
    const line = s.latest.log.find((l) => /payment \+1 replica/.test(l.text));
    expect(line?.text).toMatch(/^payment \+1 replica: p99 \S+ -> \S+ after 10 s(, end to end \S+ -> \S+)?$/);
    expect(line!.atMs).toBeGreaterThanOrEqual(19_900);
  });
});
