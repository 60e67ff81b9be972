/** What a phase reports of each job, the attempts it keeps, and the names it gives jobs. */
import { createHash } from 'node:crypto'
import type { PlannedJob, ToolResult } from '../tools/tool.js'
import type { AttemptRecord, StateEntry } from './state.js'
import type { JobOutcome, Resolution } from './types.js'

export function outcomeOf(
  job: PlannedJob,
  entry: StateEntry | undefined,
  result: JobOutcome['result'],
  resolution: Resolution,
  output?: ToolResult,
): JobOutcome {
  return {
    job,
    result,
    resolution,
    state: entry?.state ?? 'NOT_SUBMITTED',
    jobId: entry?.job_id ?? null,
    attempt: entry?.attempt ?? 1,
    ...(entry?.exit_code !== undefined ? { exitCode: entry.exit_code } : {}),
    ...(entry?.submitted_iso ? { submittedIso: entry.submitted_iso } : {}),
    ...(entry?.started_iso ? { startedIso: entry.started_iso } : {}),
    ...(entry?.ended_iso ? { endedIso: entry.ended_iso } : {}),
    ...(entry?.error ? { error: entry.error } : {}),
    ...(entry?.output_file ? { outputFile: entry.output_file } : {}),
    ...(settingsOf(entry?.retry_history).length ? { retries: settingsOf(entry?.retry_history) } : {}),
    ...(entry?.history?.length ? { earlier: entry.history } : {}),
    ...(output ? { output } : {}),
  }
}

/**
 * The items of a retry history that are settings (`{batch_size: 4, ...}`); others (cruijff_kit's strategy
 * names) are kept in the state but not shown.
 */
export function settingsOf(history: readonly unknown[] | undefined): Record<string, number>[] {
  return (history ?? []).filter(
    (item): item is Record<string, number> =>
      typeof item === 'object' &&
      item !== null &&
      !Array.isArray(item) &&
      Object.values(item).every((v) => typeof v === 'number'),
  )
}

/** What the state keeps of an attempt once another replaces it. */
export function attemptRecordOf(e: StateEntry): AttemptRecord {
  return {
    job_id: e.job_id,
    state: e.state,
    submitted_iso: e.submitted_iso ?? e.submitted_at,
    ...(e.exit_code !== undefined ? { exit_code: e.exit_code } : {}),
    ...(e.started_iso ? { started_iso: e.started_iso } : {}),
    ...(e.ended_iso ? { ended_iso: e.ended_iso } : {}),
    ...(e.error ? { error: e.error } : {}),
  }
}

/** `re-<experiment id>-<job key as a name>`: unique per experiment and job, stable across re-runs. */
export function jobNameFor(experimentId: string, key: string): string {
  const slug = key
    .replace(/\/(finetune|cell)\.slurm$/, '')
    .replace(/\.slurm$/, '')
    .replace(/[^\w.-]+/g, '_')
  const short = createHash('sha256').update(key).digest('hex').slice(0, 6)
  return `re-${experimentId}-${slug.slice(0, 80)}-${short}`
}

/** The last three lines of output (progress bars split on \r), for messages. */
export function lastLines(bytes: Buffer): string {
  const lines = bytes
    .toString('utf8')
    .split(/\r?\n|\r/)
    .map((l) => l.replace(CONTROL, '').trim())
    .filter(Boolean)
  const text = lines.slice(-3).join(' | ')
  // The end is what matters (the error comes last).
  return text.length > 400 ? `…${text.slice(-400)}` : text
}

/** Control characters (NUL padding, terminal escapes' ESC) that would only garble a message. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g

export function countBy(values: string[]): string {
  const counts = new Map<string, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return [...counts.keys()]
    .sort()
    .map((k) => `${k}=${counts.get(k) ?? 0}`)
    .join(', ')
}
