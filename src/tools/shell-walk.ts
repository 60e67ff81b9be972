/**
 * Running through a script's simple commands as bash would, without running anything: each command's
 * words expanded with the variables the script set, the directory it runs in, and what a command that
 * runs on some paths only (an if, a loop, after `||`) makes unknown. shell.ts's header says what it follows.
 */
import { resolvePath } from '../cluster/paths.js'
import { NAME, type RawWord, type Simple } from './shell-syntax.js'

/** A value the script determines, or why it does not. */
export type ValueOrWhy<T> = { value: T; why?: undefined } | { value?: undefined; why: string }

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
  cwd: ValueOrWhy<string>
  /** A variable's value where the command runs, its own prefix assignments (`VAR=x cmd`) included. */
  variable(name: string): ValueOrWhy<string>
  redirects: Redirect[]
}

interface Block {
  kind: 'if' | 'loop' | 'case' | 'brace' | 'subshell'
  /** Runs on some paths only: what changes inside is unknown once it ends. */
  conditional: boolean
  dirty: Set<string>
  line: number
  saved?: { cwd: ValueOrWhy<string>; env: Map<string, ValueOrWhy<string>>; dirs: ValueOrWhy<string>[] }
}

const CWD = '\u0000cwd'
const TESTS = new Set(['[', '[[', 'test'])
const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/

export class Walker {
  private cwd: ValueOrWhy<string>
  private env = new Map<string, ValueOrWhy<string>>()
  private dirs: ValueOrWhy<string>[] = []
  private readonly blocks: Block[] = []
  private readonly out: ScriptCommand[] = []
  /** In the current and-or list: a command may not have run (after `||` or a test). */
  private guarded = false
  private listDirty = new Set<string>()
  private casePattern = false
  private functionBody = false

  constructor(start: ValueOrWhy<string>, submitDir: string) {
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
    const variable = (n: string): ValueOrWhy<string> => lookup(n, local, cwd)
    const redirects = c.redirects.flatMap((r) =>
      r.target && r.op !== '<<' && r.op !== '<<-' ? [{ op: r.op, target: this.expandOne(r.target, local) }] : [],
    )
    this.out.push({ words: expanded, line: c.line, cwd, variable, redirects })
    // `exec cmd` replaces the shell: nothing after it runs (`exec > log` only redirects)
    return name === 'exec' && args.length > 0 && this.blocks.length === 0 && !this.guarded ? 'stop' : undefined
  }

  private assignedValue(w: RawWord, env: Map<string, ValueOrWhy<string>>): ValueOrWhy<string> {
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

  private setDir(dir: ValueOrWhy<string>, c: Simple): void {
    if (c.subshell) return
    this.cwd = dir
    this.touched(CWD)
  }

  private assign(name: string, value: ValueOrWhy<string>, c: Simple): void {
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

  private expandOne(w: RawWord, env: Map<string, ValueOrWhy<string>>, noSplit = false): ShellWord {
    return expandWord(w, env, this.cwd, noSplit)[0] ?? emptyWord(w)
  }

  private expand(w: RawWord, env: Map<string, ValueOrWhy<string>>): ShellWord[] {
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

function lookup(name: string, env: Map<string, ValueOrWhy<string>>, cwd: ValueOrWhy<string>): ValueOrWhy<string> {
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
function expandWord(
  w: RawWord,
  env: Map<string, ValueOrWhy<string>>,
  cwd: ValueOrWhy<string>,
  noSplit: boolean,
): ShellWord[] {
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
  v: ValueOrWhy<string>,
  p: { raw: string; otherwise?: { colon: boolean; word: string } },
): ValueOrWhy<string> {
  if (!p.otherwise) return v
  if (v.value !== undefined && !(p.otherwise.colon && v.value === '')) return v
  const word = p.otherwise.word
  if (v.value !== undefined && /^[^$`'"\\]*$/.test(word)) return { value: word }
  return { why: `the expansion ${p.raw}` }
}
