import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../observe/report.js';
import { runCli, withoutEngine } from '../test-support/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'msim-test-'));
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('msim run', () => {
  it('prints a summary and writes a JSON report that matches the schema', async () => {
    const dir = tmp();
    const out = join(dir, 'report.json');
    const r = await runCli(['run', 'scenarios/checkout.yaml', '--duration', '15s', '--warmup', '2s', '--json', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^checkout: 15s simulated \(2s warm-up\), seed 42/);
    expect(r.stdout).toMatch(/service\s+replicas\s+util/);
    expect(r.stdout).toMatch(/\npayment\s+5 x1\s+\d+\.\d%/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(reportSchema.safeParse(report).success).toBe(true);
    expect(report.simulatedSeconds).toBe(15);
    expect(Object.keys(report.services)).toEqual(['gateway', 'catalog', 'cart', 'inventory', 'pricing', 'payment']);
  });

  it('is deterministic: the same scenario and seed give a byte-identical report apart from engine', async () => {
    const a = await runCli(['run', 'scenarios/checkout.yaml', '--duration', '10s', '--json', '-']);
    const b = await runCli(['run', 'scenarios/checkout.yaml', '--duration', '10s', '--json', '-']);
    const c = await runCli(['run', 'scenarios/checkout.yaml', '--duration', '10s', '--json', '-', '--seed', '7']);
    expect(a.code).toBe(0);
    expect(withoutEngine(a.stdout)).toBe(withoutEngine(b.stdout));
    expect(withoutEngine(a.stdout)).not.toBe(withoutEngine(c.stdout));
    expect(JSON.parse(c.stdout).seed).toBe(7);
    // with --json -, stdout is only the report; the summary goes to stderr
    expect(a.stderr).toMatch(/^checkout: 10s simulated/);
  });

  it('applies --set what-ifs', async () => {
    const r = await runCli([
      'run',
      'scenarios/checkout.yaml',
      '--duration',
      '10s',
      '--json',
      '-',
      '--set',
      'services.payment.replicas=8',
      '--set',
      'workloads.shoppers.arrivals=poisson(100/s)',
    ]);
    const report = JSON.parse(r.stdout);
    expect(report.services.payment.replicas).toBe(8);
    expect(report.workloads.shoppers.throughputPerSec).toBeLessThan(130);
  });

  it('refuses a --set inside a service that does not exist (it silently added an idle service), and takes paths as errors print them', async () => {
    const r = await runCli(['run', 'scenarios/checkout.yaml', '--set', 'services.paymnet.replicas=3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: --set services.paymnet.replicas=3: services: expected an existing service (gateway, catalog, cart, inventory, pricing, payment), found "paymnet"; did you mean "payment"?\n',
    );
    const ok = await runCli([
      'run',
      'scenarios/checkout.yaml',
      '--duration',
      '10s',
      '--json',
      '-',
      '--set',
      'workloads[0].arrivals=poisson(100/s)',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).workloads.shoppers.throughputPerSec).toBeLessThan(130);
  });

  it('refuses bad flags with exit 2, one line per problem, no stack trace, and no report file', async () => {
    const dir = tmp();
    const out = join(dir, 'report.json');
    const r = await runCli(['run', 'scenarios/checkout.yaml', '--seed', 'abc', '--duration', '10', '--set', 'nonsense', '--json', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'error: --seed abc: expected a whole number, found "abc"',
      'error: --duration 10: expected a duration with a unit (ns, us, ms, s, m, h, d), such as 5ms, found "10" (a number without a unit)',
      'error: --set nonsense: expected path=value, such as services.api.replicas=4, found "nonsense"',
      '3 problems; nothing was run.',
    ]);
    noStack(r.stderr);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a bad scenario with file:line:column for every problem, and writes nothing', async () => {
    const dir = tmp();
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'name: bad\nworkloads:\n  - { name: w, to: api, arrivals: poisson(0/s) }\nservices:\n  api: { replicas: 0, cpu: exp(mean=1ms), calls: [db] }\n',
    );
    const out = join(dir, 'report.json');
    const r = await runCli(['run', file, '--json', out]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      `error: ${file}:3:43: workloads[0].arrivals: expected a rate > 0, found "0/s"`,
      `error: ${file}:5:20: services.api.replicas: expected a number >= 1, found 0`,
      `error: ${file}:5:51: services.api.calls[0]: expected a service (api), found "db", which is not a service`,
      '3 problems; nothing was run.',
    ]);
    noStack(r.stderr);
    expect(existsSync(out)).toBe(false);
  });

  it('names a relative scenario path as the user typed it', async () => {
    const r = await runCli(['validate', 'scenarios/mm1.yaml', '--set', 'services.server.cores=0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --set services.server.cores=0: services.server.cores: expected a number >= 1, found 0\n');
  });

  it('refuses a --json path in a missing directory before running', async () => {
    const r = await runCli(['run', 'scenarios/mm1.yaml', '--json', '/no/such/dir/r.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --json \/no\/such\/dir\/r\.json: expected a file in an existing directory/);
    expect(r.stdout).toBe('');
  });

  it('treats unknown options, missing arguments and unknown commands as usage errors (exit 2)', async () => {
    for (const argv of [['run', 'scenarios/mm1.yaml', '--sed', '3'], ['run'], ['frobnicate'], ['run', 'scenarios/nope.yaml']]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/error/);
      noStack(r.stderr);
    }
  });

  it('accepts --no-tui and prints help and version with exit 0', async () => {
    expect((await runCli(['run', 'scenarios/mm1.yaml', '--no-tui', '--duration', '40s'])).code).toBe(0);
    // a run shorter than the scenario's warm-up is refused, naming the warm-up
    const short = await runCli(['run', 'scenarios/mm1.yaml', '--duration', '5s']);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/mm1\.yaml:\d+:\d+: warmup: expected a warm-up shorter than the duration \(5s\), found 30s/);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/run \[options\] <scenario>/);
    expect((await runCli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('help gives examples, exit codes, the dashboard keys and where the formats are documented; -v and -V print the version', async () => {
    const main = await runCli(['--help']);
    expect(main.stdout).toMatch(/Examples:\n {2}npx msim run scenarios\/checkout\.yaml/);
    expect(main.stdout).toMatch(/Exit codes:\n {2}0 {2}done[\s\S]* {2}2 {2}a mistake[\s\S]* {2}4 {2}the run stopped early/);
    expect(main.stdout).toMatch(/README\.md/);
    const run = await runCli(['run', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/The dashboard's keys[\s\S]* {2}space {8}pause \/ resume[\s\S]* {2}k {12}kill a replica/);
    expect(run.stdout).toMatch(/The scenario format is documented in README\.md/);
    expect(run.stdout).toMatch(/Exit codes:/);
    expect((await runCli(['validate', '--help'])).stdout).toMatch(/Examples:\n {2}msim validate scenarios\/checkout\.yaml/);
    for (const flag of ['-v', '-V', '--version']) expect((await runCli([flag])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('msim validate', () => {
  it('accepts every shipped scenario', async () => {
    for (const f of ['scenarios/mm1.yaml', 'scenarios/checkout.yaml']) {
      const r = await runCli(['validate', f]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/: ok \(/);
    }
  });

  it('--json prints the validated spec', async () => {
    const r = await runCli(['validate', 'scenarios/mm1.yaml', '--json']);
    expect(JSON.parse(r.stdout).services.server.endpoints.default.cpu).toEqual({ kind: 'exponential', meanMs: 10 });
  });

  it('--json prints the problems as JSON on stdout (exit 2), each with file, line, column, path, expected, found, suggestion', async () => {
    const file = join(tmp(), 'bad.yaml');
    writeFileSync(
      file,
      'name: bad\nworkloads:\n  - { name: w, to: api, arrivals: poisson(0/s) }\nservices:\n  api: { replcias: 2, cpu: exp(mean=1ms) }\n',
    );
    const r = await runCli(['validate', file, '--json', '--set', 'services.api.cores=0', '--set', 'nonsense']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    // flags are read first: a malformed --set alone
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      problems: [
        {
          file: null,
          line: null,
          column: null,
          flag: '--set nonsense',
          path: '',
          expected: 'path=value, such as services.api.replicas=4',
          found: '"nonsense"',
          suggestion: null,
          message: '--set nonsense: expected path=value, such as services.api.replicas=4, found "nonsense"',
        },
      ],
    });
    const s = await runCli(['validate', file, '--json', '--set', 'services.api.cores=0']);
    expect(s.code).toBe(2);
    expect(JSON.parse(s.stdout)).toEqual({
      ok: false,
      problems: [
        {
          file,
          line: 3,
          column: 43,
          flag: null,
          path: 'workloads[0].arrivals',
          expected: 'a rate > 0',
          found: '"0/s"',
          suggestion: null,
          message: `${file}:3:43: workloads[0].arrivals: expected a rate > 0, found "0/s"`,
        },
        expect.objectContaining({
          file,
          line: 5,
          column: 10,
          flag: null,
          path: 'services.api.replcias',
          found: 'unknown field "replcias"',
          suggestion: 'replicas',
        }),
        expect.objectContaining({
          file: null,
          line: null,
          column: null,
          flag: '--set services.api.cores=0',
          path: 'services.api.cores',
          expected: 'a number >= 1',
          found: '0',
          suggestion: null,
        }),
      ],
    });
    const y = await runCli(['validate', 'package.json', '--json']);
    expect(JSON.parse(y.stdout).problems[0]).toMatchObject({ file: 'package.json', line: 1, column: 1, path: 'workloads' });
    const missing = await runCli(['validate', 'nope.yaml', '--json']);
    expect(JSON.parse(missing.stdout).problems).toEqual([
      expect.objectContaining({ file: 'nope.yaml', line: null, found: 'no such file' }),
    ]);
  });
});

describe('a scenario on standard input (-)', () => {
  const mm1 = readFileSync('scenarios/mm1.yaml', 'utf8');

  it('runs and validates a scenario read from stdin, named <stdin>', async () => {
    const r = await runCli(['run', '-', '--duration', '40s'], { stdin: mm1 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^mm1: 40s simulated/);
    const v = await runCli(['validate', '-'], { stdin: mm1 });
    expect(v.code).toBe(0);
    expect(v.stdout).toBe('<stdin>: ok (mm1: 1 service, 1 workload)\n');
  });

  it('records the SHA-256 of the bytes read from stdin, as of a file (main hashed the file named "-" again: an internal error)', async () => {
    const r = await runCli(['run', '-', '--duration', '40s', '--json', '-'], { stdin: mm1 });
    expect(r.code, r.stderr).toBe(0);
    const f = await runCli(['run', 'scenarios/mm1.yaml', '--duration', '40s', '--json', '-']);
    expect(JSON.parse(r.stdout).scenarioSha256).toBe(createHash('sha256').update(mm1).digest('hex'));
    expect(JSON.parse(r.stdout).scenarioSha256).toBe(JSON.parse(f.stdout).scenarioSha256);
  });

  it('names <stdin> in problems, and refuses binary input like a file', async () => {
    const r = await runCli(['validate', '-', '--set', 'services.server.cores=0'], { stdin: mm1.replaceAll('poisson(', 'poison(') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: <stdin>:\d+:\d+: workloads\[0\]\.arrivals: expected poisson/);
    expect(r.stderr).toMatch(/\nerror: --set services\.server\.cores=0: services\.server\.cores: expected a number >= 1, found 0\n/);
    const b = await runCli(['run', '-'], { stdin: new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1]) });
    expect(b.stderr).toBe('error: <stdin>:1:1: expected a scenario file (YAML text), found a binary file\n');
  });

  it('without a standard input to read, says so', async () => {
    const r = await runCli(['validate', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: -: expected a scenario on standard input, found no standard input\n');
    const j = await runCli(['validate', '-', '--json']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout).problems).toEqual([
      expect.objectContaining({ file: '-', line: null, expected: 'a scenario on standard input', found: 'no standard input' }),
    ]);
  });
});

describe('hostile scenario files', () => {
  it('refuses an alias bomb with exit 2 and one line (it was an internal error, exit 1)', async () => {
    const file = join(tmp(), 'bomb.yaml');
    const levels = 'abcdefgh'.split('');
    writeFileSync(
      file,
      [
        'name: &a [x, x, x, x, x, x, x, x, x]',
        ...levels.slice(1).map((c, i) => `${c}: &${c} [${Array(9).fill(`*${levels[i]}`).join(', ')}]`),
      ].join('\n'),
    );
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: ${file}:3:8: expected YAML whose aliases expand to at most 100 copies, found aliases that expand to more (an alias bomb)\n`,
    );
  });

  it('says a binary file is not text, briefly (it dumped kilobytes of escaped bytes)', async () => {
    const file = join(tmp(), 'binary.yaml');
    writeFileSync(file, readFileSync(process.execPath).subarray(0, 8000));
    const r = await runCli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${file}:1:1: expected a scenario file (YAML text), found a binary file\n`);
  });
});

describe('the real executable (bin/msim.js, built by npm install)', () => {
  const bin = new URL('../../bin/msim.js', import.meta.url).pathname;

  it('runs a scenario with stdout piped (no TTY): plain summary, exit 0', () => {
    const out = execFileSync(process.execPath, [bin, 'run', 'scenarios/mm1.yaml', '--duration', '40s'], {
      encoding: 'utf8',
      env: { ...process.env, CI: '1' },
    });
    expect(out).toMatch(/^mm1: 40s simulated/);
    expect(out).not.toMatch(/\x1b\[/); // no terminal control codes in a pipe
  });

  it('reads a scenario piped to standard input with -', () => {
    const r = spawnSync(process.execPath, [bin, 'validate', '-'], { encoding: 'utf8', input: readFileSync('scenarios/checkout.yaml') });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('<stdin>: ok (checkout: 6 services, 2 workloads)\n');
  });

  it('exits 2 on a bad scenario without a stack trace', () => {
    const r = spawnSync(process.execPath, [bin, 'validate', 'package.json'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: package\.json:1:1: /);
    noStack(r.stderr);
  });
});

describe('msim run --replay and --speed', () => {
  it('reproduces a recorded run with interventions, byte for byte apart from engine', async () => {
    const { Run } = await import('../run/run.js');
    const { loadScenarioFile } = await import('../scenario/load.js');
    const { reportJson } = await import('../observe/report.js');
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(readFileSync('scenarios/checkout.yaml')).digest('hex');
    const live = new Run(loadScenarioFile('scenarios/checkout.yaml'), { seed: 11, source: { scenarioSha256: sha, overrides: [] } });
    live.advance(7000.5);
    live.intervene('kill-replica', 'payment');
    live.advance(3333);
    live.intervene('toggle-slow', 'cart');
    live.advance(1234);
    live.stop();
    const dir = tmp();
    const recorded = join(dir, 'recorded.json');
    writeFileSync(recorded, reportJson(live.report()));
    const r = await runCli(['run', 'scenarios/checkout.yaml', '--replay', recorded, '--json', '-']);
    // killing a payment replica breaks the SLO: the replay says so with exit 3, as the recorded run would have
    expect(JSON.parse(r.stdout).slo.met).toBe(false);
    expect(r.code, r.stderr).toBe(3);
    expect(withoutEngine(r.stdout)).toBe(withoutEngine(readFileSync(recorded, 'utf8')));
    expect(r.stderr).toMatch(/checkout: 11\.6s simulated \(5s warm-up\), seed 11, 2 interventions/);
  });

  it('refuses a replay of another scenario, a conflicting seed, a broken report, and a bad speed', async () => {
    const dir = tmp();
    const other = join(dir, 'mm1.json');
    writeFileSync(other, (await runCli(['run', 'scenarios/mm1.yaml', '--duration', '40s', '--json', '-'])).stdout);
    const wrong = await runCli(['run', 'scenarios/checkout.yaml', '--replay', other, '--seed', '5']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`error: --replay ${other}: expected a report of scenario "checkout", found one of "mm1"`);
    expect(wrong.stderr).toContain("error: --seed 5: expected the replayed report's seed (1) or no --seed, found 5");
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"scenario": "checkout"}');
    const b = await runCli(['run', 'scenarios/checkout.yaml', '--replay', broken]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--replay .*broken\.json: seed: expected number/);
    const s = await runCli(['run', 'scenarios/checkout.yaml', '--speed', 'fast']);
    expect(s.code).toBe(2);
    expect(s.stderr).toBe('error: --speed fast: expected a pace such as 1x, 10x, 0.5x or max, found "fast"\n');
  });

  it("records the overrides and the scenario file's hash; a replay applies the overrides and reproduces the run", async () => {
    const dir = tmp();
    const recorded = join(dir, 'recorded.json');
    const first = await runCli([
      'run',
      'scenarios/checkout.yaml',
      '--duration',
      '8s',
      '--warmup',
      '1s',
      '--set',
      'services.payment.replicas=8',
      '--json',
      recorded,
    ]);
    expect(first.code).toBe(0);
    const report = JSON.parse(readFileSync(recorded, 'utf8'));
    expect(report.overrides).toEqual(['--duration 8s', '--warmup 1s', '--set services.payment.replicas=8']);
    expect(report.scenarioSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.services.payment.replicas).toBe(8);
    const again = await runCli(['run', 'scenarios/checkout.yaml', '--replay', recorded, '--json', '-']);
    expect(again.code, again.stderr).toBe(0);
    expect(withoutEngine(again.stdout)).toBe(withoutEngine(readFileSync(recorded, 'utf8')));
  });

  it('says a replayed report is of another scenario before trying its overrides on this one', async () => {
    const dir = tmp();
    const recorded = join(dir, 'mm1.json');
    writeFileSync(
      recorded,
      (await runCli(['run', 'scenarios/mm1.yaml', '--duration', '40s', '--set', 'faults=[{at: 35s, kill: server}]', '--json', '-'])).stdout,
    );
    const r = await runCli(['run', 'scenarios/checkout.yaml', '--replay', recorded]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: --replay ${recorded}: expected a report of scenario "checkout", found one of "mm1"\n`);
  });

  it('refuses to replay a scenario file that changed (naming both hashes) unless --force, and refuses --duration, --warmup or --set with --replay', async () => {
    const dir = tmp();
    const file = join(dir, 'mm1.yaml');
    writeFileSync(file, readFileSync('scenarios/mm1.yaml'));
    const recorded = join(dir, 'recorded.json');
    expect((await runCli(['run', file, '--duration', '40s', '--json', recorded])).code).toBe(0);
    writeFileSync(file, `${readFileSync('scenarios/mm1.yaml', 'utf8')}# edited\n`);
    const changed = await runCli(['run', file, '--replay', recorded]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(
      /^error: --replay .*recorded\.json: expected the scenario file it was made from \(SHA-256 [0-9a-f]{12}\.\.\.\), found .*mm1\.yaml with SHA-256 [0-9a-f]{12}\.\.\.: it changed since; --force replays it anyway\n$/,
    );
    expect((await runCli(['run', file, '--replay', recorded, '--force'])).code).toBe(0);
    const mixed = await runCli(['run', file, '--replay', recorded, '--duration', '10s', '--set', 'services.server.cores=2']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('error: --duration 10s: expected no --duration, --warmup or --set with --replay');
    expect(mixed.stderr).toContain('error: --set services.server.cores=2: expected no --duration');
  });

  it('finds a --json path that cannot be written before running, not after', async () => {
    const t0 = performance.now();
    const r = await runCli(['run', 'scenarios/mm1.yaml', '--json', '/proc/x.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --json \/proc\/x\.json: expected a file msim can write, found .* \/proc\n$/);
    expect(performance.now() - t0).toBeLessThan(2000); // mm1 runs 600 simulated seconds: it was not run
  });

  it('never opens the dashboard without a terminal, with CI set, or with --no-tui', async () => {
    const r = await runCli(['run', 'scenarios/mm1.yaml', '--duration', '40s'], { tty: true, env: { CI: '1' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^mm1: 40s simulated/);
  });
});

describe('msim machines', () => {
  it('prints each breaker preset as a statechart, and as JSON for a visualizer', async () => {
    const text = await runCli(['machines']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^breaker\.hystrix {2}\(\{"windowKind":"time","windowSize":10000,"minCalls":20/);
    expect(text.stdout).toMatch(
      / {2}closed --RESULT \[tripsInClosed\]--> open\n {2}open --OPEN_ELAPSED--> halfOpen\n {2}halfOpen --RESULT \[lastProbeFails\]--> open\n {2}halfOpen --RESULT \[lastProbeSucceeds\]--> closed/,
    );
    const json = JSON.parse((await runCli(['machines', '--json'])).stdout);
    expect(Object.keys(json)).toEqual(['breaker.hystrix', 'breaker.resilience4j', 'breaker.polly', 'breaker.opossum', 'saga']);
    expect(text.stdout).toMatch(/\nsaga\n {2}running --STEP_OK \[last\]--> completed\n/);
    expect(text.stdout).toMatch(/ {2}committed --STEP_FAILED--> stuck\n/);
    expect(json.saga).toMatchObject({ id: 'saga', initial: 'running', states: { compensating: {}, stuck: { type: 'final' } } });
    expect(json['breaker.resilience4j']).toMatchObject({
      id: 'breaker',
      initial: 'closed',
      states: { closed: {}, open: {}, halfOpen: {} },
    });
  });
});

describe('pipes', () => {
  it('stops quietly when the reader goes away (msim ... | head)', () => {
    const bin = new URL('../../bin/msim.js', import.meta.url).pathname;
    const r = spawnSync('bash', ['-c', `node ${bin} machines | head -1; node ${bin} run scenarios/mm1.yaml --json - | head -1`], {
      encoding: 'utf8',
    });
    expect(r.stdout).toMatch(/^breaker\.hystrix[^\n]*\n\{\n$/);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });
});

describe('the summary of a run with faults and retries', () => {
  it('shows the call edges and a fault timeline', async () => {
    const r = await runCli(['run', 'scenarios/retry-storm.yaml', '--duration', '40s']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/call edge\s+calls\s+attempts\s+retries\s+timeouts\s+breaker\s+bulkhead\s+hedges\s+fallback\s+amp\n/);
    expect(r.stdout).toMatch(/\namp: attempts per call|; amp: attempts per call/);
    expect(r.stdout).toMatch(/client-naive->db-naive\s+\d+\s+\d+\s+\d+/);
    expect(r.stdout).toMatch(
      /Faults \(workload requests whose calls reached the fault's target while it was\nactive; failed: failed or rejected\):\nwindow\s+fault\s+requests\s+failed\s+ok p99\n20\.0s-25\.0s\s+cpu db-naive\s+\d+/,
    );
  });
});

describe('runs that cannot finish', () => {
  const flood = () => {
    const dir = tmp();
    const file = join(dir, 'flood.yaml');
    writeFileSync(file, 'name: flood\nworkloads: [{ name: w, to: api, arrivals: poisson(1e9/s) }]\nservices:\n  api: { cpu: 2ms }\n');
    return { dir, file };
  };

  it('warn at the start about a service over capacity with an unbounded queue, then stop at --max-in-system: exit 4, a complete report marked truncated', async () => {
    const { dir, file } = flood();
    const out = join(dir, 'report.json');
    const r = await runCli(['run', file, '--max-in-system', '2000', '--json', out]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(
      /^warning: api: offered load is 2\.00Mx its capacity \(1\.00G requests\/s needing 2\.00ms of CPU each on 1 replica x 1 core\) and its queue is unbounded/,
    );
    expect(r.stderr).toMatch(
      /msim: the run stopped early, at [\d.]+(ms|us) of 1m00s simulated: more than 2000 requests in the system \(--max-in-system\); [\d.]+k of them wait at api: its offered load is 2\.00Mx its capacity\n$/,
    );
    noStack(r.stderr);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(reportSchema.safeParse(report).success).toBe(true);
    expect(report.truncated).toBe(true);
    expect(report.truncation.service).toBe('api');
    expect(r.stdout).toMatch(/STOPPED EARLY/);
  });

  it('msim validate prints the same warning (exit 0: the file is valid)', async () => {
    const { file } = flood();
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: ok \(flood: 1 service, 1 workload\)/);
    expect(r.stderr).toMatch(/^warning: api: offered load is 2\.00Mx its capacity/);
  });

  it('refuses --duration together with --set duration=... (the order of flags is not kept: which would win?)', async () => {
    const r = await runCli(['run', 'scenarios/mm1.yaml', '--duration', '40s', '--set', 'duration=50s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --set duration=50s: expected one of --duration 40s and this (both set duration), found both\n');
  });

  it('refuses a --max-in-system that is not a whole number >= 1 (exit 2)', async () => {
    const r = await runCli(['run', 'scenarios/mm1.yaml', '--max-in-system', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --max-in-system lots: expected a whole number >= 1, found "lots"\n');
  });
});

describe('runs too long to finish, and Ctrl-C', () => {
  it('refuses a run of more than 1e11 workload requests before starting it (exit 2), in validate too', async () => {
    const args = ['scenarios/mm1.yaml', '--set', 'workloads.clients.arrivals=poisson(1e12/s)'];
    for (const cmd of ['run', 'validate']) {
      const r = await runCli([cmd, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        'error: scenarios/mm1.yaml: duration: expected a run of at most 1e11 workload requests (about a day of wall time at a million a second): a shorter duration or lower rates show the same behaviour, found about 6.00e14 in 600s simulated\n',
      );
    }
  });

  it('counts a rate schedule exactly: a 1 ms spike is not a whole run at its peak', async () => {
    const { expectedRequests } = await import('../analysis/offered-load.js');
    const { loadScenarioText } = await import('../scenario/load.js');
    const spec = loadScenarioText(
      'name: s\nduration: 60s\nworkloads: [{ name: w, to: a, arrivals: poisson(10/s), schedule: [{ at: 10s, rate: 1e12/s, ramp: 1ms }, { at: 10.001s, rate: 10/s }] }]\nservices: { a: { cpu: 1ms } }\n',
      's.yaml',
    );
    // 10/s for 60 s, plus a ramp from 10/s to 1e12/s over 1 ms (half of 1e12 x 0.001 s)
    expect(expectedRequests(spec)).toBeCloseTo(600 + 0.5 * (1e12 - 10) * 0.001, -3);
  });

  it('a plain run stops at Ctrl-C where it is: summary printed, report written and marked, exit 130', async () => {
    const dir = tmp();
    const out = join(dir, 'r.json');
    let interrupt = () => {};
    const { main } = await import('./main.js');
    let stdout = '';
    let stderr = '';
    const running = main(['run', 'scenarios/mm1.yaml', '--duration', '100000s', '--json', out], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: {},
      cwd: process.cwd(),
      onInterrupt: (h) => {
        interrupt = h;
        return () => {};
      },
    });
    setTimeout(() => interrupt(), 300);
    expect(await running).toBe(130);
    expect(stdout).toMatch(
      /^mm1: [\d.]+s simulated \(30s warm-up\), seed 1\nSTOPPED EARLY at [\d.]+(s|ms) simulated: interrupted \(Ctrl-C\)/,
    );
    expect(stderr).toMatch(/msim: interrupted at [\dhms.]+ of 27h46m simulated; the summary and report cover that much\n$/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.truncated).toBe(true);
    expect(report.truncation.reason).toBe('interrupted (Ctrl-C)');
  });

  it("the progress line's time left is in wall time (it was a thousand times too small)", async () => {
    const { progressLine } = await import('./commands/run.js');
    // 10 s of 60 s simulated in 2 s of wall time: 5 simulated seconds a wall second, 10 wall seconds left
    expect(progressLine('x', { simulatedMs: 10_000, durationMs: 60_000, events: 1_000_000, wallSeconds: 2 })).toBe(
      'x: 10s / 1m00s simulated (16%), 500.0k events/s, about 10s left',
    );
  });
});
