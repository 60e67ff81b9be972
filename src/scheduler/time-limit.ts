/**
 * `#SBATCH --time` for the local executor, which enforces it as SLURM does (the job ends as TIMEOUT).
 * SLURM's formats: `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`; `0`, `infinite` and `unlimited`
 * mean no limit.
 */
import { err, ok, type Result } from '../result.js'
import { sbatchOption } from './script.js'

/**
 * Seconds of `--time`/`-t` in the script's `#SBATCH` header: 0 for no limit, undefined when the header
 * sets none (the local executor's `local-time-limit` applies); an error for a bad value.
 */
export function sbatchTimeLimit(script: string): Result<number | undefined, string> {
  const value = sbatchOption(script, 'time')
  if (value === undefined) return ok(undefined)
  const seconds = parseSlurmTime(value)
  return seconds === null ? err(`invalid --time specification: ${value}`) : ok(seconds)
}

/** SLURM's time format in seconds (0: unlimited), or null when malformed. */
export function parseSlurmTime(raw: string): number | null {
  const v = raw.trim().toLowerCase()
  if (v === 'infinite' || v === 'unlimited') return 0
  const days = /^(\d+)-(\d+)(?::(\d+))?(?::(\d+))?$/.exec(v)
  if (days) {
    const [, d, h, m, s] = days
    return Number(d) * 86400 + Number(h) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0)
  }
  const parts = /^(\d+)(?::(\d+))?(?::(\d+))?$/.exec(v)
  if (!parts) return null
  const [, a, b, c] = parts
  if (c !== undefined) return Number(a) * 3600 + Number(b) * 60 + Number(c) // H:M:S
  if (b !== undefined) return Number(a) * 60 + Number(b) // M:S
  return Number(a) * 60 // M
}
