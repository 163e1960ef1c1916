import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../scenario/load.js';
import { LiveSession, SPEEDS, parseSpeed } from './live-session.js';
import { runScenario } from './run.js';

const spec = loadScenarioFile('scenarios/checkout.yaml');

describe('live session', () => {
  it('paces simulated time by the speed: 1x follows the wall clock, 10x ten times faster', () => {
    const s = new LiveSession(spec, { speed: 1 });
    s.tick(0);
    for (let wall = 100; wall <= 2000; wall += 100) s.tick(wall);
    expect(s.latest.simMs).toBeCloseTo(2000, 6);
    s.command({ type: 'faster' });
    expect(s.speed).toBe(2);
    const fast = new LiveSession(spec, { speed: 10 });
    fast.tick(0);
    fast.tick(100);
    expect(fast.latest.simMs).toBeCloseTo(1000, 6);
  });

  it('does not try to catch up after a stall (at most 250 ms of wall time a frame)', () => {
    const s = new LiveSession(spec, { speed: 1 });
    s.tick(0);
    s.tick(10_000);
    expect(s.latest.simMs).toBeCloseTo(250, 6);
  });

  it('pauses and resumes; a paused snapshot keeps its rates', () => {
    const s = new LiveSession(spec, { speed: 1 });
    for (let w = 0; w <= 3000; w += 100) s.tick(w);
    s.command({ type: 'toggle-pause' });
    const at = s.latest.simMs;
    const rate = s.latest.services[0].throughputPerSec;
    for (let w = 3100; w <= 4000; w += 100) s.tick(w);
    expect(s.latest.paused).toBe(true);
    expect(s.latest.simMs).toBe(at);
    expect(s.latest.services[0].throughputPerSec).toBe(rate);
    expect(rate).toBeGreaterThan(300); // ~400/s of shoppers reach the gateway
    s.command({ type: 'toggle-pause' });
    s.tick(4100);
    expect(s.latest.simMs).toBeGreaterThan(at);
  });

  it('publishes frozen snapshots with a latency series and per-service rows', () => {
    const s = new LiveSession(spec, { speed: 10 });
    for (let w = 0; w <= 1000; w += 100) s.tick(w);
    const snap = s.latest;
    expect(Object.isFrozen(snap)).toBe(true);
    expect(snap.series.length).toBeGreaterThan(30);
    expect(snap.series.at(-1)!.p99Ms!).toBeGreaterThan(snap.series.at(-1)!.p50Ms!);
    const payment = snap.services.find((r) => r.name === 'payment')!;
    expect(payment.replicasTotal).toBe(5);
    expect(payment.utilization).toBeGreaterThan(0.5);
    expect(payment.utilization).toBeLessThanOrEqual(1);
  });

  it('quit ends the run: finished resolves with the report, which the same replayed run reproduces', async () => {
    const s = new LiveSession(spec, { speed: 5 });
    for (let w = 0; w <= 1500; w += 100) s.tick(w);
    s.command({ type: 'intervene', intent: 'add-replica', service: 'cart' });
    for (let w = 1600; w <= 2500; w += 100) s.tick(w);
    s.command({ type: 'quit' });
    const report = await s.finished;
    expect(report.interventions.map((i) => i.action)).toEqual(['add-replica']);
    expect(report.simulatedMs).toBeLessThan(spec.durationMs);
    const replayed = runScenario(spec, { seed: report.seed, replay: report.interventions, endMs: report.simulatedMs });
    expect({ ...replayed, engine: null }).toEqual({ ...report, engine: null });
  });

  it("shows a lesson's objectives on the run so far, evaluated about once a wall second, without changing the run", async () => {
    const calls: number[] = [];
    const s = new LiveSession(spec, {
      speed: 10,
      objectives: (r) => {
        calls.push(r.simulatedMs);
        return [
          {
            objective: 'latencyMs.p99 < 300ms',
            value: String(r.latencyMs.p99),
            met: r.latencyMs.p99 === null ? null : r.latencyMs.p99 < 300,
          },
        ];
      },
    });
    for (let w = 0; w <= 3000; w += 100) s.tick(w);
    // before the warm-up ends nothing is measured; a report about once a wall second, not every frame
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.length).toBeLessThanOrEqual(5);
    expect(s.latest.objectives).toEqual([{ objective: 'latencyMs.p99 < 300ms', value: expect.any(String), met: true }]);
    for (let w = 3100; !s.latest.done; w += 100) s.tick(w);
    const report = await s.finished;
    // the reports built along the way do not disturb the run: the same as a run without them
    const plain = runScenario(spec, { seed: report.seed });
    expect({ ...report, engine: null }).toEqual({ ...plain, engine: null });
    expect(new LiveSession(spec).latest.objectives).toBeUndefined();
  });

  it('parses --speed values', () => {
    expect(parseSpeed('1x')).toBe(1);
    expect(parseSpeed('10X')).toBe(10);
    expect(parseSpeed('0.5x')).toBe(0.5);
    expect(parseSpeed('max')).toBe('max');
    expect(parseSpeed('fast')).toBeUndefined();
    expect(parseSpeed('0x')).toBeUndefined();
    expect(SPEEDS.at(-1)).toBe('max');
  });

  it('an error in a frame stops the run there: finished gets the report so far, failure the error', async () => {
    const s = new LiveSession(spec, { speed: 20 });
    const tick = s.tick.bind(s);
    s.tick = (wallMs) => {
      if (s.latest.simMs > 1000) throw new RangeError('broken frame');
      tick(wallMs);
    };
    s.start();
    const report = await s.finished;
    expect(s.failure?.message).toBe('broken frame');
    expect(report.simulatedSeconds).toBeGreaterThan(1);
    expect(report.simulatedSeconds).toBeLessThan(60);
  });

  it('the export command runs the exporter and logs its line; without one, or when it fails, says so', () => {
    const seen: number[] = [];
    const exporter = (run: { world: { sim: { nowMs: number } } }) => {
      seen.push(run.world.sim.nowMs);
      return 'written to x.csv';
    };
    const s = new LiveSession(spec, { speed: 'max', exporter });
    s.tick(0);
    s.tick(100);
    expect(s.command({ type: 'export' })?.text).toBe('written to x.csv');
    expect(seen).toHaveLength(1);
    expect(s.run.log.at(-1)).toMatchObject({ kind: 'info', text: 'written to x.csv' });
    const none = new LiveSession(spec, { speed: 1 });
    expect(none.command({ type: 'export' })?.text).toBe('export: not available in this session');
    const failing = new LiveSession(spec, {
      speed: 1,
      exporter: () => {
        throw new Error('EACCES: permission denied');
      },
    });
    expect(failing.command({ type: 'export' })?.text).toBe('export failed: EACCES: permission denied');
  });
});
