import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CACHE_LIMIT, boundInkCaches } from './ink-cache-hooks.js';

const inkBuild = join(dirname(createRequire(import.meta.url).resolve('ink')), '.');

describe("Ink's text caches, bounded while the dashboard runs", () => {
  it('the installed Ink has the caches the hook rewrites (an upgrade that changes them must revisit the hook)', () => {
    for (const file of ['measure-text.js', 'wrap-text.js']) {
      const source = readFileSync(join(inkBuild, file), 'utf8');
      expect(boundInkCaches(`file://${join(inkBuild, file)}`, source), file).not.toBe(source);
    }
  });

  it('leaves other modules, and sources it does not recognize, as they are', () => {
    expect(boundInkCaches('file:///x/ink/build/measure-text.js', 'const cache = new QuickLRU({ maxSize: 4096 });')).toBe(
      'const cache = new QuickLRU({ maxSize: 4096 });',
    );
    expect(boundInkCaches('file:///x/other.js', 'const cache = new Map();')).toBe('const cache = new Map();');
  });

  // the built hook (npm test builds dist first), in a fresh process: Node 20 cannot load TypeScript hooks
  it('with the hook, measuring 30,000 distinct texts keeps at most the limit; without it, all of them', () => {
    const measure = join(inkBuild, 'measure-text.js');
    const script = (hooked: boolean) => `
      ${hooked ? `import { register } from 'node:module'; register(${JSON.stringify(new URL('../../dist/ui/ink-cache-hooks.js', import.meta.url).href)});` : ''}
      const { default: measureText } = await import(${JSON.stringify(`file://${measure}`)});
      const seen = new Set();
      const origSet = Map.prototype.set;
      let largest = 0;
      Map.prototype.set = function (k, v) { const r = origSet.call(this, k, v); if (this.size > largest) largest = this.size; return r; };
      for (let i = 0; i < 30000; i++) measureText('frame ' + i);
      console.log(largest);`;
    const run = (hooked: boolean) =>
      Number(spawnSync(process.execPath, ['--input-type=module', '-e', script(hooked)], { encoding: 'utf8' }).stdout.trim());
    expect(run(false)).toBe(30_000);
    expect(run(true)).toBe(CACHE_LIMIT);
  });
});
