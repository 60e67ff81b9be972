/** cancel-on-abort: the jobs a detached run leaves running are cancelled, and the report and the state say so. */
import { markedJobs } from '../engine/evidence.js'
import type { LogFile } from '../engine/log.js'
import type { Sealer } from '../engine/seal.js'
import type { StateStore } from '../engine/state.js'
import { guardStorage } from '../engine/storage.js'
import type { PhaseResult } from '../engine/types.js'
import { messageOf } from '../result.js'
import { waitsInVain, type JobStatus, type Scheduler } from '../scheduler/scheduler.js'
import type { ReportDraft } from './context.js'

/** The outcomes of jobs cancel-on-abort cancelled say so (they are not running, and did not fail). */
export function markCancelled(r: PhaseResult | undefined, ids: string[]): PhaseResult | undefined {
  if (!r || ids.length === 0) return r
  const outcomes = r.outcomes.map((o) =>
    o.result === 'detached' && o.jobId && ids.includes(o.jobId) ? { ...o, state: 'CANCELLED' } : o,
  )
  return { ...r, outcomes }
}

/** The state says which jobs this run cancelled: a re-run submits them again instead of calling them failed. */
export async function noteCancelled(ids: readonly string[], stores: readonly StateStore[]): Promise<void> {
  for (const store of stores) {
    for (const [key, entry] of Object.entries(store.entries)) {
      if (!entry.job_id || !ids.includes(entry.job_id)) continue
      await guardStorage(() => store.put(key, { ...entry, cancel_requested: true }))
    }
  }
}

/** cancel-on-abort: the jobs still running when the run detached are cancelled; returns their ids. */
export async function cancelDetached(
  scheduler: Scheduler,
  log: LogFile,
  draft: ReportDraft,
  phases: (PhaseResult | undefined)[],
  queued: readonly string[] = [],
): Promise<string[]> {
  const running = phases
    .flatMap((r) => r?.outcomes ?? [])
    .flatMap((o) => (o.result === 'detached' && o.jobId ? [o.jobId] : []))
  const ids = [...new Set([...running, ...queued])]
  const failure = await scheduler.cancel(ids).then(
    () => undefined,
    (e: unknown) => messageOf(e),
  )
  const warning = `cancel-on-abort: could not cancel job(s) ${ids.join(', ')}`
  return reportCancel(log, draft, { details: `cancel-on-abort: ${ids.length} job(s)`, warning }, ids, failure)
}

/**
 * Says in the main log (and, when it failed, as a warning: `${warning}: ${failure}`) that `ids` were
 * cancelled; returns the ids cancelled.
 */
async function reportCancel(
  log: LogFile,
  draft: ReportDraft,
  say: { details: string; warning: string },
  ids: readonly string[],
  failure: string | undefined,
): Promise<string[]> {
  if (failure) draft.warnings.push({ message: `${say.warning}: ${failure}` })
  await log.write({
    action: 'CANCEL_JOBS',
    details: `${say.details}: ${ids.join(', ') || 'none'}`,
    result: failure ? `failed: ${failure}` : 'cancelled',
  })
  return failure ? [] : [...ids]
}

/**
 * At the end of a pass whose evaluations were partly skipped: a job of this run directory still queued
 * behind a dependency will never run (the phase that would have re-pointed it is over). Such jobs are an
 * earlier pass's evaluations whose record was lost since (a cleaned checkout), of runs whose training
 * failed: they are cancelled, so the queue holds nothing of this run waiting for ever. Returns their ids.
 */
export async function cancelStranded(
  scheduler: Scheduler,
  sealer: Sealer,
  experimentId: string,
  log: LogFile,
  draft: ReportDraft,
): Promise<string[]> {
  if (!scheduler.chainsJobs) return []
  const found = await markedJobs(scheduler, sealer, experimentId).get()
  const ids = found.ok ? found.value.filter((j) => queuedBehind(j.status)).map((j) => j.status.jobId) : []
  if (found.ok && ids.length === 0) return []
  const failure = found.ok
    ? await scheduler.cancel(ids).then(
        () => undefined,
        (e: unknown) => messageOf(e),
      )
    : found.error
  const details = `${ids.length} job(s) of this run directory queued behind a dependency that will never be met`
  return reportCancel(
    log,
    draft,
    { details, warning: 'jobs left waiting on a dependency could not be cancelled' },
    ids,
    failure,
  )
}

/** Pending behind a dependency (met, or not yet known to be unmet). */
function queuedBehind(status: JobStatus): boolean {
  return waitsInVain(status) || (status.state === 'PENDING' && status.reason === 'Dependency')
}
