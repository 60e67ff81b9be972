/** Before anything touches the cluster: the summary found and validated, the run directory, the tools, the scaffold. */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { relative } from 'node:path'
import { isWithin } from '../cluster/paths.js'
import { ConfinedTransport } from '../engine/confine.js'
import { isPrivateExperiment } from '../report/private.js'
import { LogFile } from '../engine/log.js'
import { loadExperiment, summaryYaml } from '../experiment/load.js'
import type { Experiment } from '../experiment/model.js'
import { bindGates, type BoundCondition } from '../require/gates.js'
import type { Status } from '../report/model.js'
import { err, formatProblem, ok, type Problem, type Result } from '../result.js'
import { loaderToolNames, toolFor } from '../tools/index.js'
import type { ScaffoldPlan, ToolModule } from '../tools/tool.js'
import { oversize } from '../yaml.js'
import type { ExperimentContext, ReportDraft } from './context.js'
import { chooseRunDir, refKey, resolveRunRoot } from './run-dir.js'

/** What validation and the scaffold check established, before anything touches the cluster. */
export interface Prepared {
  experiment: Experiment
  runDir: string
  /** The run root, absolute on the cluster: the run directory's secret and the local job records live there. */
  runRoot: string
  /** The transport job outputs are read through: confined to the run directory and what the jobs name. */
  reads: ConfinedTransport
  optimizer: ToolModule
  evaluator: ToolModule
  training: ScaffoldPlan
  evaluation: ScaffoldPlan
  /** The require conditions, their names checked against this experiment. */
  gates: BoundCondition[]
}

/** Locate and validate the summary, choose the run directory and the tools, check the scaffold. */
export async function prepare(
  c: ExperimentContext,
  draft: ReportDraft,
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

  const caps = { maxSummaryBytes: s.maxSummaryBytes, maxCells: s.maxCells }
  // Its size first: a summary of gigabytes is refused unread.
  const bytes = statSync(summaryPath).size
  const loaded =
    bytes > caps.maxSummaryBytes
      ? { errors: [oversize(shown(summaryPath), summaryYaml(caps.maxSummaryBytes), bytes)], warnings: [] }
      : loadExperiment(readFileSync(summaryPath, 'utf8'), summaryPath, shown(summaryPath), loaderToolNames(), caps)
  draft.warnings.push(...loaded.warnings)
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
  draft.experiment = experiment
  // cruijff_kit's .ck-private: only names and aggregate numbers leave the run directory.
  draft.private = isPrivateExperiment(c.expDir, c.workspace)
  draft.experimentName = experiment.name
  const root = await resolveRunRoot(c.transport, s.runRoot, c.workspace, c.remote)
  if (!root.ok) {
    await log.write({
      action: 'ERROR',
      description: 'run-root',
      details: root.error.message,
      result: 'nothing submitted',
    })
    return err({ status: 'invalid', verdict: 'run-root cannot be used', errors: [root.error], log })
  }
  const choice = chooseRunDir({
    expDir: c.expDir,
    workspace: c.workspace,
    declaredDir: experiment.declaredDir,
    remoteRunDir: c.remoteRunDir,
    remote: c.remote,
    runRoot: root.value,
    repository: c.io.env['GITHUB_REPOSITORY'] ?? '',
    ref: refKey(c.io.env, c.commentTarget?.issueNumber),
  })
  const runDir = choice.runDir
  if (choice.warning) draft.warnings.push({ file: shown(summaryPath), ...choice.warning })
  const outside = s.allowedRoots.length > 0 && !s.allowedRoots.some((r) => isWithin(r, runDir))
  if (outside) {
    const e: Problem = {
      field: 'allowed-roots',
      message:
        `the run directory ${runDir} (${choice.how}) is not under any of allowed-roots: ` + s.allowedRoots.join(', '),
    }
    await log.write({ action: 'ERROR', description: 'run directory', details: e.message, result: 'nothing submitted' })
    return err({ status: 'invalid', verdict: 'the run directory is outside allowed-roots', errors: [e], log })
  }
  draft.runDir = runDir
  const fineTuned = experiment.runs.filter((r) => r.type === 'fine-tuned').length
  await log.write({
    action: 'VALIDATE_EXPERIMENT',
    description: experiment.name,
    details:
      `${experiment.runs.length} runs (${fineTuned} fine-tuned), ${experiment.tasks.length} tasks, ` +
      `${experiment.cells.length} evaluation cells; run directory ${runDir} (${choice.how})`,
    result: 'valid',
  })

  // The loader accepted only registered names, so both modules exist.
  const optimizer = toolFor('optimize', experiment.tools.preparation)
  const evaluator = toolFor('evaluate', experiment.tools.evaluation)
  if (!optimizer || !evaluator) {
    const message = `no module for tools ${experiment.tools.preparation} / ${experiment.tools.evaluation}`
    return err({ status: 'invalid', verdict: message, errors: [{ field: 'tools', message }], log })
  }
  const gates = bindGates(s.require, experiment)
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
  draft.nextSteps = [...(optimizer.nextSteps?.(runDir) ?? []), ...(evaluator.nextSteps?.(runDir) ?? [])]
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
  const jobs =
    (s.phases !== 'evaluate' ? training.jobs.length : 0) + (s.phases !== 'optimize' ? evaluation.jobs.length : 0)
  if (jobs > s.maxJobs) {
    const e: Problem = {
      file: shown(summaryPath),
      field: 'runs',
      message:
        `the experiment would submit ${jobs} jobs (${training.jobs.length} fine-tuning, ` +
        `${evaluation.jobs.length} evaluation), more than max-jobs (${s.maxJobs})`,
      hint: 'raise the max-jobs input if this is intended, or split the experiment',
    }
    await log.write({ action: 'ERROR', description: 'max-jobs', details: e.message, result: 'nothing submitted' })
    return err({ status: 'invalid', verdict: 'too many jobs for one experiment', errors: [e], log })
  }
  if (evaluation.missing.length > 0 && s.phases !== 'optimize') {
    draft.warnings.push({
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
  await logWarnings(log, draft.warnings)
  const reads = new ConfinedTransport(c.transport, [runDir], s.allowedRoots)
  return ok({
    experiment,
    runDir,
    runRoot: root.value,
    reads,
    optimizer,
    evaluator,
    training,
    evaluation,
    gates: gates.value,
  })
}

/** The load and scaffold warnings, one line each, in the orchestration log. */
export async function logWarnings(log: LogFile, warnings: readonly Problem[]): Promise<void> {
  if (warnings.length === 0) return
  await log.write({
    action: 'WARNING',
    description: `${warnings.length} warning(s) about the experiment`,
    lines: warnings.map(formatProblem),
    result: 'continuing',
  })
}
