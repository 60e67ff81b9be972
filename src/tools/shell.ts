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

/** A value the script determines, or why it does not. */
export type Known<T> = { value: T; why?: undefined } | { value?: undefined; why: string }

export interface ShellWord {
  /** The word's value once expanded, when the script alone determines it. */
  value?: string
  /** Why the value is not known. */
  why?: string
  /** The word as written. */
  raw: string
  /** The literal text before the first part whose value is unknown (`--limit=$N`: `--limit=`). */
  head: string
  /** The literal text after the last part whose value is unknown (`$VENV/bin/inspect`: `/bin/inspect`). */
  tail: string
  /** An unquoted expansion of unknown value: it may become several words, or none. */
  maySplit?: boolean
  /** 1-based line and column where the word starts. */
  line: number
  column: number
}

export interface Redirect {
  /** `>`, `>>`, `&>`, `<`, `<<<`, ... (heredocs are not listed). */
  op: string
  target: ShellWord
}

export interface ScriptCommand {
  /** The command's words, expanded, after its prefix assignments. */
  words: ShellWord[]
  line: number
  /** The directory it runs in (absolute). */
  cwd: Known<string>
  /** A variable's value where the command runs, its own prefix assignments (`VAR=x cmd`) included. */
  variable(name: string): Known<string>
  redirects: Redirect[]
}

export interface SbatchOption {
  /** The option's long name without dashes (`output`, `chdir`); short options are mapped to it. */
  name: string
  value: ShellWord
}

export interface JobScript {
  commands: ScriptCommand[]
  /** Where the script starts: the submission directory, or its `#SBATCH --chdir`. */
  startDir: Known<string>
  /** The options of the `#SBATCH` header that name paths (`chdir`, `output`, `error`, `input`). */
  sbatch: SbatchOption[]
}

/** Reads a job script submitted from `submitDir` (absolute). */
export function readScript(text: string, submitDir: string): JobScript {
  const sbatch = sbatchHeader(text)
  const chdir = sbatch.filter((o) => o.name === 'chdir').pop()
  const startDir: Known<string> = !chdir
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

// ------------------------------------------------------------------ words as written

type Part =
  | { t: 'lit'; s: string; quoted: boolean }
  /** `$NAME`, `${NAME}`; with `otherwise`, `${NAME:-word}` (`colon`: also when empty) or `${NAME-word}`. */
  | { t: 'var'; name: string; quoted: boolean; raw: string; otherwise?: { colon: boolean; word: string } }
  | { t: 'unknown'; why: string; raw: string; quoted: boolean }

interface RawWord {
  parts: Part[]
  raw: string
  line: number
  column: number
}

type Token =
  | { k: 'word'; w: RawWord }
  | { k: 'op'; op: string; line: number }
  | { k: 'redir'; op: string; target?: RawWord; line: number }

const OPERATORS = [';;&', ';;', ';&', '&&', '||', '|&', ';', '&', '|', '(', ')']
const REDIRECTS = ['&>>', '&>', '<<<', '<<-', '<<', '<&', '<>', '<', '>>', '>|', '>&', '>']
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const SPECIAL_PARAM = /^[0-9@*#?$!-]$/

/** Splits a script into words, operators and redirections, as bash's tokenizer does. */
class Lexer {
  private i = 0
  private readonly lineStarts: number[] = [0]
  private readonly heredocs: { delim: string; strip: boolean }[] = []

  constructor(
    private readonly s: string,
    private readonly firstLine = 1,
    private readonly firstColumn = 1,
  ) {
    for (let k = 0; k < s.length; k++) if (s[k] === '\n') this.lineStarts.push(k + 1)
  }

  tokens(): Token[] {
    const out: Token[] = []
    const s = this.s
    while (this.i < s.length) {
      const c = s[this.i] as string
      if (c === '\\' && s[this.i + 1] === '\n') this.i += 2
      else if (c === ' ' || c === '\t' || c === '\r') this.i++
      else if (c === '\n') {
        out.push({ k: 'op', op: '\n', line: this.lineAt(this.i) })
        this.i++
        this.skipHeredocs()
      } else if (c === '#') this.skipTo('\n')
      else if ((c === '<' || c === '>') && s[this.i + 1] === '(') out.push({ k: 'word', w: this.word() })
      else if (this.redirectAt() !== undefined) out.push(this.redirect())
      else if (OPERATORS.some((op) => s.startsWith(op, this.i))) {
        const op = OPERATORS.find((o) => s.startsWith(o, this.i)) as string
        out.push({ k: 'op', op, line: this.lineAt(this.i) })
        this.i += op.length
      } else {
        const w = this.word()
        // `2>file`: the digits are the descriptor, not a word
        if (/^\d+$/.test(w.raw) && (s[this.i] === '<' || s[this.i] === '>')) continue
        out.push({ k: 'word', w })
      }
    }
    return out
  }

  private redirectAt(): string | undefined {
    return REDIRECTS.find((r) => this.s.startsWith(r, this.i))
  }

  private redirect(): Token {
    const op = this.redirectAt() as string
    const line = this.lineAt(this.i)
    this.i += op.length
    while (this.s[this.i] === ' ' || this.s[this.i] === '\t') this.i++
    const c = this.s[this.i]
    if (c === undefined || c === '\n' || OPERATORS.some((o) => this.s.startsWith(o, this.i)))
      return { k: 'redir', op, line }
    const target = this.word()
    if (op === '<<' || op === '<<-') {
      const delim = target.parts.map((p) => (p.t === 'lit' ? p.s : p.raw)).join('')
      this.heredocs.push({ delim, strip: op === '<<-' })
    }
    return { k: 'redir', op, target, line }
  }

  /** The bodies of the heredocs opened on the line just ended. */
  private skipHeredocs(): void {
    while (this.heredocs.length > 0) {
      const { delim, strip } = this.heredocs.shift() as { delim: string; strip: boolean }
      while (this.i < this.s.length) {
        const end = this.s.indexOf('\n', this.i)
        const stop = end < 0 ? this.s.length : end
        let line = this.s.slice(this.i, stop)
        if (strip) line = line.replace(/^\t+/, '')
        this.i = stop + 1
        if (line === delim) break
      }
    }
  }

  private skipTo(ch: string): void {
    const end = this.s.indexOf(ch, this.i)
    this.i = end < 0 ? this.s.length : end
  }

  private lineAt(i: number): number {
    let lo = 0
    let hi = this.lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((this.lineStarts[mid] ?? 0) <= i) lo = mid
      else hi = mid - 1
    }
    return lo + this.firstLine
  }

  private columnAt(i: number): number {
    const line = this.lineAt(i) - this.firstLine
    const col = i - (this.lineStarts[line] ?? 0) + 1
    return line === 0 ? col + this.firstColumn - 1 : col
  }

  /** One word: up to an unquoted blank, newline, operator or redirection. */
  private word(): RawWord {
    const s = this.s
    const start = this.i
    const parts: Part[] = []
    const lit = (text: string, quoted: boolean): void => {
      const last = parts[parts.length - 1]
      if (last?.t === 'lit' && last.quoted === quoted) last.s += text
      else parts.push({ t: 'lit', s: text, quoted })
    }
    while (this.i < s.length) {
      const c = s[this.i] as string
      if (c === '\\') {
        if (s[this.i + 1] === '\n') this.i += 2
        else {
          if (this.i + 1 < s.length) lit(s[this.i + 1] as string, true)
          this.i += 2
        }
      } else if (c === "'") {
        const close = s.indexOf("'", this.i + 1)
        const stop = close < 0 ? s.length : close
        lit(s.slice(this.i + 1, stop), true)
        this.i = stop + 1
      } else if (c === '"') {
        this.i++
        this.doubleQuoted(parts, lit)
      } else if (c === '$' && s[this.i + 1] === "'") {
        this.i += 2
        lit(this.ansiC(), true)
      } else if (c === '$' && s[this.i + 1] === '"') {
        this.i += 2
        this.doubleQuoted(parts, lit)
      } else if (c === '$') parts.push(this.dollar(false) ?? { t: 'lit', s: '$', quoted: false })
      else if (c === '`') parts.push(this.backtick(false))
      else if ((c === '<' || c === '>') && s[this.i + 1] === '(' && parts.length === 0) {
        const from = this.i
        this.i++
        this.balanced('(', ')')
        parts.push({ t: 'unknown', why: 'a process substitution', raw: s.slice(from, this.i), quoted: false })
      } else if (c === '(' && parts.length === 1 && parts[0]?.t === 'lit' && /^[A-Za-z_]\w*\+?=$/.test(parts[0].s)) {
        const from = this.i
        this.balanced('(', ')')
        parts.push({ t: 'unknown', why: 'an array', raw: s.slice(from, this.i), quoted: false })
      } else if (/[\s;&|()<>]/.test(c)) break
      else {
        lit(c, false)
        this.i++
      }
    }
    return { parts, raw: s.slice(start, this.i), line: this.lineAt(start), column: this.columnAt(start) }
  }

  /** After the opening quote: up to the closing one. */
  private doubleQuoted(parts: Part[], lit: (text: string, quoted: boolean) => void): void {
    const s = this.s
    while (this.i < s.length && s[this.i] !== '"') {
      const c = s[this.i] as string
      if (c === '\\' && '$`"\\\n'.includes(s[this.i + 1] ?? 'x')) {
        if (s[this.i + 1] !== '\n') lit(s[this.i + 1] as string, true)
        this.i += 2
      } else if (c === '$') {
        const p = this.dollar(true)
        if (p) parts.push(p)
        else lit('$', true)
      } else if (c === '`') parts.push(this.backtick(true))
      else {
        lit(c, true)
        this.i++
      }
    }
    this.i++
  }

  /** $'...' with its escapes. */
  private ansiC(): string {
    const s = this.s
    const escapes: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '\\': '\\',
      "'": "'",
      '"': '"',
      a: '\x07',
      e: '\x1b',
    }
    let out = ''
    while (this.i < s.length && s[this.i] !== "'") {
      if (s[this.i] === '\\' && this.i + 1 < s.length) {
        const e = s[this.i + 1] as string
        out += escapes[e] ?? `\\${e}`
        this.i += 2
      } else out += s[this.i++] as string
    }
    this.i++
    return out
  }

  /** At `$`: a parameter, an expansion or a substitution; undefined for a lone `$`. */
  private dollar(quoted: boolean): Part | undefined {
    const s = this.s
    const from = this.i
    const next = s[this.i + 1] ?? ''
    if (next === '{') {
      this.i++
      this.balanced('{', '}')
      const inner = s.slice(from + 2, this.i - 1)
      const raw = s.slice(from, this.i)
      if (NAME.test(inner)) return { t: 'var', name: inner, quoted, raw }
      // A default: `${SLURM_SUBMIT_DIR:-$(dirname ...)}` is the variable when it is set.
      const dflt = /^([A-Za-z_][A-Za-z0-9_]*)(:?)-(.*)$/s.exec(inner)
      if (dflt?.[1]) {
        const otherwise = { colon: dflt[2] === ':', word: dflt[3] ?? '' }
        return { t: 'var', name: dflt[1], quoted, raw, otherwise }
      }
      return { t: 'unknown', why: `the expansion ${raw}`, raw, quoted }
    }
    if (next === '(') {
      this.i++
      const arithmetic = s[this.i + 1] === '('
      this.balanced('(', ')')
      const raw = s.slice(from, this.i)
      return {
        t: 'unknown',
        why: arithmetic ? `the arithmetic ${raw}` : `the command substitution ${raw}`,
        raw,
        quoted,
      }
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(this.i + 1))?.[0]
    if (name) {
      this.i += 1 + name.length
      return { t: 'var', name, quoted, raw: `$${name}` }
    }
    if (SPECIAL_PARAM.test(next)) {
      this.i += 2
      return { t: 'unknown', why: `the parameter $${next}`, raw: `$${next}`, quoted }
    }
    this.i++
    return undefined
  }

  private backtick(quoted: boolean): Part {
    const s = this.s
    const from = this.i
    this.i++
    while (this.i < s.length && s[this.i] !== '`') this.i += s[this.i] === '\\' ? 2 : 1
    this.i++
    const raw = s.slice(from, this.i)
    return { t: 'unknown', why: `the command substitution ${raw}`, raw, quoted }
  }

  /** From an opening bracket at this.i to just past its match, skipping quoted text. */
  private balanced(open: string, close: string): void {
    const s = this.s
    let depth = 0
    while (this.i < s.length) {
      const c = s[this.i] as string
      if (c === '\\') this.i += 2
      else if (c === "'") {
        const end = s.indexOf("'", this.i + 1)
        this.i = end < 0 ? s.length : end + 1
      } else if (c === '"') {
        this.i++
        while (this.i < s.length && s[this.i] !== '"') this.i += s[this.i] === '\\' ? 2 : 1
        this.i++
      } else {
        if (c === open) depth++
        else if (c === close) depth--
        this.i++
        if (depth === 0) return
      }
    }
  }
}

// ------------------------------------------------------------------ simple commands

interface Simple {
  words: RawWord[]
  redirects: { op: string; target?: RawWord }[]
  line: number
  /** The operator joining it to the command before it in its and-or list. */
  joinedBy?: '&&' | '||'
  /** The operator that ended it. */
  end: string
  /** In a pipeline (a subshell each), or a list run in the background. */
  subshell: boolean
  /** `(` or `)` of a subshell, carried as a command of its own. */
  paren?: '(' | ')'
}

function simpleCommands(tokens: Token[]): Simple[] {
  const out: Simple[] = []
  let listStart = 0
  let cur: Simple | undefined
  let joinedBy: '&&' | '||' | undefined
  let piped = false
  const start = (line: number): Simple => {
    cur ??= { words: [], redirects: [], line, end: '', subshell: piped, ...(joinedBy ? { joinedBy } : {}) }
    return cur
  }
  const finish = (end: string): void => {
    if (cur) {
      cur.end = end
      out.push(cur)
    }
    cur = undefined
    joinedBy = undefined
    piped = false
  }
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as Token
    if (t.k === 'word') start(t.w.line).words.push(t.w)
    else if (t.k === 'redir') start(t.line).redirects.push({ op: t.op, ...(t.target ? { target: t.target } : {}) })
    else if (t.op === '&&' || t.op === '||') {
      finish(t.op)
      joinedBy = t.op
      while (tokens[k + 1]?.k === 'op' && (tokens[k + 1] as { op: string }).op === '\n') k++
    } else if (t.op === '|' || t.op === '|&') {
      if (cur) cur.subshell = true
      finish(t.op)
      piped = true
      while (tokens[k + 1]?.k === 'op' && (tokens[k + 1] as { op: string }).op === '\n') k++
    } else if (t.op === '(' || t.op === ')') {
      finish(t.op)
      out.push({ words: [], redirects: [], line: t.line, end: t.op, subshell: false, paren: t.op })
    } else {
      finish(t.op)
      if (t.op === '&') for (let j = listStart; j < out.length; j++) (out[j] as Simple).subshell = true
      listStart = out.length
    }
  }
  finish('\n')
  return out
}

// ------------------------------------------------------------------ running through the script

interface Block {
  kind: 'if' | 'loop' | 'case' | 'brace' | 'subshell'
  /** Runs on some paths only: what changes inside is unknown once it ends. */
  conditional: boolean
  dirty: Set<string>
  line: number
  saved?: { cwd: Known<string>; env: Map<string, Known<string>>; dirs: Known<string>[] }
}

const CWD = '\u0000cwd'
const TESTS = new Set(['[', '[[', 'test'])
const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/

class Walker {
  private cwd: Known<string>
  private env = new Map<string, Known<string>>()
  private dirs: Known<string>[] = []
  private readonly blocks: Block[] = []
  private readonly out: ScriptCommand[] = []
  /** In the current and-or list: a command may not have run (after `||` or a test). */
  private guarded = false
  private listDirty = new Set<string>()
  private casePattern = false
  private functionBody = false

  constructor(start: Known<string>, submitDir: string) {
    this.cwd = start
    this.env.set('SLURM_SUBMIT_DIR', { value: submitDir })
  }

  walk(commands: Simple[]): ScriptCommand[] {
    let previous: Simple | undefined
    for (const c of commands) {
      if (!c.joinedBy) this.endList()
      if (c.joinedBy === '||' || (c.joinedBy === '&&' && previous && TESTS.has(firstText(previous))))
        this.guarded = true
      previous = c
      if (this.step(c) === 'stop') break
    }
    this.endList()
    return this.out
  }

  private endList(): void {
    if (this.guarded)
      for (const name of this.listDirty)
        this.forget(name, 'by a command that runs only if another fails or a test passes')
    this.guarded = false
    this.listDirty = new Set()
  }

  private step(c: Simple): 'stop' | undefined {
    if (c.paren === '(') {
      if (this.casePattern) return undefined
      this.blocks.push({
        kind: 'subshell',
        conditional: false,
        dirty: new Set(),
        line: c.line,
        saved: { cwd: this.cwd, env: new Map(this.env), dirs: [...this.dirs] },
      })
      return undefined
    }
    if (c.paren === ')') {
      if (this.casePattern) {
        // a branch of the case begins: what another branch changed does not hold here
        this.casePattern = false
        this.invalidate(this.blocks[this.blocks.length - 1])
        return undefined
      }
      const top = this.blocks[this.blocks.length - 1]
      if (top?.kind === 'subshell' && top.saved) {
        this.blocks.pop()
        ;({ cwd: this.cwd, env: this.env, dirs: this.dirs } = top.saved)
      }
      return undefined
    }
    if (this.casePattern) {
      if (c.words[0] && plain(c.words[0]) === 'esac') {
        this.casePattern = false
        this.close()
      }
      return undefined
    }
    if (c.end === ';;' || c.end === ';&' || c.end === ';;&') this.casePattern = true
    const words = [...c.words]
    // reserved words at the start of a command
    for (;;) {
      const w = words[0] ? plain(words[0]) : undefined
      if (w === 'if' || w === 'while' || w === 'until') this.open(w === 'if' ? 'if' : 'loop', c.line, true)
      else if (w === 'then' || w === 'do' || w === '!') {
        // the command that follows runs
      } else if (w === 'else' || w === 'elif') this.invalidate(this.blocks[this.blocks.length - 1])
      else if (w === 'fi' || w === 'done' || w === 'esac' || w === '}') this.close()
      else if (w === '{') {
        this.open('brace', c.line, this.functionBody)
        this.functionBody = false
      } else if (w === 'for' || w === 'select') {
        const name = words[1] ? plain(words[1]) : undefined
        if (name && NAME.test(name)) this.assign(name, { why: `the loop variable of line ${c.line}` }, c)
        this.open('loop', c.line, true)
        return undefined
      } else if (w === 'case') {
        this.open('case', c.line, true)
        this.casePattern = true
        return undefined
      } else if (w === 'function') {
        this.functionBody = true
        words.shift() // the name; `{` may follow on this line
      } else break
      words.shift()
    }
    if (words.length === 1 && c.end === '(' && !this.casePattern) {
      // `name() { ...; }`: a function's body runs when called, if ever
      this.functionBody = true
      return undefined
    }
    // assignments: alone, they set shell variables; before a command, its environment only
    const assignments: RawWord[] = []
    while (words[0] && isAssignment(words[0])) assignments.push(words.shift() as RawWord)
    if (words.length === 0) {
      for (const w of assignments) this.assign(assignedName(w), this.assignedValue(w, this.env), c)
      return undefined
    }
    const local = new Map(this.env)
    for (const w of assignments) local.set(assignedName(w), this.assignedValue(w, local))
    const expanded = words.flatMap((w) => this.expand(w, local))
    const name = expanded[0]?.value
    const args = expanded.slice(1)
    switch (name) {
      case 'cd':
        this.changeDir(
          args.filter((a) => !/^-[LPe@]+$/.test(a.value ?? '')),
          c,
        )
        return undefined
      case 'pushd': {
        const target = args.filter((a) => !/^-n$/.test(a.value ?? ''))
        const before = this.cwd
        this.changeDir(target, c)
        if (!c.subshell) this.dirs.push(before)
        return undefined
      }
      case 'popd':
        if (!c.subshell) this.setDir(this.dirs.pop() ?? { why: `popd at line ${c.line} with no pushd before it` }, c)
        return undefined
      case 'export':
      case 'declare':
      case 'typeset':
      case 'local':
      case 'readonly':
        for (const w of words.slice(1))
          if (isAssignment(w)) this.assign(assignedName(w), this.assignedValue(w, this.env), c)
        return undefined
      case 'unset':
      case 'read':
      case 'readarray':
      case 'mapfile':
        for (const a of args)
          if (a.value && NAME.test(a.value)) this.assign(a.value, { why: `${name} at line ${c.line}` }, c)
        return undefined
      case 'source':
      case '.':
        if (!c.subshell)
          for (const k of [...this.env.keys()])
            this.forget(k, `by line ${c.line} (${name} ${args[0]?.raw ?? ''}), which may set anything`)
        return undefined
      case 'exit':
        return this.blocks.length === 0 && !this.guarded && !c.subshell ? 'stop' : undefined
    }
    const cwd = this.cwd
    const variable = (n: string): Known<string> => lookup(n, local, cwd)
    const redirects = c.redirects.flatMap((r) =>
      r.target && r.op !== '<<' && r.op !== '<<-' ? [{ op: r.op, target: this.expandOne(r.target, local) }] : [],
    )
    this.out.push({ words: expanded, line: c.line, cwd, variable, redirects })
    // `exec cmd` replaces the shell: nothing after it runs (`exec > log` only redirects)
    return name === 'exec' && args.length > 0 && this.blocks.length === 0 && !this.guarded ? 'stop' : undefined
  }

  private assignedValue(w: RawWord, env: Map<string, Known<string>>): Known<string> {
    const first = w.parts[0]
    const name = assignedName(w)
    if (first?.t !== 'lit') return { why: `${name} is not assigned a literal value` }
    const m = ASSIGN.exec(first.s) as RegExpExecArray
    if (m[2]) return { why: `${name} is appended to (+=) at line ${w.line}` }
    const rest: RawWord = { ...w, parts: [{ ...first, s: first.s.slice(m[0].length) }, ...w.parts.slice(1)] }
    // no word splitting nor globbing in an assignment
    const v = this.expandOne(rest, env, true)
    return v.value !== undefined
      ? { value: v.value }
      : { why: `${name} is set from ${v.why ?? 'something unknown'} (line ${w.line})` }
  }

  private changeDir(args: ShellWord[], c: Simple): void {
    const target = args[0]
    const to = target?.value
    this.setDir(
      !target
        ? { why: `cd to the home directory at line ${c.line}` }
        : to === undefined
          ? { why: `cd ${target.raw} at line ${c.line}: ${target.why ?? ''}` }
          : to === '-'
            ? { why: `cd - at line ${c.line}` }
            : to.startsWith('/')
              ? { value: resolvePath('/', to) }
              : this.cwd.value === undefined
                ? this.cwd
                : { value: resolvePath(this.cwd.value, to) },
      c,
    )
  }

  private setDir(dir: Known<string>, c: Simple): void {
    if (c.subshell) return
    this.cwd = dir
    this.touched(CWD)
  }

  private assign(name: string, value: Known<string>, c: Simple): void {
    if (c.subshell) return
    this.env.set(name, value)
    this.touched(name)
  }

  private touched(name: string): void {
    if (this.guarded) this.listDirty.add(name)
    for (const b of this.blocks) if (b.conditional) b.dirty.add(name)
  }

  private forget(name: string, why: string): void {
    if (name === CWD) {
      if (this.cwd.value !== undefined) this.cwd = { why: `the working directory is changed ${why}` }
    } else {
      const old = this.env.get(name)
      if (old?.value !== undefined) this.env.set(name, { why: `$${name} is changed ${why}` })
    }
  }

  private open(kind: Block['kind'], line: number, conditional: boolean): void {
    this.blocks.push({ kind, conditional, dirty: new Set(), line })
  }

  private close(): void {
    const b = this.blocks.pop()
    if (b?.kind === 'subshell' && b.saved) ({ cwd: this.cwd, env: this.env, dirs: this.dirs } = b.saved)
    this.invalidate(b)
  }

  private invalidate(b: Block | undefined): void {
    if (!b?.conditional) return
    for (const name of b.dirty) this.forget(name, `inside the block of line ${b.line}, which runs on some paths only`)
    b.dirty.clear()
  }

  private expandOne(w: RawWord, env: Map<string, Known<string>>, noSplit = false): ShellWord {
    return expandWord(w, env, this.cwd, noSplit)[0] ?? emptyWord(w)
  }

  private expand(w: RawWord, env: Map<string, Known<string>>): ShellWord[] {
    return expandWord(w, env, this.cwd, false)
  }
}

function firstText(c: Simple): string {
  return c.words[0] ? (plain(c.words[0]) ?? '') : ''
}

/** A word's text when it is all literal characters (reserved words, option names). */
function plain(w: RawWord): string | undefined {
  const lits = w.parts.filter((p) => p.t === 'lit')
  return lits.length === w.parts.length ? lits.map((p) => p.s).join('') : undefined
}

function assignedName(w: RawWord): string {
  return ASSIGN.exec(w.parts[0]?.t === 'lit' ? w.parts[0].s : '')?.[1] ?? ''
}

function isAssignment(w: RawWord): boolean {
  const first = w.parts[0]
  return first?.t === 'lit' && !first.quoted && ASSIGN.test(first.s)
}

function lookup(name: string, env: Map<string, Known<string>>, cwd: Known<string>): Known<string> {
  if (name === 'PWD') return cwd.value !== undefined ? cwd : { why: cwd.why }
  return env.get(name) ?? { why: `$${name} is not set in the script (it comes from the job's environment)` }
}

function emptyWord(w: RawWord): ShellWord {
  return { value: '', raw: w.raw, head: '', tail: '', line: w.line, column: w.column }
}

/**
 * A word's expansion: parameters with known values substituted, unquoted ones split on blanks (a word
 * that expands to nothing is gone, as in bash). Unknown parts leave the word without a value.
 */
function expandWord(w: RawWord, env: Map<string, Known<string>>, cwd: Known<string>, noSplit: boolean): ShellWord[] {
  const out: ShellWord[] = []
  let value = ''
  let why: string | undefined
  let head = ''
  let tail = ''
  let unquotedText = ''
  let maySplit = false
  let started = false
  const flush = (): void => {
    if (!started) return
    const glob = /[*?]|\[[^\]]*\]/.test(unquotedText)
      ? 'a glob pattern'
      : /\{[^{}]*(,|\.\.)[^{}]*\}/.test(unquotedText)
        ? 'a brace expansion'
        : undefined
    const reason = why ?? glob
    out.push({
      ...(reason === undefined ? { value } : { why: reason }),
      raw: w.raw,
      head,
      tail: reason === undefined ? value : tail,
      ...(maySplit ? { maySplit } : {}),
      line: w.line,
      column: w.column,
    })
    value = ''
    why = undefined
    head = ''
    tail = ''
    unquotedText = ''
    maySplit = false
    started = false
  }
  const text = (s: string, quoted: boolean): void => {
    if (s === '' && !quoted) return
    started = true
    value += s
    tail += s
    if (why === undefined) head += s
    if (!quoted) unquotedText += s
  }
  const unknown = (reason: string, quoted: boolean): void => {
    started = true
    why ??= reason
    tail = ''
    if (!quoted && !noSplit) maySplit = true
  }
  w.parts.forEach((p, k) => {
    if (p.t === 'lit') {
      // `~`, `~/x`, `~user/x`: a home directory; `~key` alone (torchtune's removal) stays as it is
      if (k === 0 && !p.quoted && /^~([^/]*\/|$)/.test(p.s)) {
        unknown('the home directory (~)', true)
        text(p.s.replace(/^~[^/]*/, ''), p.quoted)
      } else text(p.s, p.quoted)
    } else if (p.t === 'unknown') unknown(p.why, p.quoted)
    else {
      const v = withDefault(lookup(p.name, env, cwd), p)
      if (v.value === undefined) unknown(v.why, p.quoted)
      else if (p.quoted || noSplit) text(v.value, true)
      else {
        // unquoted: split on blanks; the pieces glue to the text around them
        v.value.split(/[ \t\n]+/).forEach((piece, i) => {
          if (i > 0) flush()
          if (piece !== '') text(piece, true)
        })
      }
    }
  })
  flush()
  return out
}

/**
 * `${NAME:-word}`: the variable's value when it is set (and, with the colon, not empty), else the word when
 * it is plain text (no expansion, quote or escape in it); else unknown.
 */
function withDefault(
  v: Known<string>,
  p: { raw: string; otherwise?: { colon: boolean; word: string } },
): Known<string> {
  if (!p.otherwise) return v
  if (v.value !== undefined && !(p.otherwise.colon && v.value === '')) return v
  const word = p.otherwise.word
  if (v.value !== undefined && /^[^$`'"\\]*$/.test(word)) return { value: word }
  return { why: `the expansion ${p.raw}` }
}
