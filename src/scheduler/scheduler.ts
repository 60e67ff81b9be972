/**
 * How jobs are started, chained and observed. A scheduler knows nothing of torchtune or inspect:
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

/**
 * A job that waits for a dependency that can never be met (one of the jobs it waits for ended without
 * success): it stays PENDING until `updateDependency` re-points it or it is cancelled.
 */
export function waitsInVain(status: JobStatus): boolean {
  return status.state === 'PENDING' && status.reason === 'DependencyNeverSatisfied'
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
  /**
   * The action's mark on the job, opaque text without `|` or whitespace (the engine's
   * `run-experiment:<job name>:<input digest>:<seal>`): `findMarked` and `describe` give it back, so a
   * lost state finds its jobs again. Default: `run-experiment:<name>` (see markerOf).
   */
  marker?: string
  /**
   * Jobs that must have COMPLETED (exit 0) before this one starts (SLURM's `afterok`). Until then the
   * job is PENDING with reason `Dependency`; when one of them ended otherwise, `DependencyNeverSatisfied`,
   * and it stays so until `updateDependency` re-points it or it is cancelled (never cancelled for it).
   */
  dependency?: { afterok: readonly string[] }
  /** Where the job's stdout/stderr go, absolute (from `#SBATCH --output`, `%j` not yet substituted). */
  outputPattern: string
  /**
   * The script's text when the caller has read it already (the engine has, for the output pattern);
   * a scheduler that needs it reads `dir/script` otherwise. SLURM's sbatch reads the script itself.
   */
  scriptText?: string
  /** Extra environment for the job. */
  env?: Record<string, string>
}

/** The marker a job carries: its spec's own, else `run-experiment:<name>` (the identity of earlier versions). */
export function markerOf(job: Pick<JobSpec, 'name' | 'marker'>): string {
  return job.marker ?? `run-experiment:${job.name}`
}

/** Why a marker cannot be carried, if it cannot (it must be one word without `|`). */
export function markerProblem(marker: string): string | undefined {
  return marker === '' || /[\s|]/.test(marker)
    ? `the marker ${JSON.stringify(marker)} is empty or holds whitespace or "|"`
    : undefined
}

/** A job id the local executor or SLURM may be asked about: a positive integer, nothing else. */
export function isPlainJobId(id: string): boolean {
  return /^[1-9][0-9]*$/.test(id)
}

export interface SubmitOk {
  jobId: string
}

export interface SubmitFailure {
  message: string
  /** True for QoS / submit-limit rejections: wait and try again, never a failure of the job. */
  retryLater: boolean
  /**
   * What the engine can act on: `unknown-dependency`, a job of `dependency.afterok` the scheduler does
   * not know (any more), so the job was not submitted (SLURM 22.05 would run it as if satisfied).
   */
  code?: 'unknown-dependency'
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
  /** Why a pending job waits (`Dependency`, `DependencyNeverSatisfied`, `Resources`, ...) or how it ended. */
  reason?: string
  /** Times the scheduler requeued the job itself (same id: preemption, node failure); absent when unknown. */
  restarts?: number
}

/** What the scheduler knows of a job by its id (`describe`): absent fields are unknown. */
export interface DescribedJob {
  status: JobStatus
  /** The job's marker (`JobSpec.marker`, nonce removed), when it carries one. */
  marker?: string
  /** The directory it was submitted from and runs in (SLURM's WorkDir, the local executor's `<id>.dir`). */
  workDir?: string
  /** ISO time of submission. */
  submittedAt?: string
}

/** A job found by its marker (`findMarked`). */
export interface MarkedJob extends DescribedJob {
  marker: string
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
   * Whether it honours `JobSpec.dependency` (a job starts only when what it waits for completed): the
   * action then queues evaluations behind their training; otherwise it submits them itself afterwards.
   */
  readonly chainsJobs: boolean
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
   * Every job of this user the scheduler still knows — queued, running, or finished since `since` (ISO)
   * — whose marker starts with `prefix`, oldest first. A constant number of commands whatever the number
   * of jobs. Throws only when it cannot tell (a wrong "none" would submit a job twice), after retrying
   * for about a minute. Where the scheduler keeps no markers of finished jobs (SLURM without slurmdbd),
   * only what it still holds is seen.
   */
  findMarked(prefix: string, since: string): Promise<MarkedJob[]>
  /**
   * Job ids currently known under this name (marker `run-experiment:<name>` or `run-experiment:<name>:...`,
   * and SLURM jobs of earlier versions named so), oldest first. Throws only when it cannot tell.
   */
  findByName(name: string, since: string): Promise<JobStatus[]>
  /**
   * What the scheduler knows of these ids for this user, at a constant number of commands: state,
   * directory, marker, submission time. Ids it does not know, that belong to another user, or that are
   * not plain positive integers are absent. `since` (ISO) bounds accounting so recycled ids never match.
   */
  describe(jobIds: readonly string[], since: string): Promise<Map<string, DescribedJob>>
  /**
   * Re-points a pending job's `afterok` dependency (an empty list clears it). An error (SLURM's words)
   * when the job is no longer pending, unknown, or one of `afterok` is a job the scheduler does not know.
   */
  updateDependency(jobId: string, afterok: readonly string[]): Promise<Result<void, string>>
  cancel(jobIds: readonly string[]): Promise<void>
  /**
   * Accounting of many finished or running jobs at once (times, GPUs, peak memory), one command for
   * all; absent when the scheduler keeps none (the local executor: the engine's own times are used).
   */
  usage?(jobs: readonly PollQuery[]): Promise<Map<string, JobUsage>>
}
