// Sweeps against queueing theory: the M/M/c mean response time (Erlang C) at every point, inside the sweep's 95% interval.
import { describe, expect, it } from 'vitest';
import { erlangC } from '../analysis/queueing.js';
import { planSweep, runSweep } from './sweep.js';
import { parseVary } from './vary.js';
import type { Vary } from './vary.js';

const scenario = (cores: number) => `name: mmc
seed: 1
duration: 200s
warmup: 20s
workloads: [{ name: w, to: s, arrivals: poisson(300/s) }]
services: { s: { cores: ${cores}, cpu: exp(mean=10ms) } }
`;

describe('a sweep of an M/M/c service over its servers', () => {
  it("reproduces Erlang C: the theoretical mean response time lies in every point's 95% interval", async () => {
    const vary = parseVary('services.s.cores=4..7') as Vary;
    const plan = planSweep({ text: scenario(4), name: 'mmc.yaml' }, { vary: [vary], seeds: 10, metric: 'latencyMs.mean' });
    const result = await runSweep(plan);
    const lambda = 300;
    const mu = 100;
    for (const p of result.points) {
      const c = p.set['services.s.cores'] as number;
      const theory = (1 / mu + erlangC(c, lambda / mu) / (c * mu - lambda)) * 1000;
      const i = p.summary['latencyMs.mean'];
      // the interval is mean +- t(0.975, 9) x sd / sqrt(10) over 10 independent replications (seeds)
      expect(i.low!, `c=${c}: theory ${theory.toFixed(3)} ms`).toBeLessThanOrEqual(theory);
      expect(i.high!, `c=${c}: theory ${theory.toFixed(3)} ms`).toBeGreaterThanOrEqual(theory);
      // and utilization is a / c within its interval too
      const u = p.summary['services.s.utilization'];
      expect(u.low!).toBeLessThanOrEqual(lambda / mu / c + 1e-9);
      expect(u.high!).toBeGreaterThanOrEqual(lambda / mu / c - 1e-9);
    }
  });
});
