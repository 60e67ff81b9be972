/**
 * SLURM over any Transport (this machine, or one SSH connection to a login node).
 *
 * - submit: `mkdir -p` the log directory first (SLURM silently drops the log otherwise), then
 *   `sbatch --parsable --output=PATTERN --comment=MARKER:NONCE [--dependency=afterok:A:B] SCRIPT` in
 *   the job's directory. The script's own `#SBATCH --job-name` stays what `squeue` and `sacct` show
 *   (users search by it; cruijff_kit's names are not even unique): the action knows its jobs by the
 *   comment, its marker (JobSpec.marker, else `run-experiment:<name>`) plus a nonce.
 *   Submit-limit rejections (QOSMaxSubmitJobPerUserLimit, AssocMaxSubmitJobLimit,
 *   "Job violates accounting/QOS policy", "Socket timed out", controller unreachable) come back as
 *   retryLater. When sbatch's outcome is unknown (the connection dropped or it timed out), the job
 *   is looked up by its nonce before anything is said, so nothing is submitted twice.
 * - dependencies: `--dependency=afterok:A:B`, without `--kill-on-invalid-dep`: a job whose dependency
 *   failed stays PENDING (DependencyNeverSatisfied) until `scontrol update JobId=X Dependency=...`
 *   re-points it or it is cancelled. SLURM 22.05 accepts an `afterok` on an id slurmctld does not hold
 *   and runs the job as if it were satisfied, so submit and updateDependency first ask squeue for the
 *   dependencies and refuse unknown ones (`code: 'unknown-dependency'`), as they do sbatch's own
 *   "Job dependency problem".
 * - poll: a constant number of commands per call, whatever the number of jobs: ONE
 *   `squeue -h -t all -j IDS`, then ONE `sacct -X -D -n -P -S now-N -j IDS` only for the jobs that
 *   left squeue or ended (exit code, times). `-S` bounds accounting so recycled ids never match old
 *   jobs. A failed command (slurmctld restarting) gives UNKNOWN, never a terminal state.
 *   Without slurmdbd it uses `sacct -c` (jobcomp/filetxt) and, if that is not configured either,
 *   `scontrol show job` per finished job (the only per-job mode, a degraded one). A job SLURM
 *   requeued keeps its id: `restarts` is squeue's RestartCnt, or the REQUEUED records `sacct -D` lists
 *   (22.05's sacct has no Restarts field).
 * - findMarked / findByName: this user's jobs in ONE `squeue -u USER` plus ONE `sacct -u USER -S`,
 *   whose comment (or, where accounting does not keep comments, submit line) carries the marker;
 *   oldest first. USER is `id -un`, asked once: root sees every user's jobs, and `sacct -j` and
 *   `sacct -c` ignore `-u`, so rows are filtered by their user too.
 * - describe: ONE `squeue -u USER -j IDS`, then ONE `sacct -j IDS` for the ids squeue lacks, rows of
 *   other users dropped.
 * - cancel: one `scancel IDS`.
 *
 * Every query reads `-O`/`-o` fields separated by the unit separator (0x1f), so a comment or a
 * directory holding `|` cannot shift the columns.
 */
import { randomBytes } from 'node:crypto'
import { dirnameOf } from '../cluster/paths.js'
import type { ExecOptions, ExecResult, Transport } from '../cluster/transport.js'
import { err, messageOf, ok, type Result } from '../result.js'
import { parseSacctUsage, SACCT_USAGE_FIELDS } from './usage.js'
import {
  isPlainJobId,
  isTerminal,
  LOOKBACK_MS,
  markerOf,
  markerProblem,
  normaliseState,
  type DescribedJob,
  type JobSpec,
  type JobStatus,
  type JobUsage,
  type MarkedJob,
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
  /** Whose jobs findMarked and describe list (default: `id -un` where the commands run). */
  user?: string
  /** Extra sbatch arguments, e.g. `--qos=gpu-test`, `--account=lab`. */
  extraSbatchArgs?: readonly string[]
  /** Limit for one SLURM command. Default 60 000 ms. */
  commandTimeoutMs?: number
  /** Seconds a completed job's outputs may take to appear on the shared filesystem. Default 120. */
  outputWaitSeconds?: number
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
/** sbatch's words for a dependency it refuses (malformed, or on some sites one that can never be met). */
const DEPENDENCY_PROBLEM = /Job dependency problem/i
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
/** sacct's answer when there is no slurmdbd, and `sacct -c`'s when there is no job completion log either. */
const NO_DBD = /accounting storage is disabled/i
const NO_JOBCOMP = /not configured|jobcomp|disabled|No such file/i

/** The field separator of every squeue and sacct query: no comment or path holds it. */
const SEP = '\x1f'
/**
 * squeue's `--Format` fields, in the order parseRow reads them: for finished jobs that slurmctld still
 * holds the exit code too, so a job that ended before accounting caught up is reported with it.
 */
const SQUEUE_FORMAT = [
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
]
  .map((f) => `${f}:${SEP}`)
  .join(',')
/** sacct's fields, in the order parseRow reads them (`Restarts` does not exist in 22.05: see `-D`). */
const SACCT_FORMAT = [
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
const SACCT_BASE = ['-X', '-D', '-n', '-P', `--delimiter=${SEP}`] as const
const EPOCH_TIMES = { SLURM_TIME_FORMAT: '%s' }
/** Extra seconds on the sacct -S bound, for clock skew and submission latency. */
const SINCE_SLACK_S = 600

/** SLURM's own words when it kills a job for exceeding --mem without cgroups (the state reads FAILED). */
const MEMORY_KILL =
  /Exceeded job memory limit|exceeded memory limit \(\d+ > \d+\), being killed|oom-kill event|OUT_OF_MEMORY/i

/** One job as squeue or sacct lists it. */
interface Row {
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

export class SlurmScheduler implements Scheduler {
  readonly kind = 'slurm'
  readonly submitCommand = 'sbatch'
  readonly maxInFlight: number
  readonly staggerSeconds: number
  readonly outputWaitSeconds: number
  readonly chainsJobs = true
  /** SLURM commands run (for benchmarks: commands per poll cycle). */
  commands = 0
  /** What the last sacct told about accounting; undefined until the first one. */
  accounting: Accounting | undefined
  private readonly timeoutMs: number
  private userName: string | undefined

  constructor(
    private readonly transport: Transport,
    private readonly options: SlurmOptions = {},
  ) {
    this.maxInFlight = options.maxSubmit ?? 25
    this.staggerSeconds = options.staggerSeconds ?? 5
    this.timeoutMs = options.commandTimeoutMs ?? 60_000
    this.outputWaitSeconds = options.outputWaitSeconds ?? 120
    this.userName = options.user
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
    const badMarker = job.marker === undefined ? undefined : markerProblem(job.marker)
    if (badMarker) return { ok: false, error: { message: badMarker, retryLater: false } }
    const after = job.dependency?.afterok ?? []
    if (after.length > 0) {
      const known = await this.unknownDependencies(after)
      if (!known.ok) return { ok: false, error: { message: known.error, retryLater: true } }
      if (known.value.length > 0) return { ok: false, error: unknownDependency(known.value) }
    }
    const outDir = dirnameOf(job.outputPattern)
    try {
      await this.transport.mkdirp(outDir)
    } catch (e) {
      const message = `cannot create the log directory ${outDir}: ${messageOf(e)}`
      return { ok: false, error: { message, retryLater: /cannot reach|connection|timed out/i.test(message) } }
    }
    const extra = this.options.extraSbatchArgs ?? []
    const comment = `${markerOf(job)}:${randomBytes(6).toString('hex')}`
    const useComment = !extra.some((a) => a === '--comment' || a.startsWith('--comment='))
    const argv = [
      'sbatch',
      '--parsable',
      // With the comment taken by the caller, the identity can only be the job's name.
      ...(useComment ? [] : [`--job-name=${job.name}`]),
      `--output=${job.outputPattern}`,
      ...(useComment ? [`--comment=${comment}`] : []),
      ...(after.length > 0 ? [`--dependency=afterok:${after.join(':')}`] : []),
      ...extra,
      job.script,
    ]
    const r = await this.run(argv, { cwd: job.dir, ...(job.env ? { env: job.env } : {}), idempotent: false })
    const id = /^\s*(\d+)(?:;\S*)?\s*$/.exec(r.stdout.split('\n').find((l) => l.trim()) ?? '')?.[1]
    if (r.code === 0 && id) return { ok: true, value: { jobId: id } }

    const message = sbatchMessage(r)
    // Outcome unknown: the command may have reached slurmctld. Look before saying anything.
    if (r.code === -1 || r.code === 124 || /Socket timed out/i.test(message)) {
      if (!useComment)
        return {
          ok: false,
          error: {
            message: `${message} (the job may have been submitted: look for ${job.name} before submitting again)`,
            retryLater: true,
          },
        }
      const found = await this.findByComment(comment)
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
    if (DEPENDENCY_PROBLEM.test(message)) return { ok: false, error: unknownDependency(after, message) }
    return { ok: false, error: { message, retryLater: isRetryLater(message) } }
  }

  /** The job submitted with this comment (its nonce makes it unique), if slurmctld has it. */
  private async findByComment(comment: string): Promise<Result<string | undefined, string>> {
    const q = await this.run(['squeue', '-h', '-t', 'all', '--me', '-O', SQUEUE_FORMAT])
    if (q.code !== 0) return err(`squeue: ${oneLine(q)}`)
    return ok(parseRows(q.stdout, squeueRow).find((row) => row.comment === comment)?.status.jobId)
  }

  /**
   * The ids among `afterok` that slurmctld does not hold (one squeue): SLURM would take an `afterok` on
   * them as satisfied. An error when squeue cannot tell.
   */
  private async unknownDependencies(afterok: readonly string[]): Promise<Result<string[], string>> {
    const plain = afterok.filter(isPlainJobId)
    if (plain.length === 0) return ok([...afterok])
    const q = await this.squeue(plain)
    if (!q.ok) return err(`cannot tell whether the dependencies ${afterok.join(', ')} exist: ${q.error}`)
    return ok(afterok.filter((id) => !q.value.has(id)))
  }

  // ------------------------------------------------------------------ dependencies

  async updateDependency(jobId: string, afterok: readonly string[]): Promise<Result<void, string>> {
    if (!isPlainJobId(jobId)) return err(`not a SLURM job id: ${jobId}`)
    if (afterok.length > 0) {
      const unknown = await this.unknownDependencies(afterok)
      if (!unknown.ok) return err(unknown.error)
      if (unknown.value.length > 0) return err(unknownDependency(unknown.value).message)
    }
    const dependency = afterok.length > 0 ? `afterok:${afterok.join(':')}` : ''
    const r = await this.run(['scontrol', 'update', `JobId=${jobId}`, `Dependency=${dependency}`])
    return r.code === 0 ? ok(undefined) : err(`scontrol update JobId=${jobId}: ${oneLine(r)}`)
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
    for (const [id, row] of queue.value) result.set(id, row.status)

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
      const fromQueue = queue.value.get(id)?.status
      const row = rows.ok ? rows.value.get(id)?.status : undefined
      if (row) result.set(id, merge(fromQueue, row))
      else if (fromQueue)
        result.set(id, fromQueue) // ended, but accounting has not caught up (or failed)
      else result.set(id, unknown(id, rows.ok ? 'neither squeue nor accounting knows this job (yet)' : rows.error))
    }
    return result
  }

  /**
   * One squeue for these ids (of USER only, when given); `-j` with a single unknown id is an error,
   * not an empty answer.
   */
  private async squeue(ids: readonly string[], user?: string): Promise<Result<Map<string, Row>, string>> {
    const wanted = (rows: Row[]): Map<string, Row> =>
      new Map(
        rows
          .filter((row) => ids.includes(row.status.jobId) && (user === undefined || row.user === user))
          .map((row) => [row.status.jobId, row]),
      )
    const who = user === undefined ? [] : ['-u', user]
    const r = await this.run(['squeue', '-h', '-t', 'all', ...who, '-j', ids.join(','), '-O', SQUEUE_FORMAT], {
      env: EPOCH_TIMES,
    })
    if (r.code === 0) return ok(wanted(parseRows(r.stdout, squeueRow)))
    if (/Invalid job id/i.test(r.stderr)) {
      if (ids.length === 1) return ok(new Map())
      // Some SLURM versions reject the whole list when one id is gone: list the user's jobs instead.
      const all = await this.run(['squeue', '-h', '-t', 'all', ...(user ? who : ['--me']), '-O', SQUEUE_FORMAT], {
        env: EPOCH_TIMES,
      })
      if (all.code === 0) return ok(wanted(parseRows(all.stdout, squeueRow)))
      return err(`squeue failed: ${oneLine(all)}`)
    }
    return err(`squeue failed: ${oneLine(r)}`)
  }

  /** One accounting query for these ids (sacct, or sacct -c, or scontrol per job without either). */
  private async accountingRows(ids: readonly string[], earliestMs: number): Promise<Result<Map<string, Row>, string>> {
    const a = await this.sacct(['-S', sinceArg(earliestMs), '-j', ids.join(',')])
    if (!a.ok) return a
    if (a.value !== undefined) return ok(byId(parseRows(a.value, sacctRow), ids))
    // Degraded: no accounting at all. scontrol knows jobs only until MinJobAge.
    const rows = new Map<string, Row>()
    for (const id of ids) {
      const r = await this.run(['scontrol', '-o', 'show', 'job', id], { env: EPOCH_TIMES })
      if (r.code !== 0) continue
      const s = parseScontrol(r.stdout, id)
      if (s) rows.set(id, { status: s })
    }
    return ok(rows)
  }

  /**
   * `sacct ARGS` with the accounting this cluster has: slurmdbd, else the job completion log (`-c`);
   * undefined when it has neither (learnt once). With `persist`, failures are retried, then thrown.
   */
  private async sacct(args: readonly string[], persist = false): Promise<Result<string | undefined, string>> {
    for (;;) {
      if (this.accounting === 'none') return ok(undefined)
      const jobcomp = this.accounting === 'jobcomp'
      const lacking = (r: ExecResult): boolean => (jobcomp ? NO_JOBCOMP : NO_DBD).test(r.stderr + r.stdout)
      const attempt = async (): Promise<Result<ExecResult, string>> => {
        const r = await this.run(['sacct', ...(jobcomp ? ['-c'] : []), ...SACCT_BASE, ...args, '-o', SACCT_FORMAT], {
          env: EPOCH_TIMES,
        })
        return r.code === 0 || lacking(r) ? ok(r) : err(`sacct${jobcomp ? ' -c' : ''} failed: ${oneLine(r)}`)
      }
      const r = persist ? ok(await this.persist(attempt)) : await attempt()
      if (!r.ok) return r
      if (r.value.code === 0) {
        this.accounting ??= 'slurmdbd'
        return ok(r.value.stdout)
      }
      this.accounting = jobcomp ? 'none' : 'jobcomp'
    }
  }

  // ------------------------------------------------------------------ usage

  /** One sacct for all jobs (steps included, for MaxRSS); empty without slurmdbd accounting. */
  async usage(jobs: readonly PollQuery[]): Promise<Map<string, JobUsage>> {
    if (jobs.length === 0 || this.accounting === 'none' || this.accounting === 'jobcomp') return new Map()
    const earliest = Math.min(...jobs.map((j) => Date.parse(j.submittedAt)).filter((n) => !Number.isNaN(n)))
    const since = sinceArg(earliest)
    const ids = [...new Set(jobs.map((j) => j.jobId))].join(',')
    const fields = SACCT_USAGE_FIELDS.join(',')
    const r = await this.run(['sacct', '-n', '-P', '-S', since, '-j', ids, '-o', fields], { env: EPOCH_TIMES })
    if (r.code !== 0) throw new Error(`sacct failed: ${oneLine(r)}`)
    return parseSacctUsage(r.stdout)
  }

  // ------------------------------------------------------------------ findMarked, findByName, describe

  async findMarked(prefix: string, since: string): Promise<MarkedJob[]> {
    const found: MarkedJob[] = []
    for (const row of await this.mine(since)) {
      const marker = markerOfComment(row.comment)
      if (marker?.startsWith(prefix)) found.push({ ...described(row), marker })
    }
    return found
  }

  async findByName(name: string, since: string): Promise<JobStatus[]> {
    const identity = markerOf({ name })
    // Ours: the marker in the comment (or, from earlier versions of the action, the job's name).
    return (await this.mine(since))
      .filter((row) => {
        const marker = markerOfComment(row.comment)
        return marker === identity || marker?.startsWith(`${identity}:`) || row.jobName === name
      })
      .map((row) => row.status)
  }

  /**
   * This user's jobs that slurmctld holds, and those accounting knows since `since`, oldest first: ONE
   * squeue and ONE sacct. A wrong "nothing found" would submit a job twice, so failures are retried,
   * then thrown.
   */
  private async mine(since: string): Promise<Row[]> {
    const user = await this.user()
    const q = await this.persist(async () => {
      const r = await this.run(['squeue', '-h', '-t', 'all', '-u', user, '-O', SQUEUE_FORMAT], { env: EPOCH_TIMES })
      return r.code === 0 ? ok(r.stdout) : err(`squeue failed: ${oneLine(r)}`)
    })
    const sinceMs = Date.parse(since)
    const sinceS = Number.isFinite(sinceMs) ? sinceMs / 1000 : 0
    const rows = new Map<string, Row>()
    for (const row of parseRows(q, squeueRow)) {
      const finishedBefore = isTerminal(row.status.state) && row.ended !== undefined && row.ended < sinceS
      if (row.user === user && isPlainJobId(row.status.jobId) && !finishedBefore) rows.set(row.status.jobId, row)
    }
    const a = await this.sacct(['-u', user, '-S', sinceArg(sinceMs)], true)
    if (!a.ok) throw new Error(a.error)
    for (const [id, row] of byId(parseRows(a.value ?? '', sacctRow))) {
      if (row.user !== user) continue
      rows.set(id, mergeRows(rows.get(id), row))
    }
    return [...rows.values()].sort(
      (a, b) => (a.submitted ?? 0) - (b.submitted ?? 0) || Number(a.status.jobId) - Number(b.status.jobId),
    )
  }

  async describe(jobIds: readonly string[], since: string): Promise<Map<string, DescribedJob>> {
    const ids = [...new Set(jobIds)].filter(isPlainJobId)
    const result = new Map<string, DescribedJob>()
    if (ids.length === 0) return result
    const user = await this.user()
    const queue = await this.persist(() => this.squeue(ids, user))
    const rest = ids.filter((id) => !queue.has(id))
    const sinceMs = Date.parse(since)
    const a = rest.length > 0 ? await this.sacct(['-S', sinceArg(sinceMs), '-j', rest.join(',')], true) : ok('')
    if (!a.ok) throw new Error(a.error)
    const accounted = byId(parseRows(a.value ?? '', sacctRow), rest)
    for (const id of ids) {
      const row = queue.get(id) ?? accounted.get(id)
      if (row && row.user === user) result.set(id, described(row))
    }
    return result
  }

  /** Whose jobs findMarked and describe list: the option, else `id -un` where the commands run (asked once). */
  private async user(): Promise<string> {
    if (this.userName !== undefined) return this.userName
    const name = await this.persist(async () => {
      const r = await this.run(['id', '-un'])
      const who = r.stdout.trim()
      return r.code === 0 && /^[^\s:]+$/.test(who) ? ok(who) : err(`id -un failed: ${oneLine(r)}`)
    })
    this.userName = name
    return name
  }

  /** Tries for about a minute while SLURM is unreachable (1 s, doubling, at most 15 s apart); then throws. */
  private async persist<T>(attempt: () => Promise<Result<T, string>>): Promise<T> {
    let delay = 1000
    const deadline = Date.now() + 60_000
    for (;;) {
      const r = await attempt()
      if (r.ok) return r.value
      if (Date.now() > deadline) throw new Error(`${r.error}, so it is unknown whether the job exists`)
      await new Promise((res) => setTimeout(res, delay))
      delay = Math.min(delay * 2, 15_000)
    }
  }

  // ------------------------------------------------------------------ cancel

  async cancel(jobIds: readonly string[]): Promise<void> {
    const ids = [...new Set(jobIds)].filter((id) => /^\d+(?:_\d+)?$/.test(id))
    if (ids.length === 0) return
    // scancel of an unknown or finished id prints nothing and exits 0: only real failures retry.
    await this.persist(async () => {
      const r = await this.run(['scancel', ...ids])
      return r.code === 0 ? ok(undefined) : err(`scancel failed: ${oneLine(r)}`)
    })
  }
}

/** `sbatch --version`'s answer, or why SLURM's client tools do not answer over this transport. */
export async function slurmReachable(transport: Transport): Promise<Result<string, string>> {
  const r = await transport.exec(['sbatch', '--version'], { timeoutMs: 60_000 })
  return r.code === 0 ? ok(r.stdout.trim()) : err((r.stderr || `exit ${r.code}`).trim())
}

function unknownDependency(
  ids: readonly string[],
  sbatchSays?: string,
): {
  message: string
  retryLater: false
  code: 'unknown-dependency'
} {
  const what = `afterok:${ids.join(':')}`
  return {
    message: sbatchSays
      ? `${sbatchSays} (${what})`
      : `dependency ${what}: ${ids.length > 1 ? 'these are not jobs' : 'not a job'} SLURM knows (any more)`,
    retryLater: false,
    code: 'unknown-dependency',
  }
}

// ------------------------------------------------------------------ parsing

/** The rows of squeue's or sacct's output, each line cut at SEP and read by `row` (it skips what is no job). */
function parseRows(stdout: string, row: (fields: readonly string[]) => Row | undefined): Row[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim())
    .flatMap((line) => row(line.split(SEP).map((x) => x.trim())) ?? [])
}

/** JobArrayId, State, Reason, exit_code, SubmitTime, EndTime, RestartCnt, UserName, WorkDir, Name, Comment. */
function squeueRow(f: readonly string[]): Row | undefined {
  const [id, state, reason, exit, submit, end, restarts, user, workDir, name, comment] = f
  if (!id || !state) return undefined
  const status = statusOf(id, state, reason)
  const restartCount = count(restarts)
  return {
    // the exit code only counts once the job has ended (it reads 0 before)
    status: {
      ...status,
      ...(isTerminal(status.state) ? exitFields(parseExit(exit)) : {}),
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
function sacctRow(f: readonly string[]): Row | undefined {
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
function byId(rows: readonly Row[], ids?: readonly string[]): Map<string, Row> {
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
function mergeRows(fromQueue: Row | undefined, row: Row): Row {
  if (!fromQueue) return row
  const status = merge(fromQueue.status, row.status)
  return { ...row, ...fromQueue, comment: fromQueue.comment ?? row.comment, status }
}

function described(row: Row): DescribedJob {
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
function markerOfComment(comment: string | undefined): string | undefined {
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

function parseScontrol(stdout: string, id: string): JobStatus | undefined {
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
function merge(fromQueue: JobStatus | undefined, row: JobStatus): JobStatus {
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
