// Every scenario shipped in scenarios/ loads, runs, and gives a sane, deterministic report.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../observe/report.js';
import { loadScenarioFile } from '../scenario/load.js';
import { type Override, parseSetFlag } from '../scenario/overrides.js';
import { runScenario } from './run.js';

const dir = new URL('../../scenarios/', import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));

describe('scenarios/', () => {
  it('has scenarios', () => {
    expect(files).toContain('checkout.yaml');
    expect(files).toContain('mm1.yaml');
  });

  for (const file of files) {
    it(`${file} runs (capped at 120 simulated seconds) with a sane report`, () => {
      const full = loadScenarioFile(dir + file);
      const durationMs = Math.min(full.durationMs, Math.max(full.warmupMs + 30_000, 120_000));
      const spec = { ...full, durationMs };
      const r = runScenario(spec);
      expect(reportSchema.safeParse(r).success).toBe(true);
      expect(r.requests.completed).toBeGreaterThan(0);
      for (const [name, s] of Object.entries(r.services)) {
        expect(s.utilization, name).toBeGreaterThanOrEqual(0);
        expect(s.utilization, name).toBeLessThanOrEqual(1);
      }
      expect({ ...runScenario(spec), engine: null }).toEqual({ ...r, engine: null });
    }, 30_000);
  }
});

describe('what the teaching scenarios show', () => {
  it('retry-storm: naive retries never recover from a 5 s slowdown; a retry budget does', async () => {
    const { nullListener } = await import('../model/listener.js');
    const { Run } = await import('./run.js');
    const run = new Run(loadScenarioFile(`${dir}retry-storm.yaml`));
    const late = { naive: [0, 0], budgeted: [0, 0] } as Record<string, [number, number]>;
    run.addListener({
      ...nullListener,
      requestFinished: (r) => r.intendedMs >= 60_000 && late[r.workload.name][r.outcome === 1 ? 0 : 1]++,
    });
    const report = run.runToEnd();
    const failRate = ([ok, bad]: [number, number]) => bad / (ok + bad);
    expect(failRate(late.naive)).toBeGreaterThan(0.99);
    expect(failRate(late.budgeted)).toBeLessThan(0.001);
    expect(report.edges['client-naive->db-naive'].amplification!).toBeGreaterThan(3);
    expect(report.edges['client-budget->db-budget'].amplification!).toBeLessThan(1.15);
  });

  it('cascading-failure: the slow dependency takes browsing down behind the naive gateway only', () => {
    const r = runScenario(loadScenarioFile(`${dir}cascading-failure.yaml`));
    expect(r.workloads['browse-naive'].requests.rejected).toBeGreaterThan(300);
    expect(r.workloads['browse-protected'].requests.rejected + r.workloads['browse-protected'].requests.failed).toBe(0);
    expect(r.workloads['browse-protected'].latencyMs.p99!).toBeLessThan(50);
    expect(r.breakers['protected#0->recommendations'].transitions[0]).toMatchObject({ from: 'closed', to: 'open' });
  });
});

describe('what the tail-at-scale scenario shows', () => {
  it('a fan-out of 100 inherits the 1% tail (1 - 0.99^100 = 63% of requests slow); hedging after 20 ms removes it for ~1% more calls', () => {
    const r = runScenario(loadScenarioFile(`${dir}tail-at-scale.yaml`));
    expect(r.workloads.plain.latencyMs.p50!).toBeGreaterThanOrEqual(1000);
    expect(r.workloads.hedged.latencyMs.p99!).toBeLessThan(40);
    const e = r.edges['hedged->leaf'];
    expect(e.hedges / e.calls).toBeGreaterThan(0.005);
    expect(e.hedges / e.calls).toBeLessThan(0.02);
  });
});

describe('what the cache scenarios show', () => {
  /** Run a scenario with `--set` flags, parsed as the command line parses them. */
  const withSet = (file: string, ...flags: string[]) =>
    runScenario(
      loadScenarioFile(
        `${dir}${file}`,
        flags.map((f) => parseSetFlag(f) as Override),
      ),
    );

  it('catalog-cache: the caches keep the database under its knee; a smaller L2 or a short TTL sends more reads to it, and p99 follows', () => {
    const base = withSet('catalog-cache.yaml');
    const smallL2 = withSet('catalog-cache.yaml', 'caches.product-l2.capacity=10000');
    const shortTtl = withSet('catalog-cache.yaml', 'caches.product-l2.ttl=10s');
    expect(base.slo!.met).toBe(true);
    expect(base.cachedEndpoints['catalog.product'].originLoadReduction!).toBeGreaterThan(0.5);
    expect(base.services.db.utilization!).toBeLessThan(0.75);
    expect(smallL2.caches['product-l2'].hitRatio!).toBeLessThan(base.caches['product-l2'].hitRatio! - 0.1);
    expect(smallL2.services.db.utilization!).toBeGreaterThan(base.services.db.utilization! + 0.1);
    expect(smallL2.latencyMs.p99!).toBeGreaterThan(base.latencyMs.p99!);
    expect(shortTtl.services.db.utilization!).toBeGreaterThan(0.9);
    expect(shortTtl.latencyMs.p99!).toBeGreaterThan(base.latencyMs.p99! * 1.5);
    expect(shortTtl.slo!.met).toBe(false);
    // the L1 is per replica: four copies, each at capacity
    expect(base.caches['product-l1']).toMatchObject({ copies: 4, entries: 40_000 });
  }, 60_000); // three 2-second runs: room for a loaded CI machine

  it('cache-stampede: synchronized expiries overflow the origin; single-flight absorbs them; refresh-ahead prevents them', () => {
    const herd = withSet('cache-stampede.yaml');
    const single = withSet('cache-stampede.yaml', 'caches.page-cache.coalesce=true');
    const ahead = withSet('cache-stampede.yaml', 'caches.page-cache.refreshAhead=10%');
    const c = herd.caches['page-cache'];
    expect(c.stampedes).toBeGreaterThanOrEqual(8); // one wave per 15 s TTL at least
    expect(c.maxConcurrentFetches).toBeGreaterThan(15);
    expect(herd.requests.rejected).toBeGreaterThan(100);
    expect(herd.slo!.met).toBe(false);
    expect(single.caches['page-cache'].maxConcurrentFetches).toBe(1);
    expect(single.caches['page-cache'].coalesced).toBeGreaterThan(300);
    expect(single.requests.rejected).toBe(0);
    expect(single.slo!.met).toBe(true);
    expect(single.cachedEndpoints['web.page'].originRequests).toBeLessThan(herd.cachedEndpoints['web.page'].originRequests * 0.85);
    expect(ahead.caches['page-cache'].refreshes).toBeGreaterThan(1000);
    expect(ahead.caches['page-cache'].stampedes).toBe(0);
    expect(ahead.latencyMs.p999!).toBeLessThan(single.latencyMs.p999!);
  }, 60_000);
});
