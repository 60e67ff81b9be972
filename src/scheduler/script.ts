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
