/**
 * Which `.eval` logs are a job's. Only logs this attempt wrote count (JudgeContext.before, else its
 * submission time). Where no other job of the experiment writes to the same log directory, all of them
 * are the job's. Where others do (the earlier flat layout, `{run}/eval/logs/`, or a shared --log-dir),
 * each log goes to the one job it fits, in this order:
 *  1. identity: the vis_label, epoch and model path a script passes, where it passes them, must be what
 *     inspect recorded (a field a script does not pass, or passes from a variable, is not compared);
 *  2. the task: a log belongs to the only script there that runs its task (and model);
 *  3. the time: a log created inside exactly one job's run window belongs to that job.
 * A log that still fits several jobs is ambiguous: named in a warning with its candidates, counted for
 * none. A log that fits none is named too.
 */
import { resolvePath } from '../cluster/paths.js'
import type { Transport } from '../cluster/transport.js'
import type { Cell } from '../experiment/model.js'
import { readEvalHeader, type EvalHeader } from './eval-log.js'
import { cliValue, inspectInvocation, logDirOf, sameValue, type InspectInvocation } from './inspect-script.js'
import { identityOf, jobScript, writtenByAttempt, type AttemptTimes } from './job-files.js'
import { SKEW_MS, type JobWindow, type JudgeContext, type OutputSnapshot, type PlannedJob } from './tool.js'

export interface FoundLog {
  path: string
  mtimeMs: number
  header: EvalHeader
}

/** A job that may have written a log, as its script says. */
export interface Contender {
  job: PlannedJob
  invocations: InspectInvocation[]
  /** Its log directories (absolute), where known. */
  logDirs: string[]
  window?: JobWindow
}

/** A job's inspect command lines and log directories, from its script. */
export async function contender(
  read: (path: string) => Promise<Buffer | null>,
  runDir: string,
  job: PlannedJob,
  window?: JobWindow,
): Promise<Contender> {
  const script = await jobScript(read, runDir, job)
  const invocations = script?.launches.flatMap((l) => inspectInvocation(l) ?? []) ?? []
  const logDirs = [...new Set(invocations.flatMap((i) => logDirOf(i).where.value ?? []))]
  // Without a readable inspect command line: inspect's default, beside the script.
  if (invocations.length === 0) logDirs.push(resolvePath(runDir, `${job.dir}/logs`))
  return { job, invocations, logDirs, ...(window ? { window } : {}) }
}

/** The `.eval` logs in `dirs` now, each with its identity. */
export async function evalLogsNow(transport: Transport, dirs: string[]): Promise<OutputSnapshot> {
  const out: OutputSnapshot = {}
  for (const dir of dirs)
    for (const e of (await transport.list(dir)) ?? []) {
      if (e.isDirectory || !e.name.endsWith('.eval')) continue
      const stat = await transport.stat(`${dir}/${e.name}`)
      if (stat) out[`${dir}/${e.name}`] = identityOf(stat)
    }
  return out
}

/** The logs in `dirs` this attempt wrote, with their headers (ranges only: a log can be gigabytes). */
export async function logsOfAttempt(transport: Transport, dirs: string[], attempt: AttemptTimes): Promise<FoundLog[]> {
  const out: FoundLog[] = []
  for (const dir of dirs)
    for (const e of (await transport.list(dir)) ?? []) {
      if (e.isDirectory || !e.name.endsWith('.eval')) continue
      const path = `${dir}/${e.name}`
      const stat = await transport.stat(path)
      if (!stat || !writtenByAttempt(attempt, path, stat)) continue
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

/**
 * The other jobs that write where `me` writes: the neighbours the engine names, else the other job
 * scripts in my job's directory (without windows).
 */
export async function rivalsOf(ctx: JudgeContext, me: Contender): Promise<Contender[]> {
  const read = (p: string): Promise<Buffer | null> => ctx.transport.readFile(p)
  let others: { job: PlannedJob; window?: JobWindow }[]
  if (ctx.neighbours) others = ctx.neighbours.filter((n) => n.job.key !== ctx.job.key)
  else {
    const jobDir = resolvePath(ctx.runDir, ctx.job.dir)
    others = ((await ctx.transport.list(jobDir)) ?? [])
      .filter((e) => !e.isDirectory && /\.(slurm|sbatch|sh)$/.test(e.name) && e.name !== ctx.job.script)
      .map((e) => ({
        job: { ...ctx.job, key: `${ctx.job.dir}/${e.name}`, display: e.name, script: e.name, cell: undefined },
      }))
  }
  const rivals: Contender[] = []
  for (const o of others) {
    const c = await contender(read, ctx.runDir, o.job, o.window)
    if (c.logDirs.some((d) => me.logDirs.includes(d))) rivals.push(c)
  }
  return rivals
}

/** The jobs a log fits, by the rules above; `contenders` are every job writing to its directory. */
export function ownersOf(log: FoundLog, contenders: Contender[]): Contender[] {
  const h = log.header
  const ids = contenders.map((c) => ({ c, id: identity(h, c) }))
  const matched = ids.filter((x) => x.id === 'match').map((x) => x.c)
  if (matched.length > 0) return matched
  let pool = ids.filter((x) => x.id === 'none').map((x) => x.c)
  const tasks = pool.map((c) => ({ c, runs: runsTask(h, c) })).filter((x) => x.runs !== 'no')
  const yes = tasks.filter((x) => x.runs === 'yes').map((x) => x.c)
  if (yes.length === 1) return yes
  pool = yes.length > 1 ? yes : tasks.map((x) => x.c)
  const created = h.created !== undefined ? Date.parse(h.created) : NaN
  if (pool.length > 1 && Number.isFinite(created)) {
    for (const slack of [0, SKEW_MS]) {
      const inside = pool.filter((c) => within(c.window, created, slack))
      if (inside.length > 0) return inside
    }
  }
  return pool
}

function within(w: JobWindow | undefined, t: number, slack: number): boolean {
  const start = w?.startedAt !== undefined ? Date.parse(w.startedAt) : NaN
  if (!Number.isFinite(start) || t < start - slack) return false
  const end = w?.endedAt !== undefined ? Date.parse(w.endedAt) : NaN
  return !Number.isFinite(end) || t <= end + slack
}

/**
 * Whether what inspect recorded is what one of the job's command lines passed: vis_label (`-T`), epoch
 * (`--metadata`) and model path (`-M`), each compared where the script passes a known value.
 */
function identity(h: EvalHeader, c: Contender): 'match' | 'mismatch' | 'none' {
  let best: 'match' | 'mismatch' | 'none' = c.invocations.length ? 'mismatch' : 'none'
  for (const inv of c.invocations) {
    const checks: boolean[] = []
    const compare = (recorded: unknown, passed: string | undefined, same = sameValue): void => {
      if (passed !== undefined) checks.push(recorded !== undefined && same(recorded, passed))
    }
    compare(h.taskArgs['vis_label'], inv.taskArgs['vis_label']?.value)
    compare(h.metadata['epoch'], inv.metadata['epoch']?.value)
    compare(h.modelArgs['model_path'], inv.modelArgs['model_path']?.value, (recorded, passed) => {
      const cwd = inv.launch.cwd.value ?? '/'
      const asPath = (v: unknown): string | undefined => (typeof v === 'string' ? resolvePath(cwd, v) : undefined)
      return typeof recorded === 'string' && asPath(recorded) === asPath(cliValue(passed))
    })
    const id =
      checks.length === 0 ? 'none' : checks.every(Boolean) && runs(h, inv, false) !== 'no' ? 'match' : 'mismatch'
    if (id === 'match') return 'match'
    if (id === 'none') best = 'none'
  }
  return best
}

/** Whether a job runs the log's task: its `file.py@task` or registry name, and its `--model`. */
function runsTask(h: EvalHeader, c: Contender): 'yes' | 'no' | 'maybe' {
  if (c.invocations.length === 0) return c.job.cell ? (cellRuns(h, c.job.cell) ? 'yes' : 'no') : 'no'
  const each = c.invocations.map((inv) => runs(h, inv, true))
  return each.includes('yes') ? 'yes' : each.every((r) => r === 'no') ? 'no' : 'maybe'
}

/** Whether a command line runs the log's task; `withModel`: and its model (`--model`, as inspect records it). */
function runs(h: EvalHeader, inv: InspectInvocation, withModel: boolean): 'yes' | 'no' | 'maybe' {
  const model = withModel ? inv.model?.value : undefined
  if (model !== undefined && !model.includes(',') && h.model !== undefined && h.model !== model) return 'no'
  const spec = inv.tasks.length === 1 ? inv.tasks[0]?.value : undefined
  // a registry name (`pkg/task`) names the task itself; `file.py@task` names its function
  const name = inv.task ?? (spec !== undefined && !/\.(py|ipynb)$|^[./]/.test(spec) ? spec : undefined)
  if (name === undefined) return 'maybe'
  if (h.registryName !== undefined) return h.registryName === name ? 'yes' : 'no'
  const task = h.task ?? ''
  return task === name || task.startsWith(`${name}_`) ? 'yes' : 'no'
}

/** Without a readable command line, the cell decides: its task function and epoch. */
function cellRuns(h: EvalHeader, cell: Cell): boolean {
  if ((h.registryName ?? h.task) !== cell.task) return false
  const e = h.metadata['epoch']
  if (cell.epoch === null) return e === undefined
  if (e !== undefined) return Number(e) === cell.epoch
  const path = h.modelArgs['model_path']
  const modelEpoch = /epoch_(\d+)/.exec(typeof path === 'string' ? path : (h.model ?? ''))
  return modelEpoch?.[1] !== undefined && Number(modelEpoch[1]) === cell.epoch
}
