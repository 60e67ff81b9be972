/** Under the experiment's lock: state, staging, preflight, optimize, evaluate, verdict, checklist, results. */
import { createHash } from 'node:crypto'
import { stageFiles } from '../cluster/stage.js'
import { gateEvaluations, trainingFromCheckpoints, trainingFromOutcomes, type SkippedEval } from '../engine/eligible.js'
import { LogFile } from '../engine/log.js'
import { runModule } from '../engine/module.js'
import { QueuedEvaluations } from '../engine/dependents.js'
import { outputPatternRegex } from '../scheduler/script.js'
import { readerOf } from '../tools/job-files.js'
import { experimentFiles, inputsOf, unresolvedLines, writtenIn, writtenPlaces } from './files.js'
import { evidenceOf } from '../engine/evidence.js'
import { MeteredScheduler } from '../engine/meter.js'
import type { JobOutcome, PhaseContext, PhaseResult, PhaseSnapshot } from '../engine/types.js'
import { DETACH_SENTINEL, sharedPath } from '../engine/cruijff-state.js'
import type { Sealer } from '../engine/seal.js'
import { StateStore } from '../engine/state.js'
import { stagingPolicy } from '../engine/staging.js'
import { publishArtifact } from '../report/finish.js'
import { LiveReport } from '../report/live.js'
import type { RunReport, Status } from '../report/model.js'
import { countOutcomes, statusOf } from '../report/verdict.js'
import { formatProblem, type Problem } from '../result.js'
import type { Scheduler } from '../scheduler/scheduler.js'
import type { PlannedJob, ToolModule } from '../tools/tool.js'
import { cancelDetached, cancelStranded, markCancelled, noteCancelled } from './cancel.js'
import { conclude } from './conclude.js'
import type { ExperimentContext, ReportDraft } from './context.js'
import { ABORTED_UPLOAD_WAIT_MS, detachOn, settled } from './detach.js'
import { preflight } from './preflight.js'
import type { Prepared } from './prepare.js'
import { endExperiment, finishContext } from './reporting.js'
import { openStates } from './states.js'

/** Under the lock: state, staging, optimize, evaluate, verdict, checklist, results. */
export async function runPhases(
  c: ExperimentContext,
  p: Prepared,
  draft: ReportDraft,
  mainLog: LogFile,
  scheduler: Scheduler,
  live: LiveReport,
  sealer: Sealer,
  heartbeat: () => Promise<void>,
): Promise<RunReport> {
  const { transport, settings } = c
  const { runDir, optimizer, evaluator, experiment } = p
  const finish = (report: RunReport): Promise<RunReport> => endExperiment(c, p, live, report, mainLog)
  /** Stopped before anything was submitted: the orchestration log says why. */
  const refuse = (status: Status, verdict: string, errors: Problem[]): Promise<RunReport> =>
    finish({ ...draft, status, verdict, errors, logFiles: [mainLog.path], endedAt: new Date() })
  const states = await openStates(transport, runDir, [optimizer, evaluator], sealer)
  if (!states.ok) {
    await mainLog.write({
      action: 'ERROR',
      description: 'resume state',
      details: formatProblem(states.error),
      result: 'nothing submitted',
    })
    return refuse('failed', 'the resume state is unreadable', [states.error])
  }
  const [optimizeState, evaluateState] = states.value as [StateStore, StateStore]
  const phases: [ToolModule, PlannedJob[]][] = [
    [optimizer, p.training.jobs],
    [evaluator, p.evaluation.jobs],
  ]
  if (runDir !== c.expDir || c.remote) {
    const entries = [...Object.values(optimizeState.entries), ...Object.values(evaluateState.entries)]
    // What the jobs write, as their tools (from the checked-out scripts) and the scheduler name it.
    const checkout = await experimentFiles(c.expDir, phases, readerOf(c.runnerFs))
    const jobs = phases.flatMap(([, j]) => j)
    const patterns = phases.flatMap(([tool]) => (tool.resultFiles ? [tool.resultFiles] : []))
    for (const job of jobs) {
      const dir = `${c.expDir}/${job.dir}`
      const script = (await c.runnerFs.readFile(`${dir}/${job.script}`))?.toString('utf8') ?? ''
      patterns.push(outputPatternRegex(scheduler.outputPattern(script, dir)))
    }
    const written = writtenIn(c.expDir, jobs, checkout, patterns)
    const staged = await stageFiles(c.expDir, runDir, transport, stagingPolicy(entries, written))
    for (const x of staged.conflicts) draft.warnings.push({ file: x.path, message: `staging conflict: ${x.reason}` })
    await mainLog.write({
      action: 'STAGE',
      description: `${c.expDir} -> ${runDir}`,
      details:
        `${staged.copied.length} copied, ${staged.updated.length} updated, ${staged.unchanged} unchanged, ` +
        `${staged.conflicts.length} conflicts${staged.conflicts.map((x, i) => `${i ? ',' : ':'} ${x.path}`).join('')}`,
      result: staged.conflicts.length ? 'staged with conflicts (kept the run directory version)' : 'staged',
    })
  }

  const experimentId = `${experiment.name.replace(/[^\w.-]+/g, '_').slice(0, 24)}-${sha6(runDir)}`
  const detach = detachOn(c.signal, transport, `${runDir}/${DETACH_SENTINEL}`)
  // Each phase's use of the scheduler is measured on its own (the compute section reports it).
  const meters = { optimize: new MeteredScheduler(scheduler), evaluate: new MeteredScheduler(scheduler) }
  const common = {
    experiment,
    experimentId,
    runDir,
    transport,
    reads: p.reads,
    scheduler: settings.phases === 'evaluate' ? meters.evaluate : meters.optimize,
    sealer,
    settings: {
      pollInterval: settings.pollInterval,
      maxPollInterval: settings.maxPollInterval,
      maxResumes: settings.maxResumes,
    },
    signal: detach.signal,
    onCycle: async () => {
      await heartbeat()
      await detach.check()
    },
    beforeSubmit: detach.check,
    onWatched: (id: string) => c.onWatched?.(runDir, id),
    onDeferred: async (job: PlannedJob, message: string) => {
      await mainLog.write({
        action: 'SUBMIT_DEFERRED',
        description: job.display,
        details: message,
        result: 'queue limit reached: waiting, then retrying',
      })
    },
    onWarning: (_job: PlannedJob, message: string) => {
      // The tool's words name what they are about; one about a shared thing (a log several cells see) once.
      if (!draft.warnings.some((w) => w.message === message)) draft.warnings.push({ message })
    },
    onProgress: (snapshot: PhaseSnapshot) => live.progress(snapshot),
  }
  const partial = (extra: Partial<RunReport>): RunReport => ({
    ...draft,
    status: 'partial',
    verdict: '',
    endedAt: new Date(),
    ...extra,
  })
  const toolLog = (tool: ToolModule): LogFile => new LogFile(transport, sharedPath(runDir, tool.logFile))
  const logs = { optimize: toolLog(optimizer), evaluate: toolLog(evaluator) }
  live.useLogs((phase) => (phase === 'optimize' ? logs.optimize : phase === 'evaluate' ? logs.evaluate : undefined))

  // What the jobs read and write, from their scripts and configs as staged: rerun triggers, the places
  // whose outputs may be read back, and what cannot be known before they run.
  const files = await experimentFiles(runDir, phases, readerOf(transport))
  p.reads.allow(writtenPlaces(files))
  const unknown = unresolvedLines(files)
  if (unknown.length > 0) {
    await mainLog.write({
      action: 'PATHS_UNKNOWN',
      description: `${unknown.length} path(s) the jobs name are only known when they run`,
      lines: unknown,
      result: 'not checked before submission, not rerun triggers',
    })
  }
  const missingInputs = await preflight(c, p, [optimizeState, evaluateState])
  if (missingInputs.length > 0) {
    await mainLog.write({
      action: 'PREFLIGHT',
      description: `${missingInputs.length} path(s) the jobs read are missing`,
      lines: missingInputs.map(formatProblem),
      result: 'nothing submitted',
    })
    const verdict = `${missingInputs.length} path(s) the jobs would read do not exist on the cluster`
    return refuse('invalid', verdict, missingInputs)
  }

  let optimize: PhaseResult | undefined
  let evaluate: PhaseResult | undefined
  let priorTraining: JobOutcome[] = []
  const skipped: SkippedEval[] = p.evaluation.missing.flatMap((m) =>
    m.cell && settings.phases !== 'optimize'
      ? [
          {
            display: m.display,
            run: m.run,
            task: m.cell.task,
            epoch: m.cell.epoch,
            reason: `no job script (${m.paths.join(', ')})`,
          },
        ]
      : [],
  )
  await detach.check()
  const evidence = evidenceOf({
    ...common,
    inputsOf: inputsOf(files),
    states: [
      { state: optimizeState, keys: p.training.jobs.map((j) => j.key) },
      { state: evaluateState, keys: p.evaluation.jobs.map((j) => j.key) },
    ],
  })
  const evaluation: PhaseContext = {
    ...common,
    scheduler: meters.evaluate,
    evidence,
    tool: evaluator,
    jobs: p.evaluation.jobs,
    state: evaluateState,
    toolLog: logs.evaluate,
    dependency: trainingDependency(p.training.jobs, optimizeState),
  }
  // Evaluations queued behind their training, so the scheduler starts them (evaluate-after), where the
  // scheduler can chain jobs; else they are submitted after the training, as the requirement orders.
  const queued =
    settings.phases === 'all' && scheduler.chainsJobs
      ? new QueuedEvaluations(evaluation, settings.evaluateAfter, evidence)
      : undefined
  if (settings.phases !== 'evaluate') {
    const phase: PhaseContext = {
      ...common,
      evidence,
      tool: optimizer,
      jobs: p.training.jobs,
      state: optimizeState,
      toolLog: logs.optimize,
      ...(queued ? { dependents: queued } : {}),
    }
    optimize = { ...(await runModule(mainLog, phase)), scheduler: meters.optimize.use() }
  }
  // The artifact between the phases is uploaded while the evaluations run, never before they are submitted.
  let between: Promise<void> | undefined
  if (settings.phases !== 'optimize' && !optimize?.detached) {
    let verdicts
    if (optimize) verdicts = trainingFromOutcomes(optimize.outcomes)
    else {
      const known = await trainingFromCheckpoints(optimizer, p.training.jobs, experiment, transport, runDir)
      verdicts = known.verdicts
      priorTraining = known.outcomes
    }
    const gate = gateEvaluations(p.evaluation.jobs, verdicts)
    skipped.push(...gate.skipped)
    for (const s of gate.skipped) {
      await mainLog.write({ action: 'SKIP_EVAL', description: s.display, details: s.reason, result: 'not submitted' })
    }
    const trained = optimize
    const phase: PhaseContext = {
      ...evaluation,
      jobs: gate.runnable,
      ...(queued ? { earlier: queued.earlier } : {}),
      onFirstRound: () => {
        if (trained) between = publishArtifact(finishContext(c, p), partial({ optimize: trained }), false)
      },
    }
    evaluate = { ...(await runModule(mainLog, phase)), scheduler: meters.evaluate.use() }
    if (skipped.length > 0 && !evaluate.detached) await cancelStranded(scheduler, sealer, experimentId, mainLog, draft)
  }

  const stopped = optimize?.stopped ?? evaluate?.stopped
  const detached = Boolean(optimize?.detached || evaluate?.detached)
  // Cancel first (a runner's SIGTERM follows its SIGINT within seconds), upload after. cruijff_kit's
  // sentinel detaches without cancelling anything, whatever cancel-on-abort says.
  const cancel = detached && settings.cancelOnAbort && !stopped && c.signal.aborted
  if (cancel) {
    const cancelled = await cancelDetached(scheduler, mainLog, draft, [optimize, evaluate], queued?.ids())
    optimize = markCancelled(optimize, cancelled)
    evaluate = markCancelled(evaluate, cancelled)
    await noteCancelled(cancelled, [optimizeState, evaluateState])
  }
  await settled(between, c.signal.aborted ? ABORTED_UPLOAD_WAIT_MS : undefined)
  const counts = countOutcomes(optimize?.outcomes ?? [], evaluate?.outcomes ?? [], skipped)
  const { status, verdict } = stopped
    ? {
        status: 'failed' as const,
        verdict: `stopped watching: ${stopped.message}; the jobs keep running, re-run once it is fixed`,
      }
    : detached
      ? {
          status: 'failed' as const,
          verdict:
            detach.signal.reason === 'sentinel'
              ? `detached by ${DETACH_SENTINEL}: jobs keep running; remove it, then re-run to re-attach`
              : `detached by ${String(c.signal.reason ?? 'a signal')}: ` +
                (cancel ? 'jobs cancelled (cancel-on-abort)' : 'jobs keep running; re-run to re-attach'),
        }
      : statusOf(counts)
  if (stopped) draft.errors.push(stopped)
  const logFiles = [
    mainLog.path,
    ...(optimize ? [sharedPath(runDir, optimizer.logFile)] : []),
    ...(evaluate ? [sharedPath(runDir, evaluator.logFile)] : []),
  ]
  const report: RunReport = {
    ...draft,
    ...{ status, verdict, optimize, evaluate, skippedEvals: skipped, priorTraining, counts, logFiles, detached },
    endedAt: new Date(),
  }
  await conclude(report, {
    transport,
    scheduler,
    runDir,
    optimizer,
    evaluator,
    gates: p.gates,
    asked: { optimize: settings.phases !== 'evaluate', evaluate: settings.phases !== 'optimize' },
    mainLog,
  })
  return finish(report)
}

/**
 * When an evaluation's training last succeeded: an evaluation submitted before that evaluated an
 * earlier model, and runs again (the training re-ran because its inputs changed or its checkpoint went).
 */
function trainingDependency(
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

/** The first 6 hex digits of the text's sha256: the experiment id's mark of its run directory. */
function sha6(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 6)
}
