/**
 * The post step. When the main step ended without finishing (workflow cancelled, runner killed)
 * and `cancel-on-abort` is true, cancel the jobs it submitted: their ids were saved with
 * core.saveState right after each submission. Otherwise the jobs keep running and a re-run
 * re-attaches to them. Never fails the job: problems are warnings.
 */
import { z } from 'zod'
import { LocalTransport } from './cluster/local.js'
import { readSettings } from './inputs.js'
import type { ActionIO } from './io.js'
import { defaultJobsDir, makeScheduler, reach } from './connect.js'
import { SAVED } from './names.js'
import { messageOf } from './result.js'

const SavedJobs = z.array(z.object({ runDir: z.string(), jobId: z.string() }))

export async function post(io: ActionIO, state: (name: string) => string): Promise<void> {
  if (state(SAVED.completed) === 'true') return
  const settings = readSettings((name) => io.getInput(name))
  if (!settings.ok || !settings.value.cancelOnAbort) {
    io.info(
      'run-experiment post: the main step did not finish; its jobs keep running (re-run the workflow to re-attach)',
    )
    return
  }
  let jobs: z.infer<typeof SavedJobs>
  try {
    jobs = SavedJobs.parse(JSON.parse(state(SAVED.jobs) || '[]'))
  } catch (e) {
    io.annotate('warning', {
      message: `run-experiment post: cannot read the saved job ids (${messageOf(e)}); nothing cancelled`,
    })
    return
  }
  if (jobs.length === 0) return
  const transport = await reach(settings.value, new LocalTransport())
  if (!transport.ok) {
    io.annotate('warning', {
      message:
        `run-experiment post: cannot reach the cluster to cancel ${jobs.length} job(s): ` + transport.error.message,
    })
    return
  }
  try {
    for (const runDir of new Set(jobs.map((j) => j.runDir))) {
      const scheduler = await makeScheduler(settings.value, transport.value, runDir, defaultJobsDir(runDir))
      if (!scheduler.ok) continue
      const ids = jobs.filter((j) => j.runDir === runDir).map((j) => j.jobId)
      try {
        await scheduler.value.cancel(ids)
        io.info(`run-experiment post: cancel-on-abort: cancelled job(s) ${ids.join(', ')} of ${runDir}`)
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
