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
import { sbatchHeader } from '../sbatch.js'
import { Lexer, simpleCommands } from './shell-syntax.js'
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
  const sbatch = pathOptions(text)
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

const PATH_OPTIONS = ['chdir', 'output', 'error', 'input']

/** The header's options that name paths, as words: sbatch expands nothing, so an expansion stays unknown. */
function pathOptions(text: string): SbatchOption[] {
  return sbatchHeader(text)
    .filter((o) => PATH_OPTIONS.includes(o.name))
    .map(({ name, value, raw, line, column }) => {
      const expands = /[$`]/.test(value)
      const known = expands
        ? { why: 'sbatch does not expand it', head: '', tail: '' }
        : { value, head: value, tail: value }
      return { name, value: { ...known, raw, line, column } }
    })
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
