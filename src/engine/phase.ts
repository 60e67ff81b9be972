/**
 * The generic machinery of one phase, for any tool module and any scheduler: resume from the
 * state (engine/resume.ts), submit capped, staggered and QoS-aware (engine/submit.ts), watch every job
 * with one poll per cycle and judge it when it ends (engine/watch.ts), until every job of the phase is
 * terminal — or a detach is asked for.
 */
import type { Transport } from '../cluster/transport.js'
import type { Experiment } from '../experiment/model.js'
import { type Problem } from '../result.js'
import { isTerminal, type Scheduler } from '../scheduler/scheduler.js'
import type { PlannedJob, RetryKind, ToolModule, ToolResult } from '../tools/tool.js'
import type { LogFile } from './log.js'
import type { Attempt, StateStore } from './state.js'
import { storageProblem } from './storage.js'
import { foreignJobs, markedJobs } from './evidence.js'
import { InputDigests } from './inputs.js'
import { resume, type Evidence } from './resume.js'
import type { Sealer } from './seal.js'
import { submit } from './submit.js'
import { pollOnce, type Outage } from './watch.js'
import { countBy, outcomeOf } from './outcome.js'

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
  dependency?: (job: PlannedJob) => { changedAt: string; what: string } | undefined
  /** Called once, when the phase's first round of submissions is done (uploads wait until then). */
  onFirstRound?: () => void
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
  earlier?: Attempt[]
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
}

export interface Tracked {
  job: PlannedJob
  resolution: Resolution
  /** When COMPLETED but outputs not yet seen: first time we looked. */
  validatingSince?: number
  outcome?: JobOutcome
  /** Set when the tool module asked for an immediate re-submission (e.g. out of memory), and of which kind. */
  retryNote?: string
  retryKind?: RetryKind
  requeue?: boolean
  /** Why a job that had succeeded runs again. */
  rerun?: string
}

export async function runPhase(ctx: PhaseContext): Promise<PhaseResult> {
  const startedAt = new Date()
  const tracked: Tracked[] = []
  const queue: Tracked[] = []
  let submissions = 0

  // 1. Resume: decide for every job what the state says. 2. Submit and monitor until every job is terminal.
  // A run directory that cannot be written (full, read-only) stops the watching: jobs keep running.
  let detached: boolean
  let stopped: Problem | undefined
  const foreignIds = ctx.jobs.flatMap((j) => {
    const id = ctx.state.foreignEntry(j.key)?.entry.job_id
    return id ? [id] : []
  })
  const ev: Evidence = {
    digests: new InputDigests(ctx.transport, ctx.runDir),
    marked: markedJobs(ctx.scheduler, ctx.sealer, ctx.experimentId),
    foreign: foreignJobs(ctx.scheduler, foreignIds),
  }
  try {
    for (const job of ctx.jobs) {
      const r = await resume(ctx, job, ev)
      if (r.submit) queue.push(r.tracked)
      else tracked.push(r.tracked)
    }
    detached = await monitor(ctx, tracked, queue, startedAt, () => submissions++, ev.digests)
  } catch (e) {
    stopped = storageProblem(e)
    if (!stopped) throw e
    detached = true
  }

  // 3. Outcomes, and the phase's closing block.
  const outcomes: JobOutcome[] = []
  for (const job of ctx.jobs) {
    const t = [...tracked, ...queue].find((x) => x.job === job)
    if (t?.outcome) {
      outcomes.push(t.rerun ? { ...t.outcome, rerun: t.rerun } : t.outcome)
      continue
    }
    const entry = ctx.state.get(job.key)
    const o = outcomeOf(job, entry, 'detached', t?.resolution ?? 'reattached', entry?.output)
    // Never submitted in this pass: its state is not this job's (it may be an earlier attempt's).
    if (t && queue.includes(t)) outcomes.push({ ...o, state: 'NOT_SUBMITTED', jobId: null })
    else outcomes.push(t?.rerun ? { ...o, rerun: t.rerun } : o)
  }
  const breakdown = countBy(outcomes.map((o) => o.state))
  const reason = stopped ? stopped.message : String(ctx.signal.reason ?? 'signal')
  try {
    await ctx.toolLog.write(
      detached
        ? {
            action: 'MONITOR_DETACHED',
            details: `reason=${reason}; state breakdown: ${breakdown || '(no state)'}`,
            result: 'monitoring paused; jobs continue',
          }
        : { action: 'ALL_COMPLETE', details: `terminal-state breakdown: ${breakdown}`, result: 'done' },
    )
  } catch (e) {
    if (!storageProblem(e)) throw e
    stopped ??= storageProblem(e)
  }
  return { outcomes, startedAt, endedAt: new Date(), detached, submissions, ...(stopped ? { stopped } : {}) }
}

/** Submits what the cap allows and polls, until every job is terminal (false) or the run detaches (true). */
export async function monitor(
  ctx: PhaseContext,
  tracked: Tracked[],
  queue: Tracked[],
  startedAt: Date,
  counted: () => void,
  digests: InputDigests,
): Promise<boolean> {
  // A call, not a property read: the signal changes while we await, which narrowing cannot see.
  const aborted = (): boolean => ctx.signal.aborted
  let interval = ctx.settings.pollInterval
  let firstRound = true
  const outage: Outage = {}
  const inFlight = (): number => tracked.filter((t) => !t.outcome).length
  for (;;) {
    if (aborted()) return true
    // Submit what the cap allows.
    let deferred = false
    while (queue.length > 0 && inFlight() < ctx.scheduler.maxInFlight && !aborted()) {
      if (ctx.beforeSubmit) await ctx.beforeSubmit()
      if (aborted()) break
      const next = queue[0] as Tracked
      const submitted = await submit(ctx, next, digests)
      if (submitted === 'deferred') {
        deferred = true
        break
      }
      queue.shift()
      counted()
      tracked.push(next)
      if (queue.length > 0 && ctx.scheduler.staggerSeconds > 0) {
        await sleep(ctx.scheduler.staggerSeconds * 1000, ctx.signal)
      }
    }
    if (firstRound) {
      firstRound = false
      ctx.onFirstRound?.()
    }
    const finished = queue.length === 0 && tracked.every((t) => t.outcome)
    await ctx.onProgress?.(snapshot(ctx, tracked, queue, startedAt, finished))
    if (finished) return false

    await sleep(interval * 1000, ctx.signal)
    if (aborted()) return true
    const changed = await pollOnce(ctx, tracked, outage, digests)
    for (const t of tracked.filter((x) => x.requeue)) {
      t.requeue = false
      t.resolution = 'resubmitted'
      tracked.splice(tracked.indexOf(t), 1)
      queue.unshift(t)
    }
    if (ctx.onCycle) await ctx.onCycle()
    interval =
      changed || deferred
        ? ctx.settings.pollInterval
        : Math.min(interval * 1.5, Math.max(ctx.settings.maxPollInterval, ctx.settings.pollInterval))
  }
}

/** Every job's state for progress reports (no scheduler call: what the last poll recorded). */
export function snapshot(
  ctx: PhaseContext,
  tracked: Tracked[],
  queue: Tracked[],
  startedAt: Date,
  final: boolean,
): PhaseSnapshot {
  const at = (iso?: string): number | undefined => {
    const ms = iso === undefined ? NaN : Date.parse(iso)
    return Number.isNaN(ms) ? undefined : ms
  }
  const view = (t: Tracked, queued: boolean): JobView => {
    const e = ctx.state.get(t.job.key)
    const state = t.outcome?.state ?? (queued ? 'NOT_SUBMITTED' : e?.state || 'PENDING')
    const category: JobCategory = t.outcome
      ? t.outcome.result === 'succeeded'
        ? 'succeeded'
        : t.outcome.result === 'failed'
          ? 'failed'
          : 'running'
      : queued || state === 'PENDING' || state === 'REQUEUED' || state === 'CONFIGURING'
        ? 'queued'
        : 'running'
    const startedAtMs = at(t.outcome?.startedIso ?? e?.started_iso)
    const endedAtMs = at(t.outcome?.endedIso ?? e?.ended_iso)
    const note = t.retryNote ?? (!t.outcome && isTerminal(state) ? 'checking outputs' : undefined)
    return {
      key: t.job.key,
      display: t.job.display,
      state,
      category,
      jobId: queued ? null : (t.outcome?.jobId ?? e?.job_id ?? null),
      ...(startedAtMs !== undefined && !queued ? { startedAt: startedAtMs } : {}),
      ...(endedAtMs !== undefined && !queued ? { endedAt: endedAtMs } : {}),
      ...(note ? { note } : {}),
    }
  }
  const jobs = [...tracked.map((t) => view(t, false)), ...queue.map((t) => view(t, true))]
  const order = new Map(ctx.jobs.map((j, i) => [j.key, i]))
  jobs.sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0))
  return { phase: ctx.tool.phase, now: Date.now(), startedAt: startedAt.getTime(), jobs, final }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve()
      return
    }
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
