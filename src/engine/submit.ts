/** One submission, crash-safe: the intent written before the scheduler is asked, the id right after. */
import { resolvePath } from '../cluster/paths.js'
import { markerOf } from './evidence.js'
import { digestOf, type InputDigests } from './inputs.js'
import type { AttemptRecord, StateEntry } from './state.js'
import { attemptRecordOf, jobNameFor, outcomeOf } from './outcome.js'
import type { JobOutcome, PhaseContext, Tracked } from './types.js'
import { RETRY_BLOCKS } from './watch.js'

/** How a submission went: submitted, failed for good (the job's outcome), or deferred by a queue limit. */
export type Submission = { kind: 'ok' } | { kind: 'failed'; outcome: JobOutcome } | { kind: 'deferred' }

/**
 * Submits one job; with `after`, queued behind those jobs (it starts when they all completed with exit 0).
 */
export async function submit(
  ctx: PhaseContext,
  t: Tracked,
  digests: InputDigests,
  after: readonly string[] = [],
): Promise<Submission> {
  const { job } = t
  const previous = ctx.state.get(job.key)
  const jobDir = resolvePath(ctx.runDir, job.dir)
  const scriptText = (await ctx.transport.readFile(`${jobDir}/${job.script}`))?.toString('utf8') ?? ''
  const outputPattern = ctx.scheduler.outputPattern(scriptText, jobDir)
  const { inputs, edits } = await digests.of(job, previous)
  // What the job's outputs are now: only what changes from here on is this attempt's (no clock needed).
  const before = await ctx.tool.outputs?.({
    transport: ctx.transport,
    runDir: ctx.runDir,
    experiment: ctx.experiment,
    job,
  })
  const attempt = previous && previous.state !== 'SUBMITTING' ? (previous.attempt ?? 1) + 1 : (previous?.attempt ?? 1)
  const history: AttemptRecord[] = [...(previous?.history ?? [])]
  if (previous && previous.state !== 'SUBMITTING') history.push(attemptRecordOf(previous))
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
    ...(Object.keys(edits).length ? { edits } : {}),
    ...(after.length ? { after: [...after] } : {}),
    ...(before ? { outputs_before: before } : {}),
    ...(history.length ? { history } : {}),
    ...(previous?.retry_history ? { retry_history: previous.retry_history } : {}),
    ...(previous?.oom_detected_via ? { oom_detected_via: previous.oom_detected_via } : {}),
  }
  // Written before the submission: a runner killed in between finds the job again by its name.
  await ctx.state.put(job.key, pending)
  const marker = markerOf(ctx.sealer, jobName, digestOf(inputs))
  const r = await ctx.scheduler.submit({
    dir: jobDir,
    script: job.script,
    name: jobName,
    outputPattern,
    scriptText,
    marker,
    ...(after.length ? { dependency: { afterok: after } } : {}),
  })
  const command = `${ctx.scheduler.submitCommand} ${job.script}`
  if (!r.ok && r.error.retryLater) {
    if (previous) await ctx.state.put(job.key, previous)
    else await ctx.state.remove(job.key)
    if (ctx.onDeferred) await ctx.onDeferred(job, r.error.message)
    return { kind: 'deferred' }
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
    const outcome = {
      ...outcomeOf(job, failed, 'failed', t.resolution),
      error: `submission failed: ${r.error.message}`,
    }
    return { kind: 'failed', outcome }
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
    details:
      `${command}${attempt > 1 ? ` (attempt ${attempt})` : ''}` +
      (after.length ? ` (queued behind ${after.join(', ')}: it starts when they completed)` : ''),
    lines: [`Job ID: ${jobId}`],
    result: 'success',
  })
  if (t.retryNote) {
    await ctx.toolLog.write({
      action: RETRY_BLOCKS[t.retryKind ?? 'out-of-memory'].retry,
      description: job.display,
      details: t.retryNote,
      result: `resubmitted as job ${jobId}`,
    })
  }
  return { kind: 'ok' }
}
