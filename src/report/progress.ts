/**
 * Progress of a phase for the Actions log and the module logs, from one snapshot per poll:
 *
 *   optimize: 7/12 done (1 failed), 3 running, 2 queued · 2h14m · lr1e-3 COMPLETED (job 81234, 41m)
 *
 * A line whenever a job changed; while nothing changes, a heartbeat after `heartbeatMs` of silence,
 * the gap doubling with each heartbeat up to `maxHeartbeatMs` (a multi-day phase stays readable);
 * never more than one line per snapshot, so at most one per poll and none for most polls that saw
 * nothing new. A changed snapshot also carries details (every job's state) for a collapsible
 * group. Pure: the caller owns the clock and the output.
 */
import type { Block } from '../engine/log.js'
import type { JobCategory, JobView, PhaseSnapshot } from '../engine/types.js'

/** A job and a phase as the engine reports them once per poll. */
export type ProgressJob = JobView
export type ProgressSnapshot = PhaseSnapshot
export type ProgressCategory = JobCategory

export interface ProgressUpdate {
  kind: 'start' | 'change' | 'heartbeat'
  line: string
  changed: ProgressJob[]
  /** For a collapsible group: every job, one line each. On start and change only. */
  details?: { title: string; lines: string[] }
}

export interface ProgressOptions {
  /** Silence before the first heartbeat line. Default 5 minutes. */
  heartbeatMs?: number
  /** Longest gap between two heartbeats. Default 30 minutes. */
  maxHeartbeatMs?: number
  /** Changed jobs named in one line; the rest are counted. Default 3. */
  maxChangesShown?: number
}

/** `41s`, `41m`, `2h14m`, `3d4h`: short enough for one line per poll. */
export function compactDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`
  return `${Math.floor(h / 24)}d${h % 24}h`
}

/** `7/12 done (1 failed), 3 running, 2 queued`. */
export function countsText(jobs: ProgressJob[]): string {
  const n = (c: ProgressCategory): number => jobs.filter((j) => j.category === c).length
  const failed = n('failed')
  const parts = [`${n('succeeded') + failed}/${jobs.length} done${failed > 0 ? ` (${failed} failed)` : ''}`]
  if (n('running') > 0) parts.push(`${n('running')} running`)
  if (n('queued') > 0) parts.push(`${n('queued')} queued`)
  return parts.join(', ')
}

/** `lr1e-3 COMPLETED (job 81234, 41m)`: the state, the job id and how long it ran (or has run). */
export function jobText(j: ProgressJob, now: number): string {
  const facts: string[] = []
  if (j.jobId) facts.push(`job ${j.jobId}`)
  if (j.startedAt !== undefined) facts.push(compactDuration((j.endedAt ?? now) - j.startedAt))
  if (j.note) facts.push(j.note)
  return `${j.display} ${j.state}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`
}

function signature(j: ProgressJob): string {
  return `${j.state}|${j.category}|${j.jobId ?? ''}|${j.note ?? ''}`
}

export class ProgressReporter {
  private last = new Map<string, string>()
  private lastLineAt: number | undefined
  private lastChangeAt = 0
  private gap: number
  private readonly heartbeatMs: number
  private readonly maxHeartbeatMs: number
  private readonly maxShown: number

  constructor(options: ProgressOptions = {}) {
    this.heartbeatMs = options.heartbeatMs ?? 5 * 60_000
    this.maxHeartbeatMs = Math.max(this.heartbeatMs, options.maxHeartbeatMs ?? 30 * 60_000)
    this.maxShown = options.maxChangesShown ?? 3
    this.gap = this.heartbeatMs
  }

  /** One snapshot per poll in; at most one update out. */
  observe(s: ProgressSnapshot): ProgressUpdate | undefined {
    const first = this.lastLineAt === undefined
    const changed = s.jobs.filter((j) => this.last.get(j.key) !== signature(j))
    this.last = new Map(s.jobs.map((j) => [j.key, signature(j)]))
    const head = `${s.phase}: ${countsText(s.jobs)} · ${compactDuration(s.now - s.startedAt)}`
    if (first || changed.length > 0) {
      this.lastLineAt = s.now
      this.lastChangeAt = s.now
      this.gap = this.heartbeatMs
      const shown = first ? [] : changed.slice(0, this.maxShown).map((j) => jobText(j, s.now))
      if (!first && changed.length > this.maxShown) shown.push(`${changed.length - this.maxShown} more changed`)
      return {
        kind: first ? 'start' : 'change',
        line: shown.length > 0 ? `${head} · ${shown.join(', ')}` : head,
        changed: first ? [] : changed,
        details: { title: `${s.phase}: ${s.jobs.length} jobs`, lines: s.jobs.map((j) => jobText(j, s.now)) },
      }
    }
    if (s.now - (this.lastLineAt ?? s.now) < this.gap) return undefined
    this.lastLineAt = s.now
    this.gap = Math.min(this.gap * 2, this.maxHeartbeatMs)
    return {
      kind: 'heartbeat',
      line: `${head} · no change for ${compactDuration(s.now - this.lastChangeAt)}`,
      changed: [],
    }
  }
}

/**
 * An update as log lines for the Actions runner: the line, then the details folded in a group.
 * Job names are restricted to [A-Za-z0-9_.-] by the experiment schema, so no line can start a
 * workflow command; a detail line is still prefixed if it would.
 */
export function actionsLogLines(u: ProgressUpdate): string[] {
  const out = [u.line]
  if (u.details) {
    out.push(`::group::${u.details.title.replace(/[\r\n]/g, ' ')}`)
    for (const l of u.details.lines) out.push(l.startsWith('::') ? ` ${l}` : l)
    out.push('::endgroup::')
  }
  return out
}

/** The same update as a module-log block (cruijff_kit's STATUS_CHECK keyword; never a `Job ID:` line). */
export function progressBlock(u: ProgressUpdate, phase: string): Block {
  const body = u.line.startsWith(`${phase}: `) ? u.line.slice(phase.length + 2) : u.line
  return { action: 'STATUS_CHECK', description: phase, details: body, result: u.kind }
}
