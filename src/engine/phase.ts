/**
 * The generic machinery of one phase, for any tool module and any scheduler: resume from the
 * state (engine/resume.ts), submit capped, staggered and QoS-aware (engine/submit.ts), watch every job
 * with one poll per cycle and judge it when it ends (engine/watch.ts), until every job of the phase is
 * terminal — or a detach is asked for.
 */
import type { Problem } from '../result.js'
import { JobBoard } from './board.js'
import { evidenceOf } from './evidence.js'
import type { InputDigests } from './inputs.js'
import { countBy } from './outcome.js'
import { resume } from './resume.js'
import { storageProblem } from './storage.js'
import { submit } from './submit.js'
import type { PhaseContext, PhaseResult } from './types.js'
import { pollOnce, type Outage } from './watch.js'

export async function runPhase(ctx: PhaseContext): Promise<PhaseResult> {
  const startedAt = new Date()
  const board = new JobBoard(ctx.jobs, ctx.state)
  // What an earlier phase of this pass submitted for this one counts as submitted in this pass.
  let submissions = [...(ctx.earlier?.values() ?? [])].filter((e) => e.resolution !== 'reattached').length

  // 1. Resume: decide for every job what the state says. 2. Submit and monitor until every job is terminal.
  // A run directory that cannot be written (full, read-only) stops the watching: jobs keep running.
  let detached: boolean
  let stopped: Problem | undefined
  const ev = ctx.evidence ?? evidenceOf({ ...ctx, states: [{ state: ctx.state, keys: ctx.jobs.map((j) => j.key) }] })
  try {
    for (const job of ctx.jobs) {
      const r = await resume(ctx, job, ev)
      board.add(r.tracked, r.submit)
    }
    detached = await monitor(ctx, board, startedAt, () => submissions++, ev.digests)
  } catch (e) {
    stopped = storageProblem(e)
    if (!stopped) throw e
    detached = true
  }

  // 3. Outcomes, and the phase's closing block.
  const outcomes = board.outcomes()
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
  board: JobBoard,
  startedAt: Date,
  counted: () => void,
  digests: InputDigests,
): Promise<boolean> {
  // A call, not a property read: the signal changes while we await, which narrowing cannot see.
  const aborted = (): boolean => ctx.signal.aborted
  let interval = ctx.settings.pollInterval
  let firstRound = true
  const outage: Outage = {}
  const dependents = ctx.dependents
  // The next phase's queued jobs count against the queue limit too; this phase's jobs come first.
  const free = (): number => ctx.scheduler.maxInFlight - board.inFlight() - (dependents?.inFlight() ?? 0)
  for (;;) {
    if (aborted()) return true
    // Submit what the cap allows.
    let deferred = false
    for (let next = board.next(); next && free() > 0; next = board.next()) {
      if (aborted()) break
      if (ctx.beforeSubmit) await ctx.beforeSubmit()
      if (aborted()) break
      const before = ctx.state.get(next.job.key)?.job_id
      const r = await submit(ctx, next, digests)
      if (r.kind === 'deferred') {
        deferred = true
        break
      }
      if (r.kind === 'failed') board.settle(next, r.outcome)
      else board.submitted(next)
      counted()
      const now = ctx.state.get(next.job.key)?.job_id
      if (dependents && before && now && before !== now) await dependents.moved(next.job, before, now)
      if (board.next() && ctx.scheduler.staggerSeconds > 0) await sleep(ctx.scheduler.staggerSeconds * 1000, ctx.signal)
    }
    if (dependents) {
      for (const o of board.drainSettled())
        if (o.result === 'failed') await dependents.failed(o.job, o.jobId, o.error ?? o.state)
      if (!deferred && !aborted() && !board.next() && free() > 0)
        await dependents.fill(board.views(), board.allSubmitted(), free())
    }
    if (firstRound) {
      firstRound = false
      ctx.onFirstRound?.()
    }
    const finished = board.finished()
    await ctx.onProgress?.(board.snapshot(ctx.tool.phase, startedAt, finished))
    if (finished) return false

    await sleep(interval * 1000, ctx.signal)
    if (aborted()) return true
    const changed = await pollOnce(ctx, board, outage, digests)
    board.requeueRetries()
    if (ctx.onCycle) await ctx.onCycle()
    interval =
      changed || deferred
        ? ctx.settings.pollInterval
        : Math.min(interval * 1.5, Math.max(ctx.settings.maxPollInterval, ctx.settings.pollInterval))
  }
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
