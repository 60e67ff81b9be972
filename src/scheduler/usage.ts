/**
 * SLURM accounting of what jobs used: one `sacct -n -P -o SACCT_USAGE_FIELDS` (without -X: MaxRSS
 * lives on the job's steps) parsed into JobUsage per job id.
 */
import type { JobUsage } from './scheduler.js'

/** The sacct fields parseSacctUsage reads, in order (`sacct -n -P -o ${fields.join(',')}`). */
export const SACCT_USAGE_FIELDS = [
  'JobIDRaw',
  'State',
  'Submit',
  'Start',
  'End',
  'ElapsedRaw',
  'AllocTRES',
  'MaxRSS',
] as const

/** A time as sacct prints it: epoch seconds (SLURM_TIME_FORMAT=%s) or local ISO; Unknown/None: undefined. */
export function parseSacctTime(s: string): number | undefined {
  const t = s.trim()
  if (/^\d+$/.test(t)) return Number(t) * 1000
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(t)) return undefined
  const ms = Date.parse(t) // no offset: local time, as sacct prints it
  return Number.isNaN(ms) ? undefined : ms
}

const UNITS: Record<string, number> = { K: 1, M: 2, G: 3, T: 4, P: 5 }

/** `169928K` -> bytes (sacct's suffixes are powers of 1024; a bare number is bytes). */
export function parseSlurmSize(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGTP]?)$/i.exec(s.trim())
  if (!m) return undefined
  return Number(m[1]) * 1024 ** (UNITS[(m[2] ?? '').toUpperCase()] ?? 0)
}

/** GPUs in an AllocTRES string: `gres/gpu=N`, else the sum of typed `gres/gpu:TYPE=N`. */
export function gpusOfTres(tres: string): number {
  let untyped: number | undefined
  let typed = 0
  for (const part of tres.split(',')) {
    const [key, value] = part.split('=')
    const n = Number(value)
    if (!key || !Number.isFinite(n)) continue
    if (key === 'gres/gpu') untyped = n
    else if (key.startsWith('gres/gpu:')) typed += n
  }
  return untyped ?? typed
}

/**
 * One `sacct -n -P -o SACCT_USAGE_FIELDS` output -> usage per job id. The allocation row gives
 * state, times and AllocTRES; its steps (`ID.batch`, `ID.0`, ...) give MaxRSS, of which the
 * largest is the job's peak. Lines that do not parse are skipped (sacct warnings, truncation).
 */
export function parseSacctUsage(text: string): Map<string, JobUsage> {
  const out = new Map<string, JobUsage>()
  for (const line of text.split('\n')) {
    const f = line.split('|')
    if (f.length < SACCT_USAGE_FIELDS.length) continue
    const [idRaw = '', state = '', submit = '', start = '', end = '', elapsed = '', tres = '', rss = ''] = f
    const m = /^(\d+)(?:[._+](\S+))?$/.exec(idRaw.trim())
    if (!m?.[1]) continue
    const jobId = m[1]
    const isStep = idRaw.includes('.')
    const u = out.get(jobId) ?? { jobId, gpus: 0 }
    const bytes = parseSlurmSize(rss)
    if (bytes !== undefined && bytes > (u.maxRssBytes ?? -1)) u.maxRssBytes = bytes
    if (!isStep || u.state === undefined) {
      const word = state.trim().split(/\s+/)[0]
      if (word) u.state = word
      const times = {
        submittedAt: parseSacctTime(submit),
        startedAt: parseSacctTime(start),
        endedAt: parseSacctTime(end),
      }
      for (const [k, v] of Object.entries(times) as [keyof typeof times, number | undefined][])
        if (v !== undefined) u[k] = v
      if (/^\d+$/.test(elapsed.trim())) u.elapsedS = Number(elapsed.trim())
      if (tres.trim()) u.gpus = gpusOfTres(tres)
    }
    out.set(jobId, u)
  }
  return out
}
