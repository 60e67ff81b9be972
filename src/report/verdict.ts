/** Counts, status and the pass/fail policy (`fail-on`). */
import type { SkippedEval } from '../engine/eligible.js'
import type { Counts, RunReport, Status } from './model.js'
import type { JobOutcome } from '../engine/types.js'

export function countOutcomes(training: JobOutcome[], evals: JobOutcome[], skipped: SkippedEval[]): Counts {
  return {
    runsTotal: training.length,
    runsSucceeded: training.filter((o) => o.result === 'succeeded').length,
    runsFailed: training.filter((o) => o.result === 'failed').length,
    evalsTotal: evals.length + skipped.length,
    evalsSucceeded: evals.filter((o) => o.result === 'succeeded').length,
    evalsFailed: evals.filter((o) => o.result === 'failed').length,
    evalsSkipped: skipped.length,
  }
}

/** success: everything asked for succeeded; failed: nothing did; partial: in between. */
export function statusOf(c: Counts): { status: Status; verdict: string } {
  const total = c.runsTotal + c.evalsTotal
  const succeeded = c.runsSucceeded + c.evalsSucceeded
  if (total === 0) return { status: 'success', verdict: 'nothing to run in the requested phases' }
  if (succeeded === total) return { status: 'success', verdict: `all ${total} jobs succeeded` }
  const parts = [
    c.runsFailed ? `${c.runsFailed} of ${c.runsTotal} fine-tuning runs failed` : '',
    c.evalsFailed ? `${c.evalsFailed} of ${c.evalsTotal} evaluations failed` : '',
    c.evalsSkipped ? `${c.evalsSkipped} evaluations skipped` : '',
  ].filter(Boolean)
  const unfinished = total - succeeded - c.runsFailed - c.evalsFailed - c.evalsSkipped
  if (unfinished > 0) parts.push(`${unfinished} jobs still running`)
  return { status: succeeded === 0 ? 'failed' : 'partial', verdict: parts.join('; ') }
}

/** The `fail-on` input: when the step (the status check) fails. `invalid` always fails. */
export type FailOn = 'any-failure' | 'all-failed' | 'never'

export function shouldFail(report: Pick<RunReport, 'status'>, failOn: FailOn): boolean {
  if (report.status === 'invalid') return true
  if (failOn === 'never') return false
  if (failOn === 'all-failed') return report.status === 'failed'
  return report.status !== 'success'
}

/** The icon of a status, where the reports show it. */
export function statusIcon(s: Status): string {
  return s === 'success' ? '✅' : s === 'partial' ? '⚠️' : '❌'
}
