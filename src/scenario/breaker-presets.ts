// Circuit breaker settings and the documented defaults of the resilience libraries people use.

export interface BreakerConfig {
  /** count: the last `windowSize` calls; time: the calls of the last `windowSize` ms. */
  readonly windowKind: 'count' | 'time';
  readonly windowSize: number;
  /** Calls the window must hold before the rates are judged. */
  readonly minCalls: number;
  /** Trip when failed / calls >= this. */
  readonly failureRate: number;
  /** A call slower than this counts as slow (null: none is). */
  readonly slowCallMs: number | null;
  /** Trip when slow / calls >= this (1 with slowCallMs null never trips). */
  readonly slowCallRate: number;
  /** Time spent open before probing. */
  readonly openMs: number;
  /** Probes let through in half-open; all must answer before it decides. */
  readonly halfOpenCalls: number;
}

/**
 * Documented defaults of the libraries people use, as breaker configurations:
 * Hystrix (20 requests in a 10 s window, 50% errors, 5 s sleep, one probe),
 * resilience4j (count window 100, minimum 100 calls, 50% failures, slow calls
 * over 60 s at 100%, 60 s open, 10 half-open calls), Polly v8 (failure ratio 0.1
 * over 30 s with at least 100 calls, 5 s break, one probe), opossum (50% over a
 * 10 s rolling window, no minimum volume, 30 s reset, one probe).
 */
export const BREAKER_PRESETS: Readonly<Record<'hystrix' | 'resilience4j' | 'polly' | 'opossum', BreakerConfig>> = {
  hystrix: {
    windowKind: 'time',
    windowSize: 10_000,
    minCalls: 20,
    failureRate: 0.5,
    slowCallMs: null,
    slowCallRate: 1,
    openMs: 5_000,
    halfOpenCalls: 1,
  },
  resilience4j: {
    windowKind: 'count',
    windowSize: 100,
    minCalls: 100,
    failureRate: 0.5,
    slowCallMs: 60_000,
    slowCallRate: 1,
    openMs: 60_000,
    halfOpenCalls: 10,
  },
  polly: {
    windowKind: 'time',
    windowSize: 30_000,
    minCalls: 100,
    failureRate: 0.1,
    slowCallMs: null,
    slowCallRate: 1,
    openMs: 5_000,
    halfOpenCalls: 1,
  },
  opossum: {
    windowKind: 'time',
    windowSize: 10_000,
    minCalls: 0,
    failureRate: 0.5,
    slowCallMs: null,
    slowCallRate: 1,
    openMs: 30_000,
    halfOpenCalls: 1,
  },
};
export type BreakerPreset = keyof typeof BREAKER_PRESETS;
