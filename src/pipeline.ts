/**
 * One experiment, top to bottom: load & validate -> verify scaffold -> lock, state, stage ->
 * optimize -> evaluate (only runs whose training succeeded) -> checklist, logs, summaries, artifact.
 * Returns the report; publishing it (annotations, job summary, outputs, verdict) is main.ts's job.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import { stageFiles } from './cluster/stage.js'
import type { Transport } from './cluster/transport.js'
import { gateEvaluations, trainingFromCheckpoints, trainingFromOutcomes, type SkippedEval } from './engine/gate.js'
import { acquireLock } from './engine/lock.js'
import { LogFile } from './engine/log.js'
import { runModule } from './engine/module.js'
import type { JobOutcome, PhaseResult, PhaseSnapshot } from './engine/phase.js'
import { DETACH_SENTINEL, legacyPath, parseUtcOffset, SHARED_DIR, sharedPath } from './engine/cruijff-state.js'
import { StateStore } from './engine/state.js'
import { stagingPolicy } from './engine/staging.js'
import { guardStorage } from './engine/storage.js'
import { loadExperiment } from './experiment/load.js'
import type { Experiment } from './experiment/model.js'
import type { Settings } from './inputs.js'
import type { ActionIO } from './io.js'
import { FILES } from './names.js'
import { checklist, gated, writeChecklist } from './report/checklist.js'
import { StickyComment, commentTarget } from './report/comment.js'
import { computeOf } from './report/compute.js'
import { finishExperiment, publishArtifact, type FinishContext } from './report/finish.js'
import type { BoundCondition } from './report/gates.js'
import { LiveReport, linksFrom } from './report/live.js'
import { applyRequirements, bindRequirements } from './report/requirements.js'
import type { RunReport, Status } from './report/model.js'
import { countOutcomes, statusOf } from './report/verdict.js'
import { err, formatProblem, messageOf, ok, type Problem, type Result } from './result.js'
import type { Scheduler } from './scheduler/scheduler.js'
import { loaderToolNames, toolFor } from './tools/index.js'
import type { PlannedJob, ScaffoldPlan, ToolModule } from './tools/tool.js'

export interface ExperimentContext {
  io: ActionIO
  signal: AbortSignal
  transport: Transport
  settings: Settings
  /** The checked-out experiment directory (absolute, on the runner). */
  expDir: string
  workspace: string
  /** Makes the scheduler for a run directory. */
  makeScheduler: (runDir: string) => Promise<Result<Scheduler>>
  /** The run directory when the transport reaches another machine (SSH) and the YAML says none. */
  remoteRunDir?: string
  /** True when files must be staged to another machine. */
  remote: boolean
  /** The runner's own filesystem (logs about the checkout go there). */
  runnerFs: Transport
  /** Called with every job the run watches: submitted, re-attached or found again (for the post step). */
  onWatched?: (runDir: string, jobId: string) => void
  /** Aborted by the runner's second signal: finish now (uploads abandoned), the step is about to be killed. */
  hurry?: AbortSignal
}

type Base = Omit<RunReport, 'status' | 'verdict' | 'endedAt'>

/** What validation and the scaffold check established, before anything touches the cluster. */
interface Prepared {
  experiment: Experiment
  runDir: string
  optimizer: ToolModule
  evaluator: ToolModule
  training: ScaffoldPlan
  evaluation: ScaffoldPlan
  /** The require conditions, their names checked against this experiment. */
  gates: BoundCondition[]
}

export async function runExperiment(c: ExperimentContext): Promise<RunReport> {
  const base: Base = {
    experimentName: c.expDir.split('/').pop() ?? c.expDir,
    runDir: c.expDir,
    startedAt: new Date(),
    skippedEvals: [],
    priorTraining: [],
    errors: [],
    warnings: [],
    logFiles: [],
    nextSteps: [],
    detached: false,
    counts: countOutcomes([], [], []),
  }
  const known: Known = {}
  const run = await guardStorage(() => runIn(c, base, known))
  if (run.ok) return run.value
  // A write the disk refused outside a phase (the lock, staging, the summary): stop cleanly, say why.
  const verdict = `stopped: ${run.error.message}`
  const report = { ...base, status: 'failed' as const, verdict, errors: [...base.errors, run.error] }
  const finished = await finishExperiment(finishContext(c, known.prepared), { ...report, endedAt: new Date() })
  await known.live?.finish(finished)
  return finished
}

/** What runIn had established when a storage failure cut it short. */
interface Known {
  prepared?: Prepared
  live?: LiveReport
}

async function runIn(c: ExperimentContext, base: Base, known: Known): Promise<RunReport> {
  const checkoutLog = new LogFile(c.remote ? c.runnerFs : c.transport, `${c.expDir}/${FILES.mainLog}`)
  const live = liveReport(c, base.experimentName)
  known.live = live
  const stop = async (
    status: Status,
    verdict: string,
    errors: Problem[],
    log: LogFile | undefined,
  ): Promise<RunReport> => {
    const report = { ...base, status, verdict, errors, logFiles: log ? [log.path] : [], endedAt: new Date() }
    const finished = await finishExperiment(finishContext(c, undefined), report, log)
    await live.finish(finished)
    return finished
  }

  const prepared = await prepare(c, base, checkoutLog)
  if (!prepared.ok)
    return stop(prepared.error.status, prepared.error.verdict, prepared.error.errors, prepared.error.log)
  const p = prepared.value
  live.rename(p.experiment.name)
  known.prepared = p
  const mainLog =
    p.runDir === c.expDir && !c.remote ? checkoutLog : new LogFile(c.transport, `${p.runDir}/${FILES.mainLog}`)

  const scheduler = await c.makeScheduler(p.runDir)
  if (!scheduler.ok) {
    await checkoutLog.write({
      action: 'ERROR',
      description: 'executor',
      details: scheduler.error.message,
      result: 'nothing submitted',
    })
    return stop('failed', scheduler.error.message, [scheduler.error], checkoutLog)
  }
  await c.transport.mkdirp(p.runDir)
  const lock = await acquireLock(c.transport, `${p.runDir}/${FILES.workDir}/lock`, {
    staleAfterMs: Math.max(600_000, c.settings.maxPollInterval * 3000),
    ...(c.io.env['GITHUB_RUN_ID'] ? { run: c.io.env['GITHUB_RUN_ID'] } : {}),
  })
  if (!lock.ok) {
    await checkoutLog.write({
      action: 'ERROR',
      description: 'lock',
      details: lock.error.message,
      result: 'nothing submitted',
    })
    return stop('failed', 'another run holds this experiment', [lock.error], checkoutLog)
  }
  if (lock.value.tookOver) base.warnings.push({ message: lock.value.tookOver })
  if (mainLog !== checkoutLog) {
    const where = `run directory is ${p.runDir}${c.remote ? ` on ${c.transport.description}` : ''}`
    await checkoutLog.write({ action: 'STAGE', details: where, result: 'the orchestration log continues there' })
    await logWarnings(mainLog, base.warnings)
  }
  try {
    return await runPhases(c, p, base, mainLog, scheduler.value, live, () => lock.value.heartbeat())
  } finally {
    // A lock that cannot be removed (read-only now) is taken over by the next run: its holder is gone.
    await guardStorage(() => lock.value.release())
  }
}

/** Locate and validate the summary, choose the run directory and the tools, check the scaffold. */
async function prepare(
  c: ExperimentContext,
  base: Base,
  log: LogFile,
): Promise<Result<Prepared, { status: Status; verdict: string; errors: Problem[]; log?: LogFile }>> {
  const shown = (path: string): string => (path.startsWith(`${c.workspace}/`) ? relative(c.workspace, path) : path)
  const summaryPath = `${c.expDir}/experiment_summary.yaml`
  if (!existsSync(summaryPath) || !statSync(summaryPath).isFile()) {
    const message = `no experiment_summary.yaml in ${c.expDir}`
    const hint = 'run the design-experiment step first to create it; nothing was submitted'
    return err({
      status: 'invalid',
      verdict: 'no experiment_summary.yaml',
      errors: [{ file: shown(summaryPath), message, hint }],
    })
  }
  const s = c.settings
  await log.write({
    action: 'DISCOVER_EXPERIMENT',
    description: shown(c.expDir),
    details:
      `summary ${summaryPath}; phases=${s.phases}; executor=${s.executor}` +
      (s.ssh ? `; via ssh ${s.ssh.user}@${s.ssh.host}:${s.ssh.port}` : ''),
    result: 'found',
  })

  const text = readFileSync(summaryPath, 'utf8')
  const loaded = loadExperiment(text, summaryPath, shown(summaryPath), loaderToolNames())
  base.warnings.push(...loaded.warnings)
  if (!loaded.experiment) {
    const verdict = `${loaded.errors.length} problem(s) in experiment_summary.yaml`
    await log.write({
      action: 'VALIDATE_EXPERIMENT',
      description: shown(summaryPath),
      details: loaded.errors.map(formatProblem).join('\n'),
      result: `invalid: ${loaded.errors.length} problem(s); nothing submitted`,
    })
    return err({ status: 'invalid', verdict, errors: loaded.errors, log })
  }
  const experiment = loaded.experiment
  base.experiment = experiment
  base.experimentName = experiment.name
  const declared =
    experiment.declaredDir && isAbsolute(experiment.declaredDir) ? resolve(experiment.declaredDir) : undefined
  const runDir = c.remoteRunDir ?? declared ?? (c.remote ? '' : c.expDir)
  if (!runDir) {
    const e: Problem = {
      file: shown(summaryPath),
      field: 'experiment.dir',
      message:
        'over SSH the run directory must be on the cluster: set experiment.dir to an absolute path there, or ' +
        'the remote-experiment-dir input',
    }
    await log.write({ action: 'ERROR', description: 'run directory', details: e.message, result: 'nothing submitted' })
    return err({ status: 'invalid', verdict: 'no run directory on the cluster', errors: [e], log })
  }
  base.runDir = runDir
  const fineTuned = experiment.runs.filter((r) => r.type === 'fine-tuned').length
  await log.write({
    action: 'VALIDATE_EXPERIMENT',
    description: experiment.name,
    details:
      `${experiment.runs.length} runs (${fineTuned} fine-tuned), ${experiment.tasks.length} tasks, ` +
      `${experiment.cells.length} evaluation cells; run directory ${runDir}`,
    result: 'valid',
  })

  // The loader accepted only registered names, so both modules exist.
  const optimizer = toolFor('optimize', experiment.tools.preparation)
  const evaluator = toolFor('evaluate', experiment.tools.evaluation)
  if (!optimizer || !evaluator) {
    const message = `no module for tools ${experiment.tools.preparation} / ${experiment.tools.evaluation}`
    return err({ status: 'invalid', verdict: message, errors: [{ field: 'tools', message }], log })
  }
  const gates = bindRequirements(s.require, experiment)
  if (!gates.ok) {
    await log.write({
      action: 'VALIDATE_REQUIRE',
      details: gates.error.map(formatProblem).join('\n'),
      result: `invalid: ${gates.error.length} condition(s) name what the experiment does not have; nothing submitted`,
    })
    return err({
      status: 'invalid',
      verdict: 'the require input does not fit this experiment',
      errors: gates.error,
      log,
    })
  }
  base.nextSteps = [...(optimizer.nextSteps?.(runDir) ?? []), ...(evaluator.nextSteps?.(runDir) ?? [])]
  await log.write({
    action: 'READ_TOOLS',
    details:
      `preparation=${optimizer.name} -> optimizer module, evaluation=${evaluator.name} -> evaluator module` +
      (experiment.tools.defaulted ? ' (defaulted: tools section missing)' : ''),
    result: 'modules selected',
  })

  // Scaffolding, checked on the checkout: missing training scripts stop the run; a missing evaluation
  // script skips that cell only.
  const exists = (rel: string): Promise<boolean> => Promise.resolve(existsSync(`${c.expDir}/${rel}`))
  const training = await optimizer.scaffold(experiment, exists)
  const evaluation = await evaluator.scaffold(experiment, exists)
  const listed = (plan: ScaffoldPlan): string =>
    plan.missing.map((m) => `${m.display}: ${m.paths.join(', ')}`).join('; ')
  if (training.missing.length > 0 && s.phases !== 'evaluate') {
    const errors: Problem[] = training.missing.map((m) => ({
      file: shown(summaryPath),
      field: `runs.${m.run}`,
      message: `fine-tuning scaffolding missing for run ${m.run}: ${m.paths.join(', ')}`,
      hint: 'run the scaffold-experiment step',
    }))
    await log.write({
      action: 'VERIFY_SCAFFOLD',
      details: `missing training files: ${listed(training)}`,
      result: 'incomplete: nothing submitted',
    })
    return err({ status: 'invalid', verdict: 'fine-tuning job scripts are missing', errors, log })
  }
  if (evaluation.missing.length > 0 && s.phases !== 'optimize') {
    base.warnings.push({
      file: shown(summaryPath),
      field: 'evaluation.matrix',
      message: `evaluation scaffolding missing, these cells are skipped: ${listed(evaluation)}`,
      hint: 'run the scaffold-experiment step, then re-run: finished jobs are not repeated',
    })
  }
  await log.write({
    action: 'VERIFY_SCAFFOLD',
    details:
      `${training.jobs.length} fine-tuning scripts, ${evaluation.jobs.length} evaluation scripts` +
      (evaluation.missing.length ? `; missing: ${listed(evaluation)}` : ''),
    result: evaluation.missing.length
      ? `incomplete: ${evaluation.missing.length} evaluation cell(s) skipped`
      : 'complete',
  })
  await logWarnings(log, base.warnings)
  return ok({ experiment, runDir, optimizer, evaluator, training, evaluation, gates: gates.value })
}

/** Under the lock: state, staging, optimize, evaluate, verdict, checklist, results. */
async function runPhases(
  c: ExperimentContext,
  p: Prepared,
  base: Base,
  mainLog: LogFile,
  scheduler: Scheduler,
  live: LiveReport,
  heartbeat: () => Promise<void>,
): Promise<RunReport> {
  const { transport, settings } = c
  const { runDir, optimizer, evaluator, experiment } = p
  const finish = async (report: RunReport): Promise<RunReport> => {
    const finished = await finishExperiment(finishContext(c, p), report, mainLog)
    await live.finish(finished)
    return finished
  }
  const states = await openStates(transport, runDir, [optimizer, evaluator])
  if (!states.ok) {
    await mainLog.write({
      action: 'ERROR',
      description: 'resume state',
      details: formatProblem(states.error),
      result: 'nothing submitted',
    })
    const verdict = 'the resume state is unreadable'
    return finish({
      ...base,
      status: 'failed',
      verdict,
      errors: [states.error],
      logFiles: [mainLog.path],
      endedAt: new Date(),
    })
  }
  const [optimizeState, evaluateState] = states.value as [StateStore, StateStore]
  if (runDir !== c.expDir || c.remote) {
    const entries = [...Object.values(optimizeState.entries), ...Object.values(evaluateState.entries)]
    const staged = await stageFiles(c.expDir, runDir, transport, stagingPolicy(entries))
    for (const x of staged.conflicts) base.warnings.push({ file: x.path, message: `staging conflict: ${x.reason}` })
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
  const common = {
    experiment,
    experimentId,
    runDir,
    transport,
    scheduler,
    settings: { pollInterval: settings.pollInterval, maxPollInterval: settings.maxPollInterval },
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
      if (!base.warnings.some((w) => w.message === message)) base.warnings.push({ message })
    },
    onProgress: (snapshot: PhaseSnapshot) => live.progress(snapshot),
  }
  const partial = (extra: Partial<RunReport>): RunReport => ({
    ...base,
    status: 'partial',
    verdict: '',
    endedAt: new Date(),
    ...extra,
  })
  const toolLog = (tool: ToolModule): LogFile => new LogFile(transport, sharedPath(runDir, tool.logFile))
  const logs = { optimize: toolLog(optimizer), evaluate: toolLog(evaluator) }
  live.useLogs((phase) => (phase === 'optimize' ? logs.optimize : phase === 'evaluate' ? logs.evaluate : undefined))

  const missingInputs = await preflight(c, p, [optimizeState, evaluateState])
  if (missingInputs.length > 0) {
    await mainLog.write({
      action: 'PREFLIGHT',
      description: `${missingInputs.length} path(s) the jobs read are missing`,
      lines: missingInputs.map(formatProblem),
      result: 'nothing submitted',
    })
    const verdict = `${missingInputs.length} path(s) the jobs would read do not exist on the cluster`
    return finish({
      ...base,
      status: 'invalid',
      verdict,
      errors: missingInputs,
      logFiles: [mainLog.path],
      endedAt: new Date(),
    })
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
  if (settings.phases !== 'evaluate') {
    const phase = {
      ...common,
      tool: optimizer,
      jobs: p.training.jobs,
      state: optimizeState,
      toolLog: logs.optimize,
    }
    optimize = await runModule(mainLog, phase)
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
    const phase = {
      ...common,
      tool: evaluator,
      jobs: gate.runnable,
      state: evaluateState,
      toolLog: logs.evaluate,
      dependency: trainingDependency(p.training.jobs, optimizeState),
      onFirstRound: () => {
        if (trained) between = publishArtifact(finishContext(c, p), partial({ optimize: trained }), false)
      },
    }
    evaluate = await runModule(mainLog, phase)
  }

  const stopped = optimize?.stopped ?? evaluate?.stopped
  const detached = Boolean(optimize?.detached || evaluate?.detached)
  // Cancel first (a runner's SIGTERM follows its SIGINT within seconds), upload after. cruijff_kit's
  // sentinel detaches without cancelling anything, whatever cancel-on-abort says.
  const cancel = detached && settings.cancelOnAbort && !stopped && c.signal.aborted
  if (cancel) {
    const cancelled = await cancelDetached(scheduler, mainLog, base, [optimize, evaluate])
    optimize = markCancelled(optimize, cancelled)
    evaluate = markCancelled(evaluate, cancelled)
    await noteCancelled(cancelled, [
      [optimize, optimizeState],
      [evaluate, evaluateState],
    ])
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
  if (stopped) base.errors.push(stopped)
  const logFiles = [
    mainLog.path,
    ...(optimize ? [sharedPath(runDir, optimizer.logFile)] : []),
    ...(evaluate ? [sharedPath(runDir, evaluator.logFile)] : []),
  ]
  const report: RunReport = {
    ...base,
    ...{ status, verdict, optimize, evaluate, skippedEvals: skipped, priorTraining, counts, logFiles, detached },
    endedAt: new Date(),
  }
  const phases = [
    ...(optimize ? [{ phase: 'optimize', tool: optimizer, outcomes: optimize.outcomes }] : []),
    ...(evaluate ? [{ phase: 'evaluate', tool: evaluator, outcomes: evaluate.outcomes }] : []),
  ]
  const compute = await computeOf(transport, scheduler, runDir, phases, Date.now())
  if (compute.rows.length > 0) report.compute = compute.rows
  if (compute.warning) report.warnings.push({ message: compute.warning })
  if (!detached) applyRequirements(report, p.gates)
  if (!detached) {
    const asked = { optimize: settings.phases !== 'evaluate', evaluate: settings.phases !== 'optimize' }
    const items = await checklist(transport, mainLog.path, report, asked)
    await writeChecklist(mainLog, items)
    Object.assign(report, gated(report, items))
  }
  return finish(report)
}

/**
 * The paths the jobs still to run will read, checked where they run before anything is submitted
 * (cruijff_kit's submitters check only adapter base paths). Problems are located in the checkout's copy
 * of the file, so the annotation lands on the pull request's line.
 */
async function preflight(c: ExperimentContext, p: Prepared, states: StateStore[]): Promise<Problem[]> {
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
      const inCheckout = x.file ? `${c.expDir}/${x.file}` : undefined
      const file =
        inCheckout && existsSync(inCheckout)
          ? inCheckout.startsWith(`${c.workspace}/`)
            ? relative(c.workspace, inCheckout)
            : inCheckout
          : x.file && `${p.runDir}/${x.file}`
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
async function openStates(transport: Transport, runDir: string, tools: ToolModule[]): Promise<Result<StateStore[]>> {
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
    const s = await StateStore.open(transport, location, offset === undefined ? {} : { utcOffsetMinutes: offset })
    if (!s.ok) return s
    stores.push(s.value)
  }
  return ok(stores)
}

/** Minutes east of UTC on the cluster (`date +%z` where the jobs run), or undefined (then this runner's). */
async function clusterUtcOffset(transport: Transport): Promise<number | undefined> {
  const r = await transport.exec(['date', '+%z'], { timeoutMs: 30_000 }).catch(() => undefined)
  return r && r.code === 0 ? parseUtcOffset(r.stdout) : undefined
}

/** The load and scaffold warnings, one line each, in the orchestration log. */
async function logWarnings(log: LogFile, warnings: readonly Problem[]): Promise<void> {
  if (warnings.length === 0) return
  await log.write({
    action: 'WARNING',
    description: `${warnings.length} warning(s) about the experiment`,
    lines: warnings.map(formatProblem),
    result: 'continuing',
  })
}

/**
 * The signal the phases watch: the workflow's cancellation, or cruijff_kit's detach sentinel
 * (`logs/.detach`, sticky until removed), looked for before each submission and after each poll.
 */
function detachOn(
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
const ABORTED_UPLOAD_WAIT_MS = 3000
/** The final upload's deadline in a cancelled run: a runner sends SIGTERM 7.5 s after SIGINT. */
const ABORTED_UPLOAD_DEADLINE_MS = 4000

/** Waits for a background task, at most `ms` when given; its failures are its own (recorded in the report). */
async function settled(task: Promise<void> | undefined, ms?: number): Promise<void> {
  if (!task) return
  if (ms === undefined) {
    await task
    return
  }
  let timer: NodeJS.Timeout | undefined
  await Promise.race([task, new Promise<void>((r) => (timer = setTimeout(r, ms)))])
  clearTimeout(timer)
}

/**
 * When an evaluation's training last succeeded: an evaluation submitted before that evaluated an
 * earlier model, and runs again (the training re-ran because its inputs changed or its checkpoint went).
 */
function trainingDependency(
  trainingJobs: PlannedJob[],
  training: StateStore,
): (job: PlannedJob) => { changedAt: string; what: string } | undefined {
  return (job) => {
    if (job.cell?.epoch === null) return undefined
    const t = trainingJobs.find((x) => x.run === job.run)
    const e = t ? training.get(t.key) : undefined
    // Whichever runner submitted it (cruijff_kit records only its local submitted_at).
    const at = e?.validated ? training.submittedIso(e) : undefined
    if (!e || !at) return undefined
    return { changedAt: at, what: `the training of ${job.run} ran again (job ${e.job_id ?? '?'})` }
  }
}

/** The outcomes of jobs cancel-on-abort cancelled say so (they are not running, and did not fail). */
function markCancelled(r: PhaseResult | undefined, ids: string[]): PhaseResult | undefined {
  if (!r || ids.length === 0) return r
  const outcomes = r.outcomes.map((o) =>
    o.result === 'detached' && o.jobId && ids.includes(o.jobId) ? { ...o, state: 'CANCELLED' } : o,
  )
  return { ...r, outcomes }
}

/** The state says which jobs this run cancelled: a re-run submits them again instead of calling them failed. */
async function noteCancelled(ids: string[], phases: [PhaseResult | undefined, StateStore][]): Promise<void> {
  for (const [r, store] of phases) {
    for (const o of r?.outcomes ?? []) {
      const entry = store.get(o.job.key)
      if (!o.jobId || !ids.includes(o.jobId) || entry?.job_id !== o.jobId) continue
      await guardStorage(() => store.put(o.job.key, { ...entry, cancel_requested: true }))
    }
  }
}

/** cancel-on-abort: the jobs still running when the run detached are cancelled; returns their ids. */
async function cancelDetached(
  scheduler: Scheduler,
  log: LogFile,
  base: Base,
  phases: (PhaseResult | undefined)[],
): Promise<string[]> {
  const ids = phases
    .flatMap((r) => r?.outcomes ?? [])
    .flatMap((o) => (o.result === 'detached' && o.jobId ? [o.jobId] : []))
  const failure = await scheduler.cancel(ids).then(
    () => undefined,
    (e: unknown) => messageOf(e),
  )
  if (failure) base.warnings.push({ message: `cancel-on-abort: could not cancel job(s) ${ids.join(', ')}: ${failure}` })
  await log.write({
    action: 'CANCEL_JOBS',
    details: `cancel-on-abort: ${ids.length} job(s): ${ids.join(', ') || 'none'}`,
    result: failure ? `failed: ${failure}` : 'cancelled',
  })
  return failure ? [] : ids
}

/** Progress lines and the pull-request comment of one experiment. */
function liveReport(c: ExperimentContext, name: string): LiveReport {
  const target = commentTarget(c.io.env)
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

function finishContext(c: ExperimentContext, p: Prepared | undefined): FinishContext {
  return {
    transport: c.transport,
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
    ...(c.hurry ? { hurry: c.hurry } : {}),
  }
}

function sha6(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 6)
}
