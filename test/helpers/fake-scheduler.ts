/**
 * A Scheduler that runs nothing: each submitted job advances one step per poll (PENDING, RUNNING,
 * then the end its `plan` gives), and may write outputs when it ends. A job with `dependency.afterok`
 * stays PENDING (reason Dependency) until those COMPLETED, and with reason DependencyNeverSatisfied once
 * one ended otherwise, as SLURM. For the fast tier: submit, deferral, retries, resume, markers,
 * dependencies and cancellation without processes or SLURM.
 */
import { err, ok, type Result } from '../../src/result.ts'
import {
  isTerminal,
  markerOf,
  type DescribedJob,
  type JobSpec,
  type JobStatus,
  type MarkedJob,
  type PollQuery,
  type Scheduler,
  type SubmitResult,
} from '../../src/scheduler/scheduler.ts'
import { substituteOutput } from '../../src/scheduler/script.ts'

/** How one submission of a job ends. */
export interface FakeEnd {
  state: 'COMPLETED' | 'FAILED' | 'OUT_OF_MEMORY' | 'TIMEOUT' | 'PREEMPTED' | 'NODE_FAIL' | 'CANCELLED'
  exitCode?: number
  /** Runs when the job ends (write its checkpoint, its log, its output). */
  effect?: (job: FakeJob) => void | Promise<void>
}

export interface FakeJob {
  id: string
  spec: JobSpec
  /** 1-based: the how-many-th submission of this job name. */
  submission: number
  polls: number
  status: JobStatus
  submittedAt: string
  /** The jobs it waits for (`dependency.afterok`, as updateDependency last set it). */
  afterok: readonly string[]
}

export interface FakeOptions {
  /** How each submission ends (default: COMPLETED, exit 0, no effect). */
  plan?: (spec: JobSpec, submission: number) => FakeEnd
  /** Submissions answered "queue limit: try later" first, by job name. */
  defer?: (spec: JobSpec, attempt: number) => boolean
  maxInFlight?: number
}

export class FakeScheduler implements Scheduler {
  readonly kind = 'fake'
  readonly submitCommand = 'fake-submit'
  readonly staggerSeconds = 0
  readonly outputWaitSeconds = 0
  readonly chainsJobs = true
  readonly maxInFlight: number
  readonly jobs: FakeJob[] = []
  readonly submitAttempts = new Map<string, number>()
  readonly cancelled: string[] = []
  polls = 0

  constructor(private readonly options: FakeOptions = {}) {
    this.maxInFlight = options.maxInFlight ?? 100
  }

  outputPattern(_scriptText: string, jobDir: string): string {
    return `${jobDir}/fake-%j.out`
  }

  outputPath(pattern: string, jobId: string, jobName: string): string {
    return substituteOutput(pattern, jobId, jobName)
  }

  classify(status: JobStatus): JobStatus {
    return status
  }

  submit(spec: JobSpec): Promise<SubmitResult> {
    const attempt = (this.submitAttempts.get(spec.name) ?? 0) + 1
    this.submitAttempts.set(spec.name, attempt)
    if (this.options.defer?.(spec, attempt)) {
      return Promise.resolve({ ok: false, error: { message: 'QOSMaxSubmitJobPerUserLimit', retryLater: true } })
    }
    const afterok = spec.dependency?.afterok ?? []
    const unknown = afterok.filter((d) => !this.jobs.some((j) => j.id === d))
    if (unknown.length > 0) {
      return Promise.resolve({
        ok: false,
        error: { message: `unknown dependency ${unknown.join(',')}`, retryLater: false, code: 'unknown-dependency' },
      })
    }
    const submission = this.jobs.filter((j) => j.spec.name === spec.name).length + 1
    const id = String(1000 + this.jobs.length)
    this.jobs.push({
      id,
      spec,
      submission,
      polls: 0,
      status: { jobId: id, state: 'PENDING', raw: 'PENDING' },
      submittedAt: new Date().toISOString(),
      afterok,
    })
    return Promise.resolve({ ok: true, value: { jobId: id } })
  }

  async poll(queries: readonly PollQuery[]): Promise<Map<string, JobStatus>> {
    this.polls++
    const out = new Map<string, JobStatus>()
    for (const q of queries) {
      const job = this.jobs.find((j) => j.id === q.jobId)
      if (!job) {
        out.set(q.jobId, { jobId: q.jobId, state: 'UNKNOWN', raw: 'not known' })
        continue
      }
      await this.advance(job)
      out.set(job.id, job.status)
    }
    return out
  }

  /**
   * A job someone else submitted (cruijff_kit's runner) from `dir`, as the scheduler knows it; it ends as
   * `status` says (already ended, or advancing like the others when it is PENDING or RUNNING).
   */
  external(id: string, dir: string, status: Omit<JobStatus, 'jobId' | 'raw'>, submittedAt: string): void {
    const spec = { dir, script: '', name: `external-${id}`, outputPattern: `${dir}/fake-%j.out`, marker: '-' }
    this.jobs.push({
      id,
      spec,
      submission: 1,
      polls: 0,
      status: { ...status, jobId: id, raw: status.state },
      submittedAt,
      afterok: [],
    })
  }

  findByName(name: string): Promise<JobStatus[]> {
    return Promise.resolve(this.jobs.filter((j) => j.spec.name === name).map((j) => j.status))
  }

  findMarked(prefix: string): Promise<MarkedJob[]> {
    return Promise.resolve(
      this.jobs
        .filter((j) => markerOf(j.spec).startsWith(prefix))
        .map((j) => ({ ...this.described(j), marker: markerOf(j.spec) })),
    )
  }

  describe(jobIds: readonly string[]): Promise<Map<string, DescribedJob>> {
    return Promise.resolve(
      new Map(this.jobs.filter((j) => jobIds.includes(j.id)).map((j) => [j.id, this.described(j)])),
    )
  }

  updateDependency(jobId: string, afterok: readonly string[]): Promise<Result<void, string>> {
    const job = this.jobs.find((j) => j.id === jobId)
    if (!job) return Promise.resolve(err(`Invalid job id specified: ${jobId}`))
    if (job.status.state !== 'PENDING') return Promise.resolve(err('Job is no longer pending execution'))
    const unknown = afterok.filter((d) => !this.jobs.some((j) => j.id === d))
    if (unknown.length > 0) return Promise.resolve(err(`unknown dependency ${unknown.join(',')}`))
    job.afterok = afterok
    return Promise.resolve(ok(undefined))
  }

  private described(j: FakeJob): DescribedJob {
    return { status: j.status, marker: markerOf(j.spec), workDir: j.spec.dir, submittedAt: j.submittedAt }
  }

  cancel(jobIds: readonly string[]): Promise<void> {
    for (const id of jobIds) {
      this.cancelled.push(id)
      const job = this.jobs.find((j) => j.id === id)
      if (job && !['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.status.state)) {
        job.status = { jobId: id, state: 'CANCELLED', raw: 'CANCELLED by 0' }
      }
    }
    return Promise.resolve()
  }

  /** Submissions of one job name (what ran, how often). */
  submissions(name?: string): FakeJob[] {
    return name ? this.jobs.filter((j) => j.spec.name === name) : this.jobs
  }

  private async advance(job: FakeJob): Promise<void> {
    job.polls++
    if (job.status.state === 'PENDING' && job.afterok.length > 0) {
      const deps = job.afterok.map((d) => this.jobs.find((j) => j.id === d)?.status.state)
      if (!deps.every((st) => st === 'COMPLETED')) {
        const never = deps.some((st) => st === undefined || (isTerminal(st) && st !== 'COMPLETED'))
        const reason = never ? 'DependencyNeverSatisfied' : 'Dependency'
        job.status = { jobId: job.id, state: 'PENDING', raw: `PENDING (${reason})`, reason }
        return
      }
    }
    if (job.status.state === 'PENDING') {
      job.status = { jobId: job.id, state: 'RUNNING', raw: 'RUNNING' }
      return
    }
    if (job.status.state !== 'RUNNING') return
    const end = this.options.plan?.(job.spec, job.submission) ?? { state: 'COMPLETED' as const }
    await end.effect?.(job)
    const exitCode = end.exitCode ?? (end.state === 'COMPLETED' ? 0 : 1)
    job.status = { jobId: job.id, state: end.state, raw: end.state, exitCode }
  }
}
