/**
 * One experiment, top to bottom:
 * load & validate -> verify scaffold -> lock, state, stage -> optimize -> evaluate (only runs whose
 * training succeeded) -> checklist, logs, summaries, artifact. Returns the report; publishing it
 * (annotations, job summary, outputs, verdict) is main.ts's job.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import { stageExperiment } from './cluster/stage.js'
import type { Transport } from './cluster/transport.js'
import { gateEvaluations, trainingFromCheckpoints, trainingFromOutcomes } from './engine/gate.js'
import { acquireLock, type AcquiredLock } from './engine/lock.js'
import { formatDuration, LogFile } from './engine/log.js'
import { runPhase, type JobOutcome, type PhaseResult } from './engine/phase.js'
import { StateStore } from './engine/state.js'
import { loadExperiment } from './experiment/load.js'
import { cellDisplayName, type Experiment } from './experiment/model.js'
import { verifyScaffold, type ScaffoldReport } from './experiment/scaffold.js'
import type { Settings } from './inputs.js'
import type { ActionIO } from './io.js'
import { artifactName, uploadArtifact } from './report/artifact.js'
import { resultsSvg } from './report/chart.js'
import type { RunReport, SkippedEval, Status } from './report/model.js'
import { jobSummaryMarkdown, resultsMarkdown } from './report/summary.js'
import { countOutcomes, statusOf } from './report/verdict.js'
import { formatProblem, messageOf, type Problem } from './result.js'
import type { Scheduler } from './scheduler/scheduler.js'
import { toolsFor } from './tools/index.js'
import type { ToolModule } from './tools/tool.js'

export const SUMMARY_FILE = 'run-experiment-summary.md'
export const MAIN_LOG = 'run-experiment.log'

export interface ExperimentContext {
  io: ActionIO
  signal: AbortSignal
  transport: Transport
  settings: Settings
  /** The checked-out experiment directory (absolute, on the runner). */
  expDir: string
  workspace: string
  /** Makes the scheduler for a run directory. */
  makeScheduler: (runDir: string) => Promise<{ ok: true; value: Scheduler } | { ok: false; error: Problem }>
  /** The run directory when the transport reaches another machine (SSH) and the YAML says none. */
  remoteRunDir?: string
  /** True when files must be staged to another machine. */
  remote: boolean
  /** The runner's own filesystem (logs about the checkout go there). */
  runnerFs: Transport
  /** Called after each submission with the run directory and job id (saved for the post step). */
  onSubmitted?: (runDir: string, jobId: string) => void
}

type Base = Omit<RunReport, 'status' | 'verdict' | 'endedAt'>

export async function runExperiment(c: ExperimentContext): Promise<RunReport> {
  const { io, settings, expDir, transport } = c
  const base: Base = {
    experimentName: expDir.split('/').pop() ?? expDir,
    runDir: expDir,
    startedAt: new Date(),
    skippedEvals: [],
    priorTraining: [],
    errors: [],
    warnings: [],
    logFiles: [],
    detached: false,
    counts: countOutcomes([], [], []),
  }
  const stop = (status: Status, verdict: string, extra: Partial<RunReport>, log?: LogFile): Promise<RunReport> =>
    finishExperiment(c, { ...base, ...extra, status, verdict, endedAt: new Date() }, log)
  const shown = (p: string): string => (p.startsWith(`${c.workspace}/`) ? relative(c.workspace, p) : p)

  // Locate the summary.
  const summaryPath = `${expDir}/experiment_summary.yaml`
  if (!existsSync(summaryPath) || !statSync(summaryPath).isFile()) {
    return stop('invalid', 'no experiment_summary.yaml', {
      errors: [
        {
          file: shown(summaryPath),
          message: `no experiment_summary.yaml in ${expDir}`,
          hint: 'run the design-experiment step first to create it; nothing was submitted',
        },
      ],
    })
  }
  // Problems found before the run directory is known are logged beside the checkout.
  const checkoutLog = new LogFile(c.remote ? c.runnerFs : transport, `${expDir}/${MAIN_LOG}`)
  await checkoutLog.write({
    action: 'DISCOVER_EXPERIMENT',
    description: shown(expDir),
    details: `summary ${summaryPath}; phases=${settings.phases}; executor=${settings.executor}${settings.ssh ? `; via ssh ${settings.ssh.user}@${settings.ssh.host}:${settings.ssh.port}` : ''}`,
    result: 'found',
  })

  // Load and validate.
  const loaded = loadExperiment(readFileSync(summaryPath, 'utf8'), summaryPath, shown(summaryPath))
  base.warnings.push(...loaded.warnings)
  if (!loaded.experiment) {
    await checkoutLog.write({
      action: 'VALIDATE_EXPERIMENT',
      description: shown(summaryPath),
      details: loaded.errors.map(formatProblem).join('\n'),
      result: `invalid: ${loaded.errors.length} problem(s); nothing submitted`,
    })
    return stop('invalid', `${loaded.errors.length} problem(s) in experiment_summary.yaml`, {
      errors: loaded.errors,
      logFiles: [checkoutLog.path],
    })
  }
  const experiment = loaded.experiment
  base.experiment = experiment
  base.experimentName = experiment.name
  const declared =
    experiment.declaredDir && isAbsolute(experiment.declaredDir) ? resolve(experiment.declaredDir) : undefined
  const runDir = c.remoteRunDir ?? declared ?? (c.remote ? '' : expDir)
  if (!runDir) {
    const e: Problem = {
      file: shown(summaryPath),
      field: 'experiment.dir',
      message:
        'over SSH the run directory must be on the cluster: set experiment.dir to an absolute path there, or the remote-experiment-dir input',
    }
    await checkoutLog.write({
      action: 'ERROR',
      description: 'run directory',
      details: e.message,
      result: 'nothing submitted',
    })
    return stop('invalid', 'no run directory on the cluster', { errors: [e], logFiles: [checkoutLog.path] })
  }
  base.runDir = runDir
  await checkoutLog.write({
    action: 'VALIDATE_EXPERIMENT',
    description: experiment.name,
    details: `${experiment.runs.length} runs (${experiment.runs.filter((r) => r.type === 'fine-tuned').length} fine-tuned), ${experiment.tasks.length} tasks, ${experiment.cells.length} evaluation cells; run directory ${runDir}`,
    result: 'valid',
  })
  const { optimizer, evaluator } = toolsFor(experiment)
  await checkoutLog.write({
    action: 'READ_TOOLS',
    details: `preparation=${optimizer.name} -> optimizer module, evaluation=${evaluator.name} -> evaluator module${experiment.tools.defaulted ? ' (defaulted: tools section missing)' : ''}`,
    result: 'modules selected',
  })

  // Scaffolding, checked on the checkout.
  const scaffold = await verifyScaffold(experiment, async (rel) => existsSync(`${expDir}/${rel}`))
  const missingText = (m: Map<string, string[]>): string =>
    [...m].map(([run, files]) => `${run}: ${files.join(', ')}`).join('; ')
  if (scaffold.missingTraining.size > 0 && settings.phases !== 'evaluate') {
    const errors: Problem[] = [...scaffold.missingTraining].map(([run, files]) => ({
      file: shown(summaryPath),
      field: `runs.${run}`,
      message: `fine-tuning scaffolding missing for run ${run}: ${files.join(', ')}`,
      hint: 'run the scaffold-experiment step',
    }))
    await checkoutLog.write({
      action: 'VERIFY_SCAFFOLD',
      details: `missing training files: ${missingText(scaffold.missingTraining)}`,
      result: 'incomplete: nothing submitted',
    })
    return stop('invalid', 'fine-tuning job scripts are missing', { errors, logFiles: [checkoutLog.path] })
  }
  const evalScaffoldMissing = scaffold.missingEval.size > 0
  if (evalScaffoldMissing) {
    base.warnings.push({
      file: shown(summaryPath),
      field: 'evaluation.matrix',
      message: `evaluation scaffolding missing (${missingText(scaffold.missingEval)}): evaluation is skipped`,
      hint: 'run the scaffold-experiment step, then re-run: finished fine-tuning is not repeated',
    })
  }
  await checkoutLog.write({
    action: 'VERIFY_SCAFFOLD',
    details: `${scaffold.training.length} fine-tuning scripts, ${scaffold.evals.length} evaluation scripts${evalScaffoldMissing ? `; missing: ${missingText(scaffold.missingEval)}` : ''}`,
    result: evalScaffoldMissing ? 'evaluation scaffolding incomplete: evaluation will be skipped' : 'complete',
  })

  const mainLog = runDir === expDir && !c.remote ? checkoutLog : new LogFile(transport, `${runDir}/${MAIN_LOG}`)
  const scheduler = await c.makeScheduler(runDir)
  if (!scheduler.ok) {
    await checkoutLog.write({
      action: 'ERROR',
      description: 'executor',
      details: scheduler.error.message,
      result: 'nothing submitted',
    })
    return stop('failed', scheduler.error.message, { errors: [scheduler.error], logFiles: [checkoutLog.path] })
  }

  await transport.mkdirp(runDir)
  const lock = await acquireLock(transport, `${runDir}/.run-experiment/lock`, {
    staleAfterMs: Math.max(600_000, settings.maxPollInterval * 3000),
    ...(io.env['GITHUB_RUN_ID'] ? { run: io.env['GITHUB_RUN_ID'] } : {}),
  })
  if (!lock.ok) {
    await checkoutLog.write({
      action: 'ERROR',
      description: 'lock',
      details: lock.error.message,
      result: 'nothing submitted',
    })
    return stop('failed', 'another run holds this experiment', { errors: [lock.error], logFiles: [checkoutLog.path] })
  }
  if (lock.value.tookOver) base.warnings.push({ message: lock.value.tookOver })
  if (mainLog !== checkoutLog)
    await checkoutLog.write({
      action: 'STAGE',
      details: `run directory is ${runDir}${c.remote ? ` on ${transport.description}` : ''}`,
      result: 'the orchestration log continues there',
    })
  try {
    return await runLocked({
      ...c,
      experiment,
      scaffold,
      scheduler: scheduler.value,
      lock: lock.value,
      base,
      runDir,
      evalScaffoldMissing,
      optimizer,
      evaluator,
      mainLog,
    })
  } finally {
    await lock.value.release()
  }
}

interface Locked extends ExperimentContext {
  experiment: Experiment
  scaffold: ScaffoldReport
  scheduler: Scheduler
  lock: AcquiredLock
  base: Base
  runDir: string
  evalScaffoldMissing: boolean
  optimizer: ToolModule
  evaluator: ToolModule
  mainLog: LogFile
}

async function runLocked(c: Locked): Promise<RunReport> {
  const { io, transport, settings, experiment, scaffold, runDir, base, mainLog } = c
  const optimizeState = await StateStore.open(transport, `${runDir}/${c.optimizer.stateFile}`)
  const evaluateState = await StateStore.open(transport, `${runDir}/${c.evaluator.stateFile}`)
  if (!optimizeState.ok || !evaluateState.ok) {
    const e = (!optimizeState.ok ? optimizeState.error : !evaluateState.ok ? evaluateState.error : undefined) as Problem
    await mainLog.write({
      action: 'ERROR',
      description: 'resume state',
      details: formatProblem(e),
      result: 'nothing submitted',
    })
    return finishExperiment(
      c,
      {
        ...base,
        status: 'failed',
        verdict: 'the resume state is unreadable',
        errors: [e],
        logFiles: [mainLog.path],
        endedAt: new Date(),
      },
      mainLog,
    )
  }

  if (c.runDir !== c.expDir || c.remote) {
    const staged = await stageExperiment(c.expDir, runDir, transport, [
      ...Object.values(optimizeState.value.entries),
      ...Object.values(evaluateState.value.entries),
    ])
    for (const conflict of staged.conflicts)
      base.warnings.push({ file: conflict.path, message: `staging conflict: ${conflict.reason}` })
    await mainLog.write({
      action: 'STAGE',
      description: `${c.expDir} -> ${runDir}`,
      details: `${staged.copied.length} copied, ${staged.updated.length} updated, ${staged.unchanged} unchanged, ${staged.conflicts.length} conflicts${staged.conflicts.length ? `: ${staged.conflicts.map((x) => x.path).join(', ')}` : ''}`,
      result: staged.conflicts.length ? 'staged with conflicts (kept the run directory version)' : 'staged',
    })
  }

  const experimentId = `${experiment.name.replace(/[^\w.-]+/g, '_').slice(0, 24)}-${createHash('sha256').update(runDir).digest('hex').slice(0, 6)}`
  const phaseSettings = {
    pollInterval: settings.pollInterval,
    maxPollInterval: settings.maxPollInterval,
    outputWait: settings.executor === 'local' ? 0 : settings.outputWait,
  }
  const common = {
    experiment,
    experimentId,
    runDir,
    transport,
    scheduler: c.scheduler,
    settings: phaseSettings,
    signal: c.signal,
    onCycle: () => c.lock.heartbeat(),
    onSubmitted: (id: string) => c.onSubmitted?.(runDir, id),
    onDeferred: async (job: { display: string }, message: string) => {
      await mainLog.write({
        action: 'SUBMIT_DEFERRED',
        description: job.display,
        details: message,
        result: 'queue limit reached: waiting, then retrying',
      })
    },
  }
  const partial = (extra: Partial<RunReport>): RunReport => ({
    ...base,
    status: 'partial',
    verdict: '',
    endedAt: new Date(),
    ...extra,
  })

  let optimize: PhaseResult | undefined
  let evaluate: PhaseResult | undefined
  let priorTraining: JobOutcome[] = []
  let skipped: SkippedEval[] = []
  const trainingJobs = c.optimizer.plan(experiment, scaffold)
  if (settings.phases !== 'evaluate') {
    optimize = await module(mainLog, c.optimizer, () =>
      runPhase({
        ...common,
        tool: c.optimizer,
        jobs: trainingJobs,
        state: optimizeState.value,
        toolLog: new LogFile(transport, `${runDir}/${c.optimizer.logFile}`),
      }),
    )
    await publishArtifact(c, partial({ optimize }), false)
  }
  const evalJobs = c.evaluator.plan(experiment, scaffold)
  if (settings.phases !== 'optimize' && !optimize?.detached) {
    if (c.evalScaffoldMissing) {
      skipped = experiment.cells.map((cell) => ({
        display: cellDisplayName(cell),
        run: cell.run,
        task: cell.task,
        epoch: cell.epoch,
        reason: 'evaluation scaffolding incomplete (see warnings)',
      }))
      await mainLog.write({
        action: 'WARNING',
        description: 'evaluation skipped',
        details: `${skipped.length} cells not submitted: evaluation scaffolding is incomplete`,
        result: 'skipped',
      })
    } else {
      let verdicts
      if (optimize) verdicts = trainingFromOutcomes(optimize.outcomes)
      else {
        const known = await trainingFromCheckpoints(c.optimizer, trainingJobs, experiment, transport, runDir)
        verdicts = known.verdicts
        priorTraining = known.outcomes
      }
      const gate = gateEvaluations(evalJobs, verdicts)
      skipped = gate.skipped
      for (const s of skipped)
        await mainLog.write({ action: 'SKIP_EVAL', description: s.display, details: s.reason, result: 'not submitted' })
      evaluate = await module(mainLog, c.evaluator, () =>
        runPhase({
          ...common,
          tool: c.evaluator,
          jobs: gate.runnable,
          state: evaluateState.value,
          toolLog: new LogFile(transport, `${runDir}/${c.evaluator.logFile}`),
        }),
      )
      await publishArtifact(c, partial({ optimize, evaluate, skippedEvals: skipped }), optimize !== undefined)
    }
  }

  const detached = Boolean(optimize?.detached || evaluate?.detached)
  if (detached && settings.cancelOnAbort) {
    const ids = [...(optimize?.outcomes ?? []), ...(evaluate?.outcomes ?? [])]
      .filter((o) => o.result === 'detached' && o.jobId)
      .map((o) => o.jobId as string)
    const cancelled = await c.scheduler.cancel(ids).then(
      () => undefined,
      (e: unknown) => messageOf(e),
    )
    if (cancelled)
      base.warnings.push({ message: `cancel-on-abort: could not cancel job(s) ${ids.join(', ')}: ${cancelled}` })
    await mainLog.write({
      action: 'CANCEL_JOBS',
      details: `cancel-on-abort: ${ids.length} job(s): ${ids.join(', ') || 'none'}`,
      result: cancelled ? `failed: ${cancelled}` : 'cancelled',
    })
  }
  const counts = countOutcomes(optimize?.outcomes ?? [], evaluate?.outcomes ?? [], skipped)
  const { status, verdict } = detached
    ? {
        status: 'failed' as const,
        verdict: `detached by ${String(c.signal.reason ?? 'a signal')}: ${settings.cancelOnAbort ? 'jobs cancelled (cancel-on-abort)' : 'jobs keep running; re-run to re-attach'}`,
      }
    : statusOf(counts)
  const logFiles = [
    mainLog.path,
    ...(optimize ? [`${runDir}/${c.optimizer.logFile}`] : []),
    ...(evaluate ? [`${runDir}/${c.evaluator.logFile}`] : []),
  ]
  const report: RunReport = {
    ...base,
    status,
    verdict,
    optimize,
    evaluate,
    skippedEvals: skipped,
    priorTraining,
    counts,
    logFiles,
    detached,
    endedAt: new Date(),
  }
  if (!detached) await checklist(mainLog, transport, report)
  return finishExperiment(c, report, mainLog)
}

/** Runs one tool module, with start and end blocks in the orchestration log. */
async function module(log: LogFile, tool: ToolModule, body: () => Promise<PhaseResult>): Promise<PhaseResult> {
  await log.write({
    action: 'MODULE_START',
    description: tool.name,
    details: `${tool.phase} phase; module log ${tool.logFile}`,
    result: 'started',
  })
  const r = await body()
  const ok = r.outcomes.filter((o) => o.result === 'succeeded').length
  await log.write({
    action: r.detached ? 'MODULE_DETACHED' : 'MODULE_END',
    description: tool.name,
    details: `duration ${formatDuration(r.endedAt.getTime() - r.startedAt.getTime())}; ${ok}/${r.outcomes.length} succeeded; ${r.submissions} submitted this pass; already done ${r.outcomes.filter((o) => o.resolution === 'already-succeeded').length}`,
    result: r.detached
      ? 'detached: jobs keep running'
      : ok === r.outcomes.length
        ? 'completed'
        : `completed with ${r.outcomes.length - ok} failure(s)`,
  })
  return r
}

/** The requirement's validation checklist, one block per item. */
async function checklist(log: LogFile, transport: Transport, r: RunReport): Promise<void> {
  const ckpts = (r.optimize?.outcomes ?? r.priorTraining)
    .filter((o) => o.result === 'succeeded')
    .flatMap((o) => Object.values((o.outputs['checkpoints'] as Record<string, string> | undefined) ?? {}))
  const evalLogs = (r.evaluate?.outcomes ?? [])
    .filter((o) => o.result === 'succeeded')
    .map((o) => o.outputs['eval_log'])
    .filter((p): p is string => typeof p === 'string')
  const exist = async (paths: string[]): Promise<boolean> =>
    (await Promise.all(paths.map((p) => transport.stat(p)))).every(Boolean)
  const items: [string, boolean | null][] = [
    ['experiment_summary.yaml found and read', true],
    ['Scaffolding verified', true],
    [
      'Optimizer module executed and completed',
      r.optimize ? r.optimize.outcomes.every((o) => o.result === 'succeeded') : null,
    ],
    [
      'Evaluator module executed and completed',
      r.evaluate
        ? r.evaluate.outcomes.every((o) => o.result === 'succeeded') && r.skippedEvals.length === 0
        : r.skippedEvals.length
          ? false
          : null,
    ],
    [
      'Model checkpoints exist',
      r.optimize ? ckpts.length > 0 && (await exist(ckpts)) && r.counts.runsSucceeded === r.counts.runsTotal : null,
    ],
    ['Evaluation logs exist', r.evaluate ? evalLogs.length === r.counts.evalsTotal && (await exist(evalLogs)) : null],
    ['Orchestration log created', (await transport.stat(log.path)) !== null],
    ['All module logs exist', await exist(r.logFiles)],
  ]
  for (const [item, okay] of items) {
    await log.write({
      action: 'CHECK',
      description: item,
      result: okay === null ? 'not applicable (phase not run)' : okay ? '✓' : '✗',
    })
  }
}

/** Files of the run directory, its summaries and logs, the COMPLETE block, the final artifact. */
async function finishExperiment(c: ExperimentContext, report: RunReport, log: LogFile | undefined): Promise<RunReport> {
  const results = report.experiment && report.status !== 'invalid' ? resultsMarkdown(report) : undefined
  const wroteRunDir =
    report.status !== 'invalid' && report.runDir !== '' && (await c.transport.stat(report.runDir)) !== null
  if (wroteRunDir) {
    report.summaryPath = `${report.runDir}/${SUMMARY_FILE}`
    if (results && c.settings.summarize) {
      await c.transport.writeFileAtomic(`${report.runDir}/summary.md`, results.markdown)
      const svg = resultsSvg(report)
      if (svg) await c.transport.writeFileAtomic(`${report.runDir}/results.svg`, svg)
    }
  }
  if (log) {
    await log.write({
      action: 'COMPLETE',
      description: report.experimentName,
      details: `status=${report.status}; ${report.verdict}; runs ${report.counts.runsSucceeded}/${report.counts.runsTotal} succeeded; evaluations ${report.counts.evalsSucceeded}/${report.counts.evalsTotal} succeeded, ${report.counts.evalsSkipped} skipped; total ${formatDuration(report.endedAt.getTime() - report.startedAt.getTime())}`,
      lines: [
        `Logs: ${report.logFiles.join(', ')}`,
        ...(report.summaryPath ? [`Summary: ${report.summaryPath}`] : []),
        ...(results && c.settings.summarize ? [`Results: ${report.runDir}/summary.md`] : []),
      ],
      result: report.status,
    })
  }
  if (report.summaryPath) {
    await c.transport.writeFileAtomic(report.summaryPath, jobSummaryMarkdown(report, results?.table))
    if (report.status !== 'invalid' && report.experiment) await publishArtifact(c, report, true)
    // The summary names the artifact; rewrite it once that is known (the uploaded copy says "uploading").
    await c.transport.writeFileAtomic(report.summaryPath, jobSummaryMarkdown(report, results?.table))
  }
  return report
}

/** Uploads logs, state, summaries and (optionally) .eval logs; records the outcome in the report. */
async function publishArtifact(c: ExperimentContext, report: RunReport, replace: boolean): Promise<void> {
  const runDir = report.runDir
  const experiment = report.experiment
  if (!experiment) return
  const { optimizer, evaluator } = toolsFor(experiment)
  const outcomes = [...(report.optimize?.outcomes ?? []), ...(report.evaluate?.outcomes ?? [])]
  const files = [
    `${runDir}/${MAIN_LOG}`,
    `${runDir}/${optimizer.logFile}`,
    `${runDir}/${evaluator.logFile}`,
    `${runDir}/${optimizer.stateFile}`,
    `${runDir}/${evaluator.stateFile}`,
    `${runDir}/summary.md`,
    `${runDir}/${SUMMARY_FILE}`,
    `${runDir}/results.svg`,
    ...(c.settings.includeEvalLogs
      ? (report.evaluate?.outcomes ?? [])
          .map((o) => o.outputs['eval_log'])
          .filter((p): p is string => typeof p === 'string')
      : []),
    ...outcomes.filter((o) => o.result === 'failed' && o.outputFile).map((o) => o.outputFile as string),
  ]
  const name = artifactName(c.settings.artifactName, experiment.name, c.io.env['GITHUB_RUN_ATTEMPT'])
  const r = await uploadArtifact({
    transport: c.transport,
    runDir,
    files,
    name,
    retentionDays: c.settings.retentionDays,
    replace,
    env: c.io.env,
  })
  if (!r.ok) {
    report.artifact = { failed: r.error }
    report.warnings.push({ message: `artifact upload failed (${r.error}): the logs and summaries stay in ${runDir}` })
  } else if ('skipped' in r.value) report.artifact = { skipped: r.value.skipped }
  else report.artifact = { id: r.value.id, name }
}
