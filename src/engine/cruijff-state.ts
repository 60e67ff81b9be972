/**
 * cruijff_kit's own runner and this action are two views of one experiment. This module is the
 * shared file contract, as pure functions (no I/O): where each record lives, how cruijff_kit's
 * resume state reads, and how to merge what both runners (and earlier versions of
 * this action) wrote.
 *
 * Where things live, relative to the experiment (run) directory:
 *
 *   run-experiment.log              the orchestration log, where the requirement puts it
 *   logs/run-<tool>.log             the module logs: cruijff_kit's submitters append to the same files
 *   logs/run-<tool>.state.json      the resume state: cruijff_kit's `status` and `--resume-monitor`
 *                                   read it, its submitters skip every key in it
 *   logs/.detach                    cruijff_kit's detach sentinel, honoured as a cancellation
 *   run-<tool>.state.json           what earlier versions of this action wrote: still read, merged
 *
 * Rules for what this action writes into the shared state, so that cruijff_kit's readers keep working:
 * - keys are cruijff_kit's (`<work dir relative to the experiment>/<script>`), fields are cruijff_kit's
 *   (`job_id`, `submitted_at` in the cluster's local time, `state`, `error`, `retry_history`,
 *   `oom_*`) plus ours; cruijff_kit keeps fields it does not know when it rewrites the file;
 * - an entry that is not terminal carries a job id: cruijff_kit's monitor polls entries by job id
 *   and waits for every one to be terminal, so an entry without one would keep it waiting forever.
 *   The intent to submit (written before sbatch, for crash safety) therefore lives elsewhere.
 */
import { z } from 'zod'
import { err, messageOf, ok, type Result } from '../result.js'
import { isTerminal } from '../scheduler/scheduler.js'
import { MAX_DEPTH } from '../yaml.js'

export const SHARED_DIR = 'logs'
export const DETACH_SENTINEL = `${SHARED_DIR}/.detach`

/** The module log or state file of a tool (e.g. `run-inspect.log`), where both runners use it. */
export const sharedPath = (runDir: string, file: string): string => `${runDir}/${SHARED_DIR}/${file}`
/** Where versions of this action before the shared layout kept a tool's state. */
export const legacyPath = (runDir: string, file: string): string => `${runDir}/${file}`

/** One entry as cruijff_kit writes it; other fields (ours) pass through. */
export const CruijffEntrySchema = z.looseObject({
  job_id: z.union([z.string(), z.number()]).nullable(),
  submitted_at: z.string(),
  state: z.string(),
  error: z.string().optional(),
  /** Items of any shape: cruijff_kit's own issue plans strategy names besides settings. */
  retry_history: z.array(z.unknown()).optional(),
  oom_detected_via: z.string().optional(),
  oom_exhausted_logged: z.boolean().optional(),
  /** Written by this action only: the submission time as an ISO instant. */
  submitted_iso: z.string().optional(),
})
export type CruijffEntry = z.infer<typeof CruijffEntrySchema>

/**
 * A record keyed by names read from a file: it inherits nothing, so `constructor` or `__proto__` is a key
 * like any other (a plain object would answer `constructor` with a function, and take `__proto__` as its
 * prototype).
 */
export function keyed<T>(from: Iterable<readonly [string, T]> = []): Record<string, T> {
  const out = Object.create(null) as Record<string, T>
  for (const [key, value] of from) out[key] = value
  return out
}

/**
 * A state file's text -> its entries. Unlike cruijff_kit (which starts over on a corrupt file and
 * so submits everything again), a file that cannot be read is an error: jobs would run twice.
 */
export function parseStateFile(text: string): Result<Record<string, CruijffEntry>, string> {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    return err(`not valid JSON (${messageOf(e)})`)
  }
  if (deeperThan(data, MAX_DEPTH)) return err(`nested more than ${MAX_DEPTH} levels deep (entries nest a few)`)
  const parsed = z.record(z.string(), CruijffEntrySchema).safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return err(`unexpected shape at ${issue?.path.join('.') || 'the top'}: ${issue?.message ?? ''}`)
  }
  return ok(
    keyed(
      Object.entries(parsed.data).map(([key, entry]) => [
        key,
        { ...entry, job_id: entry.job_id === null ? null : String(entry.job_id) },
      ]),
    ),
  )
}

/** Whether a parsed JSON value nests more than `limit` levels, measured without recursion. */
function deeperThan(value: unknown, limit: number): boolean {
  const todo: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }]
  for (let next = todo.pop(); next; next = todo.pop()) {
    if (next.v === null || typeof next.v !== 'object') continue
    if (next.depth >= limit) return true
    for (const child of Object.values(next.v)) todo.push({ v: child, depth: next.depth + 1 })
  }
  return false
}

/** The file's text, as cruijff_kit writes it: sorted keys, two-space indent, a trailing newline. */
export function formatStateFile(entries: Readonly<Record<string, unknown>>): string {
  const sorted = keyed(
    Object.keys(entries)
      .sort()
      .map((key) => [key, sortKeys(entries[key])]),
  )
  return `${JSON.stringify(sorted, null, 2)}\n`
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v === null || typeof v !== 'object') return v
  return keyed(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  )
}

/**
 * `YYYY-MM-DD HH:MM:SS` in the local time of a machine `offsetMinutes` east of UTC (the cluster's,
 * where cruijff_kit's tools read it: `date +%z`), from an instant.
 */
export function localTimestamp(at: Date, offsetMinutes: number): string {
  const d = new Date(at.getTime() + offsetMinutes * 60_000)
  const p = (n: number): string => String(n).padStart(2, '0')
  const day = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`
  return `${day} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
}

/** The instant a local `YYYY-MM-DD HH:MM:SS` of that machine names, or undefined when it is not one. */
export function parseLocalTimestamp(text: string, offsetMinutes: number): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim())
  if (!m) return undefined
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number]
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMinutes * 60_000
  return Number.isNaN(ms) ? undefined : new Date(ms)
}

/** `+0100` / `-0530` (as `date +%z` prints it) -> minutes east of UTC. */
export function parseUtcOffset(text: string): number | undefined {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text.trim())
  if (!m) return undefined
  const minutes = Number(m[2]) * 60 + Number(m[3])
  return m[1] === '-' ? -minutes : minutes
}

/**
 * When the entry's current attempt was submitted: our ISO instant, else cruijff_kit's local time (it
 * resets `submitted_at` when it resubmits after running out of memory, so this is the attempt's own).
 */
export function submittedAt(entry: CruijffEntry, offsetMinutes: number): Date | undefined {
  if (entry.submitted_iso) {
    const t = Date.parse(entry.submitted_iso)
    if (!Number.isNaN(t)) return new Date(t)
  }
  return parseLocalTimestamp(entry.submitted_at, offsetMinutes)
}

/** Written by cruijff_kit's runner (or edited by hand), not by this action. */
export function writtenByCruijff(entry: CruijffEntry): boolean {
  return entry.submitted_iso === undefined
}

/**
 * Whether cruijff_kit's monitor can finish with this entry in the file (see the rules above): it is
 * terminal (SLURM's states, or SUBMIT_FAILED, which its watcher counts as ended), or has a job id to poll.
 */
export function monitorCanFinish(entry: CruijffEntry): boolean {
  return isTerminal(entry.state) || Boolean(entry.job_id)
}

export interface StateSource {
  /** For messages: the file it came from. */
  label: string
  entries: Readonly<Record<string, CruijffEntry>>
}

export interface MergedState {
  entries: Record<string, CruijffEntry>
  /** Key -> label of the source its entry came from. */
  origin: Map<string, string>
}

/**
 * Several state files for one tool (the shared one, and what an earlier version of this action wrote
 * at the root) -> one. For a key in several, the entry whose attempt was submitted last wins; on a tie
 * (or unreadable times) the earlier source in the list wins. Sources come in priority order.
 */
export function mergeStates(sources: readonly StateSource[], offsetMinutes: number): MergedState {
  const entries = keyed<CruijffEntry>()
  const origin = new Map<string, string>()
  const time = (e: CruijffEntry): number => submittedAt(e, offsetMinutes)?.getTime() ?? Number.NEGATIVE_INFINITY
  for (const source of sources) {
    for (const [key, entry] of Object.entries(source.entries)) {
      const held = entries[key]
      if (held && time(held) >= time(entry)) continue
      entries[key] = entry
      origin.set(key, source.label)
    }
  }
  return { entries, origin }
}
