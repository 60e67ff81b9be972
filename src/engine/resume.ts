/**
 * Resume: what the state (and, without an own entry, the scheduler) says of each job — done, to watch
 * again, or to submit.
 */
import { resolvePath } from '../cluster/paths.js'
import { isTerminal, type DescribedJob, type JobStatus } from '../scheduler/scheduler.js'
import { workDirOf } from '../scheduler/script.js'
import type { PlannedJob } from '../tools/tool.js'
import type { Evidence, SealedJob } from './evidence.js'
import { changedInputs, digestOf, type InputDigests } from './inputs.js'
import type { ForeignEntry, StateEntry } from './state.js'
import type { JobOutcome, PhaseContext, Resolution, Tracked } from './types.js'
import { jobNameFor, outcomeOf } from './outcome.js'
import { judgeContext, warn } from './watch.js'

type Decision = { tracked: Tracked; submit: boolean }

const watch = (job: PlannedJob, resolution: Resolution, outcome?: JobOutcome): Decision => ({
  tracked: { job, resolution, ...(outcome ? { outcome } : {}) },
  submit: false,
})
const submit = (job: PlannedJob, resolution: Resolution, rerun?: string): Decision => ({
  tracked: { job, resolution, ...(rerun ? { rerun } : {}) },
  submit: true,
})
/** Cannot tell whether the job already runs: never guess (a duplicate could cost hours of GPU time). */
const undecided = (job: PlannedJob, entry: StateEntry | undefined, error: string): Decision => ({
  tracked: {
    job,
    resolution: 'found-by-name',
    outcome: { ...outcomeOf(job, entry, 'failed', 'found-by-name'), error },
  },
  submit: false,
})

/** What the resume state says of one job: done, to watch again, or to submit. */
export async function resume(ctx: PhaseContext, job: PlannedJob, ev: Evidence): Promise<Decision> {
  const entry = ctx.state.get(job.key)
  if (!entry) return withoutEntry(ctx, job, ev)
  if (entry.validated === true) {
    // Succeeded earlier: still a success if it ran with the inputs there now, after what it depends on, and
    // its outputs are still there (Snakemake's rerun triggers: input, code and params changes, mtime).
    const stale = await staleness(ctx, job, entry, ev.digests)
    if (stale) {
      await ctx.toolLog.write({
        action: stale.action,
        description: job.display,
        details: `job ${entry.job_id ?? '?'} succeeded earlier, but ${stale.why}`,
        result: 'will run again',
      })
      return submit(job, 'resubmitted', stale.why)
    }
    const j = await ctx.tool.judge(judgeContext(ctx, job, entry))
    if (j.ok) {
      await warn(ctx, job, j.value.warnings ?? [], 'noted')
      return watch(job, 'already-succeeded', outcomeOf(job, entry, 'succeeded', 'already-succeeded', j.value.result))
    }
    await ctx.toolLog.write({
      action: 'OUTPUTS_INVALID',
      description: job.display,
      details: `job ${entry.job_id ?? '?'} succeeded earlier, but ${j.error.why}`,
      result: 'will run again',
    })
    return submit(job, 'resubmitted', `its outputs are no longer valid: ${j.error.why}`)
  }
  if (entry.state === 'SUBMITTING') return findInterrupted(ctx, job, entry, ev)
  // Running, or ended while nobody watched and never judged: watch it, and judge it when it is terminal.
  // An earlier phase of this pass may have submitted it (queued behind its jobs): it says how.
  if (entry.job_id && (!isTerminal(entry.state) || entry.validated === undefined)) {
    if (!isTerminal(entry.state)) ctx.onWatched?.(entry.job_id)
    const earlier = ctx.earlier?.get(job.key)
    if (earlier) return { tracked: { job, ...earlier }, submit: false }
    return watch(job, 'reattached')
  }
  return submit(job, 'resubmitted')
}

/**
 * No entry of the action's own: a foreign entry (cruijff_kit's runner) stands for the job it names only
 * when the scheduler knows that job for this user and it was submitted from this job's directory; else
 * the job may still run under this run directory's marker (the state was lost); else it is submitted.
 */
async function withoutEntry(ctx: PhaseContext, job: PlannedJob, ev: Evidence): Promise<Decision> {
  const foreign = ctx.state.foreignEntry(job.key)
  if (foreign) {
    const id = foreign.entry.job_id
    const known = id ? await ev.foreign.get() : undefined
    if (known && !known.ok) {
      return undecided(
        job,
        undefined,
        `${foreign.file} names job ${id ?? ''} for ${job.key}, and the scheduler cannot be asked about it now ` +
          `(${known.error}): re-run to check again`,
      )
    }
    const theirs = id && known?.ok ? known.value.get(id) : undefined
    if (theirs && (await submittedFrom(ctx, theirs, job))) return adoptForeign(ctx, job, foreign, theirs, ev)
    const why = id
      ? `names job ${id}, which the scheduler does not know as a job of ` +
        `${resolvePath(ctx.runDir, job.dir)} for this user`
      : 'names no job'
    const message =
      `${foreign.file}: the entry for ${job.key} was not written by this action for this run directory and ${why}: ` +
      'ignored (a copied or committed record is not evidence)'
    ctx.onWarning?.(job, message)
    await ctx.toolLog.write({
      action: 'FOREIGN_IGNORED',
      description: job.display,
      details: message,
      result: 'ignored',
    })
  }
  const { inputs } = await ev.digests.of(job)
  const found = await findMarked(ctx, job, digestOf(inputs), ev)
  if (!found.ok) return undecided(job, undefined, found.error)
  if (!found.value) return submit(job, 'submitted')
  const m = found.value
  const adopted = await adoptedEntry(ctx, job, m, { inputs, job_name: m.jobName, attempt: 1 })
  const lost =
    `job ${m.status.jobId} (${m.status.state}) carries this run directory's marker for these inputs, ` +
    'but the state did not record it (it was lost or reset)'
  if (!isTerminal(adopted.state)) {
    await ctx.state.put(job.key, adopted)
    ctx.onWatched?.(m.status.jobId)
    await ctx.toolLog.write({
      action: 'FOUND_BY_MARKER',
      description: job.display,
      details: lost,
      result: 'adopted: not submitted again',
    })
    return watch(job, 'found-by-name')
  }
  // It ended while its record was lost: what it wrote had all that time to appear; what is missing now
  // (a cleaned checkout took it) will not come, and the job runs again.
  const j = await ctx.tool.judge(judgeContext(ctx, job, adopted))
  if (j.ok) {
    const done: StateEntry = { ...adopted, validated: true, output: j.value.result }
    await ctx.state.put(job.key, done)
    await ctx.toolLog.write({
      action: 'FOUND_BY_MARKER',
      description: job.display,
      details: lost,
      result: 'succeeded: not run again',
    })
    await warn(ctx, job, j.value.warnings ?? [], 'succeeded')
    return watch(job, 'found-by-name', outcomeOf(job, done, 'succeeded', 'found-by-name', j.value.result))
  }
  await ctx.state.put(job.key, { ...adopted, validated: false, error: j.error.why })
  await ctx.toolLog.write({
    action: 'FOUND_BY_MARKER',
    description: job.display,
    details: `${lost}; ${j.error.why}`,
    result: 'will run again',
  })
  return submit(job, 'resubmitted', `job ${m.status.jobId}, found by its marker, does not stand: ${j.error.why}`)
}

/** The newest job carrying this run directory's marker for this job and these inputs, if any. */
async function findMarked(
  ctx: PhaseContext,
  job: PlannedJob,
  digest: string,
  ev: Evidence,
): Promise<{ ok: true; value: SealedJob | undefined } | { ok: false; error: string }> {
  const marked = await ev.marked.get()
  if (!marked.ok) {
    return {
      ok: false,
      error:
        'whether this job was submitted before cannot be told now: the queue cannot be searched for its marker ' +
        `(${marked.error}); re-run to check again`,
    }
  }
  const name = jobNameFor(ctx.experimentId, job.key)
  const mine = marked.value.filter((m) => m.jobName === name && m.digest === digest)
  return { ok: true, value: mine[mine.length - 1] }
}

/**
 * Whether the scheduler's record says the job was submitted from this job's directory (SLURM records the
 * directory it ran in: its script's `#SBATCH --chdir` when it sets one).
 */
async function submittedFrom(ctx: PhaseContext, known: DescribedJob, job: PlannedJob): Promise<boolean> {
  if (!known.workDir) return false
  const recorded = resolvePath('/', known.workDir)
  // The scheduler records the physical directory; the run directory may be reached through a symlink.
  const isRecorded = async (d: string): Promise<boolean> =>
    d === recorded || (await ctx.transport.realpath(d)) === recorded
  const dir = resolvePath(ctx.runDir, job.dir)
  if (await isRecorded(dir)) return true
  // Else the directory its #SBATCH --chdir names: the script is read only then.
  const script = (await ctx.transport.readFile(`${dir}/${job.script}`))?.toString('utf8') ?? ''
  const workDir = workDirOf(script, dir)
  return workDir !== dir && (await isRecorded(workDir))
}

/** A state entry of the action's own for a job the scheduler knows, with the scheduler's facts. */
async function adoptedEntry(
  ctx: PhaseContext,
  job: PlannedJob,
  known: DescribedJob,
  extra: Partial<StateEntry>,
): Promise<StateEntry> {
  const s = known.status
  const at = known.submittedAt ? new Date(known.submittedAt) : new Date()
  const jobDir = resolvePath(ctx.runDir, job.dir)
  const script = (await ctx.transport.readFile(`${jobDir}/${job.script}`))?.toString('utf8') ?? ''
  return {
    job_id: s.jobId,
    submitted_at: ctx.state.localTime(at),
    submitted_iso: at.toISOString(),
    state: s.state === 'UNKNOWN' ? 'PENDING' : s.state,
    name: job.display,
    output_file: ctx.scheduler.outputPath(ctx.scheduler.outputPattern(script, jobDir), s.jobId, extra.job_name ?? ''),
    ...(s.exitCode !== undefined ? { exit_code: s.exitCode } : {}),
    ...(s.startedAt ? { started_iso: s.startedAt } : {}),
    ...(s.endedAt ? { ended_iso: s.endedAt } : {}),
    ...(s.reason ? { reason: s.reason } : {}),
    ...extra,
  }
}

/**
 * cruijff_kit's runner ran it: re-attach if it runs; if it ended, judge that attempt from the tool's own
 * record (its FAILED may be an evaluation whose log says success), by the scheduler's submission time.
 */
async function adoptForeign(
  ctx: PhaseContext,
  job: PlannedJob,
  foreign: ForeignEntry,
  known: DescribedJob,
  ev: Evidence,
): Promise<Decision> {
  const { inputs } = await ev.digests.of(job)
  const theirs =
    `job ${known.status.jobId} (recorded in ${foreign.file}, submitted by cruijff_kit's runner at ` +
    `${foreign.entry.submitted_at})`
  const adopted = await adoptedEntry(ctx, job, known, { inputs, attempt: 1 })
  if (!isTerminal(adopted.state)) {
    await ctx.state.put(job.key, adopted)
    ctx.onWatched?.(known.status.jobId)
    await ctx.toolLog.write({
      action: 'ADOPTED',
      description: job.display,
      details: `${theirs} is ${adopted.state}`,
      result: 're-attached',
    })
    return watch(job, 'reattached')
  }
  const j = await ctx.tool.judge(judgeContext(ctx, job, adopted))
  if (j.ok) {
    const done: StateEntry = { ...adopted, validated: true, output: j.value.result }
    await ctx.state.put(job.key, done)
    await ctx.toolLog.write({
      action: 'ADOPTED',
      description: job.display,
      details: `${theirs} ended ${adopted.state}`,
      result: 'succeeded: not run again',
    })
    await warn(ctx, job, j.value.warnings ?? [], 'succeeded')
    return watch(job, 'already-succeeded', outcomeOf(job, done, 'succeeded', 'already-succeeded', j.value.result))
  }
  // Its outputs had all the time since it ended to appear: what is missing now will not come.
  await ctx.state.put(job.key, { ...adopted, validated: false, error: j.error.why })
  await ctx.toolLog.write({
    action: 'ADOPTED',
    description: job.display,
    details: `${theirs} ended ${adopted.state}: ${j.error.why}`,
    result: 'will run again',
  })
  return submit(job, 'resubmitted', `cruijff_kit's attempt (job ${known.status.jobId}) does not stand: ${j.error.why}`)
}

/** Why an earlier success no longer stands for the inputs and dependencies there now, if it does not. */
async function staleness(
  ctx: PhaseContext,
  job: PlannedJob,
  entry: StateEntry,
  digests: InputDigests,
): Promise<{ action: string; why: string } | undefined> {
  if (!entry.inputs) {
    return { action: 'INPUTS_UNKNOWN', why: 'no record of the inputs it ran with was kept, so it is not evidence' }
  }
  const { inputs } = await digests.of(job, entry)
  const changed = changedInputs(entry.inputs, inputs)
  if (changed.length > 0) {
    const words = changed.map((c) => `${c.name} ${c.deleted ? 'was deleted' : 'changed'}`)
    return { action: 'INPUTS_CHANGED', why: `${words.join(', ')} since it ran` }
  }
  const dep = ctx.dependency?.(job)
  const submitted = ctx.state.submittedIso(entry)
  const ran = submitted ? Date.parse(submitted) : NaN
  // Queued behind that very attempt (and re-pointed to it): it evaluated what the training wrote then.
  const queuedBehind = dep?.jobId !== undefined && entry.after?.includes(dep.jobId) === true
  if (dep && !queuedBehind && Number.isFinite(ran) && ran < Date.parse(dep.changedAt)) {
    return { action: 'DEPENDENCY_CHANGED', why: `${dep.what} since it ran` }
  }
  return undefined
}

/** A submission interrupted before its job id was recorded: adopt the job if the queue has it under its marker. */
async function findInterrupted(ctx: PhaseContext, job: PlannedJob, entry: StateEntry, ev: Evidence): Promise<Decision> {
  const found = await findMarked(ctx, job, digestOf(entry.inputs ?? {}), ev)
  if (!found.ok) return undecided(job, entry, `an earlier submission was interrupted, and ${found.error}`)
  const last = found.value
  if (!last) return submit(job, (entry.attempt ?? 1) > 1 ? 'resubmitted' : 'submitted')
  const status: JobStatus = last.status
  const adopted: StateEntry = {
    ...entry,
    job_id: status.jobId,
    state: status.state === 'UNKNOWN' ? 'PENDING' : status.state,
    output_file: ctx.scheduler.outputPath(entry.output_file ?? '', status.jobId, entry.job_name ?? ''),
  }
  await ctx.state.put(job.key, adopted)
  if (!isTerminal(adopted.state)) ctx.onWatched?.(status.jobId)
  await ctx.toolLog.write({
    action: ctx.tool.submitAction,
    description: job.display,
    details:
      `${ctx.scheduler.submitCommand} ${job.script} ` +
      `(interrupted before its id was recorded; found in the queue by its marker ${entry.job_name ?? ''})`,
    lines: [`Job ID: ${status.jobId}`],
    result: 'success',
  })
  return { tracked: { job, resolution: 'found-by-name' }, submit: false }
}
