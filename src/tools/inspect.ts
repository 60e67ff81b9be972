/**
 * inspect-ai: one evaluation job per matrix cell. Success: exit 0 and a `.eval` log written by
 * this job whose header status is `success`. Several logs: the newest successful one.
 */
import type { Transport } from '../cluster/transport.js'
import { readEvalHeader, type EvalHeader } from './eval-log.js'
import type { PlannedJob, ToolModule, Validation, ValidationContext } from './tool.js'
import { joinPath, resolvePath } from './tool.js'

/** Logs may carry an mtime a little before the recorded submission (clock skew on shared filesystems). */
const SKEW_MS = 5_000

export const inspect: ToolModule = {
  name: 'inspect-ai',
  phase: 'evaluate',
  logFile: 'run-inspect.log',
  stateFile: 'run-inspect.state.json',
  submitAction: 'SUBMIT_EVAL',

  plan(_experiment, scaffold): PlannedJob[] {
    return scaffold.evals.map((e) => ({
      key: joinPath(e.dir, e.script),
      display: e.display,
      run: e.cell.run,
      cell: e.cell,
      dir: e.dir,
      script: e.script,
      inputs: [joinPath(e.dir, e.script)],
    }))
  },

  async validate(ctx: ValidationContext): Promise<Validation> {
    const jobDir = resolvePath(ctx.runDir, ctx.job.dir)
    const script = (await ctx.transport.readFile(`${jobDir}/${ctx.job.script}`))?.toString('utf8') ?? ''
    const logDir = resolvePath(jobDir, logDirOf(script))
    const found = await findEvalLogs(ctx.transport, logDir, ctx.since ? Date.parse(ctx.since) - SKEW_MS : 0)
    const cell = ctx.job.cell
    const mine = found.filter(({ header }) => {
      if (!cell || ctx.job.script === 'cell.slurm') return true
      // Earlier flat layout: cells of one run share a log directory; keep this cell's logs.
      if (header.task && !taskMatches(header.task, cell.task)) return false
      if (cell.epoch !== null) {
        const e = header.metadata['epoch']
        if (e !== undefined && Number(e) !== cell.epoch) return false
        if (
          e === undefined &&
          header.model &&
          /epoch_(\d+)/.test(header.model) &&
          !header.model.includes(`epoch_${cell.epoch}`)
        )
          return false
      }
      return true
    })
    const success = mine.filter((l) => l.header.status === 'success').sort((a, b) => b.mtimeMs - a.mtimeMs)[0]
    if (success) return { ok: true, outputs: evalOutputs(success.path, success.header) }
    const newest = mine.sort((a, b) => b.mtimeMs - a.mtimeMs)[0]
    if (newest) {
      return {
        ok: false,
        problem: `the newest .eval log (${newest.path}) has status "${newest.header.status}"${newest.header.error ? `: ${firstLine(newest.header.error)}` : ''}`,
        outputs: { eval_log: newest.path, status: newest.header.status },
      }
    }
    return { ok: false, problem: `no .eval log written by this job in ${logDir}`, outputs: {} }
  },
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

export function evalOutputs(path: string, h: EvalHeader): Record<string, unknown> {
  return {
    eval_log: path,
    status: h.status,
    ...(h.task ? { task: h.task } : {}),
    ...(h.model ? { model: h.model } : {}),
    ...(h.totalSamples !== undefined ? { total_samples: h.totalSamples } : {}),
    ...(h.completedSamples !== undefined ? { completed_samples: h.completedSamples } : {}),
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
