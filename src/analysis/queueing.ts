// Closed-form queueing results (M/M/c with Erlang C) used by `msim explain` and the theory tests.

/** Erlang C: the probability an arrival waits in M/M/c with offered load a = lambda / mu erlangs (a < c). */
export function erlangC(c: number, a: number): number {
  if (!(a < c)) return 1;
  // Erlang B by its recurrence B(k) = a B(k-1) / (k + a B(k-1)), stable for any c (the power series overflows near 720
  // servers), then C = c B / (c - a (1 - B))
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return (c * b) / (c - a * (1 - b));
}

/** Mean response time (wait + service) of M/M/c, in the unit of serviceMean; Infinity when saturated. */
export function mmcMeanResponse(c: number, arrivalsPerUnit: number, serviceMean: number): number {
  const a = arrivalsPerUnit * serviceMean;
  if (!(a < c)) return Number.POSITIVE_INFINITY;
  return serviceMean + (erlangC(c, a) * serviceMean) / (c - a);
}

/** The q-quantile of M/M/c response time (exponential service); bisection on the exact distribution. */
export function mmcResponseQuantile(c: number, arrivalsPerUnit: number, serviceMean: number, q: number): number {
  const a = arrivalsPerUnit * serviceMean;
  if (!(a < c)) return Number.POSITIVE_INFINITY;
  const mu = 1 / serviceMean;
  const pw = erlangC(c, a);
  const theta = c * mu - arrivalsPerUnit; // rate of the waiting time's exponential tail
  // P(T > t) = (1-pw) e^{-mu t} + pw * [mu e^{-theta t} - theta e^{-mu t}] / (mu - theta)  (theta != mu)
  const tail = (t: number) => {
    if (Math.abs(mu - theta) < 1e-12 * mu) return (1 - pw) * Math.exp(-mu * t) + pw * (1 + mu * t) * Math.exp(-mu * t);
    return (1 - pw) * Math.exp(-mu * t) + (pw * (mu * Math.exp(-theta * t) - theta * Math.exp(-mu * t))) / (mu - theta);
  };
  let lo = 0;
  let hi = serviceMean;
  while (tail(hi) > 1 - q) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (tail(mid) > 1 - q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
