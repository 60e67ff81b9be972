/**
 * The loader's problems, each located in experiment_summary.yaml at the line and column of the value
 * (or the key) it is about. With duplicate keys the last one is the value that counts (as PyYAML reads
 * it), so paths resolve to the last pair with that key.
 */
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml'
import { LIMITS } from './schema.js'
import type { Problem } from '../result.js'

export type Path = readonly (string | number)[]
interface Position {
  line: number
  column: number
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

export class FileProblems {
  readonly errors: Problem[] = []
  readonly warnings: Problem[] = []

  constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  error(path: Path, message: string, hint?: string, at: 'value' | 'key' = 'value'): void {
    this.errors.push(this.located(path, message, hint, at))
  }

  warn(path: Path, message: string, hint?: string, at: 'value' | 'key' = 'value'): void {
    this.warnings.push(this.located(path, message, hint, at))
  }

  /** Errors and warnings in the order of the file. */
  sorted(): { errors: Problem[]; warnings: Problem[] } {
    const byPosition = (a: Problem, b: Problem) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)
    return { errors: this.errors.sort(byPosition), warnings: this.warnings.sort(byPosition) }
  }

  /** A warning for every key written twice in one mapping, at its later occurrence. */
  warnDuplicateKeys(node: unknown = this.doc.contents, path: Path = []): void {
    if (path.length > LIMITS.maxDepth) return
    if (isMap(node)) {
      const seen = new Map<string, number>()
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? pair.key.value : undefined
        if ((typeof k !== 'string' && typeof k !== 'number') || k === '<<') continue
        const key = String(k)
        const first = seen.get(key)
        const start = isNode(pair.key) && pair.key.range ? pair.key.range[0] : 0
        if (first === undefined) seen.set(key, start)
        else
          this.warnings.push({
            file: this.file,
            ...this.position(start),
            field: fieldName([...path, key]),
            message: `duplicate key "${key}" (first at line ${this.position(first).line}): the last value is used`,
            hint: "cruijff_kit's YAML reader (PyYAML) does the same; remove one of them",
          })
        this.warnDuplicateKeys(pair.value, [...path, key])
      }
    } else if (isSeq(node)) for (const [i, item] of node.items.entries()) this.warnDuplicateKeys(item, [...path, i])
  }

  private located(path: Path, message: string, hint: string | undefined, at: 'value' | 'key'): Problem {
    const where = at === 'key' ? this.key(path) : this.value(path)
    return { file: this.file, ...where, field: fieldName(path) || undefined, message, ...(hint ? { hint } : {}) }
  }

  /** The value at path, or its nearest existing ancestor (for missing keys). */
  private value(path: Path): Position {
    for (let n = path.length; n >= 0; n--) {
      const node = this.nodeAt(path.slice(0, n), 'value')
      if (node?.range) return this.position(node.range[0])
    }
    return { line: 1, column: 1 }
  }

  /** The key at path (for problems about the key itself). */
  private key(path: Path): Position {
    const node = this.nodeAt(path, 'key')
    return node?.range ? this.position(node.range[0]) : this.value(path)
  }

  private nodeAt(path: Path, want: 'value' | 'key'): Node | undefined {
    let cur: unknown = this.doc.contents
    for (const [i, part] of path.entries()) {
      if (isAlias(cur)) cur = cur.resolve(this.doc)
      if (isMap(cur)) {
        const pair = [...cur.items]
          .reverse()
          .find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part))
        if (!pair) return undefined
        if (want === 'key' && i === path.length - 1) return isNode(pair.key) ? pair.key : undefined
        cur = pair.value
      } else if (isSeq(cur) && typeof part === 'number') cur = cur.items[part]
      else return undefined
    }
    return isNode(cur) ? cur : undefined
  }

  private position(offset: number): Position {
    const p = this.lines.linePos(offset)
    return { line: p.line, column: p.col }
  }
}
