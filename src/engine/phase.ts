/**
 * The generic machinery of one phase, for any tool module and any scheduler: resume from the
 * state (engine/resume.ts), submit capped, staggered and QoS-aware (engine/submit.ts), watch every job
 * with one poll per cycle and judge it when it ends (engine/watch.ts), until every job of the phase is
 * terminal — or a detach is asked for.
 */
import type { Problem } from '../result.js'
import { JobBoard } from './board.js'
import { foreignJobs, markedJobs } from './evidence.js'
import { InputDigests } from './inputs.js'
import { countBy } from './outcome.js'
import { resume, type Evidence } from './resume.js'
import { storageProblem } from './storage.js'
import { submit } from './submit.js'
import type { PhaseContext, PhaseResult } from './types.js'
import { pollOnce, type Outage } from './watch.js'

export async function runPhase(ctx: PhaseContext): Promise<PhaseResult> {
  const startedAt = new Date()
  const board = new JobBoard(ctx.jobs, ctx.state)
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
  for (;;) {
    if (aborted()) return true
    // Submit what the cap allows.
    let deferred = false
    for (let next = board.next(); next && board.inFlight() < ctx.scheduler.maxInFlight; next = board.next()) {
      if (aborted()) break
      if (ctx.beforeSubmit) await ctx.beforeSubmit()
      if (aborted()) break
      const r = await submit(ctx, next, digests)
      if (r.kind === 'deferred') {
        deferred = true
        break
      }
      if (r.kind === 'failed') board.settle(next, r.outcome)
      else board.submitted(next)
      counted()
      if (board.next() && ctx.scheduler.staggerSeconds > 0) await sleep(ctx.scheduler.staggerSeconds * 1000, ctx.signal)
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
