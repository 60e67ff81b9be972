/**
 * A bash script's syntax, as far as shell.ts's reading goes: the lexer cuts it into words (each a list of
 * parts: literal text with its quoting, a parameter, or something only the running job knows), operators
 * and redirections, skipping comments and heredoc bodies; `simpleCommands` groups those into simple
 * commands with the operators around them.
 */

type Part =
  | { t: 'lit'; s: string; quoted: boolean }
  /** `$NAME`, `${NAME}`; with `otherwise`, `${NAME:-word}` (`colon`: also when empty) or `${NAME-word}`. */
  | { t: 'var'; name: string; quoted: boolean; raw: string; otherwise?: { colon: boolean; word: string } }
  | { t: 'unknown'; why: string; raw: string; quoted: boolean }

export interface RawWord {
  parts: Part[]
  raw: string
  line: number
  column: number
}

export type Token =
  | { k: 'word'; w: RawWord }
  | { k: 'op'; op: string; line: number }
  | { k: 'redir'; op: string; target?: RawWord; line: number }

const OPERATORS = [';;&', ';;', ';&', '&&', '||', '|&', ';', '&', '|', '(', ')']
const REDIRECTS = ['&>>', '&>', '<<<', '<<-', '<<', '<&', '<>', '<', '>>', '>|', '>&', '>']
export const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const SPECIAL_PARAM = /^[0-9@*#?$!-]$/

/** Splits a script into words, operators and redirections, as bash's tokenizer does. */
export class Lexer {
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

export interface Simple {
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

export function simpleCommands(tokens: Token[]): Simple[] {
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
