/**
 * What squeue, sacct and scontrol print, read into rows: the fields each query asks for (separated by the
 * unit separator, times as epoch seconds), a job's status, exit code and restarts, and how a squeue row
 * and the accounting rows of the same job combine.
 */
import { isTerminal, normaliseState, type DescribedJob, type JobStatus } from './scheduler.js'

/** The field separator of every squeue and sacct query: no comment or path holds it. */
const SEP = '\x1f'
/**
 * squeue's `--Format` fields, in the order parseRow reads them: for finished jobs that slurmctld still
 * holds the exit code, start and end too, so such a job is known whole without asking accounting.
 */
export const SQUEUE_FORMAT = [
  'JobArrayId',
  'State',
  'Reason',
  'exit_code',
  'SubmitTime',
  'EndTime',
  'RestartCnt',
  'UserName',
  'WorkDir',
  'Name',
  'Comment',
  'StartTime',
]
  .map((f) => `${f}:${SEP}`)
  .join(',')
/** sacct's fields, in the order parseRow reads them (`Restarts` does not exist in 22.05: see `-D`). */
export const SACCT_FORMAT = [
  'JobIDRaw',
  'State',
  'ExitCode',
  'Start',
  'End',
  'Reason',
  'Submit',
  'User',
  'WorkDir',
  'JobName',
  'Comment',
  'SubmitLine',
].join(',')
/** Every sacct query: jobs only, every record of a requeued job, parsable, epoch times. */
export const SACCT_BASE = ['-X', '-D', '-n', '-P', `--delimiter=${SEP}`] as const
export const EPOCH_TIMES = { SLURM_TIME_FORMAT: '%s' }

/** One job as squeue or sacct lists it. */
export interface Row {
  status: JobStatus
  /** Epoch seconds. */
  submitted?: number
  ended?: number
  user?: string
  workDir?: string
  jobName?: string
  /** The comment, or the `--comment=` of the submit line where accounting keeps no comments. */
  comment?: string
}

/** The rows of squeue's or sacct's output, each line cut at SEP and read by `row` (it skips what is no job). */
export function parseRows(stdout: string, row: (fields: readonly string[]) => Row | undefined): Row[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim())
    .flatMap((line) => row(line.split(SEP).map((x) => x.trim())) ?? [])
}

/**
 * JobArrayId, State, Reason, exit_code, SubmitTime, EndTime, RestartCnt, UserName, WorkDir, Name, Comment,
 * StartTime.
 */
export function squeueRow(f: readonly string[]): Row | undefined {
  const [id, state, reason, exit, submit, end, restarts, user, workDir, name, comment, start] = f
  if (!id || !state) return undefined
  const status = statusOf(id, state, reason)
  const restartCount = count(restarts)
  const startedAt = isoOf(epoch(start))
  const endedAt = isoOf(epoch(end))
  // the exit code and the end only count once the job has ended (they read 0, or a time limit, before)
  const ended = isTerminal(status.state)
  return {
    status: {
      ...status,
      ...(ended ? exitFields(parseExit(exit)) : {}),
      ...(startedAt ? { startedAt } : {}),
      ...(ended && endedAt ? { endedAt } : {}),
      ...(restartCount !== undefined ? { restarts: restartCount } : {}),
    },
    ...optional({
      submitted: epoch(submit),
      ended: epoch(end),
      user: text(user),
      workDir: text(workDir),
      jobName: text(name),
      comment: text(comment),
    }),
  }
}

/**
 * JobIDRaw, State, ExitCode, Start, End, Reason, Submit, User, WorkDir, JobName, Comment, SubmitLine
 * (times as epoch seconds). A job that was requeued has a REQUEUED record per restart before its own.
 */
export function sacctRow(f: readonly string[]): Row | undefined {
  const [id, state, exit, start, end, reason, submit, user, workDir, name, comment, submitLine] = f
  if (!id || !state) return undefined
  const startedAt = isoOf(epoch(start))
  const endedAt = isoOf(epoch(end))
  return {
    status: {
      ...statusOf(id, state, reason),
      ...exitFields(parseExit(exit)),
      ...(startedAt ? { startedAt } : {}),
      ...(endedAt ? { endedAt } : {}),
    },
    ...optional({
      submitted: epoch(submit),
      ended: epoch(end),
      // jobcomp prints `name(uid)`
      user: text(user?.replace(/\(\d+\)$/, '')),
      workDir: text(workDir),
      jobName: text(name),
      comment: text(comment) ?? /(?:^|\s)--comment=(\S+)/.exec(submitLine ?? '')?.[1],
    }),
  }
}

/**
 * sacct's rows by id, ONLY the ids wanted when given: the last record of each job is its state (sacct
 * -D lists a requeued job's earlier runs first, as REQUEUED), and those earlier records count its restarts.
 */
export function byId(rows: readonly Row[], ids?: readonly string[]): Map<string, Row> {
  const out = new Map<string, Row>()
  const restarts = new Map<string, number>()
  for (const row of rows) {
    const id = row.status.jobId
    if (ids && !ids.includes(id)) continue
    if (/^REQUEUE/i.test(row.status.raw)) {
      restarts.set(id, (restarts.get(id) ?? 0) + 1)
      if (out.has(id)) continue
    }
    out.set(id, row)
  }
  for (const [id, n] of restarts) {
    const row = out.get(id)
    if (row) out.set(id, { ...row, status: { ...row.status, restarts: Math.max(n, row.status.restarts ?? 0) } })
  }
  return out
}

/** A squeue row completed by the accounting row of the same job. */
export function mergeRows(fromQueue: Row | undefined, row: Row): Row {
  if (!fromQueue) return row
  const status = merge(fromQueue.status, row.status)
  return { ...row, ...fromQueue, comment: fromQueue.comment ?? row.comment, status }
}

export function described(row: Row): DescribedJob {
  const marker = markerOfComment(row.comment)
  const submittedAt = isoOf(row.submitted)
  return {
    status: row.status,
    ...(marker !== undefined ? { marker } : {}),
    ...(row.workDir !== undefined ? { workDir: row.workDir } : {}),
    ...(submittedAt ? { submittedAt } : {}),
  }
}

/** The marker in a job's comment: the comment less the nonce submit appends (`:` and 12 hex digits). */
export function markerOfComment(comment: string | undefined): string | undefined {
  return comment?.replace(/:[0-9a-f]{12}$/, '')
}

function exitFields(exit: { code: number; signal: number } | undefined): Pick<JobStatus, 'exitCode' | 'signal'> {
  return exit ? { exitCode: exit.code, ...(exit.signal ? { signal: exit.signal } : {}) } : {}
}

/**
 * squeue's exit_code: the raw wait status (22.05: 768 = exit 3, 9 = killed by signal 9), or
 * `code:signal` as sacct and scontrol print it.
 */
export function parseExit(text: string | undefined): { code: number; signal: number } | undefined {
  const t = (text ?? '').trim()
  const pair = /^(\d+):(\d+)$/.exec(t)
  if (pair) return { code: Number(pair[1]), signal: Number(pair[2]) }
  if (!/^\d+$/.test(t)) return undefined
  const raw = Number(t)
  const signal = raw & 0x7f
  return signal ? { code: 0, signal } : { code: (raw >> 8) & 0xff, signal: 0 }
}

function statusOf(id: string, state: string, reason: string | undefined): JobStatus {
  return {
    jobId: id,
    state: normaliseState(state),
    raw: state,
    ...(reason && reason !== 'None' && reason !== '(null)' ? { reason } : {}),
  }
}

export function parseScontrol(stdout: string, id: string): JobStatus | undefined {
  const field = (k: string): string | undefined => new RegExp(`(?:^|\\s)${k}=(\\S+)`).exec(stdout)?.[1]
  const state = field('JobState')
  if (!state) return undefined
  const startedAt = isoOf(epoch(field('StartTime')))
  const endedAt = isoOf(epoch(field('EndTime')))
  const restarts = count(field('Restarts'))
  return {
    ...statusOf(id, state, field('Reason')),
    ...exitFields(parseExit(field('ExitCode'))),
    ...(startedAt ? { startedAt } : {}),
    ...(endedAt ? { endedAt } : {}),
    ...(restarts !== undefined ? { restarts } : {}),
  }
}

/** squeue (slurmctld) knows the live state best; accounting adds exit code and times. */
export function merge(fromQueue: JobStatus | undefined, row: JobStatus): JobStatus {
  if (!fromQueue) return row
  const times = {
    ...(row.startedAt ? { startedAt: row.startedAt } : {}),
    ...(row.endedAt ? { endedAt: row.endedAt } : {}),
  }
  const restarts = Math.max(fromQueue.restarts ?? 0, row.restarts ?? 0)
  const counted = fromQueue.restarts !== undefined || row.restarts !== undefined ? { restarts } : {}
  // still queued or running (e.g. requeued after PREEMPTED), or accounting lags behind the end
  if (!isTerminal(fromQueue.state) || !isTerminal(row.state)) return { ...fromQueue, ...times, ...counted }
  return { ...row, ...(row.reason ? {} : fromQueue.reason ? { reason: fromQueue.reason } : {}), ...counted }
}

/** Epoch seconds as SLURM prints them with SLURM_TIME_FORMAT=%s; 0, Unknown, None: undefined. */
function epoch(s: string | undefined): number | undefined {
  return s && /^\d+$/.test(s) && s !== '0' ? Number(s) : undefined
}

function isoOf(seconds: number | undefined): string | undefined {
  return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString()
}

function count(s: string | undefined): number | undefined {
  return s && /^\d+$/.test(s) ? Number(s) : undefined
}

/** A field's text; SLURM's placeholders for none are undefined. */
function text(s: string | undefined): string | undefined {
  return s && s !== '(null)' && s !== 'N/A' ? s : undefined
}

/** The entries whose value is defined (exactOptionalPropertyTypes). */
function optional<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>
  }
}
