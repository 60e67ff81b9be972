/**
 * SLURM over any transport: `sbatch --parsable` in the job's directory, and monitoring at a constant
 * cost per cycle whatever the number of jobs: one `squeue` for all of them, then one `sacct` only
 * for the jobs that left the queue, bounded by `-S` so recycled ids never match old jobs. Without
 * accounting it falls back to `scontrol show job`. A poll command that fails (slurmctld restarting)
 * gives UNKNOWN states, never terminal ones.
 */
import type { Transport } from '../cluster/transport.js'
import { normaliseState, type JobSpec, type JobStatus, type PollQuery, type Scheduler, type SubmitResult } from './scheduler.js'

export interface SlurmOptions {
  /** At most this many of the experiment's jobs queued or running at once. */
  maxSubmit?: number
  staggerSeconds?: number
  extraSbatchArgs?: string[]
}

/** sbatch rejections that mean "not now": wait and submit again. */
const RETRY_LATER = /QOSMaxSubmitJob|AssocMaxSubmitJob|MaxSubmitJobs|violates accounting\/QOS policy|Socket timed out|Unable to contact slurm controller|Resource temporarily unavailable|slurm_persist_conn|Zero Bytes were transmitted/i

export class SlurmScheduler implements Scheduler {
  readonly kind = 'slurm' as const
  readonly maxInFlight: number
  readonly staggerSeconds: number
  /** Cluster commands run, for benchmarks. */
  commands = 0
  private accounting: boolean | undefined

  constructor(
    private readonly transport: Transport,
    private readonly options: SlurmOptions = {},
  ) {
    this.maxInFlight = options.maxSubmit ?? 25
    this.staggerSeconds = options.staggerSeconds ?? 5
  }

  async submit(job: JobSpec): Promise<SubmitResult> {
    // SLURM drops the output silently when its directory does not exist.
    const outDir = job.outputPattern.replace(/\/[^/]*$/, '') || '/'
    await this.transport.mkdirp(outDir)
    this.commands++
    const r = await this.transport.exec(['sbatch', '--parsable', `--job-name=${job.name}`, ...(this.options.extraSbatchArgs ?? []), job.script], { cwd: job.dir, ...(job.env ? { env: job.env } : {}) })
    const id = /^(\d+)(?:;\S*)?\s*$/m.exec(r.stdout)?.[1]
    if (r.code === 0 && id) return { ok: true, value: { jobId: id } }
    if (r.code === -1) {
      // The connection dropped around sbatch: the job may exist. Look for it before trying again.
      const found = await this.findByName(job.name, new Date(Date.now() - 300_000).toISOString()).catch(() => [])
      const last = found[found.length - 1]
      if (last) return { ok: true, value: { jobId: last.jobId } }
    }
    const message = (r.stderr || r.stdout).trim().split('\n').filter(Boolean).join(' ') || `sbatch exited ${r.code}`
    return { ok: false, error: { message, retryLater: r.code === -1 || RETRY_LATER.test(message) } }
  }

  async poll(jobs: readonly PollQuery[]): Promise<Map<string, JobStatus>> {
    const result = new Map<string, JobStatus>()
    if (jobs.length === 0) return result
    const ids = jobs.map((j) => j.jobId)
    const unknown = (id: string, why: string): JobStatus => ({ jobId: id, state: 'UNKNOWN', raw: why })

    // 1. One squeue for every job (finished ones stay visible with -t all until MinJobAge).
    this.commands++
    const q = await this.transport.exec(['squeue', '-h', '-t', 'all', '-o', '%i|%T|%r', '-j', ids.join(',')])
    if (q.code !== 0 && !/Invalid job id/i.test(q.stderr)) {
      for (const id of ids) result.set(id, unknown(id, `squeue failed: ${q.stderr.trim()}`))
      return result
    }
    for (const line of q.stdout.split('\n')) {
      const [id, state, reason] = line.trim().split('|')
      if (!id || !state || !ids.includes(id)) continue
      const s = normaliseState(state)
      result.set(id, { jobId: id, state: s, raw: state, ...(reason && reason !== 'None' ? { reason } : {}) })
    }

    // 2. One sacct for the jobs squeue no longer shows, and for terminal ones (exit code, times).
    const need = ids.filter((id) => {
      const s = result.get(id)
      return !s || s.state === 'UNKNOWN' || ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE'].includes(s.state)
    })
    if (need.length === 0) return result
    const since = jobs.filter((j) => need.includes(j.jobId)).map((j) => Date.parse(j.submittedAt)).filter(Number.isFinite)
    const start = new Date(Math.min(...since, Date.now()) - 60_000)
    if (this.accounting !== false) {
      this.commands++
      const a = await this.transport.exec(['sacct', '-X', '-n', '-P', '-S', slurmTime(start), '-j', need.join(','), '-o', 'JobIDRaw,State,ExitCode,Start,End,Reason'], { env: { SLURM_TIME_FORMAT: '%s' } })
      if (a.code === 0) {
        this.accounting = true
        for (const line of a.stdout.split('\n')) {
          const [id, state, exit, startS, endS, reason] = line.trim().split('|')
          if (!id || !state || !need.includes(id)) continue
          const [code, signal] = (exit ?? '').split(':').map(Number)
          const s = normaliseState(state)
          const squeueView = result.get(id)
          // squeue knows the live state best while the job is in memory; sacct adds exit code and times.
          result.set(id, {
            jobId: id,
            state: squeueView && squeueView.state !== 'UNKNOWN' && !isFinal(s) ? squeueView.state : s,
            raw: state,
            ...(Number.isFinite(code) ? { exitCode: code } : {}),
            ...(signal ? { signal } : {}),
            ...(epochIso(startS) ? { startedAt: epochIso(startS) } : {}),
            ...(epochIso(endS) ? { endedAt: epochIso(endS) } : {}),
            ...(reason && reason !== 'None' ? { reason } : squeueView?.reason ? { reason: squeueView.reason } : {}),
          })
        }
        for (const id of need) if (!result.has(id)) result.set(id, unknown(id, 'not in squeue or sacct yet'))
        return result
      }
      if (/accounting storage is disabled|not configured with slurmdbd|slurmdbd/i.test(a.stderr)) this.accounting = false
      else {
        for (const id of need) if (!result.has(id)) result.set(id, unknown(id, `sacct failed: ${a.stderr.trim()}`))
        return result
      }
    }
    // Degraded mode without accounting: scontrol per job that left the queue.
    for (const id of need) {
      if (result.get(id) && result.get(id)?.state !== 'UNKNOWN' && result.get(id)?.state !== undefined) continue
      this.commands++
      const s = await this.transport.exec(['scontrol', '-o', 'show', 'job', id])
      const state = /JobState=(\S+)/.exec(s.stdout)?.[1]
      const exit = /ExitCode=(\d+):(\d+)/.exec(s.stdout)
      if (s.code === 0 && state) result.set(id, { jobId: id, state: normaliseState(state), raw: state, ...(exit ? { exitCode: Number(exit[1]) } : {}) })
      else result.set(id, unknown(id, 'no accounting and the controller no longer knows the job'))
    }
    return result
  }

  async findByName(name: string, since: string): Promise<JobStatus[]> {
    const found = new Map<string, JobStatus>()
    this.commands++
    const q = await this.transport.exec(['squeue', '-h', '-t', 'all', '--name', name, '-o', '%i|%T|%r'])
    for (const line of q.stdout.split('\n')) {
      const [id, state] = line.trim().split('|')
      if (id && state && /^\d+$/.test(id)) found.set(id, { jobId: id, state: normaliseState(state), raw: state })
    }
    if (this.accounting !== false) {
      this.commands++
      const start = new Date(Date.parse(since) - 60_000)
      const a = await this.transport.exec(['sacct', '-X', '-n', '-P', '-S', slurmTime(Number.isFinite(start.getTime()) ? start : new Date(Date.now() - 7 * 86400_000)), '--name', name, '-o', 'JobIDRaw,State'])
      for (const line of a.stdout.split('\n')) {
        const [id, state] = line.trim().split('|')
        if (id && state && /^\d+$/.test(id) && !found.has(id)) found.set(id, { jobId: id, state: normaliseState(state), raw: state })
      }
    }
    return [...found.values()].sort((a, b) => Number(a.jobId) - Number(b.jobId))
  }

  async cancel(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return
    this.commands++
    await this.transport.exec(['scancel', ...jobIds])
  }
}

/** Whether SLURM's client tools answer over this transport. */
export async function slurmReachable(transport: Transport): Promise<{ ok: boolean; detail: string }> {
  const r = await transport.exec(['sbatch', '--version'])
  return { ok: r.code === 0, detail: (r.code === 0 ? r.stdout : r.stderr || `exit ${r.code}`).trim() }
}

function isFinal(state: string): boolean {
  return ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE'].includes(state)
}

/** `YYYY-MM-DDTHH:MM:SS` in the cluster's local time zone is what sacct -S takes; UTC minus a margin is safe. */
function slurmTime(d: Date): string {
  const day = new Date(d.getTime() - 86400_000)
  return day.toISOString().slice(0, 19)
}

function epochIso(s: string | undefined): string | undefined {
  if (!s || !/^\d+$/.test(s) || s === '0') return undefined
  return new Date(Number(s) * 1000).toISOString()
}
