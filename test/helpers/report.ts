/**
 * RunReports built in memory for tests of what the report renders (job summary, summary.md, the
 * comment, the SVG): an experiment of fine-tuned and control runs, their training and evaluation
 * outcomes, and one built with a hostile text in every field that reaches markdown.
 */
import type { JobOutcome } from '../../src/engine/phase.ts'
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
    raw: {},
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
    ...extra,
  }
}
