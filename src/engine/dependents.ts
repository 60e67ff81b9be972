/**
 * Let the scheduler do the waiting: evaluations are queued with their training, behind it, so the
 * scheduler starts each one on the event of what it waits for ending — not at the action's next poll, and
 * whether or not the action still runs (a runner lives 5 days, a fine-tune may take longer).
 *
 * `all` (the requirement's order, the default): an evaluation waits for every training of the phase that
 * has not yet succeeded, so nothing starts before all training is done; they are queued once every
 * training has a job id. `own`: an evaluation waits for its own run's training only, and is queued as
 * soon as that training is. Evaluations of runs without training (controls) wait for every training in
 * `all`, for nothing in `own`.
 *
 * The action's judgement still decides: when a training fails for good (or exits 0 without its
 * checkpoint), its own evaluations are cancelled and the others no longer wait for it; when one is
 * submitted again (an out-of-memory or time-limit retry), what waited for it waits for the new job. Only
 * evaluations that must run are queued early (never run, failed, or of a training that runs again now);
 * the others — done, running, found again — are left to the evaluation phase. The queue limit counts
 * them, trainings first.
 */
import { isTerminal } from '../scheduler/scheduler.js'
import type { PlannedJob } from '../tools/tool.js'
import type { Evidence } from './evidence.js'
import { digestOf } from './inputs.js'
import { jobNameFor } from './outcome.js'
import { submit } from './submit.js'
import type { Dependents, PhaseContext, PhaseJobView, Resolution } from './types.js'

export type EvaluateAfter = 'all' | 'own'

interface Queued {
  job: PlannedJob
  jobId: string
  after: string[]
}

export class QueuedEvaluations implements Dependents {
  private readonly queued = new Map<string, Queued>()
  /** Evaluations already decided (queued here, or left to the evaluation phase). */
  private readonly decided = new Set<string>()
  /** How each evaluation queued here came to be, for the evaluation phase. */
  readonly earlier = new Map<string, { resolution: Resolution; rerun?: string }>()

  constructor(
    /** The evaluation phase's context: its tool, state, log and jobs. */
    private readonly ctx: PhaseContext,
    private readonly mode: EvaluateAfter,
    private readonly ev: Evidence,
  ) {
    // Queued in an earlier pass and still waiting: re-pointed and cancelled like the ones queued now.
    for (const job of ctx.jobs) {
      const e = ctx.state.get(job.key)
      if (!e?.job_id || isTerminal(e.state) || e.state === 'SUBMITTING' || !e.after?.length) continue
      this.queued.set(job.key, { job, jobId: e.job_id, after: [...e.after] })
      this.decided.add(job.key)
    }
  }

  inFlight(): number {
    return this.queued.size
  }

  /** The ids of the evaluations queued and not known to have ended (cancel-on-abort cancels them too). */
  ids(): string[] {
    return [...this.queued.values()].map((q) => q.jobId)
  }

  async fill(trainings: readonly PhaseJobView[], allSubmitted: boolean, slots: number): Promise<number> {
    if (this.mode === 'all' && !allSubmitted) return 0
    const byRun = new Map(trainings.map((t) => [t.job.run, t]))
    const waitFor = (run: string): string[] => {
      const own = byRun.get(run)
      const pending = (t: PhaseJobView): boolean => t.jobId !== null && t.result === undefined
      if (this.mode === 'own') return own && pending(own) ? [own.jobId as string] : []
      return trainings.filter(pending).map((t) => t.jobId as string)
    }
    let submitted = 0
    for (const job of this.ctx.jobs) {
      if (submitted >= slots) break
      if (this.decided.has(job.key)) continue
      const training = job.cell?.epoch === null ? undefined : byRun.get(job.run)
      if (training?.result === 'failed') continue // the evaluation phase reports it skipped
      if (this.mode === 'own' && training && training.jobId === null) continue // queued with its training
      const why = await this.mustRun(job, training)
      this.decided.add(job.key)
      if (why === undefined) continue
      const had = this.ctx.state.get(job.key)
      if (why && had?.validated === true) {
        await this.ctx.toolLog.write({
          action: 'DEPENDENCY_CHANGED',
          description: job.display,
          details: `job ${had.job_id ?? '?'} succeeded earlier, but ${why}`,
          result: 'will run again',
        })
      }
      const after = waitFor(job.run)
      const resolution: Resolution = this.ctx.state.get(job.key) ? 'resubmitted' : 'submitted'
      const r = await submit(this.ctx, { job, resolution }, this.ev.digests, after)
      if (r.kind === 'deferred') {
        this.decided.delete(job.key)
        break
      }
      // A submission that failed is recorded; the evaluation phase submits it again.
      if (r.kind === 'failed') continue
      const jobId = this.ctx.state.get(job.key)?.job_id
      if (!jobId) continue
      this.queued.set(job.key, { job, jobId, after })
      this.earlier.set(job.key, { resolution, ...(why ? { rerun: why } : {}) })
      submitted++
    }
    return submitted
  }

  async moved(training: PlannedJob, from: string, to: string): Promise<void> {
    for (const q of this.queued.values()) {
      if (!q.after.includes(from)) continue
      await this.repoint(
        q,
        q.after.map((id) => (id === from ? to : id)),
        `${training.display} runs again as job ${to}`,
      )
    }
  }

  async failed(training: PlannedJob, jobId: string | null, why: string): Promise<void> {
    const own = [...this.queued.values()].filter((q) => q.job.run === training.run && q.job.cell?.epoch !== null)
    if (own.length > 0) {
      await this.ctx.scheduler.cancel(own.map((q) => q.jobId))
      for (const q of own) {
        this.queued.delete(q.job.key)
        this.earlier.delete(q.job.key)
        const entry = this.ctx.state.get(q.job.key)
        const reason = `the training of ${training.run} did not succeed: ${why}`
        if (entry) await this.ctx.state.put(q.job.key, { ...entry, validated: false, error: `cancelled: ${reason}` })
        await this.ctx.toolLog.write({
          action: 'CANCEL_EVAL',
          description: q.job.display,
          details: `job ${q.jobId}: ${reason}`,
          result: 'cancelled before it could start (reported skipped)',
        })
      }
    }
    if (jobId === null) return
    for (const q of this.queued.values()) {
      if (!q.after.includes(jobId)) continue
      const released = `${training.display} (job ${jobId}) failed: no longer waited for`
      await this.repoint(
        q,
        q.after.filter((id) => id !== jobId),
        released,
      )
    }
  }

  /**
   * Whether an evaluation must run in this pass: '' when it never ran or failed, a reason when it had
   * succeeded but its training runs again now; undefined when the evaluation phase decides (it is done,
   * running, or recorded elsewhere — a foreign entry, a marker of a lost state).
   */
  private async mustRun(job: PlannedJob, training: PhaseJobView | undefined): Promise<string | undefined> {
    const entry = this.ctx.state.get(job.key)
    if (!entry) {
      if (this.ctx.state.foreignEntry(job.key)) return undefined
      const marked = await this.ev.marked.get()
      if (!marked.ok) return undefined
      const { inputs } = await this.ev.digests.of(job)
      const name = jobNameFor(this.ctx.experimentId, job.key)
      const digest = digestOf(inputs)
      return marked.value.some((m) => m.jobName === name && m.digest === digest) ? undefined : ''
    }
    if (entry.state === 'SUBMITTING' || (entry.job_id && !isTerminal(entry.state))) return undefined
    if (training?.submittedNow) return `the training of ${job.run} runs again (job ${training.jobId ?? '?'})`
    return entry.validated === true ? undefined : ''
  }

  private async repoint(q: Queued, after: string[], why: string): Promise<void> {
    const r = await this.ctx.scheduler.updateDependency(q.jobId, after)
    const entry = this.ctx.state.get(q.job.key)
    if (!r.ok) {
      await this.ctx.toolLog.write({
        action: 'DEPENDENCY_UPDATE_FAILED',
        description: q.job.display,
        details: `job ${q.jobId}: ${why}; ${r.error}`,
        result: 'left as it was: the evaluation phase checks it',
      })
      return
    }
    q.after = after
    if (entry) await this.ctx.state.put(q.job.key, { ...entry, after })
    await this.ctx.toolLog.write({
      action: 'DEPENDENCY_UPDATED',
      description: q.job.display,
      details: `job ${q.jobId}: ${why}; now waits for ${after.length ? after.join(', ') : 'nothing'}`,
      result: 'queued',
    })
  }
}
