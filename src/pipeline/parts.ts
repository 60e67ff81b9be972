/**
 * The pieces the pipeline's steps share: state locations, the detach signal, cancellation, preflight,
 * reporting hooks.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import type { Transport } from '../cluster/transport.js'
import { LogFile } from '../engine/log.js'
import type { PhaseResult } from '../engine/types.js'
import { legacyPath, parseUtcOffset, SHARED_DIR, sharedPath } from '../engine/cruijff-state.js'
import type { Sealer } from '../engine/seal.js'
import { StateStore } from '../engine/state.js'
import { guardStorage } from '../engine/storage.js'
import { FILES } from '../names.js'
import { StickyComment } from '../report/comment.js'
import { withDeadline } from '../report/deadline.js'
import { finishExperiment, type FinishContext } from '../report/finish.js'
import { LiveReport, linksFrom } from '../report/live.js'
import type { RunReport } from '../report/model.js'
import { messageOf, ok, type Problem, type Result } from '../result.js'
import type { Scheduler } from '../scheduler/scheduler.js'
import type { PlannedJob, ToolModule } from '../tools/tool.js'
import type { ExperimentContext, ReportDraft } from './context.js'
import type { Prepared } from './prepare.js'

/**
 * The paths the jobs still to run will read, checked where they run before anything is submitted
 * (cruijff_kit's submitters check only adapter base paths). Problems are located in the checkout's copy
 * of the file, so the annotation lands on the pull request's line.
 */
export async function preflight(c: ExperimentContext, p: Prepared, states: StateStore[]): Promise<Problem[]> {
  const todo = (jobs: PlannedJob[], state: StateStore | undefined): PlannedJob[] =>
    jobs.filter((j) => state?.get(j.key)?.validated !== true)
  const phases: [ToolModule, PlannedJob[]][] = [
    ...(c.settings.phases !== 'evaluate'
      ? [[p.optimizer, todo(p.training.jobs, states[0])] as [ToolModule, PlannedJob[]]]
      : []),
    ...(c.settings.phases !== 'optimize'
      ? [[p.evaluator, todo(p.evaluation.jobs, states[1])] as [ToolModule, PlannedJob[]]]
      : []),
  ]
  const problems: Problem[] = []
  for (const [tool, jobs] of phases) {
    if (!tool.preflight || jobs.length === 0) continue
    const found = await tool.preflight({ transport: c.transport, runDir: p.runDir, experiment: p.experiment, jobs })
    for (const x of found) {
      // A file outside the run directory (a config the script names by its absolute path) is named as is.
      const inCheckout = x.file && !x.file.startsWith('/') ? `${c.expDir}/${x.file}` : undefined
      const file =
        inCheckout && existsSync(inCheckout)
          ? inCheckout.startsWith(`${c.workspace}/`)
            ? relative(c.workspace, inCheckout)
            : inCheckout
          : x.file && (x.file.startsWith('/') ? x.file : `${p.runDir}/${x.file}`)
      problems.push({ ...x, ...(file ? { file } : {}) })
    }
  }
  return problems
}

/**
 * Each tool's resume state, where cruijff_kit's runner keeps it too (`logs/`), merged with what earlier
 * versions of the action wrote at the run directory's root. `submitted_at` is in the cluster's local
 * time, as cruijff_kit's tools read it there.
 */
export async function openStates(
  transport: Transport,
  runDir: string,
  tools: ToolModule[],
  sealer: Sealer,
): Promise<Result<StateStore[]>> {
  const offset = await clusterUtcOffset(transport)
  const stores: StateStore[] = []
  for (const tool of tools) {
    const location = {
      shared: sharedPath(runDir, tool.stateFile),
      legacy: [
        {
          path: legacyPath(runDir, tool.stateFile),
          retiredTo: `${runDir}/${FILES.workDir}/${tool.stateFile}.before-logs`,
        },
      ],
      intents: `${runDir}/${FILES.workDir}/submitting-${tool.stateFile}`,
    }
    const s = await StateStore.open(transport, location, {
      sealer,
      ...(offset === undefined ? {} : { utcOffsetMinutes: offset }),
    })
    if (!s.ok) return s
    stores.push(s.value)
  }
  return ok(stores)
}

/** Minutes east of UTC on the cluster (`date +%z` where the jobs run), or undefined (then this runner's). */
export async function clusterUtcOffset(transport: Transport): Promise<number | undefined> {
  const r = await transport.exec(['date', '+%z'], { timeoutMs: 30_000 }).catch(() => undefined)
  return r && r.code === 0 ? parseUtcOffset(r.stdout) : undefined
}

/**
 * The signal the phases watch: the workflow's cancellation, or cruijff_kit's detach sentinel
 * (`logs/.detach`, sticky until removed), looked for before each submission and after each poll.
 */
export function detachOn(
  cancelled: AbortSignal,
  transport: Transport,
  sentinel: string,
): { signal: AbortSignal; check: () => Promise<void> } {
  const controller = new AbortController()
  const follow = (): void => {
    controller.abort(cancelled.reason)
  }
  if (cancelled.aborted) follow()
  else cancelled.addEventListener('abort', follow, { once: true })
  return {
    signal: controller.signal,
    check: async () => {
      if (!controller.signal.aborted && (await transport.stat(sentinel)) !== null) controller.abort('sentinel')
    },
  }
}

/** How long a cancelled run waits for the upload between phases before it finishes (SIGTERM follows SIGINT). */
export const ABORTED_UPLOAD_WAIT_MS = 3000

/** The final upload's deadline in a cancelled run: a runner sends SIGTERM 7.5 s after SIGINT. */
export const ABORTED_UPLOAD_DEADLINE_MS = 4000

/** Waits for a background task, at most `ms` when given; its failures are its own (recorded in the report). */
export async function settled(task: Promise<void> | undefined, ms?: number): Promise<void> {
  if (!task) return
  await (ms === undefined ? task : withDeadline(task, ms, () => undefined))
}

/**
 * When an evaluation's training last succeeded: an evaluation submitted before that evaluated an
 * earlier model, and runs again (the training re-ran because its inputs changed or its checkpoint went).
 */
export function trainingDependency(
  trainingJobs: PlannedJob[],
  training: StateStore,
): (job: PlannedJob) => { changedAt: string; what: string; jobId?: string } | undefined {
  return (job) => {
    if (job.cell?.epoch === null) return undefined
    const t = trainingJobs.find((x) => x.run === job.run)
    const e = t ? training.get(t.key) : undefined
    // Whichever runner submitted it (cruijff_kit records only its local submitted_at).
    const at = e?.validated ? training.submittedIso(e) : undefined
    if (!e || !at) return undefined
    return {
      changedAt: at,
      what: `the training of ${job.run} ran again (job ${e.job_id ?? '?'})`,
      ...(e.job_id ? { jobId: e.job_id } : {}),
    }
  }
}

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
  if (failure)
    draft.warnings.push({ message: `cancel-on-abort: could not cancel job(s) ${ids.join(', ')}: ${failure}` })
  await log.write({
    action: 'CANCEL_JOBS',
    details: `cancel-on-abort: ${ids.length} job(s): ${ids.join(', ') || 'none'}`,
    result: failure ? `failed: ${failure}` : 'cancelled',
  })
  return failure ? [] : ids
}

/** Progress lines and the pull-request comment of one experiment. */
export function liveReport(c: ExperimentContext, name: string): LiveReport {
  const target = c.commentTarget
  const key = `${relative(c.workspace, c.expDir) || '.'}/experiment_summary.yaml`
  const comment =
    target && c.settings.githubToken && c.settings.comment !== 'never'
      ? {
          sticky: new StickyComment({
            token: c.settings.githubToken,
            target,
            key,
            ...(c.io.env['GITHUB_API_URL'] ? { apiUrl: c.io.env['GITHUB_API_URL'] } : {}),
          }),
          mode: c.settings.comment,
        }
      : undefined
  return new LiveReport({
    experimentName: name,
    info: (line) => {
      c.io.info(line)
    },
    warn: (message) => {
      c.io.annotate('warning', { field: 'comment', message })
    },
    logFor: () => undefined,
    ...(comment ? { comment } : {}),
    links: linksFrom(c.io.env),
  })
}

/** The end of an experiment's pass: results files, the COMPLETE block and the artifact, then the final comment. */
export async function endExperiment(
  c: ExperimentContext,
  p: Prepared | undefined,
  live: LiveReport | undefined,
  report: RunReport,
  log?: LogFile,
): Promise<RunReport> {
  const finished = await finishExperiment(finishContext(c, p), report, log)
  await live?.finish(finished)
  return finished
}

export function finishContext(c: ExperimentContext, p: Prepared | undefined): FinishContext {
  return {
    // Artifact files are job outputs: read through the confinement (writes pass through).
    transport: p?.reads ?? c.transport,
    env: c.io.env,
    summarize: c.settings.summarize,
    artifact: {
      name: c.settings.artifactName,
      retentionDays: c.settings.retentionDays,
      includeEvalLogs: c.settings.includeEvalLogs,
    },
    moduleFiles: p
      ? [p.optimizer, p.evaluator].flatMap((t) => [t.logFile, t.stateFile]).map((f) => `${SHARED_DIR}/${f}`)
      : [],
    ...(c.signal.aborted ? { uploadDeadlineMs: ABORTED_UPLOAD_DEADLINE_MS } : {}),
    ...(c.finishNow ? { finishNow: c.finishNow } : {}),
  }
}

export function sha6(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 6)
}
