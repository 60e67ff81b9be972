/**
 * The loader's problems, each located in experiment_summary.yaml at the line and column of the value
 * (or the key) it is about (YamlFile.locate: of a key written twice, the last, which counts).
 */
import { isMap, isNode, isScalar, isSeq } from 'yaml'
import type { Problem } from '../result.js'
import { fieldName, MAX_DEPTH, type Path, type YamlFile } from '../yaml.js'

export class FileProblems {
  readonly errors: Problem[] = []
  readonly warnings: Problem[] = []

  constructor(readonly yaml: YamlFile) {}

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
  warnDuplicateKeys(node: unknown = this.yaml.doc.contents, path: Path = []): void {
    if (path.length > MAX_DEPTH) return
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
            file: this.yaml.file,
            ...this.yaml.position(start),
            field: fieldName([...path, key]),
            message: `duplicate key "${key}" (first at line ${this.yaml.position(first).line}): the last value is used`,
            hint: "cruijff_kit's YAML reader (PyYAML) does the same; remove one of them",
          })
        this.warnDuplicateKeys(pair.value, [...path, key])
      }
    } else if (isSeq(node)) for (const [i, item] of node.items.entries()) this.warnDuplicateKeys(item, [...path, i])
  }

  private located(path: Path, message: string, hint: string | undefined, at: 'value' | 'key'): Problem {
    const where = this.yaml.locate(path, at)
    return { file: this.yaml.file, ...where, field: fieldName(path) || undefined, message, ...(hint ? { hint } : {}) }
  }
}
