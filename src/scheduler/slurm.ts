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
 *   dependencies not seen held in the last few seconds and refuse unknown ones
 *   (`code: 'unknown-dependency'`), as they do sbatch's own "Job dependency problem".
 * - poll: a constant number of commands per call, whatever the number of jobs: ONE
 *   `squeue -h -t all -j IDS` (a finished job it still holds comes with its exit code, start and end),
 *   then ONE `sacct -X -D -n -P -S now-N -j IDS` only for the jobs that left squeue or that it cannot
 *   tell whole. `-S` bounds accounting so recycled ids never match old
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
import type { Transport } from '../cluster/transport.js'
import { err, messageOf, ok, type Result } from '../result.js'
import { parseSacctUsage, SACCT_USAGE_FIELDS } from './usage.js'
import {
  isPlainJobId,
  isTerminal,
  LOOKBACK_MS,
  markerOf,
  markerProblem,
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
import {
  DEPENDENCY_PROBLEM,
  isRetryLater,
  MEMORY_KILL,
  oneLine,
  sbatchMessage,
  unknownDependency,
} from './slurm-messages.js'
import { byId, described, EPOCH_TIMES, markerOfComment, merge, parseRows, sacctRow } from './slurm-output.js'
import { sinceArg, SlurmQueries, type Accounting } from './slurm-queries.js'

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

/** How long a job seen held by slurmctld counts as held without asking again (see unknownDependencies). */
const HELD_FOR_MS = 5_000

export class SlurmScheduler implements Scheduler {
  readonly kind = 'slurm'
  readonly submitCommand = 'sbatch'
  readonly maxInFlight: number
  readonly staggerSeconds: number
  readonly outputWaitSeconds: number
  readonly chainsJobs = true
  private readonly slurm: SlurmQueries
  /** When each job was last seen held by slurmctld (submitted, queued or running), for `afterok` checks. */
  private readonly held = new Map<string, number>()

  constructor(
    private readonly transport: Transport,
    private readonly options: SlurmOptions = {},
  ) {
    this.maxInFlight = options.maxSubmit ?? 25
    this.staggerSeconds = options.staggerSeconds ?? 5
    this.outputWaitSeconds = options.outputWaitSeconds ?? 120
    this.slurm = new SlurmQueries(transport, options.commandTimeoutMs ?? 60_000, options.user)
  }

  /** SLURM commands run (for benchmarks: commands per poll cycle). */
  get commands(): number {
    return this.slurm.commands
  }

  /** What the last sacct told about accounting; undefined until the first one. */
  get accounting(): Accounting | undefined {
    return this.slurm.accounting
  }

  /** `#SBATCH --output`, else SLURM's default slurm-%j.out, relative to where the job runs (`--chdir`). */
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
    const r = await this.slurm.run(argv, { cwd: job.dir, ...(job.env ? { env: job.env } : {}), idempotent: false })
    const id = /^\s*(\d+)(?:;\S*)?\s*$/.exec(r.stdout.split('\n').find((l) => l.trim()) ?? '')?.[1]
    if (r.code === 0 && id) {
      this.held.set(id, Date.now())
      return { ok: true, value: { jobId: id } }
    }

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
      const found = await this.slurm.findByComment(comment)
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

  /**
   * The ids among `afterok` that slurmctld does not hold: SLURM would take an `afterok` on them as
   * satisfied. One squeue for those not seen held in the last HELD_FOR_MS (a job submitted, queued or
   * running that recently is still held: slurmctld keeps an ended job MinJobAge, 300 s by default), so
   * evaluations queued right behind their trainings cost no query each. An error when squeue cannot tell.
   */
  private async unknownDependencies(afterok: readonly string[]): Promise<Result<string[], string>> {
    const now = Date.now()
    const ask = afterok.filter((id) => isPlainJobId(id) && !(now - (this.held.get(id) ?? -Infinity) < HELD_FOR_MS))
    const unheld = new Set<string>()
    if (ask.length > 0) {
      const q = await this.slurm.squeue(ask)
      if (!q.ok) return err(`cannot tell whether the dependencies ${afterok.join(', ')} exist: ${q.error}`)
      this.sawHeld(q.value)
      for (const id of ask) if (!q.value.has(id)) unheld.add(id)
    }
    return ok(afterok.filter((id) => !isPlainJobId(id) || unheld.has(id)))
  }

  /** Notes the jobs squeue shows queued or running as held now. */
  private sawHeld(rows: ReadonlyMap<string, { status: JobStatus }>): void {
    const now = Date.now()
    for (const [id, row] of rows) if (!isTerminal(row.status.state)) this.held.set(id, now)
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
    const r = await this.slurm.run(['scontrol', 'update', `JobId=${jobId}`, `Dependency=${dependency}`])
    return r.code === 0 ? ok(undefined) : err(`scontrol update JobId=${jobId}: ${oneLine(r)}`)
  }

  // ------------------------------------------------------------------ poll

  async poll(jobs: readonly PollQuery[]): Promise<Map<string, JobStatus>> {
    const result = new Map<string, JobStatus>()
    const ids = [...new Set(jobs.map((j) => j.jobId))]
    if (ids.length === 0) return result
    const unknown = (id: string, why: string): JobStatus => ({ jobId: id, state: 'UNKNOWN', raw: why })
    const bad = ids.filter((id) => !isSlurmJobId(id))
    for (const id of bad) result.set(id, unknown(id, `not a SLURM job id: ${id}`))
    const valid = ids.filter((id) => !bad.includes(id))
    if (valid.length === 0) return result

    // 1. squeue: everything slurmctld still holds (finished jobs too, for MinJobAge).
    const queue = await this.slurm.squeue(valid)
    if (!queue.ok) {
      for (const id of valid) result.set(id, unknown(id, queue.error))
      return result
    }
    for (const [id, row] of queue.value) result.set(id, row.status)
    this.sawHeld(queue.value)

    // 2. accounting: jobs that left squeue, and finished ones squeue cannot tell whole (exit code, end).
    const need = valid.filter((id) => {
      const s = result.get(id)
      return !s || (isTerminal(s.state) && (s.exitCode === undefined || s.endedAt === undefined))
    })
    if (need.length === 0) return result
    const earliest = Math.min(
      ...jobs
        .filter((j) => need.includes(j.jobId))
        .map((j) => Date.parse(j.submittedAt))
        .map((t) => (Number.isFinite(t) ? t : Date.now() - LOOKBACK_MS)),
    )
    const rows = await this.slurm.accountingRows(need, earliest)
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

  // ------------------------------------------------------------------ usage

  /** One sacct for all jobs (steps included, for MaxRSS); empty without slurmdbd accounting. */
  async usage(jobs: readonly PollQuery[]): Promise<Map<string, JobUsage>> {
    if (jobs.length === 0 || this.slurm.accounting === 'none' || this.slurm.accounting === 'jobcomp') return new Map()
    const earliest = Math.min(...jobs.map((j) => Date.parse(j.submittedAt)).filter((n) => !Number.isNaN(n)))
    const since = sinceArg(earliest)
    const ids = [...new Set(jobs.map((j) => j.jobId))].join(',')
    const fields = SACCT_USAGE_FIELDS.join(',')
    const r = await this.slurm.run(['sacct', '-n', '-P', '-S', since, '-j', ids, '-o', fields], { env: EPOCH_TIMES })
    if (r.code !== 0) throw new Error(`sacct failed: ${oneLine(r)}`)
    return parseSacctUsage(r.stdout)
  }

  // ------------------------------------------------------------------ findMarked, findByName, describe

  async findMarked(prefix: string, since: string): Promise<MarkedJob[]> {
    const found: MarkedJob[] = []
    for (const row of await this.slurm.mine(since)) {
      const marker = markerOfComment(row.comment)
      if (marker?.startsWith(prefix)) found.push({ ...described(row), marker })
    }
    return found
  }

  async findByName(name: string, since: string): Promise<JobStatus[]> {
    const identity = markerOf({ name })
    // Ours: the marker in the comment (or, from earlier versions of the action, the job's name).
    return (await this.slurm.mine(since))
      .filter((row) => {
        const marker = markerOfComment(row.comment)
        return marker === identity || marker?.startsWith(`${identity}:`) || row.jobName === name
      })
      .map((row) => row.status)
  }

  async describe(jobIds: readonly string[], since: string): Promise<Map<string, DescribedJob>> {
    const ids = [...new Set(jobIds)].filter(isPlainJobId)
    const result = new Map<string, DescribedJob>()
    if (ids.length === 0) return result
    const user = await this.slurm.user()
    const queue = await this.slurm.persist(() => this.slurm.squeue(ids, user))
    const rest = ids.filter((id) => !queue.has(id))
    const sinceMs = Date.parse(since)
    const a = rest.length > 0 ? await this.slurm.sacct(['-S', sinceArg(sinceMs), '-j', rest.join(',')], true) : ok('')
    if (!a.ok) throw new Error(a.error)
    const accounted = byId(parseRows(a.value ?? '', sacctRow), rest)
    for (const id of ids) {
      const row = queue.get(id) ?? accounted.get(id)
      if (row && row.user === user) result.set(id, described(row))
    }
    return result
  }

  // ------------------------------------------------------------------ cancel

  async cancel(jobIds: readonly string[]): Promise<void> {
    const ids = [...new Set(jobIds)].filter(isSlurmJobId)
    if (ids.length === 0) return
    // scancel of an unknown or finished id prints nothing and exits 0: only real failures retry.
    await this.slurm.persist(async () => {
      const r = await this.slurm.run(['scancel', ...ids])
      return r.code === 0 ? ok(undefined) : err(`scancel failed: ${oneLine(r)}`)
    })
  }
}

/** `sbatch --version`'s answer, or why SLURM's client tools do not answer over this transport. */
export async function slurmReachable(transport: Transport): Promise<Result<string, string>> {
  const r = await transport.exec(['sbatch', '--version'], { timeoutMs: 60_000 })
  return r.code === 0 ? ok(r.stdout.trim()) : err((r.stderr || `exit ${r.code}`).trim())
}

/** A job id SLURM's commands take: a job, or a task of a job array (`123_4`). */
function isSlurmJobId(id: string): boolean {
  return /^\d+(?:_\d+)?$/.test(id)
}
