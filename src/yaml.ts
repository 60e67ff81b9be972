/**
 * YAML that a user wrote (experiment_summary.yaml, a torchtune config, a value on a job script's command
 * line), read as PyYAML reads it (duplicate keys: the last counts; merge keys), never trusting it: its
 * size and its nesting are checked before it is parsed (yaml's parser recurses, and a few KB of nested
 * brackets abort Node) and its aliases are capped as it is expanded. Every refusal is a located Problem,
 * and every node of a parsed file can be located at its line and column.
 */
import {
  CST,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  parseDocument,
  type Document,
  type DocumentOptions,
  type Node,
  type ParseOptions,
  type SchemaOptions,
} from 'yaml'
import { err, firstLine, ok, type Problem, type Result } from './result.js'

/** Nesting of a user's YAML: real files nest a few levels; thousands exhaust the parser's stack. */
export const MAX_DEPTH = 64
/** Aliases expanded in one document: more means an alias bomb. */
const MAX_ALIASES = 100

export type Path = readonly (string | number)[]
export type Mapping = Record<string, unknown>
export const isMapping = (v: unknown): v is Mapping => v !== null && typeof v === 'object' && !Array.isArray(v)

export interface Position {
  line: number
  column: number
}

/** What a kind of file is like, for its refusals ("real experiment summaries are tens of KB"). */
export interface YamlKind {
  maxBytes: number
  usualSize: string
  /** How to raise the size cap, where a user can. */
  sizeHint?: string
  usualDepth: string
  /** The message when the top of the file is not a mapping. */
  notMapping: string
}

/** A user's YAML file, parsed: its data, and where each node is written. */
export class YamlFile {
  constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    readonly data: Mapping,
  ) {}

  /** The value at path, or its nearest existing ancestor (for missing keys); `key`: the key itself. */
  locate(path: Path, at: 'value' | 'key' = 'value'): Position {
    const key = at === 'key' ? this.find(path, 'key') : undefined
    if (key) return key
    for (let n = path.length; n >= 0; n--) {
      const found = this.find(path.slice(0, n))
      if (found) return found
    }
    return { line: 1, column: 1 }
  }

  /** Where the value (or the key) at path is written, when it is there. */
  find(path: Path, want: 'value' | 'key' = 'value'): Position | undefined {
    const range = this.nodeAt(path, want)?.range
    return range ? this.position(range[0]) : undefined
  }

  position(offset: number): Position {
    const p = this.lines.linePos(offset)
    return { line: p.line, column: p.col }
  }

  /** The node at path, through aliases; of a key written twice, the last (the one that counts). */
  private nodeAt(path: Path, want: 'value' | 'key'): Node | undefined {
    let cur: unknown = this.doc.contents
    for (const [i, part] of path.entries()) {
      if (isAlias(cur)) cur = cur.resolve(this.doc)
      if (isMap(cur)) {
        const named = (p: unknown) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part)
        const pair = [...cur.items].reverse().find(named)
        if (!pair) return undefined
        if (want === 'key' && i === path.length - 1) return isNode(pair.key) ? pair.key : undefined
        cur = pair.value
      } else if (isSeq(cur) && typeof part === 'number') cur = cur.items[part]
      else return undefined
    }
    return isNode(cur) ? cur : undefined
  }
}

/** As PyYAML reads a file: a key written twice keeps its last value; `<<` merges. Errors are located here. */
const OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  prettyErrors: false,
  uniqueKeys: false,
  strict: true,
  merge: true,
}

/** A user's YAML file read as a mapping, or why not: each problem located in `file`. */
export function readYaml(text: string, file: string, kind: YamlKind): Result<YamlFile, Problem[]> {
  const refused = (message: string, at: Position = { line: 1, column: 1 }, hint?: string) =>
    err([{ file, ...at, message, ...(hint ? { hint } : {}) }])
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > kind.maxBytes) return err([oversize(file, kind, bytes)])
  const deep = tooDeep(text)
  if (deep) {
    const message = `nests more than ${MAX_DEPTH} levels deep here (${kind.usualDepth})`
    return refused(message, deep, 'YAML nested this deep could exhaust the parser: it is refused unread')
  }
  const lineCounter = new LineCounter()
  let doc: Document.Parsed
  try {
    doc = parseDocument(text, { lineCounter, ...OPTIONS })
  } catch (e) {
    return refused(`cannot be parsed as YAML: ${String(e)}`)
  }
  if (doc.errors.length > 0) {
    const syntax = (e: (typeof doc.errors)[number]): Problem => {
      const { line, col } = lineCounter.linePos(e.pos[0])
      return { file, line, column: col, message: `YAML syntax: ${firstLine(e.message)}` }
    }
    return err(doc.errors.map(syntax))
  }
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES })
  } catch (e) {
    return refused(`cannot be read: ${firstLine(String(e))}`)
  }
  return isMapping(data) ? ok(new YamlFile(file, doc, lineCounter, data)) : refused(kind.notMapping)
}

/**
 * The refusal of a file over its kind's cap, for readers that learn its size before reading it: `bytes`,
 * or none when it was read only as far as the cap.
 */
export function oversize(file: string, kind: YamlKind, bytes?: number): Problem {
  const size = bytes === undefined ? 'is over the cap of' : `is ${bytes} bytes, over the cap of`
  const message = `${size} ${kind.maxBytes}${bytes === undefined ? ' bytes' : ''}: ${kind.usualSize}`
  return { file, line: 1, column: 1, message, ...(kind.sizeHint ? { hint: kind.sizeHint } : {}) }
}

/**
 * A value a user wrote on a command line (`-T n=3`, `batch_size=8`) as YAML, in the version the program
 * reading it takes; undefined when it is not YAML or nests too deep.
 */
export function yamlValue(text: string, version?: '1.1'): { value: unknown } | undefined {
  if (tooDeep(text)) return undefined
  const doc = parseDocument(text, { ...OPTIONS, ...(version ? { version } : {}) })
  if (doc.errors.length > 0) return undefined
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown }
  } catch {
    return undefined
  }
}

/**
 * Where the YAML first nests deeper than MAX_DEPTH, read from its tokens without building anything
 * (the parser recurses): flow brackets, block indentation, and the `- ` or `? ` written on one line.
 */
function tooDeep(text: string): Position | undefined {
  let line = 1
  let column = 1
  let lineStart = true
  let flow = 0 // flow collections open here
  let onLine = 0 // `- ` and `? ` written on this line
  const indents: number[] = [] // the columns of the block collections open here
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token)
    if (type === 'doc-mode' || type === 'scalar' || type === 'flow-error-end') continue // markers, not text
    if (type === 'flow-map-start' || type === 'flow-seq-start') flow++
    else if (type === 'flow-map-end' || type === 'flow-seq-end') flow = Math.max(0, flow - 1)
    else if (type === 'seq-item-ind' || type === 'explicit-key-ind') onLine++
    if (lineStart && flow === 0 && type !== 'space' && type !== 'newline' && type !== 'comment') {
      while ((indents.at(-1) ?? 0) > column) indents.pop()
      if (indents.at(-1) !== column) indents.push(column)
      lineStart = false
    }
    if (flow + indents.length + onLine > MAX_DEPTH) return { line, column }
    const breaks = token.split('\n').length - 1
    line += breaks
    column = breaks ? token.length - token.lastIndexOf('\n') : column + token.length
    if (type === 'newline') {
      onLine = 0
      lineStart = true
    }
  }
  return undefined
}

/** The value at path in parsed data; undefined where the path leaves it. */
export function valueAt(data: unknown, path: Path): unknown {
  let cur: unknown = data
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string | number, unknown>)[p]
  }
  return cur
}

/** `runs[2].name`, `evaluation.matrix[0].epochs[1]`. */
export function fieldName(path: Path): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out ? `.${part}` : part
  }
  return out
}
