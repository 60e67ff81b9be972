/** Typed access to what the tool modules found, for everything that renders results. */
import type { SkippedEval } from '../engine/eligible.js'
import type { JobOutcome } from '../engine/types.js'
import { cellDisplayName } from '../experiment/model.js'
import { err, ok, type Result } from '../result.js'
import type { EvaluationResult, Score, TrainingResult } from '../tools/tool.js'
import type { RunReport } from './model.js'

export function trainingOf(o: JobOutcome | undefined): TrainingResult | undefined {
  return o?.output?.kind === 'training' ? o.output : undefined
}

export function evaluationOf(o: Pick<JobOutcome, 'output'> | undefined): EvaluationResult | undefined {
  return o?.output?.kind === 'evaluation' ? o.output : undefined
}

/** What became of each evaluation cell of a pass, by the cell's name: its last outcome, else its skip. */
export function evaluationsByCell(
  r: Pick<RunReport, 'evaluate' | 'skippedEvals'>,
): Map<string, JobOutcome | SkippedEval> {
  const cells = new Map<string, JobOutcome | SkippedEval>(r.skippedEvals.map((s) => [cellDisplayName(s), s]))
  for (const o of r.evaluate?.outcomes ?? []) if (o.job.cell) cells.set(cellDisplayName(o.job.cell), o)
  return cells
}

export interface Headline {
  /** `scorer metric`, e.g. `match accuracy`. */
  name: string
  /** The metric's key alone, e.g. `accuracy`, `f1`. */
  metric: string
  value: number
  stderr?: number
}

/** The metrics a headline prefers, in order: shares of the samples, shown without their name. */
export const SHARE_METRICS: readonly string[] = ['accuracy', 'mean']

/** The headline metric of an evaluation: the first scorer's accuracy (or mean), else its first metric. */
export function headlineMetric(e: { readonly scores: readonly Score[] } | undefined): Headline | undefined {
  const first = e?.scores[0]
  if (!first) return undefined
  const stderr = first.metrics['stderr']
  for (const metric of SHARE_METRICS) {
    const value = first.metrics[metric]
    if (value !== undefined)
      return { name: `${first.name} ${metric}`, metric, value, ...(stderr !== undefined ? { stderr } : {}) }
  }
  const [metric, value] = Object.entries(first.metrics)[0] ?? []
  return metric !== undefined && value !== undefined ? { name: `${first.name} ${metric}`, metric, value } : undefined
}

/** A metric by name, of one scorer if `scorer` is given (`exact_case.accuracy`), else of any (`accuracy`). */
export type MetricName = { scorer?: string; name: string }

/**
 * The value of a metric of an evaluation's scores: `wanted.name` of the first scorer that has it (of
 * `wanted.scorer` alone, if given), the headline without `wanted`; else why there is none.
 */
export function metricOf(scores: readonly Score[], wanted?: MetricName): Result<number, string> {
  if (!wanted) {
    const headline = headlineMetric({ scores })
    return headline ? ok(headline.value) : err('no metric')
  }
  for (const score of scores) {
    const value = score.metrics[wanted.name]
    if ((wanted.scorer === undefined || score.name === wanted.scorer) && value !== undefined) return ok(value)
  }
  const name = wanted.scorer === undefined ? wanted.name : `${wanted.scorer}.${wanted.name}`
  const known = scores.flatMap((s) => Object.keys(s.metrics).map((m) => `${s.name}.${m}`))
  return err(`no metric ${name} (it has ${known.join(', ') || 'none'})`)
}

/** Checkpoint directories of succeeded trainings. */
export function checkpointsOf(outcomes: readonly JobOutcome[]): string[] {
  return outcomes
    .filter((o) => o.result === 'succeeded')
    .flatMap((o) => Object.values(trainingOf(o)?.checkpoints ?? {}))
}

/** Evaluation logs of succeeded evaluations. */
export function evalLogsOf(outcomes: readonly JobOutcome[]): string[] {
  return outcomes.filter((o) => o.result === 'succeeded').flatMap((o) => evaluationOf(o)?.log ?? [])
}
