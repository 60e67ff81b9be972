/** Errors are values: every fallible step returns a Result carrying located problems. */

/** One thing wrong, with where it is when we know. */
export interface Problem {
  message: string
  /** Path of the file the problem is in (as the user knows it, e.g. relative to the workspace). */
  file?: string
  line?: number
  column?: number
  /** Dotted path of the YAML field, e.g. `runs[2].name`. */
  field?: string
  /** What to do about it. */
  hint?: string
}

export type Result<T, E = Problem> = { ok: true; value: T } | { ok: false; error: E }

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value })
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error })

/** Renders a problem as one line: `file:line:col: field: message (hint)`. */
export function formatProblem(p: Problem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}: ` : ''
  const field = p.field ? `${p.field}: ` : ''
  return `${where}${field}${p.message}${p.hint ? ` (${p.hint})` : ''}`
}

/** The first line of a message (a library's may go on with its context). */
export function firstLine(s: string): string {
  return s.split('\n')[0] ?? s
}

/** The message of an unknown thrown value, for the rare boundary where a library throws. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message
  return String(e)
}
