/**
 * One experiment, top to bottom: prepare (load & validate, run directory, tools, scaffold) -> scheduler
 * and lock -> the phases (state, staging, preflight, optimize, evaluate only what trained, verdict,
 * checklist) -> results, logs, artifact. Returns the report; publishing it (annotations, job summary,
 * outputs, verdict) is main.ts's job.
 */
import { acquireLock } from '../engine/lock.js'
import { LogFile } from '../engine/log.js'
import { Sealer } from '../engine/seal.js'
import { guardStorage } from '../engine/storage.js'
import { FILES } from '../names.js'
import { LiveReport } from '../report/live.js'
import type { RunReport, Status } from '../report/model.js'
import { type Problem } from '../result.js'
import { emptyDraft, type ExperimentContext, type ReportDraft } from './context.js'
import { logWarnings, prepare, type Prepared } from './prepare.js'
import { runPhases } from './phases.js'
import { endExperiment, liveReport } from './reporting.js'

export async function runExperiment(c: ExperimentContext): Promise<RunReport> {
  const draft = emptyDraft(new Date(), c.expDir)
  const soFar: SetUpSoFar = {}
  const run = await guardStorage(() => prepareAndRun(c, draft, soFar))
  if (run.ok) return run.value
  // A write the disk refused outside a phase (the lock, staging, the summary): stop cleanly, say why.
  const verdict = `stopped: ${run.error.message}`
  const report = { ...draft, status: 'failed' as const, verdict, errors: [...draft.errors, run.error] }
  return endExperiment(c, soFar.prepared, soFar.live, { ...report, endedAt: new Date() })
}

/** What prepareAndRun had set up when a storage failure cut it short: what the report's end needs. */
interface SetUpSoFar {
  prepared?: Prepared
  live?: LiveReport
}

/** Prepares the experiment, takes the scheduler, the lock and the run directory's secret, runs the phases. */
async function prepareAndRun(c: ExperimentContext, draft: ReportDraft, soFar: SetUpSoFar): Promise<RunReport> {
  const checkoutLog = new LogFile(c.remote ? c.runnerFs : c.transport, `${c.expDir}/${FILES.mainLog}`)
  const live = liveReport(c, draft.experimentName)
  soFar.live = live
  const stop = async (
    status: Status,
    verdict: string,
    errors: Problem[],
    log: LogFile | undefined,
  ): Promise<RunReport> => {
    const report = { ...draft, status, verdict, errors, logFiles: log ? [log.path] : [], endedAt: new Date() }
    return endExperiment(c, undefined, live, report, log)
  }
  /** A refusal after the experiment was read: logged in the checkout's log, nothing submitted. */
  const refuse = async (description: string, problem: Problem, verdict: string): Promise<RunReport> => {
    await checkoutLog.write({ action: 'ERROR', description, details: problem.message, result: 'nothing submitted' })
    return stop('failed', verdict, [problem], checkoutLog)
  }

  const prepared = await prepare(c, draft, checkoutLog)
  if (!prepared.ok)
    return stop(prepared.error.status, prepared.error.verdict, prepared.error.errors, prepared.error.log)
  const p = prepared.value
  live.rename(p.experiment.name)
  soFar.prepared = p
  const mainLog =
    p.runDir === c.expDir && !c.remote ? checkoutLog : new LogFile(c.transport, `${p.runDir}/${FILES.mainLog}`)

  const scheduler = await c.makeScheduler(p.runDir, p.runRoot)
  if (!scheduler.ok) return refuse('executor', scheduler.error, scheduler.error.message)
  await c.transport.mkdirp(p.runDir)
  const lock = await acquireLock(c.transport, `${p.runDir}/${FILES.workDir}/lock`, {
    staleAfterMs: Math.max(600_000, c.settings.maxPollInterval * 3000),
    ...(c.io.env['GITHUB_RUN_ID'] ? { run: c.io.env['GITHUB_RUN_ID'] } : {}),
  })
  if (!lock.ok) return refuse('lock', lock.error, 'another run holds this experiment')
  if (lock.value.tookOver) draft.warnings.push({ message: lock.value.tookOver })
  const sealer = await Sealer.open(c.transport, p.runRoot, p.runDir)
  if (!sealer.ok) {
    await guardStorage(() => lock.value.release())
    return refuse('run directory secret', sealer.error, sealer.error.message)
  }
  if (mainLog !== checkoutLog) {
    const where = `run directory is ${p.runDir}${c.remote ? ` on ${c.transport.description}` : ''}`
    await checkoutLog.write({ action: 'STAGE', details: where, result: 'the orchestration log continues there' })
    await logWarnings(mainLog, draft.warnings)
  }
  try {
    return await runPhases(c, p, draft, mainLog, scheduler.value, live, sealer.value, () => lock.value.heartbeat())
  } finally {
    // A lock that cannot be removed (read-only now) is taken over by the next run: its holder is gone.
    await guardStorage(() => lock.value.release())
  }
}
