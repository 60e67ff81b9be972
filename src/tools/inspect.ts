/**
 * inspect-ai: one evaluation job per matrix cell, in the cell's directory (`{run}/eval/{cell}/cell.slurm`)
 * or, in the earlier flat layout, `{run}/eval/{cell}.slurm`. A cell succeeded when a `.eval` log written
 * by this attempt (after its submission) has status `success`, whatever the job's exit status; several
 * such logs: the newest.
 */
import type { Transport } from '../cluster/transport.js'
import { cellDisplayName, type Cell } from '../experiment/model.js'
import { err, ok } from '../result.js'
import { readEvalHeader, type EvalHeader } from './eval-log.js'
import { inspectInvocation, sameValue, type InspectInvocation, type ScriptValue } from './inspect-script.js'
import type { Problem } from '../result.js'
import {
  SKEW_MS,
  type EvaluationResult,
  type JudgeContext,
  type Judgement,
  type PlannedJob,
  type PreflightContext,
  type ScaffoldPlan,
  type ToolModule,
} from './tool.js'
import { joinPath, resolvePath } from '../cluster/paths.js'

export const inspect: ToolModule = {
  name: 'inspect-ai',
  aliases: ['inspect', 'inspect_ai'],
  phase: 'evaluate',
  logFile: 'run-inspect.log',
  stateFile: 'run-inspect.state.json',
  submitAction: 'SUBMIT_EVAL',

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

  async judge(ctx: JudgeContext): Promise<Judgement> {
    const jobDir = resolvePath(ctx.runDir, ctx.job.dir)
    const script = (await ctx.transport.readFile(`${jobDir}/${ctx.job.script}`))?.toString('utf8') ?? ''
    const invocation = inspectInvocation(script)
    const logDir = resolvePath(jobDir, invocation?.logDir?.value ?? 'logs')
    const found = await findEvalLogs(ctx.transport, logDir, ctx.since ? Date.parse(ctx.since) - SKEW_MS : 0)
    const shared = ctx.job.script !== 'cell.slurm'
    const mine = shared ? found.filter((l) => belongsTo(l.header, ctx.job, invocation, jobDir)) : found
    const notes = shared ? await unattributed(ctx, jobDir, found, mine) : []
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
      : `no .eval log written by this attempt in ${logDir}`
    return err({ why, pending: true, ...warning(notes) })
  },

  async preflight(ctx: PreflightContext): Promise<Problem[]> {
    const problems: Problem[] = []
    const seen = new Set<string>()
    for (const job of ctx.jobs) {
      const jobDir = resolvePath(ctx.runDir, job.dir)
      const script = joinPath(job.dir, job.script)
      const inv = inspectInvocation((await ctx.transport.readFile(`${jobDir}/${job.script}`))?.toString('utf8') ?? '')
      if (!inv) continue
      const reads: [ScriptValue | undefined, string][] = [
        [inv.taskFile, 'inspect task file'],
        [inv.taskArgs['data_path'], 'evaluation dataset'],
        // A fine-tuned cell's model is the checkpoint its training writes; others read an existing one.
        [job.cell?.epoch === null ? inv.modelArgs['model_path'] : undefined, 'model directory'],
      ]
      for (const [read, kind] of reads) {
        if (!read) continue
        const where = resolvePath(jobDir, read.value)
        if ((await ctx.transport.stat(where)) !== null) {
          if (kind === 'model directory') problems.push(...(await staleAdapterBase(ctx.transport, where, script, read)))
          continue
        }
        if (seen.has(`${script}\u0000${where}`)) continue
        seen.add(`${script}\u0000${where}`)
        problems.push({
          file: script,
          line: read.line,
          message: `the ${kind} ${where} does not exist on the cluster`,
          hint: `line ${read.line} of ${script} passes it to inspect: fix the path or create it before running`,
        })
      }
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

/**
 * Whether a log in a log directory that several cells share (the earlier flat layout, `{run}/eval/logs/`)
 * is this job's: what inspect recorded of the run (the task function, the `-T` vis_label, the
 * `--metadata` epoch, the `-M` model path) must be what the job's script passed. Never the task name
 * alone: tasks name themselves `{task}_{vis_label}`. Without a readable script, the cell's own task and
 * epoch decide.
 */
function belongsTo(header: EvalHeader, job: PlannedJob, inv: InspectInvocation | undefined, jobDir: string): boolean {
  if (inv) {
    // What identifies the run besides the task: compared wherever the script or the log has it.
    const identity: boolean[] = []
    const compare = (recorded: unknown, passed: ScriptValue | undefined, same = sameValue): void => {
      if (passed !== undefined || recorded !== undefined)
        identity.push(passed !== undefined && recorded !== undefined && same(recorded, passed.value))
    }
    compare(header.taskArgs['vis_label'], inv.taskArgs['vis_label'])
    compare(header.metadata['epoch'], inv.metadata['epoch'])
    compare(
      header.modelArgs['model_path'],
      inv.modelArgs['model_path'],
      (recorded, passed) =>
        typeof recorded === 'string' && resolvePath(jobDir, recorded) === resolvePath(jobDir, passed),
    )
    if (identity.length > 0) {
      const task = header.registryName ?? header.task
      const sameTask =
        !inv.task || !task || task === inv.task || (!header.registryName && task.startsWith(`${inv.task}_`))
      return sameTask && identity.every(Boolean)
    }
  }
  const cell = job.cell
  if (!cell) return false
  if ((header.registryName ?? header.task) !== cell.task) return false
  const e = header.metadata['epoch']
  if (cell.epoch === null) return e === undefined
  if (e !== undefined) return Number(e) === cell.epoch
  const path = header.modelArgs['model_path']
  const modelEpoch = /epoch_(\d+)/.exec(typeof path === 'string' ? path : (header.model ?? ''))
  return modelEpoch?.[1] !== undefined && Number(modelEpoch[1]) === cell.epoch
}

/**
 * Logs of this attempt's time in a shared log directory that no job script there accounts for: each is
 * named in a warning (a log is never counted for a cell it cannot be shown to belong to).
 */
async function unattributed(ctx: JudgeContext, jobDir: string, found: FoundLog[], mine: FoundLog[]): Promise<string[]> {
  const others = found.filter((l) => !mine.includes(l))
  if (others.length === 0) return []
  const siblings: { job: PlannedJob; inv: InspectInvocation | undefined }[] = []
  for (const e of (await ctx.transport.list(jobDir)) ?? []) {
    if (e.isDirectory || !e.name.endsWith('.slurm') || e.name === ctx.job.script) continue
    const text = (await ctx.transport.readFile(`${jobDir}/${e.name}`))?.toString('utf8') ?? ''
    siblings.push({ job: { ...ctx.job, script: e.name, cell: undefined }, inv: inspectInvocation(text) })
  }
  return others
    .filter((l) => !siblings.some((s) => belongsTo(l.header, s.job, s.inv, jobDir)))
    .map(
      (l) =>
        `${l.path}: this .eval log (task "${l.header.task ?? '?'}") matches no evaluation script in ${jobDir} ` +
        '(task, vis_label, epoch, model path): not counted for any cell',
    )
}

function warning(notes: string[]): { warnings?: string[] } {
  return notes.length ? { warnings: notes } : {}
}

/**
 * An adapter checkpoint (an eval-only run's) names its base model in adapter_config.json; an absolute
 * local path there that no longer exists fails the job when the model loads (cruijff_kit's
 * STALE_LOCAL_BASE_PATH check).
 */
async function staleAdapterBase(
  transport: Transport,
  dir: string,
  script: string,
  read: ScriptValue,
): Promise<Problem[]> {
  const text = (await transport.readFile(`${dir}/adapter_config.json`))?.toString('utf8')
  if (text === undefined) return []
  let base: unknown
  try {
    base = (JSON.parse(text) as Record<string, unknown>)['base_model_name_or_path']
  } catch {
    return []
  }
  if (typeof base !== 'string' || !base.startsWith('/') || (await transport.stat(base)) !== null) return []
  return [
    {
      file: script,
      line: read.line,
      message: `the adapter in ${dir} names its base model ${base}, which does not exist on the cluster`,
      hint: `fix base_model_name_or_path in ${dir}/adapter_config.json (line ${read.line} of ${script} evaluates it)`,
    },
  ]
}

/** Directory name of a cell: `{task}_epoch{N}` for fine-tuned checkpoints, `{task}` otherwise. */
function cellDirName(cell: Cell): string {
  return cell.epoch === null ? cell.task : `${cell.task}_epoch${cell.epoch}`
}

export interface FoundLog {
  path: string
  mtimeMs: number
  header: EvalHeader
}

async function findEvalLogs(transport: Transport, logDir: string, sinceMs: number): Promise<FoundLog[]> {
  const entries = (await transport.list(logDir)) ?? []
  const out: FoundLog[] = []
  for (const e of entries) {
    if (e.isDirectory || !e.name.endsWith('.eval')) continue
    const path = `${logDir}/${e.name}`
    const stat = await transport.stat(path)
    if (!stat || stat.mtimeMs < sinceMs) continue
    // Ranges only: a log holds every sample and can be gigabytes; the header is a few kilobytes.
    const header = await readEvalHeader({
      size: stat.size,
      read: (start, length) => transport.readRange(path, start, length),
    })
    out.push({
      path,
      mtimeMs: stat.mtimeMs,
      header: header.ok
        ? header.value
        : { status: 'unreadable', metadata: {}, taskArgs: {}, modelArgs: {}, scores: [], error: header.error },
    })
  }
  return out
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

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s
}
