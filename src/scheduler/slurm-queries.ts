/**
 * How the SLURM scheduler reads SLURM's state: squeue for the jobs slurmctld holds, the accounting this
 * cluster has (slurmdbd's sacct, else `sacct -c`, else scontrol per job; learnt once), whose jobs are
 * ours (`id -un`, asked once), and retries while SLURM is unreachable. Every SLURM command goes through
 * `run`, which counts it.
 */
import { retry, type BackoffPolicy } from '../cluster/backoff.js'
import type { ExecOptions, ExecResult, Transport } from '../cluster/transport.js'
import { err, ok, type Result } from '../result.js'
import { isPlainJobId, isTerminal, LOOKBACK_MS } from './scheduler.js'
import { NO_DBD, NO_JOBCOMP, oneLine } from './slurm-messages.js'
import {
  byId,
  EPOCH_TIMES,
  mergeRows,
  parseRows,
  parseScontrol,
  sacctRow,
  SACCT_BASE,
  SACCT_FORMAT,
  squeueRow,
  SQUEUE_FORMAT,
  type Row,
} from './slurm-output.js'

/** How finished jobs are looked up: slurmdbd, jobcomp/filetxt (`sacct -c`), or scontrol only. */
export type Accounting = 'slurmdbd' | 'jobcomp' | 'none'

/** ExecOptions plus the SSH transport's flag for commands that must not run twice. */
type SubmitExecOptions = ExecOptions & { idempotent?: boolean }

/**
 * Extra seconds before `since` that findMarked still looks at, in squeue and sacct alike: clock skew,
 * submission latency, and SLURM's whole-second times (a job that ends within the second `since` falls
 * in would otherwise read as ended before it).
 */
const SINCE_SLACK_S = 600

/** While SLURM is unreachable: 1 s, doubling, at most 15 s apart, for about a minute. */
const SLURM_UNREACHABLE: BackoffPolicy = { initialMs: 1000, factor: 2, maxMs: 15_000, deadlineMs: 60_000 }

export class SlurmQueries {
  /** SLURM commands run (for benchmarks: commands per poll cycle). */
  commands = 0
  /** What the last sacct told about accounting; undefined until the first one. */
  accounting: Accounting | undefined

  /**
   * @param timeoutMs the limit of one SLURM command
   * @param userName whose jobs `mine` lists; undefined: `id -un` where the commands run
   */
  constructor(
    private readonly transport: Transport,
    private readonly timeoutMs: number,
    private userName: string | undefined,
  ) {}

  /** Runs one SLURM command, counted. */
  run(argv: readonly string[], options: SubmitExecOptions = {}): Promise<ExecResult> {
    this.commands++
    return this.transport.exec(argv, { timeoutMs: this.timeoutMs, ...options })
  }

  /** The job submitted with this comment (its nonce makes it unique), if slurmctld has it. */
  async findByComment(comment: string): Promise<Result<string | undefined, string>> {
    const q = await this.run(['squeue', '-h', '-t', 'all', '--me', '-O', SQUEUE_FORMAT])
    if (q.code !== 0) return err(`squeue: ${oneLine(q)}`)
    return ok(parseRows(q.stdout, squeueRow).find((row) => row.comment === comment)?.status.jobId)
  }

  /**
   * One squeue for these ids (of USER only, when given); `-j` with a single unknown id is an error,
   * not an empty answer.
   */
  async squeue(ids: readonly string[], user?: string): Promise<Result<Map<string, Row>, string>> {
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
  async accountingRows(ids: readonly string[], earliestMs: number): Promise<Result<Map<string, Row>, string>> {
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
  async sacct(args: readonly string[], persist = false): Promise<Result<string | undefined, string>> {
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

  /**
   * This user's jobs that slurmctld holds, and those accounting knows since `since`, oldest first: ONE
   * squeue and ONE sacct. A wrong "nothing found" would submit a job twice, so failures are retried,
   * then thrown.
   */
  async mine(since: string): Promise<Row[]> {
    const user = await this.user()
    const q = await this.persist(async () => {
      const r = await this.run(['squeue', '-h', '-t', 'all', '-u', user, '-O', SQUEUE_FORMAT], { env: EPOCH_TIMES })
      return r.code === 0 ? ok(r.stdout) : err(`squeue failed: ${oneLine(r)}`)
    })
    const sinceMs = Date.parse(since)
    const earliestS = Number.isFinite(sinceMs) ? sinceMs / 1000 - SINCE_SLACK_S : 0
    const rows = new Map<string, Row>()
    for (const row of parseRows(q, squeueRow)) {
      const finishedBefore = isTerminal(row.status.state) && row.ended !== undefined && row.ended < earliestS
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

  /** Whose jobs findMarked and describe list: the option, else `id -un` where the commands run (asked once). */
  async user(): Promise<string> {
    if (this.userName !== undefined) return this.userName
    const name = await this.persist(async () => {
      const r = await this.run(['id', '-un'])
      const who = r.stdout.trim()
      return r.code === 0 && /^[^\s:]+$/.test(who) ? ok(who) : err(`id -un failed: ${oneLine(r)}`)
    })
    this.userName = name
    return name
  }

  /** Tries while SLURM is unreachable (SLURM_UNREACHABLE); then throws. */
  async persist<T>(attempt: () => Promise<Result<T, string>>): Promise<T> {
    const r = await retry(SLURM_UNREACHABLE, attempt)
    if (r.ok) return r.value
    throw new Error(`${r.error}, so it is unknown whether the job exists`)
  }
}

/**
 * sacct's -S as a time relative to the cluster's own clock (`now-N` seconds): no time zone or
 * clock-skew question, since N is measured on this machine's clock alone. An unknown time (NaN from
 * an unreadable date, Infinity from the minimum of none) looks back LOOKBACK_MS.
 */
export function sinceArg(earliestMs: number): string {
  const from = Number.isFinite(earliestMs) ? earliestMs : Date.now() - LOOKBACK_MS
  const seconds = Math.max(0, Math.ceil((Date.now() - from) / 1000)) + SINCE_SLACK_S
  return `now-${seconds}`
}
