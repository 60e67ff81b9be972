/**
 * What the scheduler cost a phase: its status queries (a poll of every job, a search by marker, a
 * description of jobs) with their latency, and its submissions. A wrapper around any scheduler, so the
 * figures mean the same for SLURM (a status query is one squeue, plus one sacct for jobs that ended) and
 * for the local executor (one command reading its records).
 */
import type { Result } from '../result.js'
import type {
  DescribedJob,
  JobSpec,
  JobStatus,
  JobUsage,
  MarkedJob,
  PollQuery,
  Scheduler,
  SubmitResult,
} from '../scheduler/scheduler.js'

/** A phase's use of the scheduler. */
export interface SchedulerUse {
  statusQueries: number
  /** Median and maximum latency of the status queries, milliseconds (0 without any). */
  statusMedianMs: number
  statusMaxMs: number
  submissions: number
}

export class MeteredScheduler implements Scheduler {
  private readonly latencies: number[] = []
  private submits = 0
  readonly usage?: (jobs: readonly PollQuery[]) => Promise<Map<string, JobUsage>>

  constructor(private readonly inner: Scheduler) {
    const usage = inner.usage?.bind(inner)
    if (usage) this.usage = usage
  }

  get kind(): string {
    return this.inner.kind
  }
  get submitCommand(): string {
    return this.inner.submitCommand
  }
  get maxInFlight(): number {
    return this.inner.maxInFlight
  }
  get staggerSeconds(): number {
    return this.inner.staggerSeconds
  }
  get outputWaitSeconds(): number {
    return this.inner.outputWaitSeconds
  }
  get chainsJobs(): boolean {
    return this.inner.chainsJobs
  }

  /** What the phase used so far. */
  use(): SchedulerUse {
    const sorted = [...this.latencies].sort((a, b) => a - b)
    const mid = (sorted.length - 1) / 2
    const median = sorted.length ? ((sorted[Math.floor(mid)] ?? 0) + (sorted[Math.ceil(mid)] ?? 0)) / 2 : 0
    return {
      statusQueries: sorted.length,
      statusMedianMs: Math.round(median),
      statusMaxMs: Math.round(sorted[sorted.length - 1] ?? 0),
      submissions: this.submits,
    }
  }

  private async status<T>(query: () => Promise<T>): Promise<T> {
    const started = performance.now()
    try {
      return await query()
    } finally {
      this.latencies.push(performance.now() - started)
    }
  }

  outputPattern(scriptText: string, jobDir: string): string {
    return this.inner.outputPattern(scriptText, jobDir)
  }
  outputPath(pattern: string, jobId: string, jobName: string): string {
    return this.inner.outputPath(pattern, jobId, jobName)
  }
  classify(status: JobStatus, outputTail: string): JobStatus {
    return this.inner.classify(status, outputTail)
  }
  submit(job: JobSpec): Promise<SubmitResult> {
    this.submits++
    return this.inner.submit(job)
  }
  poll(jobs: readonly PollQuery[]): Promise<Map<string, JobStatus>> {
    return this.status(() => this.inner.poll(jobs))
  }
  findMarked(prefix: string, since: string): Promise<MarkedJob[]> {
    return this.status(() => this.inner.findMarked(prefix, since))
  }
  findByName(name: string, since: string): Promise<JobStatus[]> {
    return this.status(() => this.inner.findByName(name, since))
  }
  describe(jobIds: readonly string[], since: string): Promise<Map<string, DescribedJob>> {
    return this.status(() => this.inner.describe(jobIds, since))
  }
  updateDependency(jobId: string, afterok: readonly string[]): Promise<Result<void, string>> {
    return this.inner.updateDependency(jobId, afterok)
  }
  cancel(jobIds: readonly string[]): Promise<void> {
    return this.inner.cancel(jobIds)
  }
}
