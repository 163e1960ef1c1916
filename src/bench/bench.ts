// `npm run bench`: fixed models run for about 10^6 requests; prints simulated requests and events per wall second.
import { performance } from 'node:perf_hooks';
import { RandomStreams } from '../engine/rng.js';
import { type EventTarget, Simulation } from '../engine/simulation.js';
import { Run } from '../run/run.js';
import { loadScenarioText } from '../scenario/load.js';
import {
  BREAKER_MODEL,
  type BenchModel,
  CACHE_MODEL,
  CALL_GRAPH_HOPS_MODEL,
  CALL_GRAPH_MODEL,
  MM1_MODEL,
  NO_BREAKER_MODEL,
  treesModel,
  NO_SAGA_MODEL,
  SAGA_MODEL,
} from './models.js';
import { comparePeers } from './peers.js';

const models: BenchModel[] = [
  MM1_MODEL,
  CALL_GRAPH_MODEL,
  CALL_GRAPH_HOPS_MODEL,
  CACHE_MODEL,
  BREAKER_MODEL,
  NO_BREAKER_MODEL,
  SAGA_MODEL,
  NO_SAGA_MODEL,
];

function bench(model: BenchModel, seed: number) {
  const t0 = performance.now();
  const run = new Run(loadScenarioText(model.yaml, `${model.name}.yaml`), { seed });
  const report = run.runToEnd();
  const totalSeconds = (performance.now() - t0) / 1000;
  const requests = report.requests.completed + report.requests.failed + report.requests.rejected;
  return {
    requests,
    events: report.engine.events,
    loopSeconds: report.engine.wallSeconds,
    totalSeconds,
    meanMs: report.latencyMs.mean,
    p99Ms: report.latencyMs.p99,
    heapMb: process.memoryUsage().heapUsed / 2 ** 20,
  };
}

const repeats = Number(process.env.BENCH_REPEATS ?? 3);
console.log(
  `msim bench: node ${process.version}, ${repeats} runs each, best shown (wall times vary ~15% between runs on shared machines)\n`,
);
const bestSeconds = new Map<BenchModel, number>();
for (const model of models) {
  bench(model, 99); // warm the JIT
  const runs = Array.from({ length: repeats }, (_, i) => bench(model, i + 1));
  const best = runs.reduce((a, b) => (b.totalSeconds < a.totalSeconds ? b : a));
  console.log(model.name);
  console.log(`  requests/s (whole run)   ${Math.round(best.requests / best.totalSeconds).toLocaleString('en-US')}`);
  console.log(`  requests/s (event loop)  ${Math.round(best.requests / best.loopSeconds).toLocaleString('en-US')}`);
  console.log(
    `  events/s                 ${Math.round(best.events / best.loopSeconds).toLocaleString('en-US')}  (${(best.events / best.requests).toFixed(2)} events/request)`,
  );
  console.log(`  mean ${best.meanMs} ms, p99 ${best.p99Ms} ms, heap after run ${best.heapMb.toFixed(0)} MB`);
  console.log(`  all runs (s): ${runs.map((r) => r.totalSeconds.toFixed(2)).join(', ')}\n`);
  bestSeconds.set(model, best.totalSeconds);
}
console.log(
  `breakers: ${(bestSeconds.get(BREAKER_MODEL)! / bestSeconds.get(NO_BREAKER_MODEL)!).toFixed(2)}x the time of the same calls without them (best runs)\n`,
);
console.log(
  `sagas: ${(bestSeconds.get(SAGA_MODEL)! / bestSeconds.get(NO_SAGA_MODEL)!).toFixed(2)}x the time of the same calls without a saga, 10,000 in flight (best runs)\n`,
);

/**
 * The engine alone, on the classic "hold" model: each event reschedules itself after an
 * exponential delay, so the heap stays at `pending` entries. Integer-coded events on one
 * target versus a closure allocated per event (the design msim chose against).
 */
function hold(pending: number, events: number, closures: boolean): number {
  const sim = new Simulation();
  const rng = new RandomStreams(1).stream('hold');
  let left = events;
  const coded: EventTarget = {
    handleEvent() {
      if (--left > 0) sim.schedule(-Math.log(1 - rng.next()), coded, 1, null);
    },
  };
  const viaClosure: EventTarget = { handleEvent: (_c, ref) => (ref as () => void)() };
  const makeClosure = (): (() => void) => () => {
    if (--left > 0) sim.schedule(-Math.log(1 - rng.next()), viaClosure, 0, makeClosure());
  };
  for (let i = 0; i < pending; i++) {
    if (closures) sim.schedule(-Math.log(1 - rng.next()), viaClosure, 0, makeClosure());
    else sim.schedule(-Math.log(1 - rng.next()), coded, 1, null);
  }
  const t0 = performance.now();
  sim.runUntil(Infinity);
  return sim.eventCount / ((performance.now() - t0) / 1000);
}

// size: the cost per span (service visit) as the system grows, at the same work per request
console.log('size: cost per span with N services (10 spans a request)');
let perSpanAt10 = 0;
for (const n of [10, 100, 1000, 5000]) {
  const model = treesModel(n, n >= 1000 ? 100 : 200);
  if (global.gc) global.gc();
  const r = bench(model, 1);
  const nsPerSpan = (r.totalSeconds * 1e9) / (r.requests * 10);
  if (n === 10) perSpanAt10 = nsPerSpan;
  console.log(
    `  ${model.name.padEnd(48)} ${Math.round(nsPerSpan).toLocaleString('en-US').padStart(6)} ns a span (${(nsPerSpan / perSpanAt10).toFixed(2)}x 10 services), rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
  );
}
console.log('');

comparePeers();

console.log('engine only, hold model (events/s, best of 3)');
for (const pending of [1_000, 100_000]) {
  const best = (closures: boolean) => Math.max(...[0, 1, 2, 3].map(() => hold(pending, 2_000_000, closures)).slice(1));
  console.log(
    `  ${pending.toLocaleString('en-US').padStart(7)} pending: integer-coded ${Math.round(best(false)).toLocaleString('en-US')}, closure per event ${Math.round(best(true)).toLocaleString('en-US')}`,
  );
}
