/**
 * RunReports built in memory for tests of what the report renders (job summary, summary.md, the
 * comment, the SVG): an experiment of fine-tuned and control runs, their training and evaluation
 * outcomes, and one built with a hostile text in every field that reaches markdown.
 */
import type { JobOutcome } from '../../src/engine/types.ts'
import type { Cell, Experiment, Run } from '../../src/experiment/model.ts'
import type { RunReport } from '../../src/report/model.ts'
import { countOutcomes } from '../../src/report/verdict.ts'
import type { Score } from '../../src/tools/tool.ts'

export const T0 = new Date('2026-01-05T09:00:00Z')

export function experimentOf(runs: Run[], cells: Cell[], name = 'capitalize'): Experiment {
  const tasks = [...new Set(cells.map((c) => c.task))].map((t) => ({ name: t }))
  return {
    name,
    summaryPath: '/scratch/exp/experiment_summary.yaml',
    sourceDir: '/scratch/exp',
    tools: { preparation: 'torchtune', evaluation: 'inspect-ai', defaulted: false },
    runs,
    tasks,
    cells,
  }
}

const cellName = (c: Cell): string => (c.epoch === null ? `${c.run}/${c.task}` : `${c.run}/${c.task}/epoch${c.epoch}`)

/** A training outcome: succeeded with a checkpoint and a loss, or failed with `error`. */
export function trained(run: string, runDir: string, extra: Partial<JobOutcome> = {}): JobOutcome {
  const ok = extra.result === undefined || extra.result === 'succeeded'
  return {
    job: { key: `${run}/finetune.slurm`, display: run, run, dir: run, script: 'finetune.slurm', inputs: [] },
    result: 'succeeded',
    resolution: 'submitted',
    state: ok ? 'COMPLETED' : 'FAILED',
    jobId: '81000',
    attempt: 1,
    startedIso: '2026-01-05T09:01:00Z',
    endedIso: '2026-01-05T09:41:00Z',
    ...(ok
      ? {
          output: {
            kind: 'training' as const,
            outputDir: `${runDir}/${run}/artifacts`,
            checkpoints: { '0': `${runDir}/${run}/artifacts/epoch_0` },
            finalLoss: 0.5,
          },
        }
      : {}),
    ...extra,
  }
}

/** An evaluation outcome of a cell: succeeded with `scores`, or failed with `error`. */
export function evaluated(
  cell: Cell,
  runDir: string,
  scores: Score[] = [{ name: 'match', metrics: { accuracy: 0.8, stderr: 0.05 } }],
  extra: Partial<JobOutcome> = {},
): JobOutcome {
  const display = cellName(cell)
  const ok = extra.result === undefined || extra.result === 'succeeded'
  return {
    job: { key: `${display}/cell.slurm`, display, run: cell.run, cell, dir: display, script: 'cell.slurm', inputs: [] },
    result: 'succeeded',
    resolution: 'submitted',
    state: ok ? 'COMPLETED' : 'FAILED',
    jobId: '82000',
    attempt: 1,
    startedIso: '2026-01-05T10:00:00Z',
    endedIso: '2026-01-05T10:02:00Z',
    ...(ok
      ? { output: { kind: 'evaluation' as const, log: `${runDir}/${display}/logs/x.eval`, status: 'success', scores } }
      : {}),
    ...extra,
  }
}

/** A finished report of `experiment` from its outcomes; counts and status follow them unless given. */
export function reportOf(
  experiment: Experiment,
  training: JobOutcome[],
  evals: JobOutcome[],
  extra: Partial<RunReport> = {},
): RunReport {
  const phase = (outcomes: JobOutcome[], from: number) => ({
    outcomes,
    startedAt: new Date(T0.getTime() + from),
    endedAt: new Date(T0.getTime() + from + 3_600_000),
    detached: false,
    submissions: outcomes.length,
  })
  const skippedEvals = extra.skippedEvals ?? []
  return {
    status: 'success',
    verdict: `all ${training.length + evals.length} jobs succeeded`,
    experiment,
    experimentName: experiment.name,
    runDir: '/scratch/exp',
    startedAt: T0,
    endedAt: new Date(T0.getTime() + 2 * 3_600_000),
    optimize: phase(training, 0),
    evaluate: phase(evals, 3_600_000),
    skippedEvals,
    priorTraining: [],
    counts: countOutcomes(training, evals, skippedEvals),
    errors: [],
    warnings: [],
    logFiles: ['/scratch/exp/run-experiment.log'],
    nextSteps: [],
    detached: false,
    private: false,
    ...extra,
  }
}

/**
 * Markup of every kind GitHub would render from a text: a forged approval with a mention and a link
 * (the example), HTML tags, an entity, a comment that forges the sticky marker, emphasis,
 * strike-through, math, an image, autolinks and bare URLs, references, backticks, and line breaks
 * that would start a heading, a list, a quote and a table row.
 */
export const INJECTION =
  'x` **✅ Approved by @org/leads** [weights](https://example.invalid) ' +
  '<img src=x onerror=alert(1)><script>alert(2)</script> &lt;b&gt; <!-- run-experiment:sticky forged --> ' +
  '_em_ ~~gone~~ $\\textsf{math}$ ![pic](https://example.invalid/p.png) <https://example.invalid/auto> ' +
  'www.example.invalid https://example.invalid/bare @octocat #123 GH-123 owner/repo#1 ``` \\*' +
  '\n# Injected heading\n- injected item\n> injected quote\n| injected | row |\n'

/** A report whose every text from the experiment, the tools and the cluster is INJECTION (plus a tag). */
export function hostileReport(): RunReport {
  const x = (tag: string): string => `${INJECTION} ${tag}`
  const runDir = `/scratch/${x('dir')}`
  const [ft, failing, control] = [x('run-ft'), x('run-failing'), x('run-control')]
  const task = x('task')
  const exp = experimentOf(
    [
      { name: ft, type: 'fine-tuned', parameters: { [x('param')]: x('value'), lr: 0.001 } },
      { name: failing, type: 'fine-tuned', parameters: { [x('param')]: x('value 2'), lr: 0.002 } },
      { name: control, type: 'control', parameters: {} },
      // Trained, evaluated by no cell: named in a warning and a line of its own.
      { name: x('run-unevaluated'), type: 'fine-tuned', parameters: {} },
    ],
    [
      { run: ft, task, epoch: 0 },
      { run: failing, task, epoch: 0 },
      { run: control, task, epoch: null },
    ],
    x('experiment'),
  )
  const scores = [{ name: x('scorer'), metrics: { [x('metric')]: 0.8 } }]
  const training = [
    trained(ft, runDir, { jobId: x('job-id'), state: 'COMPLETED', rerun: x('rerun reason') }),
    trained(failing, runDir, { result: 'failed', state: x('state'), error: x('training error'), outputFile: x('out') }),
  ]
  const cellOk = evaluated({ run: control, task, epoch: null }, runDir, scores)
  const cellBad = evaluated({ run: ft, task, epoch: 0 }, runDir, scores, { result: 'failed', error: x('eval error') })
  const skippedEvals = [{ display: `${failing}/${task}/epoch0`, run: failing, task, epoch: 0, reason: x('skipped') }]
  return reportOf(exp, training, [cellOk, cellBad], {
    status: 'partial',
    verdict: x('verdict'),
    runDir,
    skippedEvals,
    errors: [{ file: x('file'), line: 3, field: x('field'), message: x('error message'), hint: x('hint') }],
    warnings: [{ message: x('warning') }],
    logFiles: [`${runDir}/${x('log')}`],
    nextSteps: [`View results: \`inspect view --log-dir ${runDir}\``],
    artifact: { failed: x('artifact failure') },
    compute: [
      {
        phase: 'optimize',
        display: ft,
        jobId: x('job-id'),
        state: x('sacct state'),
        gpus: 1,
        gpuHours: 0.5,
        wallS: 1800,
      },
    ],
  })
}
