// Load balancing across a service's replicas: round-robin, random, least-requests, power of two choices.
import type { RandomStream } from '../engine/rng.js';
import type { BalancerKind } from '../scenario/spec.js';

/** What a balancer needs of a replica: how many requests it holds, and (for ewma) its latency as callers see it. */
export interface Balanced {
  inSystem: number;
  latency: PeakEwma;
}

/** Decay time of the latency average (Finagle's default for peak EWMA). */
export const EWMA_DECAY_MS = 10_000;

/**
 * Peak-sensitive exponentially weighted moving average of latency, as in
 * Finagle's and Linkerd's peak-EWMA balancers: a sample above the average
 * replaces it at once (slowness is believed immediately); lower samples pull it
 * down with a weight that grows with the time since the last one.
 */
export class PeakEwma {
  valueMs = 0;
  private stampMs = 0;
  observe(sampleMs: number, nowMs: number): void {
    if (sampleMs > this.valueMs) this.valueMs = sampleMs;
    else {
      const w = Math.exp(-(nowMs - this.stampMs) / EWMA_DECAY_MS);
      this.valueMs = this.valueMs * w + sampleMs * (1 - w);
    }
    this.stampMs = nowMs;
  }
}

export interface Balancer {
  pick<R extends Balanced>(replicas: readonly R[]): R;
}

export function createBalancer(kind: BalancerKind, rng: RandomStream): Balancer {
  switch (kind) {
    case 'round-robin':
      return new RoundRobin();
    case 'random':
      return { pick: (rs) => rs[Math.floor(rng.next() * rs.length)] };
    case 'least-requests':
      return new LeastRequests();
    case 'p2c':
      return new PowerOfTwo(rng, (r) => r.inSystem);
    case 'ewma':
      // peak EWMA: latency average x (requests held + 1), so slow or busy replicas get less
      return new PowerOfTwo(rng, (r) => r.latency.valueMs * (r.inSystem + 1));
  }
}

class RoundRobin implements Balancer {
  private next = 0;
  pick<R extends Balanced>(rs: readonly R[]): R {
    const r = rs[this.next % rs.length];
    this.next = (this.next + 1) % rs.length;
    return r;
  }
}

/** Fewest requests held; ties go round-robin, so equal replicas share the load evenly. */
class LeastRequests implements Balancer {
  private start = 0;
  pick<R extends Balanced>(rs: readonly R[]): R {
    const n = rs.length;
    let best = rs[this.start % n];
    for (let k = 1; k < n; k++) {
      const r = rs[(this.start + k) % n];
      if (r.inSystem < best.inSystem) best = r;
    }
    this.start = (this.start + 1) % n;
    return best;
  }
}

/** Two distinct replicas drawn at random; the cheaper one wins (Mitzenmacher's power of two choices). */
class PowerOfTwo implements Balancer {
  constructor(
    private readonly rng: RandomStream,
    private readonly cost: (r: Balanced) => number,
  ) {}
  pick<R extends Balanced>(rs: readonly R[]): R {
    const n = rs.length;
    if (n === 1) return rs[0];
    const a = Math.floor(this.rng.next() * n);
    let b = Math.floor(this.rng.next() * (n - 1));
    if (b >= a) b++;
    return this.cost(rs[b]) < this.cost(rs[a]) ? rs[b] : rs[a];
  }
}
