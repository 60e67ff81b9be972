/**
 * One pass of the action, top to bottom:
 * inputs -> locate -> load & validate -> verify scaffold -> lock, state, stage
 *        -> optimize (tool module) -> evaluate (only runs whose training succeeded) -> report.
 */
import { createHash } from 'node:crypto'
import { existsSync, statSync, readFileSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import { LocalTransport } from './cluster/local.js'
import { stageExperiment } from './cluster/stage.js'
import type { Transport } from './cluster/transport.js'
import { gateEvaluations, trainingFromCheckpoints, trainingFromOutcomes } from './engine/gate.js'
import { acquireLock, type AcquiredLock } from './engine/lock.js'
import { formatDuration, LogFile } from './engine/log.js'
import { runPhase, type JobOutcome, type PhaseResult } from './engine/phase.js'
import { StateStore } from './engine/state.js'
import { loadExperiment } from './experiment/load.js'
import type { Experiment } from './experiment/model.js'
import { verifyScaffold, type ScaffoldReport } from './experiment/scaffold.js'
import { readSettings, type Settings } from './inputs.js'
import type { ActionIO } from './io.js'
import type { RunReport, SkippedEval, Status } from './report/model.js'
import { jobSummaryMarkdown, resultsMarkdown } from './report/summary.js'
import { countOutcomes, shouldFail, statusOf } from './report/verdict.js'
import { formatProblem, type Problem } from './result.js'
import { LocalScheduler } from './scheduler/local.js'
import type { Scheduler } from './scheduler/scheduler.js'
import { toolsFor } from './tools/index.js'
import type { ToolModule } from './tools/tool.js'

export const SUMMARY_FILE = 'run-experiment-summary.md'
export const MAIN_LOG = 'run-experiment.log'
const MAX_ERROR_ANNOTATIONS = 10

export interface RunDeps {
  io: ActionIO
  /** Aborted on SIGINT/SIGTERM: detach (jobs keep running). */
  signal: AbortSignal
  /** Reaches the cluster; defaults to this host. */
  transport?: Transport
}

export async function run(deps: RunDeps): Promise<RunReport> {
  const { io } = deps
  const startedAt = new Date()
  const transport = deps.transport ?? new LocalTransport()
  const base: Omit<RunReport, 'status' | 'verdict' | 'endedAt'> = {
    experimentName: '', runDir: '', startedAt, skippedEvals: [], priorTraining: [], errors: [], warnings: [], logFiles: [], detached: false,
    counts: { runsTotal: 0, runsSucceeded: 0, runsFailed: 0, evalsTotal: 0, evalsSucceeded: 0, evalsFailed: 0, evalsSkipped: 0 },
  }
  const stop = (status: Status, verdict: string, extra: Partial<RunReport> = {}): Promise<RunReport> =>
    finish(io, { ...base, ...extra, status, verdict, endedAt: new Date() }, transport, undefined)

  // Inputs.
  const parsed = readSettings(io.getInput)
  if (!parsed.ok) return stop('invalid', 'bad action inputs', { errors: parsed.error })
  const settings = parsed.value
  if (!settings.experimentDir) {
    return stop('invalid', 'no experiment given', { errors: [{ field: 'experiment-dir', message: 'input experiment-dir is required: the directory holding experiment_summary.yaml' }] })
  }

  // Locate.
  const workspace = io.env['GITHUB_WORKSPACE'] || process.cwd()
  const expDir = resolve(workspace, settings.experimentDir)
  const summaryPath = `${expDir}/experiment_summary.yaml`
  const shown = (p: string): string => (p.startsWith(`${workspace}/`) ? relative(workspace, p) : p)
  base.runDir = expDir
  if (!existsSync(summaryPath) || !statSync(summaryPath).isFile()) {
    return stop('invalid', 'no experiment_summary.yaml', { errors: [{ file: shown(summaryPath), message: `no experiment_summary.yaml in ${expDir}`, hint: 'run the design-experiment step first to create it; nothing was submitted' }] })
  }
  const mainLog = new LogFile(transport, `${expDir}/${MAIN_LOG}`)
  await mainLog.write({ action: 'DISCOVER_EXPERIMENT', description: shown(expDir), details: `summary ${summaryPath}; phases=${settings.phases}; executor=${settings.executor}`, result: 'found' })

  // Load and validate.
  const loaded = loadExperiment(readFileSync(summaryPath, 'utf8'), summaryPath, shown(summaryPath))
  base.warnings.push(...loaded.warnings)
  if (!loaded.experiment) {
    await mainLog.write({ action: 'VALIDATE_EXPERIMENT', description: shown(summaryPath), details: loaded.errors.map(formatProblem).join('\n'), result: `invalid: ${loaded.errors.length} problem(s); nothing submitted` })
    return stop('invalid', `${loaded.errors.length} problem(s) in experiment_summary.yaml`, { errors: loaded.errors, logFiles: [mainLog.path] })
  }
  const experiment = loaded.experiment
  base.experiment = experiment
  base.experimentName = experiment.name
  const runDir = experiment.declaredDir && isAbsolute(experiment.declaredDir) ? resolve(experiment.declaredDir) : expDir
  base.runDir = runDir
  await mainLog.write({ action: 'VALIDATE_EXPERIMENT', description: experiment.name, details: `${experiment.runs.length} runs (${experiment.runs.filter((r) => r.type === 'fine-tuned').length} fine-tuned), ${experiment.tasks.length} tasks, ${experiment.cells.length} evaluation cells; run directory ${runDir}`, result: 'valid' })
  const { optimizer, evaluator } = toolsFor(experiment)
  await mainLog.write({ action: 'READ_TOOLS', details: `preparation=${optimizer.name}, evaluation=${evaluator.name}${experiment.tools.defaulted ? ' (defaulted: no tools section)' : ''}`, result: 'modules selected' })

  // Scaffolding.
  const scaffold = await verifyScaffold(experiment, async (rel) => existsSync(`${expDir}/${rel}`))
  const missingText = (m: Map<string, string[]>): string => [...m].map(([run, files]) => `${run}: ${files.join(', ')}`).join('; ')
  if (scaffold.missingTraining.size > 0 && settings.phases !== 'evaluate') {
    const errors: Problem[] = [...scaffold.missingTraining].map(([run, files]) => ({ file: shown(summaryPath), field: `runs.${run}`, message: `fine-tuning scaffolding missing for run ${run}: ${files.join(', ')}`, hint: 'run the scaffold-experiment step' }))
    await mainLog.write({ action: 'VERIFY_SCAFFOLD', details: `missing training files: ${missingText(scaffold.missingTraining)}`, result: 'incomplete: nothing submitted' })
    return stop('invalid', 'fine-tuning job scripts are missing', { errors, logFiles: [mainLog.path] })
  }
  const evalScaffoldMissing = scaffold.missingEval.size > 0
  if (evalScaffoldMissing) {
    base.warnings.push({ file: shown(summaryPath), field: 'evaluation.matrix', message: `evaluation scaffolding missing (${missingText(scaffold.missingEval)}): evaluation is skipped`, hint: 'run the scaffold-experiment step, then re-run: finished fine-tuning is not repeated' })
  }
  await mainLog.write({ action: 'VERIFY_SCAFFOLD', details: `${scaffold.training.length} fine-tuning scripts, ${scaffold.evals.length} evaluation scripts${evalScaffoldMissing ? `; missing: ${missingText(scaffold.missingEval)}` : ''}`, result: evalScaffoldMissing ? 'evaluation scaffolding incomplete: evaluation will be skipped' : 'complete' })

  // Scheduler.
  const scheduler = await makeScheduler(settings, transport, runDir)
  if (!scheduler.ok) {
    await mainLog.write({ action: 'ERROR', description: 'executor', details: scheduler.error.message, result: 'nothing submitted' })
    return stop('failed', scheduler.error.message, { errors: [scheduler.error], logFiles: [mainLog.path] })
  }

  // Lock, state, staging.
  const lock = await acquireLock(transport, `${runDir}/.run-experiment/lock`, { staleAfterMs: Math.max(600_000, settings.maxPollInterval * 3000), ...(io.env['GITHUB_RUN_ID'] ? { run: io.env['GITHUB_RUN_ID'] } : {}) })
  if (!lock.ok) {
    await mainLog.write({ action: 'ERROR', description: 'lock', details: lock.error.message, result: 'nothing submitted' })
    return stop('failed', 'another run holds this experiment', { errors: [lock.error], logFiles: [mainLog.path] })
  }
  if (lock.value.tookOver) base.warnings.push({ message: lock.value.tookOver })
  try {
    return await runLocked({ io, signal: deps.signal, transport, settings, experiment, scaffold, scheduler: scheduler.value, lock: lock.value, base, expDir, runDir, summaryPath, evalScaffoldMissing, optimizer, evaluator, mainLog: mainLog.path === `${runDir}/${MAIN_LOG}` ? mainLog : new LogFile(transport, `${runDir}/${MAIN_LOG}`), firstLog: mainLog })
  } finally {
    await lock.value.release()
  }
}

interface Locked {
  io: ActionIO
  signal: AbortSignal
  transport: Transport
  settings: Settings
  experiment: Experiment
  scaffold: ScaffoldReport
  scheduler: Scheduler
  lock: AcquiredLock
  base: Omit<RunReport, 'status' | 'verdict' | 'endedAt'>
  expDir: string
  runDir: string
  summaryPath: string
  evalScaffoldMissing: boolean
  optimizer: ToolModule
  evaluator: ToolModule
  mainLog: LogFile
  firstLog: LogFile
}

async function runLocked(c: Locked): Promise<RunReport> {
  const { io, transport, settings, experiment, scaffold, runDir, base, mainLog } = c
  const optimizeState = await StateStore.open(transport, `${runDir}/${c.optimizer.stateFile}`)
  const evaluateState = await StateStore.open(transport, `${runDir}/${c.evaluator.stateFile}`)
  if (!optimizeState.ok || !evaluateState.ok) {
    const e = (!optimizeState.ok ? optimizeState.error : !evaluateState.ok ? evaluateState.error : undefined) as Problem
    await mainLog.write({ action: 'ERROR', description: 'resume state', details: formatProblem(e), result: 'nothing submitted' })
    return finish(io, { ...base, status: 'failed', verdict: 'the resume state is unreadable', errors: [e], logFiles: [mainLog.path], endedAt: new Date() }, transport, mainLog)
  }

  if (c.runDir !== c.expDir) {
    const staged = await stageExperiment(c.expDir, runDir, transport, [...Object.values(optimizeState.value.entries), ...Object.values(evaluateState.value.entries)])
    for (const conflict of staged.conflicts) base.warnings.push({ file: conflict.path, message: `staging conflict: ${conflict.reason}` })
    if (c.firstLog !== mainLog) await c.firstLog.write({ action: 'STAGE', details: `run directory is ${runDir}`, result: 'orchestration log continues there' })
    await mainLog.write({ action: 'STAGE', description: `${c.expDir} -> ${runDir}`, details: `${staged.copied.length} copied, ${staged.updated.length} updated, ${staged.unchanged} unchanged, ${staged.conflicts.length} conflicts${staged.conflicts.length ? `: ${staged.conflicts.map((x) => x.path).join(', ')}` : ''}`, result: staged.conflicts.length ? 'staged with conflicts (kept the run directory version)' : 'staged' })
  }

  const experimentId = `${experiment.name.replace(/[^\w.-]+/g, '_').slice(0, 24)}-${createHash('sha256').update(runDir).digest('hex').slice(0, 6)}`
  const phaseSettings = { pollInterval: settings.pollInterval, maxPollInterval: settings.maxPollInterval, outputWait: settings.executor === 'local' ? 0 : settings.outputWait }
  const submittedIds: string[] = []
  const common = { experiment, experimentId, runDir, transport, scheduler: c.scheduler, settings: phaseSettings, signal: c.signal, onCycle: () => c.lock.heartbeat(), onSubmitted: (id: string) => { submittedIds.push(id); io.saveState('job-ids', submittedIds.join(',')) }, onDeferred: async (job: { display: string }, message: string) => { await mainLog.write({ action: 'SUBMIT_DEFERRED', description: job.display, details: message, result: 'queue limit reached: waiting, then retrying' }) } }

  let optimize: PhaseResult | undefined
  let evaluate: PhaseResult | undefined
  let priorTraining: JobOutcome[] = []
  let skipped: SkippedEval[] = []
  const trainingJobs = c.optimizer.plan(experiment, scaffold)

  if (settings.phases !== 'evaluate') {
    optimize = await module(mainLog, c.optimizer, () => runPhase({ ...common, tool: c.optimizer, jobs: trainingJobs, state: optimizeState.value, toolLog: new LogFile(transport, `${runDir}/${c.optimizer.logFile}`) }))
  }
  const evalJobs = c.evaluator.plan(experiment, scaffold)
  if (settings.phases !== 'optimize' && !optimize?.detached) {
    if (c.evalScaffoldMissing) {
      skipped = experiment.cells.map((cell) => ({ display: cell.epoch === null ? `${cell.run}/${cell.task}` : `${cell.run}/${cell.task}/epoch${cell.epoch}`, run: cell.run, task: cell.task, epoch: cell.epoch, reason: 'evaluation scaffolding incomplete (see warnings)' }))
      await mainLog.write({ action: 'WARNING', description: 'evaluation skipped', details: `${skipped.length} cells not submitted: evaluation scaffolding is incomplete`, result: 'skipped' })
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
      for (const s of skipped) await mainLog.write({ action: 'SKIP_EVAL', description: s.display, details: s.reason, result: 'not submitted' })
      evaluate = await module(mainLog, c.evaluator, () => runPhase({ ...common, tool: c.evaluator, jobs: gate.runnable, state: evaluateState.value, toolLog: new LogFile(transport, `${runDir}/${c.evaluator.logFile}`) }))
    }
  }

  const detached = Boolean(optimize?.detached || evaluate?.detached)
  const counts = countOutcomes(optimize?.outcomes ?? priorTraining, evaluate?.outcomes ?? [], skipped)
  if (settings.phases === 'evaluate') Object.assign(counts, { runsTotal: 0, runsSucceeded: 0, runsFailed: 0 })
  const { status, verdict } = detached ? { status: 'failed' as const, verdict: `detached by ${String(c.signal.reason ?? 'a signal')}: jobs keep running; re-run to re-attach` } : statusOf(counts)
  const logFiles = [mainLog.path, ...(optimize ? [`${runDir}/${c.optimizer.logFile}`] : []), ...(evaluate ? [`${runDir}/${c.evaluator.logFile}`] : [])]
  const report: RunReport = { ...base, status, verdict, optimize, evaluate, skippedEvals: skipped, priorTraining, counts, logFiles, detached, endedAt: new Date() }
  if (!detached) await checklist(mainLog, transport, report)
  return finish(io, report, transport, mainLog)
}

/** Runs one tool module, with start and end blocks in the orchestration log. */
async function module(log: LogFile, tool: ToolModule, body: () => Promise<PhaseResult>): Promise<PhaseResult> {
  await log.write({ action: 'MODULE_START', description: tool.name, details: `${tool.phase} phase; module log ${tool.logFile}`, result: 'started' })
  const r = await body()
  const ok = r.outcomes.filter((o) => o.result === 'succeeded').length
  await log.write({
    action: r.detached ? 'MODULE_DETACHED' : 'MODULE_END',
    description: tool.name,
    details: `duration ${formatDuration(r.endedAt.getTime() - r.startedAt.getTime())}; ${ok}/${r.outcomes.length} succeeded; ${r.submissions} submitted this pass; already done ${r.outcomes.filter((o) => o.resolution === 'already-succeeded').length}`,
    result: r.detached ? 'detached: jobs keep running' : ok === r.outcomes.length ? 'completed' : `completed with ${r.outcomes.length - ok} failure(s)`,
  })
  return r
}

/** The requirement's validation checklist, one block per item. */
async function checklist(log: LogFile, transport: Transport, r: RunReport): Promise<void> {
  const ckpts = (r.optimize?.outcomes ?? r.priorTraining).filter((o) => o.result === 'succeeded').flatMap((o) => Object.values((o.outputs['checkpoints'] as Record<string, string> | undefined) ?? {}))
  const evalLogs = (r.evaluate?.outcomes ?? []).filter((o) => o.result === 'succeeded').map((o) => o.outputs['eval_log']).filter((p): p is string => typeof p === 'string')
  const exist = async (paths: string[]): Promise<boolean> => (await Promise.all(paths.map((p) => transport.stat(p)))).every(Boolean)
  const items: [string, boolean | null][] = [
    ['experiment_summary.yaml found and read', true],
    ['Scaffolding verified', true],
    ['Optimizer module executed and completed', r.optimize ? r.optimize.outcomes.every((o) => o.result === 'succeeded') : null],
    ['Evaluator module executed and completed', r.evaluate ? r.evaluate.outcomes.every((o) => o.result === 'succeeded') && r.skippedEvals.length === 0 : r.skippedEvals.length ? false : null],
    ['Model checkpoints exist', ckpts.length || r.counts.runsTotal ? ckpts.length > 0 && (await exist(ckpts)) && r.counts.runsSucceeded === r.counts.runsTotal : null],
    ['Evaluation logs exist', r.evaluate ? evalLogs.length === r.counts.evalsTotal && (await exist(evalLogs)) : null],
    ['Orchestration log created', (await transport.stat(log.path)) !== null],
    ['All module logs exist', await exist(r.logFiles)],
  ]
  for (const [item, okay] of items) {
    await log.write({ action: 'CHECK', description: item, result: okay === null ? 'not applicable (phase not run)' : okay ? '✓' : '✗' })
  }
}

async function makeScheduler(settings: Settings, transport: Transport, runDir: string): Promise<{ ok: true; value: Scheduler } | { ok: false; error: Problem }> {
  if (settings.executor === 'local') return { ok: true, value: new LocalScheduler(transport, `${runDir}/.run-experiment/local-jobs`, settings.maxParallel) }
  const probe = await transport.exec(['sbatch', '--version'])
  if (probe.code !== 0) {
    return { ok: false, error: { field: 'executor', message: `executor is slurm, but this runner has no SLURM client (sbatch: ${(probe.stderr || `exit ${probe.code}`).trim()})`, hint: 'run on a login node with SLURM, or set executor: local to run the job scripts on this machine' } }
  }
  return { ok: false, error: { field: 'executor', message: 'the SLURM scheduler is not in this build yet', hint: 'set executor: local' } }
}

/** Annotations, the job summary, the files in the run directory, outputs and the verdict. */
async function finish(io: ActionIO, report: RunReport, transport: Transport, log: LogFile | undefined): Promise<RunReport> {
  report.errors.slice(0, MAX_ERROR_ANNOTATIONS).forEach((p) => io.annotate('error', p))
  if (report.errors.length > MAX_ERROR_ANNOTATIONS) io.annotate('error', { message: `${report.errors.length - MAX_ERROR_ANNOTATIONS} more problems: see the job summary` })
  report.warnings.slice(0, 10).forEach((p) => io.annotate('warning', p))

  const settingsSummarize = io.getInput('summarize').trim().toLowerCase() !== 'false'
  const results = report.experiment && report.status !== 'invalid' ? resultsMarkdown(report) : undefined
  const markdown = jobSummaryMarkdown(report, results?.table)
  const canWrite = report.runDir !== '' && existsSync(report.runDir) && report.status !== 'invalid'
  let summaryPath = ''
  if (canWrite) {
    summaryPath = `${report.runDir}/${SUMMARY_FILE}`
    await transport.writeFileAtomic(summaryPath, markdown)
    if (results && settingsSummarize) await transport.writeFileAtomic(`${report.runDir}/summary.md`, results.markdown)
  }
  if (log) {
    await log.write({
      action: 'COMPLETE',
      description: report.experimentName,
      details: `status=${report.status}; ${report.verdict}; runs ${report.counts.runsSucceeded}/${report.counts.runsTotal} succeeded; evaluations ${report.counts.evalsSucceeded}/${report.counts.evalsTotal} succeeded, ${report.counts.evalsSkipped} skipped; total ${formatDuration(report.endedAt.getTime() - report.startedAt.getTime())}`,
      lines: [`Logs: ${report.logFiles.join(', ')}`, ...(summaryPath ? [`Summary: ${summaryPath}`] : [])],
      result: report.status,
    })
  }
  await io.writeSummary(markdown)
  const c = report.counts
  const outputs: Record<string, string | number> = {
    status: report.status,
    'runs-total': c.runsTotal,
    'runs-succeeded': c.runsSucceeded,
    'runs-failed': c.runsFailed,
    'evals-total': c.evalsTotal,
    'evals-succeeded': c.evalsSucceeded,
    'evals-failed': c.evalsFailed,
    'evals-skipped': c.evalsSkipped,
    'experiment-dir': report.runDir,
    'summary-path': summaryPath,
  }
  for (const [k, v] of Object.entries(outputs)) io.setOutput(k, v)
  io.info(`run-experiment: ${report.status} — ${report.verdict}`)
  const failOn = io.getInput('fail-on').trim()
  if (shouldFail(report, failOn === 'all-failed' || failOn === 'never' ? failOn : 'any-failure')) io.setFailed(`run-experiment: ${report.status} — ${report.verdict}`)
  return report
}
