import { describe, expect, it } from 'vitest';
import { loadScenarioText } from './load.js';

const problems = (yaml: string): string[] => {
  try {
    loadScenarioText(yaml, 's.yaml');
    return [];
  } catch (err) {
    return (err as { problems: { where: string; path: (string | number)[]; expected: string; found: string }[] }).problems.map(
      (p) => `${p.where}: ${p.path.join('.')}: expected ${p.expected}, found ${p.found}`,
    );
  }
};

describe('sizes a run could not hold are refused before it starts', () => {
  it('a billion replicas (it took 4 GB in a minute): at most 100,000 per service', () => {
    expect(
      problems('name: s\nworkloads: [{ name: w, to: api, arrivals: poisson(10/s) }]\nservices:\n  api: { replicas: 1e9, cpu: 1ms }\n'),
    ).toEqual(['s.yaml:4:20: services.api.replicas: expected a number <= 100000, found 1000000000']);
  });

  it('at most 500,000 replicas in all, shared cache nodes included, named where the total passes it', () => {
    const yaml = (n: number) =>
      `name: s\nworkloads: [{ name: w, to: s0, arrivals: poisson(10/s) }]\ncaches: { c: { kind: shared, capacity: 10, replicas: 2 } }\nservices:\n${Array.from({ length: n }, (_, i) => `  s${i}: { replicas: 100000, cpu: 1ms }`).join('\n')}\n`;
    expect(problems(yaml(4))).toEqual([]);
    // services are counted first: 500,000 is allowed, the cache's 2 nodes pass the limit
    expect(problems(yaml(5))).toEqual([
      's.yaml:3:54: caches.c.replicas: expected at most 500,000 replicas in all (each takes about 1 KB of memory), found 500,002 by here',
    ]);
  });

  it('at most a million closed-loop users per workload, and ten years of simulated time', () => {
    expect(
      problems(
        'name: s\nduration: 100000h\nworkloads: [{ name: w, to: api, arrivals: "closed(users=5000000, think=1s)" }]\nservices:\n  api: { cpu: 1ms }\n',
      ),
    ).toEqual(['s.yaml:3:57: workloads.0.arrivals: expected users, a whole number from 1 to 1,000,000, found "5000000"']);
    expect(
      problems('name: s\nduration: 100000h\nworkloads: [{ name: w, to: api, arrivals: poisson(1/s) }]\nservices:\n  api: { cpu: 1ms }\n'),
    ).toEqual([
      's.yaml:2:11: duration: expected a duration of at most 10 years, 87600h (the clock loses sub-microsecond resolution beyond), found 100000h',
    ]);
  });
});

describe('admission settings that cannot work as written', () => {
  it('refuses a queue without a concurrency limit (it was silently ignored: requests waited for a core without bound)', () => {
    expect(
      problems('name: s\nworkloads: [{ name: w, to: b, arrivals: poisson(10/s) }]\nservices:\n  b: { cpu: 1ms, queue: 10 }\n'),
    ).toEqual([
      's.yaml:4:18: services.b.queue: expected a concurrency limit with it (a queue holds requests waiting for a concurrency slot; without a limit every request gets a slot and waits for a core instead, without bound), found queue: 10 and no concurrency',
    ]);
    expect(
      problems(
        'name: s\nworkloads: [{ name: w, to: b, arrivals: poisson(10/s) }]\nservices:\n  b: { cpu: 1ms, concurrency: 4, queue: 10 }\n',
      ),
    ).toEqual([]);
  });
});
