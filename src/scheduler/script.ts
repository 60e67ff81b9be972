/** What a job script's `#SBATCH` header says that the executors need. */
import { resolvePath } from '../cluster/paths.js'
import { sbatchHeader } from '../sbatch.js'

/** The value of option `--{long}` in the script's `#SBATCH` header, the last one when repeated (as sbatch takes it). */
export function sbatchOption(script: string, long: string): string | undefined {
  return sbatchHeader(script)
    .filter((o) => o.name === long)
    .pop()?.value
}

/** The `--output` (or `-o`) file pattern of the `#SBATCH` header, if any. */
export function sbatchOutput(script: string): string | undefined {
  return sbatchOption(script, 'output')
}

/**
 * The directory the job runs in, absolute: the header's `--chdir` (`-D`, relative to the submission
 * directory `jobDir`), else the submission directory.
 */
export function workDirOf(script: string, jobDir: string): string {
  const chdir = sbatchOption(script, 'chdir')
  return chdir ? resolvePath(jobDir, chdir) : jobDir
}

/**
 * Where the job's stdout and stderr go, absolute: the header's `--output`, else SLURM's default
 * slurm-%j.out, relative to the directory the job runs in (workDirOf). Patterns (`%j`, ...) are left for
 * substituteOutput.
 */
export function outputPatternOf(script: string, jobDir: string): string {
  return resolvePath(workDirOf(script, jobDir), sbatchOutput(script) ?? 'slurm-%j.out')
}

/** SLURM's filename patterns that matter here: %j job id, %x job name, %u user, %% percent. */
export function substituteOutput(pattern: string, jobId: string, jobName: string): string {
  return pattern.replace(/%(%|j|J|x|u|A|a)/g, (_, c: string) => {
    switch (c) {
      case '%':
        return '%'
      case 'j':
      case 'J':
      case 'A':
        return jobId
      case 'x':
        return jobName
      case 'u':
        return process.env['USER'] ?? 'user'
      default:
        return '0'
    }
  })
}

/** Every path a filename pattern can produce (any job id, name or user), as a regular expression. */
export function outputPatternRegex(pattern: string): RegExp {
  const parts = pattern.split(/(%%|%[jJxuAa])/)
  const source = parts
    .map((p) => {
      if (p === '%%') return '%'
      if (/^%[jJAa]$/.test(p)) return '\\d+'
      if (/^%[xu]$/.test(p)) return '[^/]*'
      return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('')
  return new RegExp(`^${source}$`)
}
