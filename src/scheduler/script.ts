/** What a job script's `#SBATCH` header says that the executors need. */

/** The `--output` (or `-o`) file pattern of the `#SBATCH` header, if any. */
export function sbatchOutput(script: string): string | undefined {
  let found: string | undefined
  for (const line of script.split('\n')) {
    const t = line.trim()
    if (!t.startsWith('#SBATCH')) {
      if (t && !t.startsWith('#')) break // the header ends at the first command
      continue
    }
    const m = /^#SBATCH\s+(?:--output(?:=|\s+)|-o\s*)(?:"([^"]*)"|'([^']*)'|(\S+))/.exec(t)
    if (m) found = m[1] ?? m[2] ?? m[3]
  }
  return found
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
