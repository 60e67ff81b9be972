/**
 * Which evaluation cells may run: cells of control and eval-only runs, and of fine-tuned runs
 * whose training succeeded (this pass, or an earlier one whose checkpoints still hold).
 */
import type { Transport } from '../cluster/transport.js'
import type { Experiment } from '../experiment/model.js'
import { err, ok, type Result } from '../result.js'
import type { PlannedJob, ToolModule } from '../tools/tool.js'
import type { JobOutcome } from './types.js'

/** An evaluation that was not submitted, and why. */
export interface SkippedEval {
  display: string
  run: string
  task: string
  epoch: number | null
  reason: string
}

/** Whether a run's training may be evaluated; the error says why not. */
export type TrainingVerdict = Result<true, string>

export interface Gate {
  runnable: PlannedJob[]
  skipped: SkippedEval[]
}

export function gateEvaluations(evalJobs: PlannedJob[], training: Map<string, TrainingVerdict>): Gate {
  const runnable: PlannedJob[] = []
  const skipped: SkippedEval[] = []
  for (const job of evalJobs) {
    const cell = job.cell
    if (!cell) continue
    const t = cell.epoch === null ? undefined : training.get(cell.run)
    if (cell.epoch === null || t?.ok) runnable.push(job)
    else {
      const reason = t ? t.error : `training of ${cell.run} did not run`
      skipped.push({ display: job.display, run: cell.run, task: cell.task, epoch: cell.epoch, reason })
    }
  }
  return { runnable, skipped }
}

/** Training verdicts from this pass's outcomes. */
export function trainingFromOutcomes(outcomes: JobOutcome[]): Map<string, TrainingVerdict> {
  const m = new Map<string, TrainingVerdict>()
  for (const o of outcomes) {
    if (o.result === 'succeeded') m.set(o.job.run, ok(true))
    else if (o.result === 'detached') m.set(o.job.run, err(`training of ${o.job.run} is still running`))
    else m.set(o.job.run, err(`training of ${o.job.run} failed: ${o.error ?? o.state}`))
  }
  return m
}

/** Training verdicts when only evaluation was asked for: do the checkpoints exist? */
export async function trainingFromCheckpoints(
  optimizer: ToolModule,
  jobs: PlannedJob[],
  experiment: Experiment,
  transport: Transport,
  runDir: string,
): Promise<{ verdicts: Map<string, TrainingVerdict>; outcomes: JobOutcome[] }> {
  const verdicts = new Map<string, TrainingVerdict>()
  const outcomes: JobOutcome[] = []
  for (const job of jobs) {
    const j = await optimizer.judge({ transport, runDir, experiment, job, state: 'COMPLETED' })
    verdicts.set(job.run, j.ok ? ok(true) : err(`no usable checkpoint for ${job.run}: ${j.error.why}`))
    const output = j.ok ? j.value.result : j.error.result
    outcomes.push({
      job,
      result: j.ok ? 'succeeded' : 'failed',
      resolution: 'already-succeeded',
      state: j.ok ? 'COMPLETED' : 'MISSING',
      jobId: null,
      attempt: 0,
      ...(output ? { output } : {}),
      ...(j.ok ? {} : { error: j.error.why }),
    })
  }
  return { verdicts, outcomes }
}
