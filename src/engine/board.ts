/**
 * One phase's jobs and what the phase knows of each while it runs — the one owner of that state. Resume
 * puts each job on the board (to watch, or to submit); the loop takes the next one to submit; watching
 * settles a job with its outcome or asks for it to be submitted again (a retry); the board answers what
 * is in flight, whether everything is settled, and what progress reports and the phase's result show.
 */
import { isTerminal } from '../scheduler/scheduler.js'
import type { PlannedJob, RetryKind } from '../tools/tool.js'
import { outcomeOf } from './outcome.js'
import type { StateStore } from './state.js'
import type { JobCategory, JobOutcome, JobView, PhaseJobView, PhaseSnapshot, Resolution, Tracked } from './types.js'

/** What the board keeps of a job: its view, and what only the board changes. */
interface Card {
  job: PlannedJob
  resolution: Resolution
  outcome?: JobOutcome
  rerun?: string
  retryNote?: string
  retryKind?: RetryKind
  /** Waiting to be submitted (in `waiting`), or submitted / re-attached / settled (in `watched`). */
  queued: boolean
  /** Asked to be submitted again at the next round (a retry). */
  requeue: boolean
  /** When the scheduler said it ended but its outputs were not seen yet: the first time we looked. */
  validatingSince?: number
}

export class JobBoard {
  private readonly watched: Card[] = []
  private readonly waiting: Card[] = []
  /** Outcomes settled since the last `drainSettled`. */
  private recent: JobOutcome[] = []

  constructor(
    private readonly jobs: readonly PlannedJob[],
    private readonly state: StateStore,
  ) {}

  /** A job as resume decided: to submit, or to watch (possibly already settled). */
  add(tracked: Tracked, submit: boolean): void {
    const card: Card = { ...tracked, queued: submit, requeue: false }
    if (submit) this.waiting.push(card)
    else this.watched.push(card)
  }

  /** The next job to submit, if any. */
  next(): Tracked | undefined {
    return this.waiting[0]
  }

  /** The next job was submitted: it is watched now (and its retry note was said). */
  submitted(t: Tracked): void {
    const card = this.take(t)
    delete card.retryNote
    delete card.retryKind
    this.watched.push(card)
  }

  /** A job's end: its outcome (a submission that failed for good settles it too). */
  settle(t: Tracked, outcome: JobOutcome): void {
    const card = this.card(t)
    if (card.queued) this.watched.push(this.take(t))
    card.outcome = outcome
    this.recent.push(outcome)
  }

  /** The outcomes settled since the last call. */
  drainSettled(): JobOutcome[] {
    const settled = this.recent
    this.recent = []
    return settled
  }

  /** Every job of the phase has been submitted (or needs no submission). */
  allSubmitted(): boolean {
    return this.waiting.length === 0
  }

  /** Each job as a later phase's dependents see it. */
  views(): PhaseJobView[] {
    return [...this.watched, ...this.waiting].map((c) => {
      const result = c.outcome?.result
      return {
        job: c.job,
        jobId: c.queued ? null : (this.state.get(c.job.key)?.job_id ?? null),
        submittedNow: c.resolution === 'submitted' || c.resolution === 'resubmitted',
        ...(result === 'succeeded' || result === 'failed' ? { result } : {}),
      }
    })
  }

  /** The tool asked for the job to be submitted again (e.g. out of memory), saying why. */
  retry(t: Tracked, note?: string, kind?: RetryKind): void {
    const card = this.card(t)
    card.requeue = true
    if (note) card.retryNote = note
    if (kind) card.retryKind = kind
  }

  /** How long the job's outputs have been looked for since it ended (0 the first time). */
  validating(t: Tracked): number {
    const card = this.card(t)
    card.validatingSince ??= Date.now()
    return Date.now() - card.validatingSince
  }

  /** Retries asked for during the last poll go to the front of the queue, in their order. */
  requeueRetries(): void {
    const again = this.watched.filter((c) => c.requeue)
    for (const card of again.reverse()) {
      this.watched.splice(this.watched.indexOf(card), 1)
      Object.assign(card, { requeue: false, queued: true, resolution: 'resubmitted' as const })
      delete card.validatingSince
      this.waiting.unshift(card)
    }
  }

  /** Submitted or re-attached, and not settled: what the scheduler is asked about. */
  open(): readonly Tracked[] {
    return this.watched.filter((c) => !c.outcome)
  }

  /** Jobs submitted and not settled (the queue limit counts them). */
  inFlight(): number {
    return this.open().length
  }

  /** Every job settled, nothing left to submit. */
  finished(): boolean {
    return this.waiting.length === 0 && this.watched.every((c) => c.outcome)
  }

  /** Each job's outcome, in the phase's order: settled, still running (detached), or never submitted. */
  outcomes(): JobOutcome[] {
    return this.jobs.map((job) => {
      const card = [...this.watched, ...this.waiting].find((c) => c.job === job)
      if (card?.outcome) return card.rerun ? { ...card.outcome, rerun: card.rerun } : card.outcome
      const entry = this.state.get(job.key)
      const o = outcomeOf(job, entry, 'detached', card?.resolution ?? 'reattached', entry?.output)
      // Never submitted in this pass: its state is not this job's (it may be an earlier attempt's).
      if (card?.queued) return { ...o, state: 'NOT_SUBMITTED', jobId: null }
      return card?.rerun ? { ...o, rerun: card.rerun } : o
    })
  }

  /** Every job's state for progress reports (no scheduler call: what the last poll recorded). */
  snapshot(phase: string, startedAt: Date, final: boolean): PhaseSnapshot {
    const at = (iso?: string): number | undefined => {
      const ms = iso === undefined ? NaN : Date.parse(iso)
      return Number.isNaN(ms) ? undefined : ms
    }
    const view = (c: Card): JobView => {
      const e = this.state.get(c.job.key)
      const state = c.outcome?.state ?? (c.queued ? 'NOT_SUBMITTED' : e?.state || 'PENDING')
      const category: JobCategory = c.outcome
        ? c.outcome.result === 'succeeded'
          ? 'succeeded'
          : c.outcome.result === 'failed'
            ? 'failed'
            : 'running'
        : c.queued || state === 'PENDING' || state === 'REQUEUED' || state === 'CONFIGURING'
          ? 'queued'
          : 'running'
      const startedAtMs = at(c.outcome?.startedIso ?? e?.started_iso)
      const endedAtMs = at(c.outcome?.endedIso ?? e?.ended_iso)
      const note = c.retryNote ?? (!c.outcome && isTerminal(state) ? 'checking outputs' : undefined)
      return {
        key: c.job.key,
        display: c.job.display,
        state,
        category,
        jobId: c.queued ? null : (c.outcome?.jobId ?? e?.job_id ?? null),
        ...(startedAtMs !== undefined && !c.queued ? { startedAt: startedAtMs } : {}),
        ...(endedAtMs !== undefined && !c.queued ? { endedAt: endedAtMs } : {}),
        ...(note ? { note } : {}),
      }
    }
    const order = new Map(this.jobs.map((j, i) => [j.key, i]))
    const jobs = [...this.watched, ...this.waiting]
      .map(view)
      .sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0))
    return { phase, now: Date.now(), startedAt: startedAt.getTime(), jobs, final }
  }

  private card(t: Tracked): Card {
    const card = [...this.watched, ...this.waiting].find((c) => c.job === t.job)
    if (!card) throw new Error(`${t.job.key} is not on the board`)
    return card
  }

  /** Takes a waiting job off the queue. */
  private take(t: Tracked): Card {
    const card = this.card(t)
    const i = this.waiting.indexOf(card)
    if (i >= 0) this.waiting.splice(i, 1)
    card.queued = false
    return card
  }
}
