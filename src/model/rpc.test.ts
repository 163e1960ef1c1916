import { describe, expect, it } from 'vitest';
import { runScenario } from '../run/run.js';
import { loadScenarioText } from '../scenario/load.js';

const run = (yaml: string) => runScenario(loadScenarioText(yaml, 'rpc.yaml'));

describe('rpc costs', () => {
  const graph = (rpc: string, transport = 'tcp') => `name: rpc
duration: 100s
warmup: 10s
regions: { r: [a] }
network: { sameDatacenter: 0.05ms }
${rpc}
workloads: [{ name: w, to: front, arrivals: constant(100/s) }]
services:
  front: { cpu: 1ms, calls: [{ to: back, transport: ${transport} }] }
  back: { cpu: 2ms, requestKB: 4, responseKB: 8 }
`;
  it('raise the callee utilization by exactly rate x 2 x (overhead + perKB x size) and the caller by the same for its call', () => {
    const base = run(graph(''));
    const taxed = run(graph('rpc: { overhead: 30us, perKB: 5us }'));
    // back at 100/s: 2 ms of work, plus receiving 4 KB (30 + 20 us) and sending 8 KB (30 + 40 us) = 0.12 ms
    expect(base.services.back.utilization).toBeCloseTo(0.2, 4);
    expect(taxed.services.back.utilization).toBeCloseTo((100 * (2 + 0.12)) / 1000, 4);
    // front: serves a 0 KB request and response (2 x 30 us), sends back's request and receives its response (0.12 ms)
    expect(taxed.services.front.utilization).toBeCloseTo((100 * (1 + 0.06 + 0.12)) / 1000, 4);
    expect(taxed.services.back.rpcCpuShare).toBeCloseTo(0.12 / 2.12, 4);
    expect(base.services.back.rpcCpuShare).toBeNull();
    // the tax is on the latency path too
    expect(taxed.latencyMs.mean! - base.latencyMs.mean!).toBeCloseTo(0.06 + 0.12 + 0.12, 4);
  });

  it('transport: shm skips the wire and the kernel stack, paying only a small copy', () => {
    const tcp = run(graph('rpc: { overhead: 30us, perKB: 5us }'));
    const shm = run(graph('rpc: { overhead: 30us, perKB: 5us, shm: { overhead: 1us, perKB: 0.1us } }', 'shm'));
    // back's side: 2 x 1 us + 12 KB x 0.1 us = 3.2 us instead of 120 us
    expect(shm.services.back.utilization).toBeCloseTo((100 * (2 + 0.0032)) / 1000, 4);
    expect(shm.network!.hops.sameDatacenter).toBeLessThan(tcp.network!.hops.sameDatacenter / 1.9); // only the client hops remain
    expect(shm.latencyMs.mean!).toBeLessThan(tcp.latencyMs.mean! - 0.3);
  });
});
