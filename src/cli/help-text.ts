// The help printed after each command's options: examples, exit codes, the dashboard's keys, where the formats are documented.
import { CLOSING_KEYS, GENERAL_KEYS, WHAT_IF_KEYS } from '../ui/keys.js';

export const EXIT_CODES = `Exit codes:
  0  done (the run finished, or the file is valid)
  1  an internal error: a bug in msim (please report it with the printed trace)
  2  a mistake in the scenario, a flag or an input file: one line per problem, nothing run or written
  3  an SLO objective was missed (msim run; --no-slo-exit exits 0), or msim plan found no answer
  4  the run stopped early (too many requests in the system, a clock that stood still): the report says why
  130  interrupted with Ctrl-C: what was simulated is summarized and written, marked as interrupted`;

export const MAIN_HELP = `
Examples:
  npx msim run scenarios/checkout.yaml                  the live dashboard (a summary when not on a terminal)
  npx msim run scenarios/checkout.yaml --no-tui --json report.json
  npx msim run scenarios/checkout.yaml --set services.payment.replicas=3
  npx msim validate my-system.yaml                      check a file: every problem with its line and column
  npx msim run - < my-system.yaml                       read the scenario from standard input

The scenario format, the report's keys and the dashboard are documented in README.md
(sections "The scenario format", "The live dashboard"); \`msim schema\` prints the report's JSON Schema.

${EXIT_CODES}
`;

export function runHelp(): string {
  const line = ([k, what]: [string, string]) => `  ${k.padEnd(12)} ${what}`;
  return `
Examples:
  msim run scenarios/mm1.yaml                                 live dashboard, real time
  msim run scenarios/checkout.yaml --speed max                as fast as the machine goes
  msim run scenarios/checkout.yaml --no-tui --json -          the JSON report on stdout, the summary on stderr
  msim run scenarios/checkout.yaml --seed 7 --duration 10m --set 'workloads.shoppers.arrivals=poisson(600/s)'
  msim run scenarios/checkout.yaml --replay report.json       the same run again, what-ifs included

The dashboard's keys (on a terminal; --no-tui, a pipe or CI give a plain summary):
${[...GENERAL_KEYS, ['?', 'all keys'] as [string, string], ...CLOSING_KEYS.slice(1)].map(line).join('\n')}
what-ifs on the selected service (recorded in the report; --replay repeats them):
${Object.entries(WHAT_IF_KEYS)
  .map(([k, v]) => line([k, v.help]))
  .join('\n')}

The scenario format is documented in README.md ("The scenario format"); \`msim validate\` checks a file.
Off a terminal a progress line goes to stderr every 5 seconds.

${EXIT_CODES}
`;
}

export const VALIDATE_HELP = `
Examples:
  msim validate scenarios/checkout.yaml
  msim validate my-system.yaml --set services.api.replicas=40   check a what-if too
  msim validate my-system.yaml --json                            the validated scenario as JSON (the problems, exit 2)
  generate-scenario | msim validate -                            read it from standard input

Warnings (a service whose offered load reaches its capacity) go to stderr; the file is still valid.

${EXIT_CODES}
`;

export const LESSON_HELP = `
Examples:
  msim lesson list                        the lessons, and which you have passed
  msim lesson start 1                     write 01-littles-law.yaml here and print the lesson
  msim lesson run 1                       watch your scenario (the live dashboard, its objectives in it)
  msim lesson check 1                     grade it on every seed: met or missed, and a hint after a miss
  msim lesson check 1 --json              the same as JSON, for a classroom autograder
  msim lesson hint 1                      the next hint
  msim lesson solution 1                  write the reference solution as 01-littles-law.solution.yaml
  msim lesson validate lessons/11-mine    for teachers: check a lesson folder (lessons/README.md says how to write one)

Progress (lessons passed, hints shown) is kept in ./.msim-progress.json.
Exit codes of check and validate: 0 passed, 1 not yet (an objective missed, a change refused), 2 a broken file or an unknown lesson.
`;

export const SWEEP_HELP = `
Examples:
  msim sweep scenarios/checkout.yaml --vary services.payment.replicas=1..8
  msim sweep scenarios/checkout.yaml --vary services.payment.replicas=2,4,8 --vary services.payment.cores=1..2 --seeds 10
  msim sweep scenarios/checkout.yaml --vary 'workloads.shoppers.arrivals=poisson(200/s),poisson(400/s)' --csv out.csv
  msim sweep scenarios/mm1.yaml --vary services.server.cores=1..4 --metric latencyMs.mean --json sweep.json
  msim sweep scenarios/checkout.yaml --vary services.payment.replicas=1..8 --shard 0/4 --json shard-0.json

Seed i is the same at every point (common random numbers), so differences between points are the
system's, not the noise's. Every point is checked before anything runs. Sharded sweeps: run each
slice (--shard k/n, k from 0 to n-1) anywhere, then msim merge shard-*.json gives exactly the unsharded output
(README: "Capacity planning: explain, sweep, plan", under "Beyond one machine").
`;

export const EXPLAIN_HELP = `
Examples:
  msim explain scenarios/checkout.yaml                      load, utilization, bottleneck, M/M/c latency by theory
  msim explain scenarios/checkout.yaml --simulate           the same beside one simulated run, with the differences
  msim explain scenarios/checkout.yaml --set services.payment.replicas=6 --json

The estimates: each workload at its peak rate through the call graph (call probabilities, errors, cache
hit ratios by Che's approximation); each replica an M/M/c queue with its share of the load (Erlang C);
parallel calls by a fork-join estimate. Not modelled: retries, timeouts, breakers, faults, queue limits.
README.md ("msim explain") states the model. Exit codes: 0 done, 2 a mistake in the input.
`;

export const PLAN_HELP = `
Examples:
  msim plan scenarios/checkout.yaml --minimize services.payment.replicas
  msim plan scenarios/checkout.yaml --minimize services.payment.replicas --range 1..32 --seeds 10
  msim plan scenarios/checkout.yaml --minimize services.payment.replicas --range 1..12 \\
            --minimize services.cart.replicas --range 1..6       the fewest cores in all
  msim plan scenarios/checkout.yaml --minimize services.payment.replicas --json

A point passes when every objective of the scenario's slo: section is met on every seed. The search
assumes more of the field never hurts (monotone): one field is found by doubling, then bisecting;
several by trying the cheapest combinations first and skipping those a miss rules out.
Exit codes: 0 an answer, 3 even the top of the range misses the SLO, 2 a mistake in the input.
`;
