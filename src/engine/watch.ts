/** Watching: one poll for every unfinished job, scheduler outages, and judging a job when it ends. */
import { dirnameOf } from '../cluster/paths.js'
import { readTail } from '../cluster/read.js'
import { isTerminal, LOOKBACK_MS, waitsInVain, type JobStatus } from '../scheduler/scheduler.js'
import { OUTPUT_TAIL_BYTES, type JobWindow, type JudgeContext, type PlannedJob, type RetryKind } from '../tools/tool.js'
import type { InputDigests } from './inputs.js'
import type { StateEntry } from './state.js'
import type { JobBoard } from './board.js'
import type { PhaseContext, Tracked } from './types.js'
import { lastLines, outcomeOf } from './outcome.js'

/** When the scheduler stopped answering (every job UNKNOWN), while it does not answer. */
export interface Outage {
  since?: number
}

/** One poll for every unfinished job; returns whether anything changed. */
export async function pollOnce(
  ctx: PhaseContext,
  board: JobBoard,
  outage: Outage,
  digests: InputDigests,
): Promise<boolean> {
  const open = board.open()
  // Jobs whose end is already recorded (ended while nobody watched, or found again by name after they
  // ended) are judged from that record: the scheduler may have forgotten them, and asking adds nothing.
  const ended = new Set(open.filter((t) => isTerminal(ctx.state.get(t.job.key)?.state ?? '')))
  const queries = open.flatMap((t) => {
    const e = ctx.state.get(t.job.key)
    const weekAgo = new Date(Date.now() - LOOKBACK_MS).toISOString()
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
    if (ctx.scheduler.chainsJobs && waitsInVain(status)) updated = await release(ctx, t.job, entry.job_id, updated)
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
      const done = await finish(ctx, board, t, updated, status, digests)
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
 * Clears the dependency of a job of this phase that waits in vain (it then runs), and says so in the tool
 * log. Only the phase that queued it early re-points such jobs, and that phase is over by the time this
 * one watches them — this happens to an evaluation an earlier pass queued whose record was lost since (a
 * cleaned checkout), found again by its marker. The phase runs only jobs whose prerequisites it judged
 * done, so nothing is left to wait for.
 */
async function release(ctx: PhaseContext, job: PlannedJob, jobId: string, entry: StateEntry): Promise<StateEntry> {
  const r = await ctx.scheduler.updateDependency(jobId, [])
  await ctx.toolLog.write({
    action: r.ok ? 'DEPENDENCY_RELEASED' : 'DEPENDENCY_UPDATE_FAILED',
    description: job.display,
    details:
      `job ${jobId} waited for a job that ended without success, queued by an earlier pass; ` +
      `what it needs is done${r.ok ? '' : `: ${r.error}`}`,
    result: r.ok ? 'waits for nothing' : 'polling again',
  })
  if (!r.ok) return entry
  const { after: _waitedFor, ...rest } = entry
  return rest
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

/** Bytes of the end of a failed job's output the scheduler's classification reads. */
const TAIL_BYTES = 8192

/**
 * A terminal job: the tool judges it from its own record, whatever the state (waiting up to the
 * scheduler's output wait for evidence that may lag); a failure may be retried as the tool proposes.
 */
export async function finish(
  ctx: PhaseContext,
  board: JobBoard,
  t: Tracked,
  current: StateEntry,
  status: JobStatus,
  digests: InputDigests,
): Promise<StateEntry | null> {
  let entry = current
  // The end of the job's output, read once: it tells the scheduler how the job ended, the tool whether to
  // retry, and goes into messages.
  // The output file is the one the job's own script names (the action's entry records it).
  if (entry.output_file) ctx.reads.allow([dirnameOf(entry.output_file)])
  const tail =
    entry.state !== 'COMPLETED' && entry.output_file
      ? ((await readTail(ctx.reads, entry.output_file, OUTPUT_TAIL_BYTES)) ?? undefined)
      : undefined
  if (tail) {
    const end = tail.subarray(Math.max(0, tail.length - TAIL_BYTES))
    const classified = ctx.scheduler.classify(status, end.toString('utf8'))
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
    board.retry(t)
    return { ...entry, validated: false, error: 'cancelled (cancel-on-abort)' }
  }
  const judgement = await ctx.tool.judge(judgeContext(ctx, t.job, entry))
  if (judgement.ok) {
    const { result, warnings = [] } = judgement.value
    const final: StateEntry = { ...entry, validated: true, output: result }
    delete final.error
    const outcome = outcomeOf(t.job, final, 'succeeded', t.resolution, result)
    board.settle(t, warnings.length ? { ...outcome, warnings } : outcome)
    await warn(ctx, t.job, warnings, 'succeeded')
    return final
  }
  const judged = judgement.error
  if (judged.pending && board.validating(t) < ctx.scheduler.outputWaitSeconds * 1000) return null
  await warn(ctx, t.job, judged.warnings ?? [], 'noted')
  if (entry.state !== 'COMPLETED') {
    const decision = ctx.tool.retry
      ? await ctx.tool.retry({
          ...judgeContext(ctx, t.job, entry),
          maxResumes: ctx.settings.maxResumes,
          ...(tail ? { outputTail: tail } : {}),
        })
      : null
    const kind = decision?.kind ?? 'out-of-memory'
    if (decision?.retry) {
      board.retry(t, decision.description, kind)
      const edits = { ...entry.edits }
      for (const path of decision.edited ?? []) {
        digests.forget(path)
        const now = await digests.file(path)
        if (now !== undefined) edits[digests.name(path)] = now
      }
      return {
        ...entry,
        ...(Object.keys(edits).length ? { edits } : {}),
        retry_history: [...(entry.retry_history ?? []), decision.settings],
        ...(kind === 'out-of-memory' ? { oom_detected_via: decision.detectedVia } : {}),
        oom_exhausted_logged: false,
      }
    }
    const gaveUp = decision?.reason
    if (gaveUp !== undefined && !entry.oom_exhausted_logged) {
      await ctx.toolLog.write({
        action: RETRY_BLOCKS[kind].gaveUp,
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
    board.settle(t, outcomeOf(t.job, final, 'failed', t.resolution, judged.result))
    await ctx.toolLog.write({ action: 'JOB_FAILED', description: t.job.display, details: error, result: 'failure' })
    return final
  }
  const final: StateEntry = {
    ...entry,
    validated: false,
    error: `completed, but ${judged.why}`,
    ...(judged.result ? { output: judged.result } : {}),
  }
  board.settle(t, outcomeOf(t.job, final, 'failed', t.resolution, judged.result))
  await ctx.toolLog.write({
    action: 'OUTPUTS_MISSING',
    description: t.job.display,
    details: `job ${entry.job_id ?? '?'}: ${judged.why}`,
    result: 'failure',
  })
  return final
}

/** The module-log blocks of each kind of retry: cruijff_kit's for out-of-memory, ours for a resume. */
export const RETRY_BLOCKS: Record<RetryKind, { retry: string; gaveUp: string }> = {
  'out-of-memory': { retry: 'OOM_RETRY', gaveUp: 'OOM_EXHAUSTED' },
  resume: { retry: 'RESUME', gaveUp: 'RESUME_EXHAUSTED' },
}

/** The tool's warnings about a job, to the caller and into the module log. */
export async function warn(ctx: PhaseContext, job: PlannedJob, warnings: string[], result: string): Promise<void> {
  for (const w of warnings) {
    ctx.onWarning?.(job, w)
    await ctx.toolLog.write({ action: 'WARNING', description: job.display, details: w, result })
  }
}

export function judgeContext(ctx: PhaseContext, job: PlannedJob, entry: StateEntry): JudgeContext {
  const since = ctx.state.submittedIso(entry)
  return {
    transport: ctx.reads,
    runDir: ctx.runDir,
    experiment: ctx.experiment,
    job,
    // An earlier success is re-checked for its outputs only: how its job ended was judged then.
    state: entry.validated === true ? 'COMPLETED' : entry.state,
    ...(entry.exit_code !== undefined && entry.validated !== true ? { exitCode: entry.exit_code } : {}),
    ...(entry.output_file ? { outputFile: entry.output_file } : {}),
    // An attempt cruijff_kit's runner submitted is judged by its own submission time too.
    ...(since ? { since } : {}),
    ...(entry.retry_history?.length ? { history: entry.retry_history } : {}),
    ...(entry.outputs_before ? { before: entry.outputs_before } : {}),
    window: windowOf(entry),
    // Jobs sharing this job's directory may write where it writes (the flat layout's shared log directory).
    neighbours: ctx.jobs
      .filter((j) => j.dir === job.dir && j.key !== job.key)
      .map((j) => {
        const e = ctx.state.get(j.key)
        return { job: j, ...(e ? { window: windowOf(e) } : {}) }
      }),
  }
}

/** When an attempt ran, as the scheduler reported it. */
function windowOf(entry: StateEntry): JobWindow {
  return {
    ...(entry.started_iso ? { startedAt: entry.started_iso } : {}),
    ...(entry.ended_iso ? { endedAt: entry.ended_iso } : {}),
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
