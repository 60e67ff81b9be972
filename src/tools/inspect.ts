/**
 * inspect-ai: one evaluation job per matrix cell, in the cell's directory (`{run}/eval/{cell}/cell.slurm`)
 * or, in the earlier flat layout, `{run}/eval/{cell}.slurm`. A cell succeeded when a `.eval` log written
 * by this attempt, and attributed to it (inspect-logs.ts), has status `success`, whatever the job's exit
 * status; several such logs: the newest. What a job reads and writes comes from its script's
 * `inspect eval` command lines (inspect-script.ts), read as bash runs them (shell.ts, launch.ts).
 */
import { joinPath, resolvePath } from '../cluster/paths.js'
import type { Transport } from '../cluster/transport.js'
import { cellDisplayName, type Cell } from '../experiment/model.js'
import { err, firstLine, ok, type Problem } from '../result.js'
import type { EvalHeader } from './eval-log.js'
import { readTail } from '../cluster/read.js'
import {
  contender,
  evalLogsNow,
  logsOfAttempt,
  ownersOf,
  rivalsOf,
  type Contender,
  type FoundLog,
} from './inspect-logs.js'
import { inspectFiles, inspectInvocation } from './inspect-script.js'
import { JobFilesBuilder, jobScript, missingReads, readerOf } from './job-files.js'
import {
  OUTPUT_TAIL_BYTES,
  type EvaluationResult,
  type FilesContext,
  type JobFiles,
  type JobRead,
  type JudgeContext,
  type Judgement,
  type OutputsContext,
  type OutputSnapshot,
  type PlannedJob,
  type PreflightContext,
  type ScaffoldPlan,
  type ToolModule,
} from './tool.js'

export const inspect: ToolModule = {
  name: 'inspect-ai',
  aliases: ['inspect', 'inspect_ai'],
  phase: 'evaluate',
  logFile: 'run-inspect.log',
  stateFile: 'run-inspect.state.json',
  submitAction: 'SUBMIT_EVAL',
  resultFiles: /\.eval$/,

  async scaffold(experiment, exists): Promise<ScaffoldPlan> {
    const plan: ScaffoldPlan = { jobs: [], missing: [] }
    for (const cell of experiment.cells) {
      const name = cellDirName(cell)
      const display = cellDisplayName(cell)
      // Current layout: a directory per cell; earlier flat layout: one script per cell in {run}/eval/.
      const layouts = [
        { dir: `${cell.run}/eval/${name}`, script: 'cell.slurm' },
        { dir: `${cell.run}/eval`, script: `${name}.slurm` },
      ]
      let found: { dir: string; script: string } | undefined
      for (const l of layouts) if (!found && (await exists(joinPath(l.dir, l.script)))) found = l
      if (!found) {
        plan.missing.push({
          run: cell.run,
          cell,
          display,
          paths: [layouts.map((l) => joinPath(l.dir, l.script)).join(' or ')],
        })
        continue
      }
      const key = joinPath(found.dir, found.script)
      plan.jobs.push({ key, display, run: cell.run, cell, dir: found.dir, script: found.script, inputs: [key] })
    }
    return plan
  },

  async files(ctx: FilesContext): Promise<JobFiles> {
    const script = await jobScript(ctx.read, ctx.runDir, ctx.job)
    const files = new JobFilesBuilder(script)
    if (!script) {
      files.note(joinPath(ctx.job.dir, ctx.job.script), { line: 1 }, 'the job script cannot be read')
      return files.done()
    }
    const invocations = script.launches.flatMap((l) => inspectInvocation(l) ?? [])
    if (invocations.length === 0)
      files.note(script.file, { line: 1 }, 'no inspect eval command in the script: what the job reads is not known')
    for (const inv of invocations) inspectFiles(inv, ctx.job.cell, files)
    files.sbatchWrites()
    return files.done()
  },

  async outputs(ctx: OutputsContext): Promise<OutputSnapshot> {
    const me = await contender((p) => ctx.transport.readFile(p), ctx.runDir, ctx.job)
    return evalLogsNow(ctx.transport, me.logDirs)
  },

  async judge(ctx: JudgeContext): Promise<Judgement> {
    const me = await contender((p) => ctx.transport.readFile(p), ctx.runDir, ctx.job, ctx.window)
    if (me.logDirs.length === 0) me.logDirs.push(...(await logDirsFromOutput(ctx, me)))
    if (me.logDirs.length === 0) {
      const why = `the log directory of ${joinPath(ctx.job.dir, ctx.job.script)} is not known before it runs`
      return err({ why })
    }
    const found = await logsOfAttempt(ctx.transport, me.logDirs, ctx)
    const rivals = found.length > 0 ? await rivalsOf(ctx, me) : []
    const mine: FoundLog[] = []
    const notes: string[] = []
    for (const log of found) {
      const owners = rivals.length > 0 ? ownersOf(log, [me, ...rivals]) : [me]
      if (owners.length === 1 && owners[0] === me) mine.push(log)
      else if (owners.includes(me))
        notes.push(
          `${log.path}: this .eval log (task "${log.header.task ?? '?'}") fits several evaluations ` +
            `(${owners.map((o) => o.job.display).join(', ')}) by its task arguments, task and time: ` +
            'not counted for any; pass -T vis_label or --metadata epoch to tell them apart',
        )
      else if (owners.length === 0)
        notes.push(
          `${log.path}: this .eval log (task "${log.header.task ?? '?'}") matches no evaluation script writing to ` +
            `${dirOf(log.path)} (task, vis_label, epoch, model path): not counted for any cell`,
        )
    }
    const newestFirst = (a: FoundLog, b: FoundLog): number => b.mtimeMs - a.mtimeMs
    const success = mine.filter((l) => l.header.status === 'success').sort(newestFirst)[0]
    if (success) {
      const result = evaluationResult(success.path, success.header)
      if (ctx.state === 'COMPLETED' && (ctx.exitCode ?? 0) === 0) return ok({ result, ...warning(notes) })
      const ended = `${ctx.state}${ctx.exitCode !== undefined ? ` (exit ${ctx.exitCode})` : ''}`
      const disagrees =
        `${ctx.job.display}: the job ended ${ended}, but its .eval log says success: counted as succeeded ` +
        "(the job's exit status is not inspect's, e.g. a script that ends by waiting on its GPU monitor)"
      return ok({ result, ...warning([disagrees, ...notes]) })
    }
    const newest = mine.sort(newestFirst)[0]
    if (newest && newest.header.status !== 'started') {
      const inspectError = newest.header.error ? `: ${firstLine(newest.header.error)}` : ''
      return err({
        why: `the newest .eval log (${newest.path}) has status "${newest.header.status}"${inspectError}`,
        result: evaluationResult(newest.path, newest.header),
        ...warning(notes),
      })
    }
    const why = newest
      ? `the .eval log ${newest.path} was never finished (status "started")`
      : `no .eval log written by this attempt in ${me.logDirs.join(', ')}`
    return err({ why, pending: true, ...warning(notes) })
  },

  async preflight(ctx: PreflightContext): Promise<Problem[]> {
    const problems: Problem[] = []
    for (const job of ctx.jobs) {
      const files = await inspect.files?.({ runDir: ctx.runDir, job, read: readerOf(ctx.transport) })
      if (!files) continue
      const hint = (r: JobRead): string =>
        `line ${r.line ?? '?'} of ${r.file} passes it to inspect: fix the path or create it before running`
      const checked = await missingReads(ctx.transport, files, hint)
      problems.push(...checked.problems)
      for (const r of checked.present)
        if (r.kind === 'model directory') problems.push(...(await staleAdapterBase(ctx.transport, r)))
    }
    return problems
  },

  // cruijff_kit's eval template writes beside the checkpoint it evaluates ({run}/artifacts/epoch_N),
  // or in the run's artifacts directory for a base model.
  gpuMetricsFile(runDir: string, job: PlannedJob): string | undefined {
    const cell = job.cell
    if (!cell) return undefined
    const artifacts = `${resolvePath(runDir, cell.run)}/artifacts`
    return cell.epoch === null ? `${artifacts}/gpu_metrics.csv` : `${artifacts}/epoch_${cell.epoch}/gpu_metrics.csv`
  },

  nextSteps(runDir: string): string[] {
    return [
      `View results: \`inspect view --log-dir ${runDir} --port=$(get_free_port)\``,
      `Export data: \`inspect log export ${runDir}/<run>/eval/<cell>/logs/<log>.eval\``,
    ]
  },
}

function warning(notes: string[]): { warnings?: string[] } {
  return notes.length ? { warnings: notes } : {}
}

/**
 * An adapter checkpoint (an eval-only run's) names its base model in adapter_config.json; an absolute
 * local path there that no longer exists fails the job when the model loads (cruijff_kit's
 * STALE_LOCAL_BASE_PATH check).
 */
async function staleAdapterBase(transport: Transport, model: JobRead): Promise<Problem[]> {
  const dir = model.path
  const text = (await transport.readFile(`${dir}/adapter_config.json`))?.toString('utf8')
  if (text === undefined) return []
  let base: unknown
  try {
    base = (JSON.parse(text) as Record<string, unknown>)['base_model_name_or_path']
  } catch {
    return []
  }
  if (typeof base !== 'string' || !base.startsWith('/') || (await transport.stat(base)) !== null) return []
  const line = model.line ?? 0
  return [
    {
      file: model.file,
      line,
      ...(model.field ? { field: model.field } : {}),
      message: `the adapter in ${dir} names its base model ${base}, which does not exist on the cluster`,
      hint: `fix base_model_name_or_path in ${dir}/adapter_config.json (line ${line} of ${model.file} evaluates it)`,
    },
  ]
}

/**
 * Where inspect said it wrote its log, from the end of the job's output (`Log: logs/2026-...eval`, relative
 * to the directory it ran in): for a log directory only the running job knew (`--log-dir "$OUT"`). A path
 * the display folded over two lines is not used.
 */
async function logDirsFromOutput(ctx: JudgeContext, me: Contender): Promise<string[]> {
  if (!ctx.outputFile) return []
  const tail = (await readTail(ctx.transport, ctx.outputFile, OUTPUT_TAIL_BYTES))?.toString('utf8') ?? ''
  const cwd = me.invocations[0]?.launch.cwd.value
  const dirs = new Set<string>()
  for (const m of tail.matchAll(/^[\s│|]*Log: (\S+\.eval)[\s│|]*$/gm)) {
    const path = m[1] ?? ''
    if (path.startsWith('/') || cwd !== undefined) dirs.add(dirOf(resolvePath(cwd ?? '/', path)))
  }
  return [...dirs]
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'))
}

/** Directory name of a cell: `{task}_epoch{N}` for fine-tuned checkpoints, `{task}` otherwise. */
function cellDirName(cell: Cell): string {
  return cell.epoch === null ? cell.task : `${cell.task}_epoch${cell.epoch}`
}

function evaluationResult(path: string, h: EvalHeader): EvaluationResult {
  return {
    kind: 'evaluation',
    log: path,
    status: h.status,
    ...(h.task ? { task: h.task } : {}),
    ...(h.model ? { model: h.model } : {}),
    ...(h.totalSamples !== undefined ? { totalSamples: h.totalSamples } : {}),
    ...(h.completedSamples !== undefined ? { completedSamples: h.completedSamples } : {}),
    scores: h.scores,
  }
}
