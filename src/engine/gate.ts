/**
 * Which evaluation cells may run: cells of control and eval-only runs, and of fine-tuned runs
 * whose training succeeded (this pass, or an earlier one whose checkpoints still validate).
 */
import type { Transport } from '../cluster/transport.js'
import type { Experiment } from '../experiment/model.js'
import type { SkippedEval } from '../report/model.js'
import type { PlannedJob, ToolModule } from '../tools/tool.js'
import type { JobOutcome } from './phase.js'

export interface Gate {
  runnable: PlannedJob[]
  skipped: SkippedEval[]
}

export function gateEvaluations(evalJobs: PlannedJob[], training: Map<string, { ok: boolean; why: string }>): Gate {
  const runnable: PlannedJob[] = []
  const skipped: SkippedEval[] = []
  for (const job of evalJobs) {
    const cell = job.cell
    if (!cell) continue
    const t = cell.epoch === null ? undefined : training.get(cell.run)
    if (cell.epoch === null || t?.ok) runnable.push(job)
    else
      skipped.push({
        display: job.display,
        run: cell.run,
        task: cell.task,
        epoch: cell.epoch,
        reason: t ? t.why : `training of ${cell.run} did not run`,
      })
  }
  return { runnable, skipped }
}

/** Training verdicts from this pass's outcomes. */
export function trainingFromOutcomes(outcomes: JobOutcome[]): Map<string, { ok: boolean; why: string }> {
  const m = new Map<string, { ok: boolean; why: string }>()
  for (const o of outcomes) {
    m.set(
      o.job.run,
      o.result === 'succeeded'
        ? { ok: true, why: '' }
        : {
            ok: false,
            why:
              o.result === 'detached'
                ? `training of ${o.job.run} is still running`
                : `training of ${o.job.run} failed: ${o.error ?? o.state}`,
          },
    )
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
): Promise<{ verdicts: Map<string, { ok: boolean; why: string }>; outcomes: JobOutcome[] }> {
  const verdicts = new Map<string, { ok: boolean; why: string }>()
  const outcomes: JobOutcome[] = []
  for (const job of jobs) {
    const v = await optimizer.validate({ transport, runDir, experiment, job })
    verdicts.set(
      job.run,
      v.ok ? { ok: true, why: '' } : { ok: false, why: `no usable checkpoint for ${job.run}: ${v.problem ?? ''}` },
    )
    outcomes.push({
      job,
      result: v.ok ? 'succeeded' : 'failed',
      resolution: 'already-succeeded',
      state: v.ok ? 'COMPLETED' : 'MISSING',
      jobId: null,
      attempt: 0,
      outputs: v.outputs,
      ...(v.ok ? {} : { error: v.problem ?? 'checkpoint missing' }),
    })
  }
  return { verdicts, outcomes }
}
