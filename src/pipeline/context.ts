/** What one experiment's pass is given, and the report under construction. */
import type { Transport } from '../cluster/transport.js'
import type { Settings } from '../inputs.js'
import type { ActionIO } from '../io.js'
import type { CommentTarget } from '../report/comment.js'
import type { RunReport } from '../report/model.js'
import { countOutcomes } from '../report/verdict.js'
import { type Result } from '../result.js'
import type { Scheduler } from '../scheduler/scheduler.js'

export interface ExperimentContext {
  io: ActionIO
  signal: AbortSignal
  transport: Transport
  settings: Settings
  /** The checked-out experiment directory (absolute, on the runner). */
  expDir: string
  workspace: string
  /** Makes the scheduler for a run directory. */
  /** Makes the scheduler for a run directory under a run root (its job records live there). */
  makeScheduler: (runDir: string, runRoot: string) => Promise<Result<Scheduler>>
  /** The run directory when the transport reaches another machine (SSH) and the YAML says none. */
  remoteRunDir?: string
  /** True when files must be staged to another machine. */
  remote: boolean
  /** The runner's own filesystem (logs about the checkout go there). */
  runnerFs: Transport
  /** Called with every job the run watches: submitted, re-attached or found again (for the post step). */
  onWatched?: (runDir: string, jobId: string) => void
  /** Aborted by the runner's second signal: finish now (uploads abandoned), the step is about to be killed. */
  finishNow?: AbortSignal
  /** The pull request the run belongs to (read once from the event payload), for the experiment's comment. */
  commentTarget?: CommentTarget
}

/** The report under construction: the steps add to it; its status, verdict and end come last. */
export type ReportDraft = Omit<RunReport, 'status' | 'verdict' | 'endedAt'>

/**
 * A report before anything ran or went wrong. Given the checked-out experiment directory, the report
 * is named after it and that is its run directory, until the summary is read.
 */
export function emptyDraft(startedAt: Date, expDir?: string): ReportDraft {
  return {
    experimentName: expDir === undefined ? '' : (expDir.split('/').pop() ?? expDir),
    runDir: expDir ?? '',
    startedAt,
    skippedEvals: [],
    priorTraining: [],
    errors: [],
    warnings: [],
    logFiles: [],
    nextSteps: [],
    detached: false,
    private: false,
    counts: countOutcomes([], [], []),
  }
}
