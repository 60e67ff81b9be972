/**
 * The types a phase is made of, in one place: what a phase is given (PhaseContext), what it knows of each
 * job while it runs (Tracked, owned by engine/board.ts), what it reports (JobOutcome, PhaseResult) and what
 * progress reports see (PhaseSnapshot). No behaviour here: every engine module imports from this leaf.
 */
import type { Transport } from '../cluster/transport.js'
import type { Experiment } from '../experiment/model.js'
import type { Problem } from '../result.js'
import type { Scheduler } from '../scheduler/scheduler.js'
import type { PlannedJob, RetryKind, ToolModule, ToolResult } from '../tools/tool.js'
import type { ConfinedTransport } from './confine.js'
import type { Evidence } from './evidence.js'
import type { SchedulerUse } from './meter.js'
import type { LogFile } from './log.js'
import type { Sealer } from './seal.js'
import type { AttemptRecord, StateStore } from './state.js'

export interface PhaseSettings {
  /** First poll interval, seconds. */
  pollInterval: number
  /** Polls back off while nothing changes, up to this many seconds. */
  maxPollInterval: number
  /** The `max-resumes` input, handed to the tool's retry: resumes of one job after its time limit and the like. */
  maxResumes: number
}

export interface PhaseContext {
  tool: ToolModule
  jobs: PlannedJob[]
  experiment: Experiment
  /** Short id of the experiment, part of every job name. */
  experimentId: string
  runDir: string
  transport: Transport
  /**
   * What judging and output tails read through: `transport`, confined to the run directory and the paths
   * the jobs' scripts name (engine/confine.ts).
   */
  reads: ConfinedTransport
  scheduler: Scheduler
  state: StateStore
  /** Seals the markers of the jobs this phase submits (see engine/seal.ts). */
  sealer: Sealer
  toolLog: LogFile
  settings: PhaseSettings
  /** Aborted on cancellation: state is flushed, jobs keep running, a re-run re-attaches. */
  signal: AbortSignal
  /** Called once per poll cycle (lock heartbeat, the detach sentinel). */
  onCycle?: () => Promise<void>
  /** Called before each submission (the detach sentinel: a detach stops further submissions). */
  beforeSubmit?: () => Promise<void>
  /**
   * Called with the id of every job the phase watches: submitted, re-attached or found again by name
   * (the post step cancels them all on cancel-on-abort).
   */
  onWatched?: (jobId: string) => void
  /** Called when a submission is deferred by a queue limit. */
  onDeferred?: (job: PlannedJob, message: string) => Promise<void>
  /** Called with the tool's warning when it judged a job a success despite its state (e.g. exit 143). */
  onWarning?: (job: PlannedJob, message: string) => void
  /**
   * Called once per cycle with every job's state: after the first submissions, after each poll, and
   * when the phase ends (progress lines, the pull-request comment). Awaited, so that what it writes
   * to the module log comes before the phase's closing block; it must not throw or wait on the network.
   */
  onProgress?: (snapshot: PhaseSnapshot) => Promise<void>
  /**
   * What an earlier success of `job` depends on that may have changed since (e.g. the training of the run
   * an evaluation evaluates): when it last changed (ISO) and in words. A success submitted before that
   * time is stale and runs again.
   */
  dependency?: (job: PlannedJob) => { changedAt: string; what: string; jobId?: string } | undefined
  /** Called once, when the phase's first round of submissions is done (uploads wait until then). */
  onFirstRound?: () => void
  /** What the pass knows besides the state (digests, marked jobs): shared by its phases; absent: the phase's own. */
  evidence?: Evidence
  /** The next phase's jobs queued behind this phase's (engine/dependents.ts); absent: none are. */
  dependents?: Dependents
  /**
   * Jobs of this phase an earlier phase already submitted in this pass (queued behind its jobs): how they
   * came to be submitted, and why a job that had succeeded runs again.
   */
  earlier?: ReadonlyMap<string, { resolution: Resolution; rerun?: string }>
}

/** A job of a phase as the next phase's queued jobs see it. */
export interface PhaseJobView {
  job: PlannedJob
  /** The scheduler's id of its current attempt; null while it waits to be submitted. */
  jobId: string | null
  /** Submitted (or submitted again) in this pass, as opposed to re-attached or done earlier. */
  submittedNow: boolean
  /** How it ended, once the phase judged it. */
  result?: 'succeeded' | 'failed'
}

/**
 * The next phase's jobs, queued behind this phase's jobs with the scheduler's dependencies, so that the
 * scheduler starts them when what they wait for has ended — not the action's next poll.
 */
export interface Dependents {
  /**
   * Queues what may be queued now, at most `slots` jobs (the queue limit: this phase's jobs come first);
   * `allSubmitted`: every job of this phase has a job id. Returns how many it submitted.
   */
  fill(jobs: readonly PhaseJobView[], allSubmitted: boolean, slots: number): Promise<number>
  /** A job of this phase was submitted again (a retry) under a new id: what waited for it waits for that. */
  moved(job: PlannedJob, from: string, to: string): Promise<void>
  /** A job of this phase ended without success for good: its own dependents are cancelled, the others released. */
  failed(job: PlannedJob, jobId: string | null, why: string): Promise<void>
  /** Queued jobs not known to have ended: they count against the queue limit. */
  inFlight(): number
}

/** What a job counts as in progress reports: done (succeeded or failed), running, or queued (not started). */
export type JobCategory = 'succeeded' | 'failed' | 'running' | 'queued'

/** One job as progress reports show it. */
export interface JobView {
  /** Stable identity across snapshots (the state key). */
  key: string
  /** How logs name it: `lr1e-3`, `lr1e-3/capitalize/epoch1`. */
  display: string
  /** The scheduler's word (PENDING, RUNNING, COMPLETED, ...), or NOT_SUBMITTED. */
  state: string
  category: JobCategory
  jobId?: string | null
  /** Epoch milliseconds, when known. */
  startedAt?: number
  endedAt?: number
  /** A short remark, e.g. `checking outputs` or an out-of-memory retry. */
  note?: string
}

/** Every job of a phase at one moment. */
export interface PhaseSnapshot {
  phase: string
  /** Epoch milliseconds of this snapshot, and of the phase's start. */
  now: number
  startedAt: number
  jobs: JobView[]
  /** True for the last snapshot of the phase. */
  final: boolean
}

export type Resolution = 'submitted' | 'already-succeeded' | 'reattached' | 'resubmitted' | 'found-by-name'

export interface JobOutcome {
  job: PlannedJob
  result: 'succeeded' | 'failed' | 'detached'
  resolution: Resolution
  state: string
  jobId: string | null
  attempt: number
  exitCode?: number
  submittedIso?: string
  startedIso?: string
  endedIso?: string
  error?: string
  /** The tool's warnings: a success despite the job's state (e.g. exit 143), a log it could not attribute. */
  warnings?: string[]
  /** What the tool module found, success or not. */
  output?: ToolResult
  outputFile?: string
  /** Settings of each automatic retry (out of memory, resume), oldest first. */
  retries?: Record<string, number>[]
  /** The attempts before this one (an out-of-memory retry, a re-run), oldest first: they cost compute too. */
  earlier?: AttemptRecord[]
  /** Why a job that had succeeded ran again (its inputs changed, what it depends on re-ran, its outputs went). */
  rerun?: string
}

export interface PhaseResult {
  outcomes: JobOutcome[]
  startedAt: Date
  endedAt: Date
  detached: boolean
  submissions: number
  /** The run directory could not be written: the phase stopped watching (jobs keep running). */
  stopped?: Problem
  /** What the scheduler cost the phase (engine/meter.ts). */
  scheduler?: SchedulerUse
}

/** What the phase knows of one job while it runs, as others see it (engine/board.ts owns and changes it). */
export interface Tracked {
  readonly job: PlannedJob
  readonly resolution: Resolution
  readonly outcome?: JobOutcome
  /** Why a job that had succeeded runs again. */
  readonly rerun?: string
  /** The tool's reason for submitting it again (e.g. out of memory), said when it is submitted, and its kind. */
  readonly retryNote?: string
  readonly retryKind?: RetryKind
}
