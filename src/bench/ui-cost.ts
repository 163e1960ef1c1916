// `npm run bench:ui`: what the live dashboard costs at --speed max, measured through a real pseudo-terminal.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pty from 'node-pty';
import { CALL_GRAPH_MODEL } from './models.js';

const bin = new URL('../../bin/msim.js', import.meta.url).pathname;
const scenario = join(mkdtempSync(join(tmpdir(), 'msim-ui-')), 'graph.yaml');
writeFileSync(scenario, CALL_GRAPH_MODEL.yaml);

const parseRate = (text: string, re: RegExp): number => {
  const m = re.exec(text);
  if (!m) throw new Error(`no figure in output:\n${text.slice(-500)}`);
  return Number(m[1]) * (m[2] === 'M' ? 1e6 : m[2] === 'k' ? 1e3 : 1);
};

function dashboard(): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = pty.spawn(process.execPath, [bin, 'run', scenario, '--speed', 'max'], {
      cols: 100,
      rows: 30,
      env: { ...process.env, CI: '', MSIM_UI_STATS: '1' } as Record<string, string>,
    });
    let out = '';
    p.onData((d) => (out += d));
    p.onExit(() => {
      try {
        resolve(parseRate(out, /; ([\d.]+)([kM]?) events\/s from the second frame on/));
      } catch (e) {
        reject(e);
      }
    });
  });
}

function plain(): number {
  const out = execFileSync(process.execPath, [bin, 'run', scenario, '--no-tui'], { encoding: 'utf8' });
  return parseRate(out, /engine: .* \(([\d.]+)([kM]?) events\/s\)/);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = Number(process.env.BENCH_REPEATS ?? 5);
const withUi: number[] = [];
const without: number[] = [];
for (let i = 0; i < runs; i++) {
  withUi.push(await dashboard());
  without.push(plain());
}
const fmt = (x: number) => `${(x / 1e6).toFixed(2)}M`;
console.log(`call graph, 5M events, ${runs} alternating runs (events/s):`);
console.log(`  plain (--no-tui), engine only:      ${without.map(fmt).join(' ')}  median ${fmt(median(without))}`);
console.log(`  dashboard at --speed max, drawing:  ${withUi.map(fmt).join(' ')}  median ${fmt(median(withUi))}`);
console.log(`  cost of the dashboard: ${(100 * (1 - median(withUi) / median(without))).toFixed(1)}% of the engine's throughput`);
