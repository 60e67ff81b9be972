/**
 * The generic machinery of one phase, for any tool module and any scheduler: resume from the
 * state, submit (capped, staggered, QoS-aware), monitor every job with one poll per cycle,
 * validate outputs, until every job of the phase is terminal — or a detach is asked for.
 */
import { createHash } from 'node:crypto'
import { resolvePath } from '../cluster/paths.js'
import { readTail } from '../cluster/read.js'
import type { Transport } from '../cluster/transport.js'
import type { Experiment } from '../experiment/model.js'
import { messageOf, type Problem } from '../result.js'
import { isTerminal, type JobStatus, type Scheduler } from '../scheduler/scheduler.js'
import type { JudgeContext, PlannedJob, ToolModule, ToolResult } from '../tools/tool.js'
import { writtenByCruijff } from './cruijff-state.js'
import type { LogFile } from './log.js'
import type { Attempt, StateEntry, StateStore } from './state.js'
import { storageProblem } from './storage.js'

export interface PhaseSettings {
  /** First poll interval, seconds. */
  pollInterval: number
  /** Polls back off while nothing changes, up to this many seconds. */
  maxPollInterval: number
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
  /** Settings of each automatic retry (OOM), oldest first. */
  retries?: Record<string, number>[]
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

interface Tracked {
  job: PlannedJob
  resolution: Resolution
  /** When COMPLETED but outputs not yet seen: first time we looked. */
  validatingSince?: number
  outcome?: JobOutcome
  /** Set when the tool module asked for an immediate re-submission (e.g. out of memory). */
  retryNote?: string
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
  try {
    for (const job of ctx.jobs) {
      const r = await resume(ctx, job)
      if (r.submit) queue.push(r.tracked)
      else tracked.push(r.tracked)
    }
    detached = await monitor(ctx, tracked, queue, startedAt, () => submissions++)
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
async function monitor(
  ctx: PhaseContext,
  tracked: Tracked[],
  queue: Tracked[],
  startedAt: Date,
  counted: () => void,
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
      const submitted = await submit(ctx, next)
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
    const changed = await pollOnce(ctx, tracked, outage)
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
function snapshot(
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

/** What the resume state says of one job: done, to watch again, or to submit. */
async function resume(ctx: PhaseContext, job: PlannedJob): Promise<{ tracked: Tracked; submit: boolean }> {
  const entry = ctx.state.get(job.key)
  const watch = (resolution: Resolution, outcome?: JobOutcome): { tracked: Tracked; submit: boolean } => ({
    tracked: { job, resolution, ...(outcome ? { outcome } : {}) },
    submit: false,
  })
  const submit = (resolution: Resolution, rerun?: string): { tracked: Tracked; submit: boolean } => ({
    tracked: { job, resolution, ...(rerun ? { rerun } : {}) },
    submit: true,
  })
  if (!entry) return submit('submitted')
  if (entry.validated === true) {
    // Succeeded earlier: still a success if it ran with the inputs there now, after what it depends on, and
    // its outputs are still there (Snakemake's rerun triggers: input, code and params changes, mtime).
    const stale = await staleness(ctx, job, entry)
    if (stale) {
      await ctx.toolLog.write({
        action: stale.action,
        description: job.display,
        details: `job ${entry.job_id ?? '?'} succeeded earlier, but ${stale.why}`,
        result: 'will run again',
      })
      return submit('resubmitted', stale.why)
    }
    const j = await ctx.tool.judge(judgeContext(ctx, job, entry))
    if (j.ok) {
      await warn(ctx, job, j.value.warnings ?? [], 'noted')
      return watch('already-succeeded', outcomeOf(job, entry, 'succeeded', 'already-succeeded', j.value.result))
    }
    await ctx.toolLog.write({
      action: 'OUTPUTS_INVALID',
      description: job.display,
      details: `job ${entry.job_id ?? '?'} succeeded earlier, but ${j.error.why}`,
      result: 'will run again',
    })
    return submit('resubmitted', `its outputs are no longer valid: ${j.error.why}`)
  }
  if (entry.state === 'SUBMITTING') return findInterrupted(ctx, job, entry)
  if (writtenByCruijff(entry) && entry.job_id && isTerminal(entry.state)) {
    // cruijff_kit's runner ran it and recorded how it ended: judge that attempt from the tool's own
    // record now (its FAILED may be an evaluation whose log says success); a failure runs again.
    const theirs = `job ${entry.job_id} (submitted by cruijff_kit's runner at ${entry.submitted_at}`
    const stale = await staleness(ctx, job, entry)
    const j = await ctx.tool.judge(judgeContext(ctx, job, entry))
    if (j.ok && !stale) {
      const adopted: StateEntry = { ...entry, validated: true, output: j.value.result, name: job.display }
      await ctx.state.put(job.key, adopted)
      await ctx.toolLog.write({
        action: 'ADOPTED',
        description: job.display,
        details: `${theirs}) ended ${entry.state}`,
        result: 'succeeded: not run again',
      })
      await warn(ctx, job, j.value.warnings ?? [], 'succeeded')
      return watch('already-succeeded', outcomeOf(job, adopted, 'succeeded', 'already-succeeded', j.value.result))
    }
    // Its outputs had all the time since it ended to appear: what is missing now will not come.
    const why = stale?.why ?? (j.ok ? '' : j.error.why)
    await ctx.toolLog.write({
      action: 'ADOPTED',
      description: job.display,
      details: `${theirs}) ended ${entry.state}: ${why}`,
      result: 'will run again',
    })
    return submit('resubmitted', `cruijff_kit's attempt (job ${entry.job_id}) does not stand: ${why}`)
  }
  // Running, or ended while nobody watched and never judged: watch it, and judge it when it is terminal.
  if (entry.job_id && (!isTerminal(entry.state) || entry.validated === undefined)) {
    if (!isTerminal(entry.state)) ctx.onWatched?.(entry.job_id)
    return watch('reattached')
  }
  return submit('resubmitted')
}

/** Why an earlier success no longer stands for the inputs and dependencies there now, if it does not. */
async function staleness(
  ctx: PhaseContext,
  job: PlannedJob,
  entry: StateEntry,
): Promise<{ action: string; why: string } | undefined> {
  if (entry.inputs) {
    const now = await hashInputs(ctx, job)
    const changed = job.inputs.filter((rel) => {
      const was = entry.inputs?.[rel]
      return was !== undefined && now[rel] !== was
    })
    if (changed.length > 0) {
      const words = changed.map((rel) => `${rel} ${now[rel] === undefined ? 'was deleted' : 'changed'}`)
      return { action: 'INPUTS_CHANGED', why: `${words.join(', ')} since it ran` }
    }
  }
  const dep = ctx.dependency?.(job)
  const submitted = ctx.state.submittedIso(entry)
  const ran = submitted ? Date.parse(submitted) : NaN
  if (dep && Number.isFinite(ran) && ran < Date.parse(dep.changedAt)) {
    return { action: 'DEPENDENCY_CHANGED', why: `${dep.what} since it ran` }
  }
  return undefined
}

/** sha256 of each of the job's scaffold files there now, by path relative to the run directory. */
async function hashInputs(ctx: PhaseContext, job: PlannedJob): Promise<Record<string, string>> {
  const inputs: Record<string, string> = {}
  for (const rel of job.inputs) {
    const bytes = await ctx.transport.readFile(resolvePath(ctx.runDir, rel))
    if (bytes) inputs[rel] = createHash('sha256').update(bytes).digest('hex')
  }
  return inputs
}

/** A submission interrupted before its job id was recorded: adopt the job if the queue has it. */
async function findInterrupted(
  ctx: PhaseContext,
  job: PlannedJob,
  entry: StateEntry,
): Promise<{ tracked: Tracked; submit: boolean }> {
  const since = entry.submitted_iso ?? new Date(0).toISOString()
  let found: JobStatus[]
  try {
    found = entry.job_name ? await ctx.scheduler.findByName(entry.job_name, since) : []
  } catch (e) {
    // Cannot tell whether the interrupted submission reached the queue: never guess (a duplicate
    // could cost hours of GPU time). The entry stays as it is for the next run to check again.
    const error =
      'an earlier submission was interrupted and the queue cannot be searched for it now ' +
      `(${messageOf(e)}): re-run to check again`
    const outcome = { ...outcomeOf(job, entry, 'failed', 'found-by-name'), error }
    return { tracked: { job, resolution: 'found-by-name', outcome }, submit: false }
  }
  const last = found[found.length - 1]
  if (!last) {
    return { tracked: { job, resolution: (entry.attempt ?? 1) > 1 ? 'resubmitted' : 'submitted' }, submit: true }
  }
  const adopted: StateEntry = {
    ...entry,
    job_id: last.jobId,
    state: last.state === 'UNKNOWN' ? 'PENDING' : last.state,
    output_file: ctx.scheduler.outputPath(entry.output_file ?? '', last.jobId, entry.job_name ?? ''),
  }
  await ctx.state.put(job.key, adopted)
  if (!isTerminal(adopted.state)) ctx.onWatched?.(last.jobId)
  await ctx.toolLog.write({
    action: ctx.tool.submitAction,
    description: job.display,
    details:
      `${ctx.scheduler.submitCommand} ${job.script} ` +
      `(interrupted before its id was recorded; found in the queue by name ${entry.job_name ?? ''})`,
    lines: [`Job ID: ${last.jobId}`],
    result: 'success',
  })
  return { tracked: { job, resolution: 'found-by-name' }, submit: false }
}

/** Submits one job; 'deferred' when a queue limit says to try later. */
async function submit(ctx: PhaseContext, t: Tracked): Promise<'ok' | 'failed' | 'deferred'> {
  const { job } = t
  const previous = ctx.state.get(job.key)
  const jobDir = resolvePath(ctx.runDir, job.dir)
  const scriptText = (await ctx.transport.readFile(`${jobDir}/${job.script}`))?.toString('utf8') ?? ''
  const outputPattern = ctx.scheduler.outputPattern(scriptText, jobDir)
  const inputs = await hashInputs(ctx, job)
  const attempt = previous && previous.state !== 'SUBMITTING' ? (previous.attempt ?? 1) + 1 : (previous?.attempt ?? 1)
  const history: Attempt[] = [...(previous?.history ?? [])]
  if (previous && previous.state !== 'SUBMITTING') history.push(attemptOf(previous))
  const jobName = jobNameFor(ctx.experimentId, job.key)
  const now = new Date()
  const pending: StateEntry = {
    job_id: null,
    submitted_at: ctx.state.localTime(now),
    state: 'SUBMITTING',
    name: job.display,
    job_name: jobName,
    attempt,
    submitted_iso: now.toISOString(),
    output_file: outputPattern,
    inputs,
    ...(history.length ? { history } : {}),
    ...(previous?.retry_history ? { retry_history: previous.retry_history } : {}),
    ...(previous?.oom_detected_via ? { oom_detected_via: previous.oom_detected_via } : {}),
  }
  // Written before the submission: a runner killed in between finds the job again by its name.
  await ctx.state.put(job.key, pending)
  const r = await ctx.scheduler.submit({ dir: jobDir, script: job.script, name: jobName, outputPattern })
  const command = `${ctx.scheduler.submitCommand} ${job.script}`
  if (!r.ok && r.error.retryLater) {
    if (previous) await ctx.state.put(job.key, previous)
    else await ctx.state.remove(job.key)
    if (ctx.onDeferred) await ctx.onDeferred(job, r.error.message)
    return 'deferred'
  }
  if (!r.ok) {
    const failed: StateEntry = { ...pending, state: 'SUBMIT_FAILED', error: r.error.message }
    await ctx.state.put(job.key, failed)
    await ctx.toolLog.write({
      action: ctx.tool.submitAction,
      description: job.display,
      details: command,
      result: `failure: ${r.error.message}`,
    })
    t.outcome = { ...outcomeOf(job, failed, 'failed', t.resolution), error: `submission failed: ${r.error.message}` }
    return 'failed'
  }
  const jobId = r.value.jobId
  const submitted: StateEntry = {
    ...pending,
    job_id: jobId,
    state: 'PENDING',
    output_file: ctx.scheduler.outputPath(outputPattern, jobId, jobName),
  }
  await ctx.state.put(job.key, submitted)
  ctx.onWatched?.(jobId)
  await ctx.toolLog.write({
    action: ctx.tool.submitAction,
    description: job.display,
    details: `${command}${attempt > 1 ? ` (attempt ${attempt})` : ''}`,
    lines: [`Job ID: ${jobId}`],
    result: 'success',
  })
  if (t.retryNote) {
    await ctx.toolLog.write({
      action: 'OOM_RETRY',
      description: job.display,
      details: t.retryNote,
      result: `resubmitted as job ${jobId}`,
    })
    delete t.retryNote
  }
  return 'ok'
}

/** When the scheduler stopped answering (every job UNKNOWN), while it does not answer. */
interface Outage {
  since?: number
}

/** One poll for every unfinished job; returns whether anything changed. */
async function pollOnce(ctx: PhaseContext, tracked: Tracked[], outage: Outage): Promise<boolean> {
  const open = tracked.filter((t) => !t.outcome)
  // Jobs whose end is already recorded (ended while nobody watched, or found again by name after they
  // ended) are judged from that record: the scheduler may have forgotten them, and asking adds nothing.
  const ended = new Set(open.filter((t) => isTerminal(ctx.state.get(t.job.key)?.state ?? '')))
  const queries = open.flatMap((t) => {
    const e = ctx.state.get(t.job.key)
    const weekAgo = new Date(Date.now() - 7 * 86400_000).toISOString()
    return e?.job_id && !ended.has(t) ? [{ jobId: e.job_id, submittedAt: ctx.state.submittedIso(e) ?? weekAgo }] : []
  })
  if (queries.length === 0 && ended.size === 0) return false
  const statuses = queries.length > 0 ? await ctx.scheduler.poll(queries) : new Map<string, JobStatus>()
  if (queries.length > 0) {
    await noteOutage(
      ctx,
      outage,
      queries.map((q) => statuses.get(q.jobId)),
    )
  }
  let changed = false
  for (const t of open) {
    const entry = ctx.state.get(t.job.key)
    if (!entry?.job_id) continue
    const status = ended.has(t) ? recordedStatus(entry) : statuses.get(entry.job_id)
    if (!status || status.state === 'UNKNOWN') continue
    let updated = applyStatus(entry, status)
    if (updated.state !== entry.state) {
      changed = true
      await ctx.toolLog.write({
        action: 'STATE_CHANGE',
        description: t.job.key,
        details: `job ${entry.job_id}: ${entry.state || '?'} -> ${updated.state}`,
        result: 'tracked',
      })
    }
    if (isTerminal(updated.state)) {
      const done = await finish(ctx, t, updated, status)
      if (done) {
        updated = done
        changed = true
      }
    }
    if (JSON.stringify(updated) !== JSON.stringify(entry)) await ctx.state.put(t.job.key, updated)
  }
  return changed
}

/**
 * A scheduler that answers for none of the jobs (controller restarting, connection lost) is an outage:
 * logged once when it starts and once when it ends, never as a job's end.
 */
async function noteOutage(ctx: PhaseContext, outage: Outage, answers: (JobStatus | undefined)[]): Promise<void> {
  const unanswered = answers.every((a) => !a || a.state === 'UNKNOWN')
  if (unanswered && outage.since === undefined) {
    outage.since = Date.now()
    await ctx.toolLog.write({
      action: 'POLL_UNANSWERED',
      details: `the scheduler did not answer for any job: ${answers.find((a) => a?.raw)?.raw ?? 'no answer'}`,
      result: 'jobs keep their last known state; polling again',
    })
  } else if (!unanswered && outage.since !== undefined) {
    const seconds = Math.round((Date.now() - outage.since) / 1000)
    delete outage.since
    await ctx.toolLog.write({
      action: 'POLL_ANSWERED',
      details: `the scheduler answers again after ${seconds} s`,
      result: 'tracked',
    })
  }
}

/** Bytes of a failed job's output read for its error message and the scheduler's classification. */
const TAIL_BYTES = 8192

/**
 * A terminal job: the tool judges it from its own record, whatever the state (waiting up to the
 * scheduler's output wait for evidence that may lag); a failure may be retried as the tool proposes.
 */
async function finish(
  ctx: PhaseContext,
  t: Tracked,
  current: StateEntry,
  status: JobStatus,
): Promise<StateEntry | null> {
  let entry = current
  // The end of the job's output, read once: it tells the scheduler how the job ended, and goes into messages.
  const tail =
    entry.state !== 'COMPLETED' && entry.output_file
      ? ((await readTail(ctx.transport, entry.output_file, TAIL_BYTES)) ?? undefined)
      : undefined
  if (tail) {
    const classified = ctx.scheduler.classify({ ...status, state: status.state }, tail.toString('utf8'))
    if (classified.state !== entry.state) {
      entry = { ...entry, state: classified.state, ...(classified.reason ? { reason: classified.reason } : {}) }
    }
  }
  if (entry.state === 'CANCELLED' && entry.cancel_requested) {
    // Cancelled by an earlier run's cancel-on-abort, not by anything wrong with it: it runs again.
    await ctx.toolLog.write({
      action: 'CANCELLED_EARLIER',
      description: t.job.display,
      details: `job ${entry.job_id ?? '?'} was cancelled by cancel-on-abort`,
      result: 'will run again',
    })
    t.requeue = true
    return { ...entry, validated: false, error: 'cancelled (cancel-on-abort)' }
  }
  const judgement = await ctx.tool.judge(judgeContext(ctx, t.job, entry))
  if (judgement.ok) {
    const { result, warnings = [] } = judgement.value
    const final: StateEntry = { ...entry, validated: true, output: result }
    delete final.error
    t.outcome = outcomeOf(t.job, final, 'succeeded', t.resolution, result)
    if (warnings.length) t.outcome.warnings = warnings
    await warn(ctx, t.job, warnings, 'succeeded')
    return final
  }
  const judged = judgement.error
  if (judged.pending) {
    t.validatingSince ??= Date.now()
    if (Date.now() - t.validatingSince < ctx.scheduler.outputWaitSeconds * 1000) return null
  }
  await warn(ctx, t.job, judged.warnings ?? [], 'noted')
  if (entry.state !== 'COMPLETED') {
    const decision = ctx.tool.retry
      ? await ctx.tool.retry({ ...judgeContext(ctx, t.job, entry), retries: entry.retry_history?.length ?? 0 })
      : null
    if (decision?.retry) {
      t.requeue = true
      t.retryNote = decision.description
      return {
        ...entry,
        retry_history: [...(entry.retry_history ?? []), decision.settings],
        oom_detected_via: decision.detectedVia,
        oom_exhausted_logged: false,
      }
    }
    const gaveUp = decision?.reason
    if (gaveUp !== undefined && !entry.oom_exhausted_logged) {
      await ctx.toolLog.write({
        action: 'OOM_EXHAUSTED',
        description: t.job.display,
        details: `${gaveUp}; tried ${JSON.stringify(entry.retry_history ?? [])}`,
        result: 'manual intervention required',
      })
      entry = { ...entry, oom_exhausted_logged: true }
    }
    const reasons = [status.reason, gaveUp].filter(Boolean)
    const last = tail ? lastLines(tail.subarray(Math.max(0, tail.length - 4096))) : ''
    const error =
      `${entry.state}${entry.exit_code !== undefined ? ` (exit ${entry.exit_code})` : ''}` +
      `${reasons.length ? `: ${reasons.join('; ')}` : ''} — ${judged.why}${last ? ` — last output: ${last}` : ''}`
    const final: StateEntry = { ...entry, validated: false, error, ...(judged.result ? { output: judged.result } : {}) }
    t.outcome = outcomeOf(t.job, final, 'failed', t.resolution, judged.result)
    await ctx.toolLog.write({ action: 'JOB_FAILED', description: t.job.display, details: error, result: 'failure' })
    return final
  }
  const final: StateEntry = {
    ...entry,
    validated: false,
    error: `completed, but ${judged.why}`,
    ...(judged.result ? { output: judged.result } : {}),
  }
  t.outcome = outcomeOf(t.job, final, 'failed', t.resolution, judged.result)
  await ctx.toolLog.write({
    action: 'OUTPUTS_MISSING',
    description: t.job.display,
    details: `job ${entry.job_id ?? '?'}: ${judged.why}`,
    result: 'failure',
  })
  return final
}

/** The tool's warnings about a job, to the caller and into the module log. */
async function warn(ctx: PhaseContext, job: PlannedJob, warnings: string[], result: string): Promise<void> {
  for (const w of warnings) {
    ctx.onWarning?.(job, w)
    await ctx.toolLog.write({ action: 'WARNING', description: job.display, details: w, result })
  }
}

function judgeContext(ctx: PhaseContext, job: PlannedJob, entry: StateEntry): JudgeContext {
  const since = ctx.state.submittedIso(entry)
  return {
    transport: ctx.transport,
    runDir: ctx.runDir,
    experiment: ctx.experiment,
    job,
    // An earlier success is re-checked for its outputs only: how its job ended was judged then.
    state: entry.validated === true ? 'COMPLETED' : entry.state,
    ...(entry.exit_code !== undefined && entry.validated !== true ? { exitCode: entry.exit_code } : {}),
    ...(entry.output_file ? { outputFile: entry.output_file } : {}),
    // An attempt cruijff_kit's runner submitted is judged by its own submission time too.
    ...(since ? { since } : {}),
  }
}

/** The scheduler's status as the state recorded it. */
function recordedStatus(e: StateEntry): JobStatus {
  return {
    jobId: e.job_id ?? '',
    state: e.state as JobStatus['state'],
    raw: `${e.state} (recorded)`,
    ...(e.exit_code !== undefined ? { exitCode: e.exit_code } : {}),
    ...(e.started_iso ? { startedAt: e.started_iso } : {}),
    ...(e.ended_iso ? { endedAt: e.ended_iso } : {}),
    ...(e.reason ? { reason: e.reason } : {}),
  }
}

function applyStatus(entry: StateEntry, s: JobStatus): StateEntry {
  return {
    ...entry,
    state: s.state,
    ...(s.exitCode !== undefined ? { exit_code: s.exitCode } : {}),
    ...(s.startedAt ? { started_iso: s.startedAt } : {}),
    ...(s.endedAt ? { ended_iso: s.endedAt } : {}),
    ...(s.reason ? { reason: s.reason } : {}),
  }
}

function outcomeOf(
  job: PlannedJob,
  entry: StateEntry | undefined,
  result: JobOutcome['result'],
  resolution: Resolution,
  output?: ToolResult,
): JobOutcome {
  return {
    job,
    result,
    resolution,
    state: entry?.state ?? 'NOT_SUBMITTED',
    jobId: entry?.job_id ?? null,
    attempt: entry?.attempt ?? 1,
    ...(entry?.exit_code !== undefined ? { exitCode: entry.exit_code } : {}),
    ...(entry?.submitted_iso ? { submittedIso: entry.submitted_iso } : {}),
    ...(entry?.started_iso ? { startedIso: entry.started_iso } : {}),
    ...(entry?.ended_iso ? { endedIso: entry.ended_iso } : {}),
    ...(entry?.error ? { error: entry.error } : {}),
    ...(entry?.output_file ? { outputFile: entry.output_file } : {}),
    ...(entry?.retry_history?.length ? { retries: entry.retry_history } : {}),
    ...(output ? { output } : {}),
  }
}

function attemptOf(e: StateEntry): Attempt {
  return {
    job_id: e.job_id,
    state: e.state,
    submitted_iso: e.submitted_iso ?? e.submitted_at,
    ...(e.exit_code !== undefined ? { exit_code: e.exit_code } : {}),
    ...(e.started_iso ? { started_iso: e.started_iso } : {}),
    ...(e.ended_iso ? { ended_iso: e.ended_iso } : {}),
    ...(e.error ? { error: e.error } : {}),
  }
}

/** `re-<experiment id>-<job key as a name>`: unique per experiment and job, stable across re-runs. */
export function jobNameFor(experimentId: string, key: string): string {
  const slug = key
    .replace(/\/(finetune|cell)\.slurm$/, '')
    .replace(/\.slurm$/, '')
    .replace(/[^\w.-]+/g, '_')
  const short = createHash('sha256').update(key).digest('hex').slice(0, 6)
  return `re-${experimentId}-${slug.slice(0, 80)}-${short}`
}

/** The last three lines of output (progress bars split on \r), for messages. */
function lastLines(bytes: Buffer): string {
  const lines = bytes
    .toString('utf8')
    .split(/\r?\n|\r/)
    .map((l) => l.replace(CONTROL, '').trim())
    .filter(Boolean)
  const text = lines.slice(-3).join(' | ')
  // The end is what matters (the error comes last).
  return text.length > 400 ? `…${text.slice(-400)}` : text
}

/** Control characters (NUL padding, terminal escapes' ESC) that would only garble a message. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g

function countBy(values: string[]): string {
  const counts = new Map<string, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return [...counts.keys()]
    .sort()
    .map((k) => `${k}=${counts.get(k) ?? 0}`)
    .join(', ')
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
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
