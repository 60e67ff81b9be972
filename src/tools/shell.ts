/**
 * A reading of a bash batch script as bash would run it, as far as knowing what a job reads and writes
 * needs: the simple commands, each word with its value when the script alone determines it, the
 * directory each command runs in, and the `#SBATCH` header.
 *
 * What it follows: quoting ('...', "...", $'...', backslashes), line continuations, comments, heredocs
 * (skipped), `;` `&&` `||` `|` `&` and newlines between commands, subshells `( ... )`, if/while/until/
 * for/case blocks and functions; assignments of literal values (`VAR=x`, `export VAR=x`, `VAR=x cmd` for
 * one command), unquoted expansions split into words; `cd`, `pushd`, `popd`, starting from the
 * submission directory or `#SBATCH --chdir`. What it cannot know it says: a word whose value depends on
 * the environment, a command substitution, a glob or the home directory has no value but a reason, and
 * so does the working directory after a `cd` to such a word. A change made on only one path of the
 * script (inside an if or a loop, after `||`, behind a test) is unknown once that path ends; a change in
 * a pipeline or a background command does not outlive it; `source` makes every variable unknown.
 */
import { resolvePath } from '../cluster/paths.js'
import { Lexer, simpleCommands, type RawWord } from './shell-syntax.js'
import { Walker, type ValueOrWhy, type ScriptCommand, type ShellWord } from './shell-walk.js'

export type { ValueOrWhy, Redirect, ScriptCommand, ShellWord } from './shell-walk.js'

export interface SbatchOption {
  /** The option's long name without dashes (`output`, `chdir`); short options are mapped to it. */
  name: string
  value: ShellWord
}

export interface JobScript {
  commands: ScriptCommand[]
  /** Where the script starts: the submission directory, or its `#SBATCH --chdir`. */
  startDir: ValueOrWhy<string>
  /** The options of the `#SBATCH` header that name paths (`chdir`, `output`, `error`, `input`). */
  sbatch: SbatchOption[]
}

/** Reads a job script submitted from `submitDir` (absolute). */
export function readScript(text: string, submitDir: string): JobScript {
  const sbatch = sbatchHeader(text)
  const chdir = sbatch.filter((o) => o.name === 'chdir').pop()
  const startDir: ValueOrWhy<string> = !chdir
    ? { value: submitDir }
    : chdir.value.value !== undefined
      ? { value: resolvePath(submitDir, chdir.value.value) }
      : { why: `#SBATCH --chdir ${chdir.value.raw} (line ${chdir.value.line}): ${chdir.value.why ?? ''}` }
  const commands = new Walker(startDir, submitDir).walk(simpleCommands(new Lexer(text).tokens()))
  return { commands, startDir, sbatch }
}

/**
 * A word that is nothing but an unquoted expansion of unknown value (`$OPTS`, `${EXTRA_ARGS}`): it may
 * hold options, several words or none. `$A/t.py` is a path whatever $A holds.
 */
export function mayHoldOptions(w: ShellWord): boolean {
  return w.value === undefined && w.maySplit === true && w.head === '' && w.tail === ''
}

/** The last path component of a word's known tail (`/opt/venv/bin/inspect` -> `inspect`). */
export function programName(word: ShellWord): string {
  const text = word.value ?? word.tail
  return text.slice(text.lastIndexOf('/') + 1)
}

// ------------------------------------------------------------------ the #SBATCH header

const SBATCH_PATHS: Record<string, string> = { D: 'chdir', o: 'output', e: 'error', i: 'input' }

/** `#SBATCH` lines up to the first command (sbatch reads no further), options that name paths. */
function sbatchHeader(text: string): SbatchOption[] {
  const out: SbatchOption[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const t = line.trim()
    if (t && !t.startsWith('#')) break
    const m = /^(\s*#SBATCH\s+)(.*)$/.exec(line)
    if (!m) continue
    const offset = (m[1] ?? '').length
    const words = simpleCommands(new Lexer(m[2] ?? '', i + 1, offset + 1).tokens())
      .flatMap((c) => c.words)
      .map((w) => literalWord(w, 'sbatch does not expand it'))
    for (let k = 0; k < words.length; k++) {
      const w = words[k] as ShellWord
      const text = w.value ?? w.head
      let name: string | undefined
      let value: ShellWord | undefined
      const long = /^--([a-z-]+)(=?)/.exec(text)
      if (long) {
        name = long[1]
        value = long[2] ? sliceWord(w, long[0].length) : words[++k]
      } else if (/^-[Doei]/.test(text)) {
        name = SBATCH_PATHS[text[1] ?? '']
        value = text.length > 2 ? sliceWord(w, 2) : words[++k]
      }
      if (name && Object.values(SBATCH_PATHS).includes(name) && value) out.push({ name, value })
    }
  }
  return out
}

/** A word as sbatch reads it: quotes removed, nothing expanded. */
function literalWord(w: RawWord, why: string): ShellWord {
  const dynamic = w.parts.some((p) => p.t !== 'lit')
  const text = w.parts.map((p) => (p.t === 'lit' ? p.s : p.raw)).join('')
  return {
    ...(dynamic ? { why } : { value: text }),
    raw: w.raw,
    head: dynamic ? '' : text,
    tail: dynamic ? '' : text,
    line: w.line,
    column: w.column,
  }
}

/** The part of a word from character `from` of its value (or head when unknown). */
export function sliceWord(w: ShellWord, from: number): ShellWord {
  const cut = (s: string): string => s.slice(Math.min(from, s.length))
  return {
    ...(w.value !== undefined ? { value: cut(w.value) } : { why: w.why ?? 'unknown' }),
    raw: cut(w.raw),
    head: cut(w.head),
    tail: w.value !== undefined ? cut(w.tail) : w.tail,
    ...(w.maySplit ? { maySplit: true } : {}),
    line: w.line,
    column: w.column + from,
  }
}
