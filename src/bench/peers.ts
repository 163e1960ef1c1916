// msim beside the hand-optimised reference engine (../shared/bench-peers) on model (b): whole processes, alternating, medians.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.BENCH_PEER_RUNS ?? 5);
/** msim runs node as bin/msim.js's first line does: a young generation of 4 MB semi-spaces (a smaller peak, no slower). */
const MSIM_NODE_FLAGS = ['--max-semi-space-size=4'];

interface Timed {
  requests: number;
  wallS: number;
  mean: number;
}

function timed(cmd: string, args: string[]): Timed {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { requests: out.requests, wallS, mean: out.mean };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Model (b) with and without its 0.1 ms hops, on msim and on the reference, each a whole process (start-up,
 * loading and the report included), run in turn A B A B ... so that a drifting machine affects both; the ratio
 * is taken pair by pair and its median printed. The reference lives outside the repository: MSIM_BENCH_PEERS
 * or ../shared/bench-peers from the working directory.
 */
export function comparePeers(): void {
  const dir = resolve(process.env.MSIM_BENCH_PEERS ?? '../shared/bench-peers');
  if (!existsSync(resolve(dir, 'mscg_fast.js'))) {
    console.log(`model (b) beside the reference: skipped (no ${dir}/mscg_fast.js; set MSIM_BENCH_PEERS)\n`);
    return;
  }
  const own = fileURLToPath(new URL('./model-b.js', import.meta.url));
  console.log(`model (b) beside the reference (${dir}): simulated requests per wall second, whole process, median of ${RUNS} pairs`);
  for (const [label, mode, peer] of [
    ['with 0.1 ms hops', 'hops', 'mscg_fast.js'],
    ['without hops', 'nonet', 'mscg_fast_nonet.js'],
  ] as const) {
    const ratios: number[] = [];
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let i = 1; i <= RUNS; i++) {
      const a = timed(process.execPath, [...MSIM_NODE_FLAGS, own, mode, String(i)]);
      const b = timed(process.execPath, [resolve(dir, peer), '1000000', String(i)]);
      mine.push(a.requests / a.wallS);
      theirs.push(b.requests / b.wallS);
      ratios.push(a.requests / a.wallS / (b.requests / b.wallS));
    }
    const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
    console.log(
      `  ${label.padEnd(17)} msim ${fmt(median(mine)).padStart(9)}  reference ${fmt(median(theirs)).padStart(9)}  msim / reference ${median(ratios).toFixed(2)}x`,
    );
  }
  console.log('');
}
