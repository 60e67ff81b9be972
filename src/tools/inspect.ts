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
import type { EvaluationResult, JudgeContext, Judgement, PlannedJob, ScaffoldPlan, ToolModule } from './tool.js'
import { joinPath, resolvePath } from '../cluster/paths.js'

/** Logs may carry an mtime a little before the recorded submission (clock skew on shared filesystems). */
const SKEW_MS = 5_000

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
    const logDir = resolvePath(jobDir, logDirOf(script))
    const found = await findEvalLogs(ctx.transport, logDir, ctx.since ? Date.parse(ctx.since) - SKEW_MS : 0)
    const mine = found.filter(({ header }) => belongsTo(header, ctx.job))
    const newestFirst = (a: FoundLog, b: FoundLog): number => b.mtimeMs - a.mtimeMs
    const success = mine.filter((l) => l.header.status === 'success').sort(newestFirst)[0]
    if (success) {
      const result = evaluationResult(success.path, success.header)
      if (ctx.state === 'COMPLETED' && (ctx.exitCode ?? 0) === 0) return ok({ result })
      const ended = `${ctx.state}${ctx.exitCode !== undefined ? ` (exit ${ctx.exitCode})` : ''}`
      const warning =
        `${ctx.job.display}: the job ended ${ended}, but its .eval log says success: counted as succeeded ` +
        "(the job's exit status is not inspect's, e.g. a script that ends by waiting on its GPU monitor)"
      return ok({ result, warning })
    }
    const newest = mine.sort(newestFirst)[0]
    if (newest && newest.header.status !== 'started') {
      const inspectError = newest.header.error ? `: ${firstLine(newest.header.error)}` : ''
      return err({
        why: `the newest .eval log (${newest.path}) has status "${newest.header.status}"${inspectError}`,
        result: evaluationResult(newest.path, newest.header),
      })
    }
    const why = newest
      ? `the .eval log ${newest.path} was never finished (status "started")`
      : `no .eval log written by this attempt in ${logDir}`
    return err({ why, pending: true })
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
 * Whether a log belongs to this job's cell. A cell directory holds only its own logs; in the earlier
 * flat layout the cells of a run share `{run}/eval/logs/`, so the task and epoch must match.
 */
function belongsTo(header: EvalHeader, job: PlannedJob): boolean {
  const cell = job.cell
  if (!cell || job.script === 'cell.slurm') return true
  if (header.task && !taskMatches(header.task, cell.task)) return false
  if (cell.epoch !== null) {
    const e = header.metadata['epoch']
    if (e !== undefined && Number(e) !== cell.epoch) return false
    if (
      e === undefined &&
      header.model &&
      /epoch_(\d+)/.test(header.model) &&
      !header.model.includes(`epoch_${cell.epoch}`)
    ) {
      return false
    }
  }
  return true
}

/** Directory name of a cell: `{task}_epoch{N}` for fine-tuned checkpoints, `{task}` otherwise. */
export function cellDirName(cell: Cell): string {
  return cell.epoch === null ? cell.task : `${cell.task}_epoch${cell.epoch}`
}

export interface FoundLog {
  path: string
  mtimeMs: number
  header: EvalHeader
}

export async function findEvalLogs(transport: Transport, logDir: string, sinceMs: number): Promise<FoundLog[]> {
  const entries = (await transport.list(logDir)) ?? []
  const out: FoundLog[] = []
  for (const e of entries) {
    if (e.isDirectory || !e.name.endsWith('.eval')) continue
    const path = `${logDir}/${e.name}`
    const stat = await transport.stat(path)
    if (!stat || stat.mtimeMs < sinceMs) continue
    const bytes = await transport.readFile(path)
    if (!bytes) continue
    const header = await readEvalHeader(bytes)
    out.push({
      path,
      mtimeMs: stat.mtimeMs,
      header: header.ok ? header.value : { status: 'unreadable', metadata: {}, scores: [], error: header.error },
    })
  }
  return out
}

export function evaluationResult(path: string, h: EvalHeader): EvaluationResult {
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

/** The `--log-dir` the script passes to inspect (default ./logs, inspect's own default). */
export function logDirOf(script: string): string {
  const m = /--log-dir(?:=|\s+)(?:"([^"]+)"|'([^']+)'|([^\s;&|]+))/.exec(script)
  const dir = m?.[1] ?? m?.[2] ?? m?.[3]
  return dir && !dir.includes('$') ? dir : 'logs'
}

/** inspect records a task as `name` or `file.py@name` or `pkg/name`. */
function taskMatches(recorded: string, task: string): boolean {
  const base = recorded.split('@').pop()?.split('/').pop() ?? recorded
  return base === task || recorded === task
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s
}
