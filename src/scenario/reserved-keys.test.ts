import { describe, expect, it } from 'vitest';
import { loadScenarioText } from './load.js';
import { parseSetFlag } from './overrides.js';

const base = 'name: x\nworkloads: [{ name: w, to: a, arrivals: poisson(1/s) }]\nservices: { a: { cpu: 1ms } }\n';
const problems = (text: string, sets: string[] = []) => {
  try {
    loadScenarioText(
      text,
      'x.yaml',
      sets.map((s) => parseSetFlag(s) as never),
    );
    return [];
  } catch (err) {
    return (err as { problems: { where: string; found: string }[] }).problems.map((p) => `${p.where}: ${p.found}`);
  }
};

describe('keys that would reach a prototype (__proto__, constructor, prototype)', () => {
  it('are refused in a file, at their key, without changing any object (a __proto__ key validated as ok before)', () => {
    expect(problems(`${base}__proto__: { hasOwnProperty: 1 }\n`)).toEqual(['x.yaml:4:1: "__proto__"']);
    expect(problems(base.replace('a: { cpu: 1ms }', 'a: { cpu: 1ms, constructor: 3 }'))).toEqual(['x.yaml:3:28: "constructor"']);
    expect(Object.hasOwn({}, 'hasOwnProperty')).toBe(false);
    expect(typeof Object.prototype.hasOwnProperty).toBe('function');
  });

  it('are refused in --set paths, and Object.prototype stays as it was (it crashed the loader with exit 1)', () => {
    expect(problems(base, ['__proto__.hasOwnProperty=1'])).toEqual(['--set __proto__.hasOwnProperty=1: "__proto__"']);
    expect(problems(base, ['services.constructor.replicas=3'])).toEqual(['--set services.constructor.replicas=3: "constructor"']);
    expect(problems(base, ['services.a.prototype=1'])).toEqual(['--set services.a.prototype=1: "prototype"']);
    expect(typeof Object.prototype.hasOwnProperty).toBe('function');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
