/** Everything the report needs to know about one pass of the action. */
import type { SkippedEval } from '../engine/eligible.js'
import type { JobOutcome, PhaseResult } from '../engine/types.js'
import type { Experiment } from '../experiment/model.js'
import type { Problem } from '../result.js'
import type { ComputeRow } from './compute.js'

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

/** What one `require` condition found on the final results (require/gates.ts evaluates it). */
export interface GateOutcome {
  condition: string
  /** 1-based line of the `require` input. */
  line: number
  passed: boolean
  checks: GateCheck[]
  /** One line: what was found, e.g. `lr3e-4/capitalize/epoch1: 0.41 is not > 0.47 (base/capitalize)`. */
  summary: string
}

/** One check of a condition: its subject cell, both sides, and the cells they read. */
export interface GateCheck {
  subject: string
  left: number | null
  right: number | null
  holds: boolean
  /** Why a value is missing, when one is. */
  missing?: string
  /** The cell each reference read, left to right: `run/task/epochN` or `run/task`. */
  cells: string[]
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
