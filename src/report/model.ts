/** Everything the report needs to know about one pass of the action. */
import type { SkippedEval } from '../engine/gate.js'
import type { JobOutcome, PhaseResult } from '../engine/phase.js'
import type { Experiment } from '../experiment/model.js'
import type { Problem } from '../result.js'
import type { ComputeRow } from './compute.js'
import type { GateOutcome } from './gates.js'

export type Status = 'success' | 'partial' | 'failed' | 'invalid'

export interface Counts {
  runsTotal: number
  runsSucceeded: number
  runsFailed: number
  evalsTotal: number
  evalsSucceeded: number
  evalsFailed: number
  evalsSkipped: number
}

export interface RunReport {
  status: Status
  /** One sentence saying why the status is what it is. */
  verdict: string
  experiment?: Experiment
  experimentName: string
  runDir: string
  startedAt: Date
  endedAt: Date
  optimize?: PhaseResult
  evaluate?: PhaseResult
  skippedEvals: SkippedEval[]
  /** Training outcomes known from an earlier pass (phases: evaluate). */
  priorTraining: JobOutcome[]
  counts: Counts
  errors: Problem[]
  warnings: Problem[]
  logFiles: string[]
  /** What to do with the results (the tool modules' commands), for Next Steps. */
  nextSteps: string[]
  detached: boolean
  /**
   * Marked private by cruijff_kit (`.ck-private`, report/private.ts): the reports carry run names and
   * aggregate numbers only, the artifact no log, state, job output or `.eval` log.
   */
  private: boolean
  /** The job-summary markdown written in the run directory, when it could be. */
  summaryPath?: string
  /** The uploaded artifact, or why not. */
  artifact?: { id: number; name: string } | { skipped: string } | { failed: string }
  /** The require conditions, evaluated on the final results; absent without require. */
  gates?: GateOutcome[]
  /** Why the require conditions were not evaluated, when they were not. */
  gatesNote?: string
  /** What each job used (wall time, queue wait, GPUs, memory); absent when nothing ran. */
  compute?: ComputeRow[]
}
