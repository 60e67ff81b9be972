/** Resume: what the state says of each job — done, to watch again, or to submit. */
import { createHash } from 'node:crypto'
import { resolvePath } from '../cluster/paths.js'
import { messageOf } from '../result.js'
import { isTerminal, type JobStatus } from '../scheduler/scheduler.js'
import type { PlannedJob } from '../tools/tool.js'
import { writtenByCruijff } from './cruijff-state.js'
import type { StateEntry } from './state.js'
import type { JobOutcome, PhaseContext, Resolution, Tracked } from './phase.js'
import { outcomeOf } from './outcome.js'
import { judgeContext, warn } from './watch.js'

/** What the resume state says of one job: done, to watch again, or to submit. */
export async function resume(ctx: PhaseContext, job: PlannedJob): Promise<{ tracked: Tracked; submit: boolean }> {
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
    // A stale attempt runs again whatever its outputs say: judge only one that could stand.
    const j = stale ? undefined : await ctx.tool.judge(judgeContext(ctx, job, entry))
    if (j?.ok) {
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
    const why = stale?.why ?? j?.error.why ?? ''
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
export async function hashInputs(ctx: PhaseContext, job: PlannedJob): Promise<Record<string, string>> {
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
