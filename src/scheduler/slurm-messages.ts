/**
 * What SLURM's commands say in words, read: sbatch's refusals (a submit limit: try later; any other named
 * limit: never), a controller that is busy or restarting, a cluster without accounting, slurmstepd's
 * memory kill, and a failed command's output on one line.
 */
import type { ExecResult } from '../cluster/transport.js'

/** Reasons sbatch gives for "not now": the user has too many jobs queued. */
const SUBMIT_LIMIT =
  /QOSMaxSubmitJob\w*|AssocMaxSubmitJob\w*|AssocGrpSubmitJob\w*|QOSGrpSubmitJob\w*|MaxSubmitJobs?\w*/i
/** Any named QoS/association limit: if it is not a submit limit, the job can never run as asked. */
const NAMED_LIMIT = /\b(?:QOS|Assoc)\w*Limit\b/
const GENERIC_POLICY = /Job violates accounting\/QOS policy/i
/** sbatch's words for a dependency it refuses (malformed, or on some sites one that can never be met). */
export const DEPENDENCY_PROBLEM = /Job dependency problem/i
/** The controller is busy or restarting. */
const TRANSIENT = new RegExp(
  [
    'Socket timed out',
    'Unable to contact slurm controller',
    'Slurm temporarily unable',
    'Resource temporarily unavailable',
    'Zero Bytes were transmitted',
    'Connection refused',
    'Communication connection failure',
    'slurm_persist_conn',
    'try again',
  ].join('|'),
  'i',
)
/** sacct's answer when there is no slurmdbd, and `sacct -c`'s when there is no job completion log either. */
export const NO_DBD = /accounting storage is disabled/i
export const NO_JOBCOMP = /not configured|jobcomp|disabled|No such file/i

/** SLURM's own words when it kills a job for exceeding --mem without cgroups (the state reads FAILED). */
export const MEMORY_KILL =
  /Exceeded job memory limit|exceeded memory limit \(\d+ > \d+\), being killed|oom-kill event|OUT_OF_MEMORY/i

export function isRetryLater(message: string): boolean {
  const named = NAMED_LIMIT.exec(message)?.[0]
  if (named) return SUBMIT_LIMIT.test(named)
  return SUBMIT_LIMIT.test(message) || GENERIC_POLICY.test(message) || TRANSIENT.test(message)
}

/** sbatch's error lines without the `sbatch: error:` prefixes, on one line. */
export function sbatchMessage(r: ExecResult): string {
  const lines = (r.stderr || r.stdout)
    .split('\n')
    .map((l) => l.replace(/^sbatch:\s*(?:error:\s*)?/, '').trim())
    .filter(Boolean)
  return lines.join('; ') || `sbatch exited with code ${r.code}`
}

export function oneLine(r: ExecResult): string {
  return (r.stderr || r.stdout).trim().split('\n').filter(Boolean).join('; ') || `exit code ${r.code}`
}

export function unknownDependency(
  ids: readonly string[],
  sbatchSays?: string,
): {
  message: string
  retryLater: false
  code: 'unknown-dependency'
} {
  const what = `afterok:${ids.join(':')}`
  return {
    message: sbatchSays
      ? `${sbatchSays} (${what})`
      : `dependency ${what}: ${ids.length > 1 ? 'these are not jobs' : 'not a job'} SLURM knows (any more)`,
    retryLater: false,
    code: 'unknown-dependency',
  }
}
