/**
 * How jobs are started and observed. A scheduler knows nothing of torchtune or inspect:
 * it runs a job script in a directory and reports states in SLURM's vocabulary.
 */

import type { Result } from '../result.js'

/** SLURM job states, normalised ("CANCELLED by 0" -> CANCELLED), plus our own markers. */
export const TERMINAL_STATES = [
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'SUBMIT_FAILED',
] as const
export const ACTIVE_STATES = [
  'PENDING',
  'CONFIGURING',
  'RUNNING',
  'COMPLETING',
  'SUSPENDED',
  'REQUEUED',
  'RESIZING',
  'STOPPED',
  'SIGNALING',
  'STAGE_OUT',
] as const
export type TerminalState = (typeof TERMINAL_STATES)[number]
export type ActiveState = (typeof ACTIVE_STATES)[number]
/** UNKNOWN: the scheduler could not tell this time (e.g. controller restarting); not terminal. */
export type JobState = TerminalState | ActiveState | 'UNKNOWN'

export function isTerminal(state: string): state is TerminalState {
  return (TERMINAL_STATES as readonly string[]).includes(state)
}

/** Maps any raw SLURM state text to a JobState ("CANCELLED by 1000" -> CANCELLED, "CA" -> CANCELLED). */
export function normaliseState(raw: string): JobState {
  const word = (raw.trim().split(/[\s+]/)[0] ?? '').toUpperCase()
  const short: Record<string, JobState> = {
    PD: 'PENDING',
    R: 'RUNNING',
    CG: 'COMPLETING',
    CD: 'COMPLETED',
    F: 'FAILED',
    CA: 'CANCELLED',
    TO: 'TIMEOUT',
    OOM: 'OUT_OF_MEMORY',
    NF: 'NODE_FAIL',
    PR: 'PREEMPTED',
    BF: 'BOOT_FAIL',
    DL: 'DEADLINE',
    S: 'SUSPENDED',
    CF: 'CONFIGURING',
    RQ: 'REQUEUED',
    RS: 'RESIZING',
    ST: 'STOPPED',
    SI: 'SIGNALING',
    SO: 'STAGE_OUT',
  }
  if (short[word]) return short[word]
  if ((TERMINAL_STATES as readonly string[]).includes(word)) return word as TerminalState
  if ((ACTIVE_STATES as readonly string[]).includes(word)) return word as ActiveState
  if (
    word === 'REQUEUE_FED' ||
    word === 'REQUEUE_HOLD' ||
    word === 'RESV_DEL_HOLD' ||
    word === 'REVOKED' ||
    word === 'SPECIAL_EXIT'
  ) {
    return 'PENDING'
  }
  return 'UNKNOWN'
}

/** How far back accounting is searched for a job whose submission time is not known: one week. */
export const LOOKBACK_MS = 7 * 86_400_000

/** What to run. */
export interface JobSpec {
  /** The directory the script runs in (absolute, on the cluster). */
  dir: string
  /** The script's file name inside `dir`. */
  script: string
  /** Unique name identifying experiment and job, so an interrupted submission can be found again. */
  name: string
  /** Where the job's stdout/stderr go, absolute (from `#SBATCH --output`, `%j` not yet substituted). */
  outputPattern: string
  /**
   * The script's text when the caller has read it already (the engine has, for the output pattern);
   * a scheduler that needs it reads `dir/script` otherwise. SLURM's sbatch reads the script itself.
   */
  scriptText?: string
  /** Extra environment for the job. */
  env?: Record<string, string>
  /**
   * The action's marker for this job (identity, input digest, seal), recorded with the job where the
   * scheduler keeps it (SLURM: the job's comment), so that a lost state finds the job again.
   */
  marker?: string
  /** Jobs that must have COMPLETED (exit 0) before this one starts (SLURM's `afterok`). */
  dependency?: { afterok: readonly string[] }
}

/** A job the scheduler knows, with what it recorded of it. */
export interface MarkedJob {
  status: JobStatus
  /** The action's marker as submitted (without the scheduler's nonce); empty when the job has none. */
  marker: string
  /** The directory the job was submitted from, when the scheduler knows it. */
  workDir?: string
  /** When it was submitted (ISO), when known. */
  submittedAt?: string
}

export interface SubmitOk {
  jobId: string
}

export interface SubmitFailure {
  message: string
  /** True for QoS / submit-limit rejections: wait and try again, never a failure of the job. */
  retryLater: boolean
}

export type SubmitResult = { ok: true; value: SubmitOk } | { ok: false; error: SubmitFailure }

/** What the scheduler knows of one job. */
export interface JobStatus {
  jobId: string
  state: JobState
  /** The scheduler's own words, e.g. "CANCELLED by 0" or a pending reason. */
  raw: string
  exitCode?: number
  /** Signal that ended the job, when known. */
  signal?: number
  /** ISO timestamps, when known. */
  startedAt?: string
  endedAt?: string
  reason?: string
}

export interface PollQuery {
  jobId: string
  /** ISO time of submission: bounds accounting queries so recycled ids never match old jobs. */
  submittedAt: string
}

/** What accounting knows of one job's use of the cluster. */
export interface JobUsage {
  jobId: string
  state?: string
  /** Epoch milliseconds. */
  submittedAt?: number
  startedAt?: number
  endedAt?: number
  elapsedS?: number
  gpus: number
  maxRssBytes?: number
}

export interface Scheduler {
  /** The registry name (`local`, `slurm`, ...). */
  readonly kind: string
  /** The command named in log blocks for a submission, e.g. `sbatch finetune.slurm`. */
  readonly submitCommand: string
  /** How many of this experiment's jobs may be queued or running at once. */
  readonly maxInFlight: number
  /** Seconds to wait between two submissions. */
  readonly staggerSeconds: number
  /** Seconds a finished job's outputs may take to appear where we read them (shared filesystems lag). */
  readonly outputWaitSeconds: number
  /**
   * Where a job's stdout and stderr go: an absolute path pattern (`%j`, `%x`, ... not substituted), from
   * the script's own directives (e.g. `#SBATCH --output`) or the scheduler's default.
   */
  outputPattern(scriptText: string, jobDir: string): string
  /** The pattern with one job's id and name filled in. */
  outputPath(pattern: string, jobId: string, jobName: string): string
  /**
   * A terminal status, refined by what the end of the job's output says about how it ended (e.g. a job
   * killed for exceeding its memory that the scheduler reports as FAILED becomes OUT_OF_MEMORY).
   */
  classify(status: JobStatus, outputTail: string): JobStatus
  submit(job: JobSpec): Promise<SubmitResult>
  /**
   * States of many jobs at once, at a constant cost in commands whatever their number.
   * Jobs the scheduler cannot see this time come back as UNKNOWN (not terminal).
   */
  poll(jobs: readonly PollQuery[]): Promise<Map<string, JobStatus>>
  /**
   * Job ids currently known under this name (queued, running or recently finished), newest last.
   * Throws only when it cannot tell (a wrong "none" would submit a job twice).
   */
  findByName(name: string, since: string): Promise<JobStatus[]>
  /**
   * Every job of this user the scheduler still knows (queued, running, or finished since `since`) whose
   * marker starts with `prefix`, oldest first. Throws only when it cannot tell.
   */
  findMarked?(prefix: string, since: string): Promise<MarkedJob[]>
  /**
   * What the scheduler knows of these job ids for this user (state, work directory, marker); ids it does
   * not know, or another user's, are absent. Throws when it cannot tell.
   */
  describe?(jobIds: readonly string[], since: string): Promise<Map<string, MarkedJob>>
  /**
   * Re-points a pending job's `afterok` dependency (an empty list clears it). A scheduler that has it
   * honours `JobSpec.dependency`; one without it cannot chain jobs (the action then waits itself).
   */
  updateDependency?(jobId: string, afterok: readonly string[]): Promise<Result<void, string>>
  cancel(jobIds: readonly string[]): Promise<void>
  /**
   * Accounting of many finished or running jobs at once (times, GPUs, peak memory), one command for
   * all; absent when the scheduler keeps none (the local executor: the engine's own times are used).
   */
  usage?(jobs: readonly PollQuery[]): Promise<Map<string, JobUsage>>
}
