/**
 * The embedded executor for machines without SLURM: each job script runs with bash in its own
 * directory (or its `#SBATCH --chdir`) as a detached process group (setsid), its output in the file
 * its `#SBATCH --output` names, its time limit enforced (TIMEOUT, as SLURM): `#SBATCH --time`, else
 * the `local-time-limit` input. A wrapper records the start and the exit status in marker files, so
 * an action that was killed and re-run learns the result of a job that finished meanwhile. Everything
 * goes through the Transport, so it behaves the same on this host or over SSH.
 *
 * Every script runs as SLURM runs a batch script: `bash --norc --noprofile` (no rc files, whatever
 * stdin is), in the transport's clean environment (cluster/local.ts), plus SLURM_JOB_ID,
 * SLURM_JOBID, SLURM_JOB_NAME, SLURM_SUBMIT_DIR and SLURM_CPUS_ON_NODE=1.
 *
 * Job records live in the directory the caller gives (`jobsDir`; the action keeps it outside the run
 * directory, so a cleaned or copied run directory neither loses nor forges them): `<id>.id` (the
 * submission time, claimed with O_EXCL), `<id>.launch` ("pid start" of the launcher), `<id>.name`,
 * `<id>.marker` (JobSpec.marker, else `run-experiment:<name>`), `<id>.dir` (the job's directory),
 * `<id>.dep` (the `afterok` ids, one line), `<id>.start` ("pid epoch start" of the wrapper, epoch `-`
 * while it waits for its dependencies; or "abandoned epoch"), `<id>.exit` ("rc epoch"; `<id>.exit-<rc>`
 * when the disk was too full to write it), `<id>.cancelled`, `<id>.timeout` ("seconds source": the
 * limit it reached), `<id>.lock`. "start" is the process's start time in /proc (clock ticks since
 * boot): a pid and its start time name one process, so a reused pid, a zombie or a wrapper that exec'd
 * its last command are told apart. Job ids are positive integers (cruijff_kit's `Job ID: (\d+)`
 * readers); any other id given to poll, cancel, describe or updateDependency is refused, never passed
 * to a shell. A pid is signalled only when it is above 1 and its start time is the one recorded.
 *
 * Liveness is proved, never guessed: the launcher waits until the wrapper has claimed `<id>.start`
 * (hard link: atomic, fails when it exists). A poll that finds neither a claim nor a live launcher
 * claims the job itself as "abandoned" — then the wrapper, should it still start, never runs the job.
 *
 * Dependencies, without a daemon: a dependent job's wrapper starts detached at submission like any
 * other, then waits (sleeping, re-reading `<id>.dep`) until every job it depends on has an exit marker
 * with status 0 and no time-out, and begins. It decides under `flock <id>.lock`, the lock
 * updateDependency takes to rewrite `<id>.dep`, so a job is never re-pointed after it began. While it
 * waits, poll reports PENDING with reason `Dependency`, or `DependencyNeverSatisfied` once one of them
 * ended otherwise (as SLURM, it then waits until re-pointed or cancelled). Its time limit counts from
 * when it began.
 */
import type { Transport } from '../cluster/transport.js'
import { err, ok, type Result } from '../result.js'
import {
  isPlainJobId,
  isTerminal,
  markerOf,
  markerProblem,
  type DescribedJob,
  type JobSpec,
  type JobStatus,
  type MarkedJob,
  type PollQuery,
  type Scheduler,
  type SubmitResult,
} from './scheduler.js'
import { outputPatternOf, substituteOutput, workDirOf } from './script.js'
import { sbatchTimeLimit } from './time-limit.js'
import { BASH, CANCEL, KILL_WAIT_S, LAUNCH, POLL, SEP, UNKNOWN, UPDATE, WRAPPER } from './local-scripts.js'

/** A job of an earlier version (no launcher record) with no start this long after submission never started. */
const START_GRACE_MS = 120_000

/** One line of POLL's output. */
interface JobRecord {
  observed: Observed
  known: boolean
  submittedAt?: string
  marker?: string
  workDir?: string
}

export class LocalScheduler implements Scheduler {
  readonly kind = 'local'
  readonly submitCommand = 'bash'
  readonly staggerSeconds = 0
  /** Outputs are written on this machine's own filesystem: nothing lags. */
  readonly outputWaitSeconds = 0
  readonly chainsJobs = true
  /** Commands run, for benchmarks. */
  commands = 0

  /**
   * @param jobsDir where the job records live (created at the first submission)
   * @param defaultTimeLimit seconds a job whose script sets no `#SBATCH --time` may run (0: no limit)
   */
  constructor(
    private readonly transport: Transport,
    private readonly jobsDir: string,
    readonly maxInFlight: number,
    private readonly defaultTimeLimit = 0,
  ) {}

  /** The script's `#SBATCH --output` (the scaffold's scripts are SLURM batch scripts), else slurm-%j.out. */
  outputPattern(scriptText: string, jobDir: string): string {
    return outputPatternOf(scriptText, jobDir)
  }

  outputPath(pattern: string, jobId: string, jobName: string): string {
    return substituteOutput(pattern, jobId, jobName)
  }

  /** No memory limits are enforced here: the state stands as it is. */
  classify(status: JobStatus): JobStatus {
    return status
  }

  async submit(job: JobSpec): Promise<SubmitResult> {
    const badMarker = job.marker === undefined ? undefined : markerProblem(job.marker)
    if (badMarker) return { ok: false, error: { message: badMarker, retryLater: false } }
    const script = job.scriptText ?? (await this.transport.readFile(`${job.dir}/${job.script}`))?.toString('utf8') ?? ''
    const own = sbatchTimeLimit(script)
    if (!own.ok) return { ok: false, error: { message: `sbatch: error: ${own.error}`, retryLater: false } }
    const [limit, source] =
      own.value === undefined ? [this.defaultTimeLimit, 'local-time-limit'] : [own.value, '#SBATCH --time']
    await this.transport.mkdirp(this.jobsDir)
    const after = job.dependency?.afterok ?? []
    if (after.length > 0) {
      const unknown = await this.unknown(after)
      if (!unknown.ok) return { ok: false, error: { message: unknown.error, retryLater: true } }
      if (unknown.value.length > 0) {
        const what = `afterok:${after.join(':')}`
        return {
          ok: false,
          error: {
            message: `dependency ${what}: no job ${unknown.value.join(', ')} here`,
            retryLater: false,
            code: 'unknown-dependency',
          },
        }
      }
    }
    const id = await this.allocateId()
    const output = substituteOutput(job.outputPattern, id, job.name)
    this.commands++
    const envArgs = Object.entries(job.env ?? {}).map(([k, v]) => `${k}=${v}`)
    const launch = [
      ...BASH,
      LAUNCH,
      'launch',
      WRAPPER,
      markerOf(job),
      after.join(' '),
      id,
      job.dir,
      job.script,
      output,
      this.jobsDir,
      job.name,
      String(limit),
      String(KILL_WAIT_S),
      source,
      workDirOf(script, job.dir),
    ]
    const r = await this.transport.exec(envArgs.length ? ['env', ...envArgs, ...launch] : launch)
    if (r.code !== 0) {
      return {
        ok: false,
        error: {
          message: `could not start the job: ${(r.stderr || r.stdout).trim() || `exit ${r.code}`}`,
          retryLater: false,
        },
      }
    }
    return { ok: true, value: { jobId: id } }
  }

  /** The ids among these that have no job record here (one command); malformed ones included. */
  private async unknown(ids: readonly string[]): Promise<Result<string[], string>> {
    const plain = ids.filter(isPlainJobId)
    const malformed = ids.filter((id) => !isPlainJobId(id))
    if (plain.length === 0) return ok(malformed)
    this.commands++
    const r = await this.transport.exec([...BASH, UNKNOWN, 'unknown', this.jobsDir, ...plain])
    if (r.code !== 0) return err(`cannot read the job records in ${this.jobsDir}: ${r.stderr.trim()}`)
    return ok([...malformed, ...r.stdout.split('\n').filter((l) => plain.includes(l))])
  }

  async poll(jobs: readonly PollQuery[]): Promise<Map<string, JobStatus>> {
    const result = new Map<string, JobStatus>()
    if (jobs.length === 0) return result
    const submitted = new Map(jobs.map((j) => [j.jobId, Date.parse(j.submittedAt)]))
    const ids = [...submitted.keys()]
    for (const id of ids.filter((i) => !isPlainJobId(i)))
      result.set(id, { jobId: id, state: 'UNKNOWN', raw: `not a job id of the local executor: ${id}` })
    const plain = ids.filter(isPlainJobId)
    if (plain.length === 0) return result
    const records = await this.records(plain)
    if (!records.ok) {
      for (const id of plain) result.set(id, { jobId: id, state: 'UNKNOWN', raw: `poll failed: ${records.error}` })
      return result
    }
    for (const [id, rec] of records.value) {
      result.set(id, interpret(rec.observed, submitted.get(id) ?? Date.now()))
    }
    return result
  }

  async findMarked(prefix: string, since: string): Promise<MarkedJob[]> {
    const records = await this.records('all')
    if (!records.ok) throw new Error(`cannot tell which jobs exist: ${records.error}`)
    const sinceMs = Date.parse(since)
    const found: MarkedJob[] = []
    for (const rec of records.value.values()) {
      if (!rec.known || !rec.marker?.startsWith(prefix)) continue
      const status = interpret(rec.observed, Date.parse(rec.submittedAt ?? '') || Date.now())
      // abandoned before it began: it never ran and never will (as a submission sbatch refused)
      if (NEVER_STARTED.test(status.raw)) continue
      if (isTerminal(status.state) && status.endedAt && Date.parse(status.endedAt) < sinceMs) continue
      found.push({ ...describedOf(rec, status), marker: rec.marker })
    }
    return found.sort((a, b) => Number(a.status.jobId) - Number(b.status.jobId))
  }

  /** Jobs under this name that ran, run or may still start (never the ones abandoned before they began). */
  async findByName(name: string, since: string = new Date(0).toISOString()): Promise<JobStatus[]> {
    const identity = markerOf({ name })
    const found = await this.findMarked(identity, since)
    return found.filter((j) => j.marker === identity || j.marker.startsWith(`${identity}:`)).map((j) => j.status)
  }

  async describe(jobIds: readonly string[]): Promise<Map<string, DescribedJob>> {
    const result = new Map<string, DescribedJob>()
    const ids = [...new Set(jobIds)].filter(isPlainJobId)
    if (ids.length === 0) return result
    const records = await this.records(ids)
    if (!records.ok) throw new Error(`cannot tell which jobs exist: ${records.error}`)
    for (const [id, rec] of records.value) {
      if (!rec.known) continue
      result.set(id, describedOf(rec, interpret(rec.observed, Date.parse(rec.submittedAt ?? '') || Date.now())))
    }
    return result
  }

  async updateDependency(jobId: string, afterok: readonly string[]): Promise<Result<void, string>> {
    if (!isPlainJobId(jobId)) return err(`not a job id of the local executor: ${jobId}`)
    if (afterok.length > 0) {
      const unknown = await this.unknown(afterok)
      if (!unknown.ok) return unknown
      if (unknown.value.length > 0)
        return err(`dependency afterok:${afterok.join(':')}: no job ${unknown.value.join(', ')} here`)
    }
    this.commands++
    const r = await this.transport.exec([...BASH, UPDATE, 'update', this.jobsDir, jobId, ...afterok])
    return r.code === 0 ? ok(undefined) : err(`${(r.stderr || r.stdout).trim() || `exit ${r.code}`} (job ${jobId})`)
  }

  async cancel(jobIds: readonly string[]): Promise<void> {
    const ids = [...new Set(jobIds)].filter(isPlainJobId)
    if (ids.length === 0) return
    this.commands++
    await this.transport.exec([...BASH, CANCEL, 'cancel', this.jobsDir, ...ids])
  }

  /** What the records say of these jobs (or of all of them): ONE command. */
  private async records(ids: readonly string[] | 'all'): Promise<Result<Map<string, JobRecord>, string>> {
    this.commands++
    const args = ids === 'all' ? ['--all'] : ids
    const r = await this.transport.exec([...BASH, POLL, 'poll', this.jobsDir, ...args])
    if (r.code !== 0) return err(r.stderr.trim() || `exit ${r.code}`)
    const out = new Map<string, JobRecord>()
    for (const line of r.stdout.split('\n')) {
      const f = line.split(SEP)
      const [id, exit, start, alive, cancelled, timeout, dependency, known, submitted, marker, name, dir] = f
      if (!id || f.length < 12 || (ids !== 'all' && !ids.includes(id))) continue
      const [limit, ...source] = (timeout ?? '').split(' ')
      const waiting = alive === '1' && (start ?? '').split(' ')[1] === '-'
      out.set(id, {
        observed: {
          id,
          exit: exit ?? '',
          start: start ?? '',
          alive: waiting ? 'waiting' : alive === '1' ? 'running' : alive === '2' ? 'launching' : 'gone',
          dependency: dependency === 'never' ? 'never' : 'wait',
          cancelled: cancelled === '1',
          timeLimit: timeout ? { seconds: Number(limit), source: source.join(' ') || '#SBATCH --time' } : undefined,
        },
        known: known === '1',
        ...(submitted && !Number.isNaN(Date.parse(submitted))
          ? { submittedAt: new Date(submitted).toISOString() }
          : {}),
        // jobs of earlier versions carry only their name
        ...(marker ? { marker } : name ? { marker: markerOf({ name }) } : {}),
        ...(dir ? { workDir: dir } : {}),
      })
    }
    return ok(out)
  }

  /** The next free integer id, claimed with O_EXCL so two submitters never share one. */
  private async allocateId(): Promise<string> {
    const entries = (await this.transport.list(this.jobsDir)) ?? []
    let next = 1
    for (const e of entries) {
      const m = /^(\d+)\.id$/.exec(e.name)
      if (m?.[1]) next = Math.max(next, Number(m[1]) + 1)
    }
    for (;;) {
      if (await this.transport.createExclusive(`${this.jobsDir}/${next}.id`, `${new Date().toISOString()}\n`))
        return String(next)
      next++
    }
  }
}

function describedOf(rec: JobRecord, status: JobStatus): DescribedJob {
  return {
    status,
    ...(rec.marker !== undefined ? { marker: rec.marker } : {}),
    ...(rec.workDir !== undefined ? { workDir: rec.workDir } : {}),
    ...(rec.submittedAt !== undefined ? { submittedAt: rec.submittedAt } : {}),
  }
}

interface Observed {
  id: string
  /** The exit marker: "rc epoch" (epoch "-" when only the rc could be recorded), or "". */
  exit: string
  /** The start marker: "pid epoch" (epoch "-" while waiting for dependencies), "abandoned epoch", or "". */
  start: string
  alive: 'running' | 'waiting' | 'launching' | 'gone'
  /** While waiting: whether a dependency can still be met. */
  dependency: 'wait' | 'never'
  cancelled: boolean
  /** The time limit the job reached, and where it came from. */
  timeLimit: { seconds: number; source: string } | undefined
}

/** The raw text of a job abandoned before it began: it never ran and never will. */
const NEVER_STARTED = /^FAILED \(never started\)$/

/** A job's state from its markers (`submittedMs`: when it was submitted, for jobs of earlier versions). */
function interpret(o: Observed, submittedMs: number): JobStatus {
  const epochIso = (s: string | undefined): string | undefined =>
    s && /^\d+$/.test(s) ? new Date(Number(s) * 1000).toISOString() : undefined
  const [pid, startEpoch] = o.start.split(' ')
  const abandoned = pid === 'abandoned'
  const startedAt = abandoned ? undefined : epochIso(startEpoch)
  const base = { jobId: o.id, ...(startedAt ? { startedAt } : {}) }
  const timeout =
    o.timeLimit !== undefined
      ? { reason: `reached its time limit (${o.timeLimit.source}, ${o.timeLimit.seconds} s)` }
      : undefined
  if (o.exit) {
    const [rc, endEpoch] = o.exit.split(' ')
    const exitCode = Number(rc)
    const endedAt = epochIso(endEpoch)
    // A job that exited 0 finished before its cancellation reached it: COMPLETED, as SLURM says.
    const state = timeout ? 'TIMEOUT' : exitCode === 0 ? 'COMPLETED' : o.cancelled ? 'CANCELLED' : 'FAILED'
    return {
      ...base,
      state,
      raw: `${state} (exit ${exitCode})`,
      exitCode,
      ...(endedAt ? { endedAt } : {}),
      ...(timeout ?? {}),
    }
  }
  if (o.alive === 'waiting') {
    const reason = o.dependency === 'never' ? 'DependencyNeverSatisfied' : 'Dependency'
    return { ...base, state: 'PENDING', raw: `PENDING (${reason})`, reason }
  }
  if (o.alive === 'running') return { ...base, state: 'RUNNING', raw: `RUNNING (pid ${pid})` }
  if (o.alive === 'launching') return { ...base, state: 'PENDING', raw: 'PENDING (launching)' }
  if (timeout) return { ...base, state: 'TIMEOUT', raw: 'TIMEOUT (killed)', ...timeout }
  if (o.cancelled) return { ...base, state: 'CANCELLED', raw: 'CANCELLED' }
  if (abandoned)
    return {
      ...base,
      state: 'FAILED',
      raw: 'FAILED (never started)',
      reason: 'the job never started: its launcher ended before the job began',
    }
  if (o.start)
    return {
      ...base,
      state: 'FAILED',
      raw: 'FAILED',
      reason:
        `the job's process ${pid} disappeared without recording an exit status ` +
        '(machine restarted or process killed)',
    }
  if (Date.now() - submittedMs > START_GRACE_MS)
    return { ...base, state: 'FAILED', raw: 'FAILED', reason: 'the job never started' }
  return { ...base, state: 'PENDING', raw: 'PENDING' }
}
