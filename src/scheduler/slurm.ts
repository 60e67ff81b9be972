/**
 * SLURM over any Transport (this machine, or one SSH connection to a login node).
 *
 * - submit: `mkdir -p` the log directory first (SLURM silently drops the log otherwise), then
 *   `sbatch --parsable --output=PATTERN --comment=run-experiment:IDENTITY:NONCE SCRIPT` in the job's
 *   directory. The script's own `#SBATCH --job-name` stays what `squeue` and `sacct` show (users search
 *   by it; cruijff_kit's names are not even unique): the action knows its jobs by the comment.
 *   Submit-limit rejections (QOSMaxSubmitJobPerUserLimit, AssocMaxSubmitJobLimit,
 *   "Job violates accounting/QOS policy", "Socket timed out", controller unreachable) come back as
 *   retryLater. When sbatch's outcome is unknown (the connection dropped or it timed out), the job
 *   is looked up by name and nonce before anything is said, so nothing is submitted twice.
 * - poll: a constant number of commands per call, whatever the number of jobs: ONE
 *   `squeue -h -t all -j IDS`, then ONE `sacct -X -n -P -S now-N -j IDS` only for the jobs that
 *   left squeue or ended (exit code, times). `-S` bounds accounting so recycled ids never match old
 *   jobs. A failed command (slurmctld restarting) gives UNKNOWN, never a terminal state.
 *   Without slurmdbd it uses `sacct -c` (jobcomp/filetxt) and, if that is not configured either,
 *   `scontrol show job` per finished job (the only per-job mode, a degraded one).
 * - findByName: the user's jobs in `squeue` plus `sacct` since the submission, whose comment (or, where
 *   accounting does not keep comments, submit line) carries the identity; newest last.
 * - cancel: one `scancel IDS`.
 */
import { randomBytes } from 'node:crypto'
import { dirnameOf } from '../cluster/paths.js'
import type { ExecOptions, ExecResult, Transport } from '../cluster/transport.js'
import { err, messageOf, ok, type Result } from '../result.js'
import { parseSacctUsage, SACCT_USAGE_FIELDS } from './usage.js'
import {
  isTerminal,
  LOOKBACK_MS,
  normaliseState,
  type JobSpec,
  type JobStatus,
  type JobUsage,
  type PollQuery,
  type Scheduler,
  type SubmitResult,
} from './scheduler.js'
import { outputPatternOf, substituteOutput } from './script.js'

export interface SlurmOptions {
  /** At most this many of the experiment's jobs queued or running at once. Default 25. */
  maxSubmit?: number
  /** Seconds between two submissions. Default 5. */
  staggerSeconds?: number
  /** Whose jobs to list when squeue needs a user-wide fallback (default: `--me`). */
  user?: string
  /** Extra sbatch arguments, e.g. `--qos=gpu-test`, `--account=lab`. */
  extraSbatchArgs?: readonly string[]
  /** Limit for one SLURM command. Default 60 000 ms. */
  commandTimeoutMs?: number
  /** Seconds a completed job's outputs may take to appear on the shared filesystem. Default 120. */
  outputWaitSeconds?: number
}

/** The comment that marks a job as the action's: `run-experiment:<identity>:` (a nonce follows). */
function identity(name: string): string {
  return `run-experiment:${name}:`
}

/** How finished jobs are looked up: slurmdbd, jobcomp/filetxt (`sacct -c`), or scontrol only. */
type Accounting = 'slurmdbd' | 'jobcomp' | 'none'

/** ExecOptions plus the SSH transport's flag for commands that must not run twice. */
type SubmitExecOptions = ExecOptions & { idempotent?: boolean }

/** Reasons sbatch gives for "not now": the user has too many jobs queued. */
const SUBMIT_LIMIT =
  /QOSMaxSubmitJob\w*|AssocMaxSubmitJob\w*|AssocGrpSubmitJob\w*|QOSGrpSubmitJob\w*|MaxSubmitJobs?\w*/i
/** Any named QoS/association limit: if it is not a submit limit, the job can never run as asked. */
const NAMED_LIMIT = /\b(?:QOS|Assoc)\w*Limit\b/
const GENERIC_POLICY = /Job violates accounting\/QOS policy/i
/** The controller is busy or restarting. */
const TRANSIENT = new RegExp(
  [
    'Socket timed out',
    'Unable to contact slurm controller',
    'Slurm temporarily unable',
    'Resource temporarily unavailable',
    'Zero Bytes were transmitted',
    'Connection refused',
    'Communication connection failure',
    'slurm_persist_conn',
    'try again',
  ].join('|'),
  'i',
)

/**
 * squeue's `--Format` (`name:|` = no padding, `|` after): id, state, reason and, for finished jobs
 * that slurmctld still holds, the exit code, so a job that ended before accounting caught up is
 * reported with its exit code too.
 */
const SQUEUE_FIELDS = 'JobArrayId:|,State:|,Reason:|,exit_code:|'
const SACCT_FIELDS = 'JobIDRaw,State,ExitCode,Start,End,Reason'
/** Extra seconds on the sacct -S bound, for clock skew and submission latency. */
const SINCE_SLACK_S = 600

/** SLURM's own words when it kills a job for exceeding --mem without cgroups (the state reads FAILED). */
const MEMORY_KILL =
  /Exceeded job memory limit|exceeded memory limit \(\d+ > \d+\), being killed|oom-kill event|OUT_OF_MEMORY/i

export class SlurmScheduler implements Scheduler {
  readonly kind = 'slurm'
  readonly submitCommand = 'sbatch'
  readonly maxInFlight: number
  readonly staggerSeconds: number
  readonly outputWaitSeconds: number
  /** SLURM commands run (for benchmarks: commands per poll cycle). */
  commands = 0
  /** What the last sacct told about accounting; undefined until the first one. */
  accounting: Accounting | undefined
  private readonly timeoutMs: number

  constructor(
    private readonly transport: Transport,
    private readonly options: SlurmOptions = {},
  ) {
    this.maxInFlight = options.maxSubmit ?? 25
    this.staggerSeconds = options.staggerSeconds ?? 5
    this.timeoutMs = options.commandTimeoutMs ?? 60_000
    this.outputWaitSeconds = options.outputWaitSeconds ?? 120
  }

  /** `#SBATCH --output` (relative to the submission directory), else SLURM's default slurm-%j.out. */
  outputPattern(scriptText: string, jobDir: string): string {
    return outputPatternOf(scriptText, jobDir)
  }

  outputPath(pattern: string, jobId: string, jobName: string): string {
    return substituteOutput(pattern, jobId, jobName)
  }

  /** A job slurmstepd killed for its memory (no cgroups) ends FAILED: report it as OUT_OF_MEMORY. */
  classify(status: JobStatus, outputTail: string): JobStatus {
    if (status.state !== 'FAILED' || !MEMORY_KILL.test(outputTail)) return status
    return { ...status, state: 'OUT_OF_MEMORY', reason: 'exceeded its --mem (killed by slurmstepd)' }
  }

  private run(argv: readonly string[], options: SubmitExecOptions = {}): Promise<ExecResult> {
    this.commands++
    return this.transport.exec(argv, { timeoutMs: this.timeoutMs, ...options })
  }

  // ------------------------------------------------------------------ submit

  async submit(job: JobSpec): Promise<SubmitResult> {
    const outDir = dirnameOf(job.outputPattern)
    try {
      await this.transport.mkdirp(outDir)
    } catch (e) {
      const message = `cannot create the log directory ${outDir}: ${messageOf(e)}`
      return { ok: false, error: { message, retryLater: /cannot reach|connection|timed out/i.test(message) } }
    }
    const extra = this.options.extraSbatchArgs ?? []
    const nonce = `${identity(job.name)}${randomBytes(6).toString('hex')}`
    const useNonce = !extra.some((a) => a === '--comment' || a.startsWith('--comment='))
    const argv = [
      'sbatch',
      '--parsable',
      // With the comment taken by the caller, the identity can only be the job's name.
      ...(useNonce ? [] : [`--job-name=${job.name}`]),
      `--output=${job.outputPattern}`,
      ...(useNonce ? [`--comment=${nonce}`] : []),
      ...extra,
      job.script,
    ]
    const r = await this.run(argv, { cwd: job.dir, ...(job.env ? { env: job.env } : {}), idempotent: false })
    const id = /^\s*(\d+)(?:;\S*)?\s*$/.exec(r.stdout.split('\n').find((l) => l.trim()) ?? '')?.[1]
    if (r.code === 0 && id) return { ok: true, value: { jobId: id } }

    const message = sbatchMessage(r)
    // Outcome unknown: the command may have reached slurmctld. Look before saying anything.
    if (r.code === -1 || r.code === 124 || /Socket timed out/i.test(message)) {
      if (!useNonce)
        return {
          ok: false,
          error: {
            message: `${message} (the job may have been submitted: look for ${job.name} before submitting again)`,
            retryLater: true,
          },
        }
      const found = await this.findByNonce(nonce)
      if (found.ok && found.value) return ok({ jobId: found.value })
      return {
        ok: false,
        error: {
          message: found.ok
            ? `${message} (not submitted)`
            : `${message}; whether the job was submitted is unknown (${found.error}): ` +
              `look for ${job.name} before submitting again`,
          retryLater: true,
        },
      }
    }
    return { ok: false, error: { message, retryLater: isRetryLater(message) } }
  }

  /** The job submitted with this nonce as its comment, if slurmctld has it. */
  private async findByNonce(nonce: string): Promise<Result<string | undefined, string>> {
    const q = await this.run(['squeue', '-h', '-t', 'all', '--me', '-o', '%i|%k'])
    if (q.code !== 0) return err(`squeue: ${oneLine(q)}`)
    for (const line of q.stdout.split('\n')) {
      const [id, comment] = line.trim().split('|')
      if (id && comment === nonce) return ok(id)
    }
    return ok(undefined)
  }

  // ------------------------------------------------------------------ poll

  async poll(jobs: readonly PollQuery[]): Promise<Map<string, JobStatus>> {
    const result = new Map<string, JobStatus>()
    const ids = [...new Set(jobs.map((j) => j.jobId))]
    if (ids.length === 0) return result
    const unknown = (id: string, why: string): JobStatus => ({ jobId: id, state: 'UNKNOWN', raw: why })
    const bad = ids.filter((id) => !/^\d+(?:_\d+)?$/.test(id))
    for (const id of bad) result.set(id, unknown(id, `not a SLURM job id: ${id}`))
    const valid = ids.filter((id) => !bad.includes(id))
    if (valid.length === 0) return result

    // 1. squeue: everything slurmctld still holds (finished jobs too, for MinJobAge).
    const queue = await this.squeue(valid)
    if (!queue.ok) {
      for (const id of valid) result.set(id, unknown(id, queue.error))
      return result
    }
    for (const [id, s] of queue.value) result.set(id, s)

    // 2. accounting: jobs that left squeue, and finished ones (exit code, start and end).
    const need = valid.filter((id) => {
      const s = result.get(id)
      return !s || isTerminal(s.state)
    })
    if (need.length === 0) return result
    const earliest = Math.min(
      ...jobs
        .filter((j) => need.includes(j.jobId))
        .map((j) => Date.parse(j.submittedAt))
        .map((t) => (Number.isFinite(t) ? t : Date.now() - LOOKBACK_MS)),
    )
    const rows = await this.accountingRows(need, earliest)
    for (const id of need) {
      const fromQueue = queue.value.get(id)
      const row = rows.ok ? rows.value.get(id) : undefined
      if (row) result.set(id, merge(fromQueue, row))
      else if (fromQueue)
        result.set(id, fromQueue) // ended, but accounting has not caught up (or failed)
      else result.set(id, unknown(id, rows.ok ? 'neither squeue nor accounting knows this job (yet)' : rows.error))
    }
    return result
  }

  /** One squeue for these ids; `-j` with a single unknown id is an error, not an empty answer. */
  private async squeue(ids: readonly string[]): Promise<Result<Map<string, JobStatus>, string>> {
    const r = await this.run(['squeue', '-h', '-t', 'all', '-j', ids.join(','), '-O', SQUEUE_FIELDS])
    if (r.code === 0) return ok(parseSqueue(r.stdout, ids))
    if (/Invalid job id/i.test(r.stderr)) {
      if (ids.length === 1) return ok(new Map())
      // Some SLURM versions reject the whole list when one id is gone: list the user's jobs instead.
      const who = this.options.user ? ['-u', this.options.user] : ['--me']
      const all = await this.run(['squeue', '-h', '-t', 'all', ...who, '-O', SQUEUE_FIELDS])
      if (all.code === 0) return ok(parseSqueue(all.stdout, ids))
      return err(`squeue failed: ${oneLine(all)}`)
    }
    return err(`squeue failed: ${oneLine(r)}`)
  }

  /** One accounting query for these ids (sacct, or sacct -c, or scontrol per job without either). */
  private async accountingRows(
    ids: readonly string[],
    earliestMs: number,
  ): Promise<Result<Map<string, JobStatus>, string>> {
    const since = sinceArg(earliestMs)
    const env = { SLURM_TIME_FORMAT: '%s' }
    if (this.accounting === undefined || this.accounting === 'slurmdbd') {
      const r = await this.run(['sacct', '-X', '-n', '-P', '-S', since, '-j', ids.join(','), '-o', SACCT_FIELDS], {
        env,
      })
      if (r.code === 0) {
        this.accounting = 'slurmdbd'
        return ok(parseSacct(r.stdout, ids))
      }
      if (!/accounting storage is disabled/i.test(r.stderr + r.stdout)) return err(`sacct failed: ${oneLine(r)}`)
      this.accounting = 'jobcomp'
    }
    if (this.accounting === 'jobcomp') {
      const r = await this.run(['sacct', '-c', '-n', '-P', '-S', since, '-j', ids.join(','), '-o', SACCT_FIELDS], {
        env,
      })
      if (r.code === 0) return ok(parseSacct(r.stdout, ids))
      if (!/not configured|jobcomp|disabled|No such file/i.test(r.stderr + r.stdout))
        return err(`sacct -c failed: ${oneLine(r)}`)
      this.accounting = 'none'
    }
    // Degraded: no accounting at all. scontrol knows jobs only until MinJobAge.
    const rows = new Map<string, JobStatus>()
    for (const id of ids) {
      const r = await this.run(['scontrol', '-o', 'show', 'job', id], { env })
      if (r.code !== 0) continue
      const s = parseScontrol(r.stdout, id)
      if (s) rows.set(id, s)
    }
    return ok(rows)
  }

  // ------------------------------------------------------------------ usage

  /** One sacct for all jobs (steps included, for MaxRSS); empty without slurmdbd accounting. */
  async usage(jobs: readonly PollQuery[]): Promise<Map<string, JobUsage>> {
    if (jobs.length === 0 || this.accounting === 'none' || this.accounting === 'jobcomp') return new Map()
    const earliest = Math.min(...jobs.map((j) => Date.parse(j.submittedAt)).filter((n) => !Number.isNaN(n)))
    const since = sinceArg(earliest)
    const ids = [...new Set(jobs.map((j) => j.jobId))].join(',')
    const fields = SACCT_USAGE_FIELDS.join(',')
    const r = await this.run(['sacct', '-n', '-P', '-S', since, '-j', ids, '-o', fields], {
      env: { SLURM_TIME_FORMAT: '%s' },
    })
    if (r.code !== 0) throw new Error(`sacct failed: ${oneLine(r)}`)
    return parseSacctUsage(r.stdout)
  }

  // ------------------------------------------------------------------ findByName

  async findByName(name: string, since: string): Promise<JobStatus[]> {
    const sinceMs = Date.parse(since)
    // Ours: the identity in the comment (or, from earlier versions of the action, as the job's name).
    const mine = (jobName: string, comment: string, submitLine = ''): boolean =>
      comment.startsWith(identity(name)) || jobName === name || submitLine.includes(`--comment=${identity(name)}`)
    // A wrong "nothing found" would submit the job twice, so failures are retried, then thrown.
    const q = await this.retrying(
      () =>
        this.run(['squeue', '-h', '-t', 'all', '--me', '-O', `${SQUEUE_FIELDS},SubmitTime:|,Name:|,Comment:|`], {
          env: { SLURM_TIME_FORMAT: '%s' },
        }),
      'squeue',
    )
    const found = new Map<string, { status: JobStatus; submitted: number }>()
    for (const line of q.stdout.split('\n')) {
      const [id, state, reason, exit, submitted, jobName = '', ...comment] = line.trim().split('|')
      if (!id || !state || !/^\d+$/.test(id) || !mine(jobName, comment.join('|'))) continue
      found.set(id, { status: queueStatus(id, state, reason, exit), submitted: Number(submitted) || 0 })
    }
    if (this.accounting !== 'none') {
      const jobcomp = this.accounting === 'jobcomp'
      const args = [
        '-X',
        '-n',
        '-P',
        '-S',
        sinceArg(sinceMs),
        // The job completion log keeps neither comments nor submit lines: only the name can be asked.
        ...(jobcomp ? [`--name=${name}`] : []),
        '-o',
        `${SACCT_FIELDS},Submit,JobName${jobcomp ? '' : ',Comment,SubmitLine'}`,
      ]
      const a = await this.retrying(
        () =>
          this.run(['sacct', ...(jobcomp ? ['-c'] : []), ...args], {
            env: { SLURM_TIME_FORMAT: '%s' },
          }),
        'sacct',
        (r) => /accounting storage is disabled/i.test(r.stderr + r.stdout),
      )
      if (a.code === 0) {
        for (const line of a.stdout.split('\n')) {
          const fields = line.trim().split('|')
          const id = fields[0]
          if (!id || !/^\d+$/.test(id)) continue
          if (!mine(fields[7] ?? '', fields[8] ?? '', fields.slice(9).join('|'))) continue
          const row = sacctStatus(fields)
          if (!row) continue
          const prev = found.get(id)
          found.set(id, { status: merge(prev?.status, row), submitted: prev?.submitted || Number(fields[6]) || 0 })
        }
      }
    }
    return [...found.values()]
      .sort((a, b) => a.submitted - b.submitted || Number(a.status.jobId) - Number(b.status.jobId))
      .map((f) => f.status)
  }

  /** Runs a query up to ~1 minute while SLURM is unreachable; throws if it keeps failing. */
  private async retrying(
    cmd: () => Promise<ExecResult>,
    what: string,
    acceptable: (r: ExecResult) => boolean = () => false,
  ): Promise<ExecResult> {
    let delay = 1000
    const deadline = Date.now() + 60_000
    for (;;) {
      const r = await cmd()
      if (r.code === 0 || acceptable(r)) return r
      if (Date.now() > deadline)
        throw new Error(`${what} failed, so it is unknown whether the job exists: ${oneLine(r)}`)
      await new Promise((res) => setTimeout(res, delay))
      delay = Math.min(delay * 2, 15_000)
    }
  }

  // ------------------------------------------------------------------ cancel

  async cancel(jobIds: readonly string[]): Promise<void> {
    const ids = [...new Set(jobIds)].filter((id) => /^\d+(?:_\d+)?$/.test(id))
    if (ids.length === 0) return
    // scancel of an unknown or finished id prints nothing and exits 0: only real failures retry.
    await this.retrying(() => this.run(['scancel', ...ids]), 'scancel')
  }
}

/** Whether SLURM's client tools answer over this transport (`sbatch --version`). */
/** `sbatch --version`'s answer, or why SLURM's client tools do not answer over this transport. */
export async function slurmReachable(transport: Transport): Promise<Result<string, string>> {
  const r = await transport.exec(['sbatch', '--version'], { timeoutMs: 60_000 })
  return r.code === 0 ? ok(r.stdout.trim()) : err((r.stderr || `exit ${r.code}`).trim())
}

// ------------------------------------------------------------------ parsing

function parseSqueue(stdout: string, ids: readonly string[]): Map<string, JobStatus> {
  const wanted = new Set(ids)
  const jobs = new Map<string, JobStatus>()
  for (const line of stdout.split('\n')) {
    const [id, state, reason, exit] = line.trim().split('|')
    if (!id || !state || !wanted.has(id)) continue
    jobs.set(id, queueStatus(id, state, reason, exit))
  }
  return jobs
}

/** A squeue row; the exit code only counts once the job has ended (it reads 0 before). */
function queueStatus(id: string, state: string, reason: string | undefined, exit: string | undefined): JobStatus {
  const status = statusOf(id, state, reason)
  if (!isTerminal(status.state)) return status
  return { ...status, ...exitFields(parseExit(exit)) }
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

function parseSacct(stdout: string, ids: readonly string[]): Map<string, JobStatus> {
  const wanted = new Set(ids)
  const rows = new Map<string, JobStatus>()
  for (const line of stdout.split('\n')) {
    const fields = line.trim().split('|')
    if (!fields[0] || !wanted.has(fields[0])) continue
    const s = sacctStatus(fields)
    if (s) rows.set(fields[0], s) // the last row wins: the newest record of a requeued job
  }
  return rows
}

/** JobIDRaw|State|ExitCode|Start|End|Reason (times as epoch seconds). */
function sacctStatus(fields: readonly string[]): JobStatus | undefined {
  const [id, state, exit, start, end, reason] = fields
  if (!id || !state) return undefined
  const startedAt = epochIso(start)
  const endedAt = epochIso(end)
  return {
    ...statusOf(id, state, reason),
    ...exitFields(parseExit(exit)),
    ...(startedAt ? { startedAt } : {}),
    ...(endedAt ? { endedAt } : {}),
  }
}

function parseScontrol(stdout: string, id: string): JobStatus | undefined {
  const field = (k: string): string | undefined => new RegExp(`(?:^|\\s)${k}=(\\S+)`).exec(stdout)?.[1]
  const state = field('JobState')
  if (!state) return undefined
  const startedAt = epochIso(field('StartTime'))
  const endedAt = epochIso(field('EndTime'))
  return {
    ...statusOf(id, state, field('Reason')),
    ...exitFields(parseExit(field('ExitCode'))),
    ...(startedAt ? { startedAt } : {}),
    ...(endedAt ? { endedAt } : {}),
  }
}

/** squeue (slurmctld) knows the live state best; accounting adds exit code and times. */
function merge(fromQueue: JobStatus | undefined, row: JobStatus): JobStatus {
  if (!fromQueue) return row
  const times = {
    ...(row.startedAt ? { startedAt: row.startedAt } : {}),
    ...(row.endedAt ? { endedAt: row.endedAt } : {}),
  }
  // still queued or running (e.g. requeued after PREEMPTED), or accounting lags behind the end
  if (!isTerminal(fromQueue.state) || !isTerminal(row.state)) return { ...fromQueue, ...times }
  return { ...row, ...(row.reason ? {} : fromQueue.reason ? { reason: fromQueue.reason } : {}) }
}

function isRetryLater(message: string): boolean {
  const named = NAMED_LIMIT.exec(message)?.[0]
  if (named) return SUBMIT_LIMIT.test(named)
  return SUBMIT_LIMIT.test(message) || GENERIC_POLICY.test(message) || TRANSIENT.test(message)
}

/** sbatch's error lines without the `sbatch: error:` prefixes, on one line. */
function sbatchMessage(r: ExecResult): string {
  const lines = (r.stderr || r.stdout)
    .split('\n')
    .map((l) => l.replace(/^sbatch:\s*(?:error:\s*)?/, '').trim())
    .filter(Boolean)
  return lines.join('; ') || `sbatch exited with code ${r.code}`
}

function oneLine(r: ExecResult): string {
  return (r.stderr || r.stdout).trim().split('\n').filter(Boolean).join('; ') || `exit code ${r.code}`
}

/**
 * sacct's -S as a time relative to the cluster's own clock (`now-N` seconds): no time zone or
 * clock-skew question, since N is measured on this machine's clock alone. An unknown time (NaN from
 * an unreadable date, Infinity from the minimum of none) looks back LOOKBACK_MS.
 */
function sinceArg(earliestMs: number): string {
  const from = Number.isFinite(earliestMs) ? earliestMs : Date.now() - LOOKBACK_MS
  const seconds = Math.max(0, Math.ceil((Date.now() - from) / 1000)) + SINCE_SLACK_S
  return `now-${seconds}`
}

function epochIso(s: string | undefined): string | undefined {
  if (!s || !/^\d+$/.test(s) || s === '0') return undefined
  return new Date(Number(s) * 1000).toISOString()
}
