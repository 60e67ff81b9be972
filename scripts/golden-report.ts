/**
 * Golden samples of everything the report writes, to prove that a refactoring leaves its outputs
 * byte-identical: builds a fixed set of runs in memory (successes, failures, skipped evaluations,
 * out-of-memory retries, re-runs, require conditions that hold and that do not, control runs,
 * several tasks and epochs, compute rows, an invalid input) through the report's public functions,
 * writes each output to a file and prints its sha256. Every time and date is fixed.
 *
 *   npm run golden -- --out DIR        (node --import tsx scripts/golden-report.ts --out DIR)
 *
 * Run it before and after a change and compare the hashes (or `diff -r` the two directories).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import type { JobOutcome } from '../src/engine/types.ts'
import { cellDisplayName, type Cell, type Experiment, type Run } from '../src/experiment/model.ts'
import { readSettings } from '../src/inputs.ts'
import type { InputName } from '../src/names.ts'
import { resultsSvg } from '../src/report/chart.ts'
import { gated, type CheckItem } from '../src/report/checklist.ts'
import { commentBody } from '../src/report/comment.ts'
import { collectCompute, parseGpuMetricsCsv, type GpuMetrics } from '../src/report/compute.ts'
import { finalCommentMarkdown } from '../src/report/live.ts'
import type { RunReport } from '../src/report/model.ts'
import { jobSummaryMarkdown, resultsMarkdown, resultsTable } from '../src/report/summary.ts'
import { countOutcomes, statusOf } from '../src/report/verdict.ts'
import { bindGates } from '../src/require/gates.ts'
import { gatesOutput } from '../src/report/conditions.ts'
import { applyRequirements } from '../src/require/requirements.ts'
import { formatProblem, type Problem } from '../src/result.ts'
import { parseSacctUsage } from '../src/scheduler/usage.ts'
import type { PlannedJob, Score } from '../src/tools/tool.ts'

// Local times (summary.md's "Generated") must not depend on the machine.
process.env['TZ'] = 'UTC'

/** 2026-01-05 09:00 UTC: every time below is minutes after it. */
const T0 = Date.UTC(2026, 0, 5, 9)
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000)
const iso = (minutes: number): string => at(minutes).toISOString()
const seconds = (minutes: number): number => (T0 + minutes * 60_000) / 1000

const LINKS = {
  run: 'https://github.com/lab/experiments/actions/runs/42',
  artifact: (id: number): string => `https://github.com/lab/experiments/actions/runs/42/artifacts/${id}`,
}

// ------------------------------------------------------------------ building blocks

type SkippedEval = RunReport['skippedEvals'][number]

function experiment(name: string, runs: Run[], tasks: string[], cells: Cell[]): Experiment {
  return {
    name,
    summaryPath: `/scratch/ck/${name}/experiment_summary.yaml`,
    sourceDir: `/scratch/ck/${name}`,
    tools: { preparation: 'torchtune', evaluation: 'inspect-ai', defaulted: false },
    runs,
    tasks: tasks.map((t) => ({ name: t, script: `tasks/${t}.py` })),
    cells,
  }
}

/** Every run's cells: fine-tuned runs at each epoch, the others on their base model (epoch null). */
function cellsOf(runs: Run[], tasks: string[], epochs: number[]): Cell[] {
  return runs.flatMap((run) =>
    tasks.flatMap((task): Cell[] =>
      run.type === 'fine-tuned'
        ? epochs.map((epoch) => ({ run: run.name, task, epoch }))
        : [{ run: run.name, task, epoch: null }],
    ),
  )
}

function trainJob(run: string): PlannedJob {
  return {
    key: `${run}/finetune.slurm`,
    display: run,
    run,
    dir: run,
    script: 'finetune.slurm',
    inputs: [`${run}/finetune.yaml`, `${run}/finetune.slurm`],
  }
}

function evalJob(cell: Cell): PlannedJob {
  const dir = `${cell.run}/eval/${cell.task}${cell.epoch === null ? '' : `_epoch${cell.epoch}`}`
  return {
    key: `${dir}/cell.slurm`,
    display: cellDisplayName(cell),
    run: cell.run,
    cell,
    dir,
    script: 'cell.slurm',
    inputs: [],
  }
}

interface Timing {
  jobId: string
  /** Minutes after T0. */
  submitted: number
  started: number
  ended: number
}

function finished(job: PlannedJob, t: Timing, extra: Partial<JobOutcome> = {}): JobOutcome {
  return {
    job,
    result: 'succeeded',
    resolution: 'submitted',
    state: 'COMPLETED',
    jobId: t.jobId,
    attempt: 1,
    exitCode: 0,
    submittedIso: iso(t.submitted),
    startedIso: iso(t.started),
    endedIso: iso(t.ended),
    ...extra,
  }
}

function trained(run: string, t: Timing, loss: number[], extra: Partial<JobOutcome> = {}): JobOutcome {
  const outputDir = `/scratch/ck/out/${run}`
  return finished(trainJob(run), t, {
    output: {
      kind: 'training',
      outputDir,
      checkpoints: { '0': `${outputDir}/epoch_0`, '1': `${outputDir}/epoch_1` },
      finalLoss: loss[loss.length - 1] ?? 0,
      totalSteps: loss.length * 10,
      lossCurve: loss.map((l, i) => ({ epoch: i < loss.length / 2 ? 1 : 2, step: (i + 1) * 10, loss: l })),
    },
    ...extra,
  })
}

function evaluated(cell: Cell, t: Timing, scores: Score[], extra: Partial<JobOutcome> = {}): JobOutcome {
  const job = evalJob(cell)
  return finished(job, t, {
    output: {
      kind: 'evaluation',
      log: `/scratch/ck/${job.dir}/logs/2026-01-05T09-00-00_${cell.task}.eval`,
      status: 'success',
      task: cell.task,
      model: cell.run,
      totalSamples: 100,
      completedSamples: 100,
      scores,
    },
    ...extra,
  })
}

const accuracy = (value: number, stderr = 0.02, more: Record<string, number> = {}): Score[] => [
  { name: 'exact_case', metrics: { accuracy: value, stderr, ...more } },
]

/** The require input as the action reads it (readSettings), bound to the experiment. */
function conditions(text: string, exp: Experiment): Parameters<typeof applyRequirements>[1] {
  const settings = readSettings((name: InputName) => (name === 'require' ? text : ''))
  if (!settings.ok) throw new Error(settings.error.map(formatProblem).join('\n'))
  const bound = bindGates(settings.value.require, exp)
  if (!bound.ok) throw new Error(bound.error.map(formatProblem).join('\n'))
  return bound.value
}

interface Pass {
  exp: Experiment
  train: JobOutcome[]
  evals?: JobOutcome[]
  skipped?: SkippedEval[]
  require: string
  /** sacct's answer for the pass's jobs, or its failure; absent: a scheduler without accounting (local). */
  sacct?: string | Error
  gpu?: Map<string, GpuMetrics>
  checklist?: CheckItem[]
  artifact?: RunReport['artifact']
  warnings?: Problem[]
}

/** One pass as the pipeline concludes it: counts and verdict, compute, require conditions, checklist. */
async function conclude(p: Pass): Promise<RunReport> {
  const skipped = p.skipped ?? []
  const counts = countOutcomes(p.train, p.evals ?? [], skipped)
  const phase = (outcomes: JobOutcome[], from: number, to: number): NonNullable<RunReport['optimize']> => ({
    outcomes,
    startedAt: at(from),
    endedAt: at(to),
    detached: false,
    submissions: outcomes.length,
  })
  const report: RunReport = {
    ...statusOf(counts),
    experiment: p.exp,
    experimentName: p.exp.name,
    runDir: `/scratch/ck/${p.exp.name}`,
    startedAt: at(0),
    endedAt: at(p.evals ? 190 : 95),
    optimize: phase(p.train, 0, 90),
    ...(p.evals ? { evaluate: phase(p.evals, 91, 188) } : {}),
    skippedEvals: skipped,
    priorTraining: [],
    counts,
    errors: [],
    warnings: p.warnings ?? [],
    logFiles: [`/scratch/ck/${p.exp.name}/run-experiment.log`, `/scratch/ck/${p.exp.name}/logs/run-torchtune.log`],
    nextSteps: [`View results: \`inspect view --log-dir /scratch/ck/${p.exp.name}\``],
    detached: false,
    private: false,
    ...(p.artifact ? { artifact: p.artifact } : {}),
  }
  const sacct = p.sacct
  const scheduler =
    sacct === undefined
      ? {}
      : { usage: () => (sacct instanceof Error ? Promise.reject(sacct) : Promise.resolve(parseSacctUsage(sacct))) }
  const phases = [
    { phase: 'optimize', outcomes: p.train },
    ...(p.evals ? [{ phase: 'evaluate', outcomes: p.evals }] : []),
  ]
  const compute = await collectCompute(scheduler, phases, p.gpu ?? new Map<string, GpuMetrics>(), T0 + 190 * 60_000)
  if (compute.rows.length > 0) report.compute = compute.rows
  if (compute.warning) report.warnings.push({ message: compute.warning })
  applyRequirements(report, conditions(p.require, p.exp))
  Object.assign(report, gated(report, p.checklist ?? []))
  return report
}

// ------------------------------------------------------------------ the passes

/** Two fine-tuned runs and their control, two tasks, two epochs; every condition holds. */
async function capitalize(): Promise<RunReport> {
  const runs: Run[] = [
    { name: 'lr1e-3', type: 'fine-tuned', model: 'tiny', parameters: { lr: 0.001, batch_size: 8, lora_rank: 8 } },
    { name: 'lr3e-4', type: 'fine-tuned', model: 'tiny', parameters: { lr: 0.0003, batch_size: 8, lora_rank: 8 } },
    { name: 'base', type: 'control', model: 'tiny', parameters: {} },
  ]
  const tasks = ['capitalize', 'cap_ood']
  const exp = experiment('capitalize', runs, tasks, cellsOf(runs, tasks, [0, 1]))
  const score: Record<string, number> = { 'lr1e-3': 0.91, 'lr3e-4': 0.74, base: 0.3125 }
  const evals = exp.cells.map((cell, i) =>
    evaluated(
      cell,
      { jobId: String(2001 + i), submitted: 91, started: 92 + i, ended: 100 + i * 3 },
      accuracy((score[cell.run] ?? 0) - (cell.task === 'cap_ood' ? 0.125 : 0) + (cell.epoch ?? 0) * 0.0375),
    ),
  )
  const sacct = [
    `1001|COMPLETED|${seconds(0)}|${seconds(2)}|${seconds(80)}|4680|billing=8,cpu=8,gres/gpu=1,mem=64G,node=1|`,
    `1001.batch|COMPLETED|${seconds(0)}|${seconds(2)}|${seconds(80)}|4680|cpu=8,gres/gpu=1,mem=64G,node=1|31457280K`,
    `1002|COMPLETED|${seconds(0)}|${seconds(12)}|${seconds(62)}|3000|billing=8,cpu=8,gres/gpu:a100=2,mem=64G,node=1|`,
    `1002.batch|COMPLETED|${seconds(0)}|${seconds(12)}|${seconds(62)}|3000|cpu=8,gres/gpu:a100=2,mem=64G,node=1|12G`,
    ...evals.map(
      (o, i) =>
        `${o.jobId ?? ''}|COMPLETED|${seconds(91)}|${seconds(92 + i)}|${seconds(100 + i * 3)}|${(8 + i * 2) * 60}|gres/gpu=1|${1 + i}G`,
    ),
  ].join('\n')
  const gpuCsv = (util: number[]): string =>
    [
      'timestamp, utilization.gpu [%], utilization.memory [%], memory.used [MiB], memory.total [MiB], power.draw [W]',
      ...util.map(
        (u, i) =>
          `2026/01/05 09:${String(10 + i).padStart(2, '0')}:00.000, ${u} %, 40 %, ${20000 + i * 1500} MiB, 81920 MiB, 250.5 W`,
      ),
    ].join('\n')
  const gpu = new Map<string, GpuMetrics>()
  for (const [jobId, util] of [
    ['1001', [91, 95, 88, 97]],
    ['1002', [60, 72]],
  ] as const) {
    const g = parseGpuMetricsCsv(gpuCsv([...util]))
    if (g.ok) gpu.set(jobId, g.value)
  }
  return conclude({
    exp,
    train: [
      trained(
        'lr1e-3',
        { jobId: '1001', submitted: 0, started: 2, ended: 80 },
        [2.31, 1.62, 1.05, 0.71, 0.52, 0.4417],
        {
          attempt: 2,
          retries: [
            { batch_size: 8, gradient_accumulation_steps: 1 },
            { batch_size: 4, gradient_accumulation_steps: 2 },
          ],
          earlier: [
            {
              job_id: '990',
              state: 'OUT_OF_MEMORY',
              exit_code: 0,
              submitted_iso: iso(-30),
              started_iso: iso(-29),
              ended_iso: iso(-25),
              error: 'CUDA out of memory',
            },
          ],
        },
      ),
      trained('lr3e-4', { jobId: '1002', submitted: 0, started: 12, ended: 62 }, [2.4, 1.9, 1.44, 1.1], {
        rerun: 'lr3e-4/finetune.yaml changed since its success',
        resolution: 'resubmitted',
      }),
    ],
    evals,
    require: [
      'fine-tuned > control          # every fine-tuned run, task and epoch beats the control',
      '  - cap_ood >= control + 0.05',
      'any lr1e-3/capitalize/last:exact_case.accuracy >= 0.9',
      'lr1e-3 > lr3e-4',
      'fine-tuned:stderr <= 0.05',
      'fine-tuned:accuracy >= control + 0.1',
      'capitalize > control/capitalize - 0.02',
      'every lr3e-4/cap_ood/epoch0 != 0.5',
    ].join('\n'),
    sacct,
    gpu,
    checklist: [
      ['Every fine-tuning run has its checkpoints', true],
      ['Every evaluation wrote its .eval log', true],
      ['Not applicable here', null],
    ],
    artifact: { id: 4242, name: 'run-experiment-capitalize-attempt1' },
  })
}

/**
 * Two base models, three controls and an eval-only run: one training failed (its evaluations are
 * skipped), one evaluation failed, one is still running, a scorer lacks a metric; conditions fail.
 */
async function twoModels(): Promise<RunReport> {
  const runs: Run[] = [
    { name: 'ft-a', type: 'fine-tuned', model: 'model-a', parameters: { lr: 0.0001, epochs: 2 } },
    { name: 'ft-b', type: 'fine-tuned', model: 'model-b', parameters: { lr: 0.0002, epochs: 2 } },
    { name: 'base-a', type: 'control', model: 'model-a', parameters: {} },
    { name: 'base-b', type: 'control', model: 'model-b', parameters: {} },
    { name: 'base-b-prompt', type: 'control', model: 'model-b', parameters: { prompt: 'be | careful <b>' } },
    { name: 'api', type: 'eval-only', parameters: { note: 'hosted' } },
  ]
  const tasks = ['t1', 't2']
  const exp = experiment('two-models', runs, tasks, cellsOf(runs, tasks, [0, 1]))
  const ftB = exp.cells.filter((c) => c.run === 'ft-b')
  const skipped: SkippedEval[] = ftB.map((c) => ({
    display: cellDisplayName(c),
    ...c,
    reason: 'training of ft-b failed: OUT_OF_MEMORY after 2 retries',
  }))
  const value: Record<string, number> = { 'ft-a': 0.55, 'base-a': 0.6, 'base-b': 0.2, 'base-b-prompt': 0.25, api: 7 }
  const evals = exp.cells
    .filter((c) => c.run !== 'ft-b')
    .map((cell, i): JobOutcome => {
      const t = { jobId: `local-${100 + i}`, submitted: 91, started: 91 + i, ended: 120 + i }
      const display = cellDisplayName(cell)
      if (display === 'ft-a/t2/epoch1')
        return {
          ...finished(evalJob(cell), t),
          result: 'failed',
          state: 'FAILED',
          exitCode: 1,
          error: 'FAILED (exit 1): Traceback <module>',
        }
      if (display === 'base-a/t2')
        return { ...finished(evalJob(cell), t), result: 'detached', state: 'RUNNING', endedIso: undefined }
      if (cell.run === 'api')
        return evaluated(cell, t, [{ name: 'model_graded', metrics: { mean: value['api'] ?? 0 } }])
      return evaluated(cell, t, accuracy((value[cell.run] ?? 0) + (cell.epoch ?? 0) * 0.1, 0.05, { f1: 0.5 }))
    })
  return conclude({
    exp,
    train: [
      trained('ft-a', { jobId: 'local-1', submitted: 0, started: 0, ended: 45 }, [3.1, 2.2]),
      {
        ...finished(trainJob('ft-b'), { jobId: 'local-2', submitted: 0, started: 1, ended: 20 }),
        result: 'failed',
        state: 'OUT_OF_MEMORY',
        exitCode: 137,
        attempt: 3,
        error: 'OUT_OF_MEMORY after 2 retries',
        retries: [
          { batch_size: 16, gradient_accumulation_steps: 1 },
          { batch_size: 8, gradient_accumulation_steps: 2 },
          { batch_size: 4, gradient_accumulation_steps: 4 },
        ],
      },
    ],
    evals,
    skipped,
    require: [
      'fine-tuned > control',
      'any ft-a/t1 >= 0.5',
      'any ft-a >= 0.99',
      'api/t2:f1 > 0',
      'api:model_graded.mean >= 6 - 0.5',
      't1 >= 0.1',
      'ft-a/t2/epoch1 >= base-b',
      'ft-a/t1/last > control/t2',
    ].join('\n'),
    checklist: [
      ['Every fine-tuning run has its checkpoints', false, 'ft-b has none'],
      ['Every evaluation wrote its .eval log', false],
    ],
    warnings: [
      {
        file: 'experiments/two-models/experiment_summary.yaml',
        line: 12,
        field: 'runs[5].epochs',
        message: 'eval-only runs have no epochs: ignored',
      },
    ],
  })
}

/**
 * Fine-tuning only (phases: optimize): the conditions cannot be judged (a warning), the accounting
 * query fails (a warning), and a checklist item that fails turns the success into a partial.
 */
async function optimizeOnly(): Promise<RunReport> {
  const runs: Run[] = [
    { name: 'small', type: 'fine-tuned', model: 'tiny', parameters: { lr: 0.01 } },
    { name: 'base', type: 'control', model: 'tiny', parameters: {} },
  ]
  const exp = experiment('optimize-only', runs, ['capitalize'], cellsOf(runs, ['capitalize'], [0]))
  return conclude({
    exp,
    train: [
      trained('small', { jobId: '3001', submitted: 0, started: 5, ended: 65 }, [1.5, 1.2, 0.9], {
        resolution: 'already-succeeded',
      }),
    ],
    require: 'fine-tuned > control',
    checklist: [['summary.md is written in the run directory', false, 'the run directory is read-only']],
    sacct: new Error('sacct: error: Problem talking to the database: Connection refused'),
  })
}

/** Inputs the action refuses: every bad require line, and names the experiment does not have. */
function invalid(problems: Problem[]): RunReport {
  return {
    status: 'invalid',
    verdict: 'bad action inputs',
    experimentName: '',
    runDir: '',
    startedAt: at(0),
    endedAt: at(0),
    skippedEvals: [],
    priorTraining: [],
    counts: countOutcomes([], [], []),
    errors: problems,
    warnings: [],
    logFiles: [],
    nextSteps: [],
    detached: false,
    private: false,
  }
}

const BAD_SYNTAX = [
  'capitalize = 0.8',
  'cap_ood >= control +',
  'cap_ood >= control -0.05',
  '1 > 0',
  'fine-tuned control',
  'a > b > c',
  'capitalize',
  '(capitalize >= 1',
  '  (capitalize >= 1 ) )',
  'capitalize >= 0.8 ;',
  'a//b > 1',
  'a/b/c/d > 1',
  'capitalize: > 1',
  'x:a.b.c > 1',
  '- - x > 1',
  '-x > 1',
  'any > 1',
  'every',
  'fine-tuned >= control ! 1',
  '\t - fine-tuned >= ) # a comment',
  'fine-tuned >= 1e+5',
  'capitalize > café',
]

const BAD_NAMES = [
  'capitalise >= 0.8',
  'capitalize/epoch7 > 0.5',
  'epoch1/capitalize > 0.5',
  'cap_ood >= control-0.05',
  'lr1e-3/capitalize/nope > 1',
  'base > lr1e-3/epoch1',
  'fine-tuned/nope/last > 1',
]

function problemLines(): { lines: string[]; problems: Problem[] } {
  const lines: string[] = []
  const problems: Problem[] = []
  const all = readSettings((name: InputName) => (name === 'require' ? BAD_SYNTAX.join('\n') : ''))
  if (all.ok) throw new Error('the bad conditions were accepted')
  problems.push(...all.error)
  lines.push('# readSettings: every bad line of one require input', ...all.error.map(formatProblem), '')
  for (const text of BAD_SYNTAX) {
    const one = readSettings((name: InputName) => (name === 'require' ? text : ''))
    lines.push(`${JSON.stringify(text)}: ${one.ok ? 'accepted' : one.error.map(formatProblem).join(' | ')}`)
  }
  lines.push('', '# bindGates against capitalize, then two-models')
  const capitalize: Experiment = experiment('capitalize', [], ['capitalize', 'cap_ood'], [])
  capitalize.runs = [
    { name: 'lr1e-3', type: 'fine-tuned', model: 'tiny', parameters: {} },
    { name: 'lr3e-4', type: 'fine-tuned', model: 'tiny', parameters: {} },
    { name: 'base', type: 'control', model: 'tiny', parameters: {} },
    { name: 'capitalize', type: 'eval-only', parameters: {} },
  ]
  capitalize.cells = [
    ...cellsOf(capitalize.runs.slice(0, 2), ['capitalize', 'cap_ood'], [0, 1]),
    { run: 'base', task: 'capitalize', epoch: null },
  ]
  const orphan: Experiment = experiment('orphan', [], ['t1'], [])
  orphan.runs = [
    { name: 'ft', type: 'fine-tuned', parameters: {} },
    { name: 'ctl', type: 'control', model: 'other', parameters: {} },
  ]
  orphan.cells = [
    { run: 'ft', task: 't1', epoch: 0 },
    { run: 'ctl', task: 't1', epoch: null },
  ]
  const names = [...BAD_NAMES, 'capitalize > 0.5', 'cap_ood >= control + 0.05', 'fine-tuned/cap_ood > control']
  for (const [exp, texts] of [
    [capitalize, names],
    [orphan, ['fine-tuned > control', 'ft > ctl/t1/epoch0', 'ctl < 2']],
  ] as const) {
    for (const text of texts) {
      const settings = readSettings((name: InputName) => (name === 'require' ? text : ''))
      if (!settings.ok) throw new Error(settings.error.map(formatProblem).join('\n'))
      const bound = bindGates(settings.value.require, exp)
      if (!bound.ok) problems.push(...bound.error)
      lines.push(`${exp.name}: ${bound.ok ? 'bound' : bound.error.map(formatProblem).join(' | ')}`)
    }
  }
  return { lines: [...lines, ''], problems }
}

// ------------------------------------------------------------------ writing

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } })
  if (!values.out) throw new Error('usage: node --import tsx scripts/golden-report.ts --out DIR')
  const out = values.out
  const files = new Map<string, string>()
  const reports = [await capitalize(), await twoModels(), await optimizeOnly()]
  const { lines, problems } = problemLines()
  const refused = invalid(problems)
  for (const r of [...reports, refused]) {
    const dir = r.experimentName || 'invalid'
    const table = r.experiment && r.status !== 'invalid' ? resultsTable(r.experiment, r) : undefined
    files.set(`${dir}/job-summary.md`, jobSummaryMarkdown(r, table))
    const key = `experiments/${dir}/experiment_summary.yaml`
    files.set(`${dir}/comment.md`, commentBody(key, finalCommentMarkdown(r, LINKS)))
    if (r.experiment) files.set(`${dir}/summary.md`, resultsMarkdown(r).markdown)
    const svg = resultsSvg(r)
    if (svg) files.set(`${dir}/results.svg`, svg)
    files.set(`${dir}/status.txt`, `${r.status}\n${r.verdict}\n`)
  }
  files.set('gates.json', gatesOutput(reports) + '\n')
  files.set('gates-one.json', gatesOutput(reports.slice(0, 1)) + '\n')
  files.set('problems.txt', lines.join('\n'))
  for (const [name, text] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const path = join(out, name)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, text)
    console.log(`${createHash('sha256').update(text).digest('hex')}  ${name}`)
  }
}

await main()
