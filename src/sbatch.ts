/**
 * The `#SBATCH` header of a job script as sbatch reads it. The executors take the job's directory, output
 * and time limit from it (scheduler/script.ts); the job-file reading takes the paths it names (tools/shell.ts).
 */

/** One option of a job script's `#SBATCH` header, with its value as sbatch reads it. */
export interface HeaderOption {
  /** The long name without dashes (`chdir`, `output`); the short options of SHORT_OPTIONS map to it. */
  name: string
  /** Quotes and backslashes removed, nothing expanded (sbatch expands no variable). */
  value: string
  /** The value as written, and the 1-based line and column where it starts. */
  raw: string
  line: number
  column: number
}

/** The short options whose values the action reads. */
const SHORT_OPTIONS: Record<string, string> = { D: 'chdir', o: 'output', e: 'error', i: 'input', t: 'time' }

/**
 * The options of the `#SBATCH` lines before the first command (sbatch reads no further), in order. The
 * line starts with `#SBATCH` (or the old `#SLURM`) in its first column: an indented one is a comment to
 * sbatch. A line may hold several options; each is `--name=value`, `--name value`, `-Xvalue` or
 * `-X value`, and an option followed by another option has no value. An unquoted `#` ends the line.
 */
export function sbatchHeader(script: string): HeaderOption[] {
  const options: HeaderOption[] = []
  for (const [index, line] of script.split('\n').entries()) {
    const trimmed = line.trim()
    if (trimmed && !trimmed.startsWith('#')) break
    const start = /^#(?:SBATCH|SLURM)/.exec(line)?.[0].length
    if (start === undefined) continue
    const words = headerWords(line, start)
    for (let word = words.shift(); word; word = words.shift()) {
      const option = /^--([\w-]+)=?|^-([A-Za-z])/.exec(word.text)
      if (!option) continue
      const [prefix] = option
      let value: Word | undefined
      if (prefix.length < word.text.length || prefix.endsWith('=')) {
        const cut = prefix.length
        value = { text: word.text.slice(cut), raw: word.raw.slice(cut), column: word.column + cut }
      } else if (words[0] && !/^-[-A-Za-z]/.test(words[0].text)) value = words.shift()
      const name = option[1] ?? SHORT_OPTIONS[option[2] ?? '']
      if (name && value)
        options.push({ name, value: value.text, raw: value.raw, line: index + 1, column: value.column })
    }
  }
  return options
}

/** A word of a header line: its text as sbatch reads it, as written, and its 1-based column. */
type Word = { text: string; raw: string; column: number }

/**
 * The words of a header line from `from`, as sbatch splits them: quotes group, a backslash escapes, and
 * an unquoted `#` ends the line (the word it interrupts ends there).
 */
function headerWords(line: string, from: number): Word[] {
  const words: Word[] = []
  let i = from
  for (;;) {
    while (/\s/.test(line[i] ?? '')) i++
    if (i >= line.length || line[i] === '#') return words
    const start = i
    let text = ''
    let quote: string | undefined
    for (let c = line[i]; c !== undefined && (quote || !/[\s#]/.test(c)); c = line[++i]) {
      if (c === '\\') text += line[++i] ?? ''
      else if (c === quote) quote = undefined
      else if (!quote && (c === '"' || c === "'")) quote = c
      else text += c
    }
    words.push({ text, raw: line.slice(start, i), column: start + 1 })
  }
}
