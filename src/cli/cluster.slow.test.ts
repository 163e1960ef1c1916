// The cluster recipes as written (.ci/cluster/sweep-job.yaml, .github/workflows/sweep.yml): their shards, merged, equal the local sweep.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../test-support/cli.js';

const ROOT = join(__dirname, '../..');
/** Keeps the suite fast: the same sweep over 4 s of simulated time instead of the scenario's 60 s. */
const SHORT = ['--duration', '4s', '--warmup', '1s'];
/** The matrix placeholder of GitHub Actions, as the workflow writes it. */
const SHARD = ['$', '{{ matrix.shard }}'].join('');

function workspace(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'msim-cluster-'));
  cpSync(join(ROOT, 'scenarios'), join(cwd, 'scenarios'), { recursive: true });
  return cwd;
}

/** The msim words of a command line (`node bin/msim.js ...` or `npx msim ...`), without redirections. */
function msimArgs(line: string): string[] {
  const words = line
    .replace(/\s+2>\/dev\/null\s*$/, '')
    .trim()
    .split(/\s+/);
  const at = words.findIndex((w) => w === 'msim' || w.endsWith('msim.js'));
  return words.slice(at + 1);
}

async function local(cwd: string, shardArgs: string[]): Promise<string> {
  const i = shardArgs.indexOf('--shard');
  const args = [...shardArgs.slice(0, i), ...shardArgs.slice(i + 2).filter((w, j, all) => !(w === '--json' || all[j - 1] === '--json'))];
  const r = await runCli([...args, ...SHORT, '--json', '-'], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('sharded sweeps on a cluster, as the repository writes them', () => {
  it('Kubernetes Indexed Job: each index prints its shard on stdout; merged, the local sweep exactly', async () => {
    const job = parse(readFileSync(join(ROOT, '.ci/cluster/sweep-job.yaml'), 'utf8'));
    expect(job.spec.completionMode).toBe('Indexed');
    const container = job.spec.template.spec.containers[0];
    const args = msimArgs(container.args[0]);
    expect(args).toContain('auto/4');
    const cwd = workspace();
    const files: string[] = [];
    for (let k = 0; k < job.spec.completions; k++) {
      const r = await runCli([...args, ...SHORT], { cwd, env: { JOB_COMPLETION_INDEX: String(k) } });
      expect(r.code, r.stderr).toBe(0);
      writeFileSync(join(cwd, `shard-${k}.json`), r.stdout); // what kubectl logs gives (stderr dropped)
      files.push(`shard-${k}.json`);
    }
    const merged = await runCli(['merge', ...files, '--json', '-'], { cwd });
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toBe(await local(cwd, args));
  });

  it('GitHub Actions matrix: each job writes its shard file; the merge job joins them into the local sweep exactly', async () => {
    const wf = parse(readFileSync(join(ROOT, '.github/workflows/sweep.yml'), 'utf8'));
    const shards: number[] = wf.jobs.shard.strategy.matrix.shard;
    const run: string = wf.jobs.shard.steps.find((s: { run?: string }) => s.run?.includes('msim sweep')).run;
    const mergeRun: string = wf.jobs.merge.steps.find((s: { run?: string }) => s.run?.includes('msim merge')).run;
    const cwd = workspace();
    for (const k of shards) {
      const r = await runCli([...msimArgs(run.replaceAll(SHARD, String(k))), ...SHORT], { cwd });
      expect(r.code, r.stderr).toBe(0);
    }
    const mergeArgs = msimArgs(mergeRun).flatMap((w) => (w === 'shard-*.json' ? shards.map((k) => `shard-${k}.json`) : [w]));
    const merged = await runCli(mergeArgs, { cwd });
    expect(merged.code, merged.stderr).toBe(0);
    const args = msimArgs(run.replaceAll(SHARD, '0'));
    expect(readFileSync(join(cwd, 'sweep.json'), 'utf8')).toBe(await local(cwd, args));
  });
});
