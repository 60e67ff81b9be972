/**
 * The post step. When the main step ended without finishing (workflow cancelled, runner killed), with
 * `cancel-on-abort` it cancels the jobs the main step watched (their ids were saved with core.saveState
 * right after each submission); otherwise the jobs keep running and a re-run re-attaches to them, and
 * only the jobs waiting for a job that can no longer succeed (an evaluation queued behind a training
 * that failed) are cancelled: nobody would re-point them. Never fails the job: problems are warnings.
 */
import { z } from 'zod'
import { LocalTransport } from './cluster/local.js'
import { readSettings } from './inputs.js'
import type { ActionIO } from './io.js'
import { jobsDirOf, makeScheduler, reach } from './connect.js'
import { resolveRunRoot } from './pipeline/run-dir.js'
import { SAVED } from './names.js'
import { messageOf } from './result.js'
import { LOOKBACK_MS, waitsInVain, type Scheduler } from './scheduler/scheduler.js'

const SavedJobs = z.array(z.object({ runDir: z.string(), jobId: z.string() }))

export async function post(io: ActionIO, state: (name: string) => string): Promise<void> {
  if (state(SAVED.completed) === 'true') return
  const settings = readSettings((name) => io.getInput(name))
  if (!settings.ok) return
  const cancelAll = settings.value.cancelOnAbort
  let jobs: z.infer<typeof SavedJobs>
  try {
    jobs = SavedJobs.parse(JSON.parse(state(SAVED.jobs) || '[]'))
  } catch (e) {
    io.annotate('warning', {
      message: `run-experiment post: cannot read the saved job ids (${messageOf(e)}); nothing cancelled`,
    })
    return
  }
  io.info(
    cancelAll
      ? 'run-experiment post: the main step did not finish; cancel-on-abort: cancelling its jobs'
      : 'run-experiment post: the main step did not finish; its jobs keep running (re-run the workflow to ' +
          're-attach); jobs waiting for one that can never succeed are cancelled',
  )
  if (jobs.length === 0) return
  const transport = await reach(settings.value, new LocalTransport())
  if (!transport.ok) {
    io.annotate('warning', {
      message:
        `run-experiment post: cannot reach the cluster to check ${jobs.length} job(s): ` + transport.error.message,
    })
    return
  }
  try {
    const workspace = io.env['GITHUB_WORKSPACE'] || process.cwd()
    const root = await resolveRunRoot(transport.value, settings.value.runRoot, workspace, Boolean(settings.value.ssh))
    if (!root.ok) {
      io.annotate('warning', { message: `run-experiment post: ${root.error.message}; nothing cancelled` })
      return
    }
    for (const runDir of new Set(jobs.map((j) => j.runDir))) {
      const scheduler = await makeScheduler(settings.value, transport.value, runDir, jobsDirOf(root.value))
      if (!scheduler.ok) continue
      const mine = jobs.filter((j) => j.runDir === runDir).map((j) => j.jobId)
      const ids = cancelAll ? mine : await neverRunnable(scheduler.value, mine)
      if (ids.length === 0) continue
      try {
        await scheduler.value.cancel(ids)
        io.info(
          `run-experiment post: cancelled job(s) ${ids.join(', ')} of ${runDir}` +
            (cancelAll ? ' (cancel-on-abort)' : ': each waited for a job that can no longer succeed'),
        )
      } catch (e) {
        io.annotate('warning', {
          message: `run-experiment post: could not cancel job(s) ${ids.join(', ')} of ${runDir}: ${messageOf(e)}`,
        })
      }
    }
  } finally {
    await transport.value.close()
  }
}

/**
 * The jobs among these that wait for a job that ended without success (SLURM's DependencyNeverSatisfied):
 * with nobody left to re-point them, they would wait in the queue for ever.
 */
async function neverRunnable(scheduler: Scheduler, ids: readonly string[]): Promise<string[]> {
  const since = new Date(Date.now() - LOOKBACK_MS).toISOString()
  const statuses = await scheduler.poll(ids.map((jobId) => ({ jobId, submittedAt: since })))
  return [...statuses.values()].filter(waitsInVain).map((s) => s.jobId)
}
