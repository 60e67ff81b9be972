/**
 * experiment_summary.yaml -> Experiment, or every problem found, each located at file:line:column.
 * Never throws: hostile input (syntax errors, alias bombs, wrong types, huge values) becomes problems.
 *
 * As lenient as cruijff_kit's own reader (PyYAML) where it is lenient, each time with a warning at
 * the line: a duplicate key keeps its last value, `epochs: "1"` is the number 1, `experiment.directory`
 * is `experiment.dir`. As strict as a status check needs elsewhere: a key that neither cruijff_kit nor
 * this runner knows is an error with a did-you-mean, because a misspelt optional key would otherwise be
 * ignored silently. Every problem is reported in one pass: schema errors do not hide cross-reference
 * errors (duplicate names, matrix entries naming unknown runs or tasks).
 */
import { LineCounter, parseDocument, isAlias, isMap, isNode, isPair, isScalar, isSeq, type Document } from 'yaml'
import type { Node as YamlNode } from 'yaml'
import type { z } from 'zod'
import {
  COUNTED_FIELDS,
  KNOWN_KEYS,
  LIMITS,
  MatrixEntrySchema,
  positiveCount,
  RUN_TYPES,
  RunSchema,
  SummarySchema,
  TaskSchema,
} from './schema.js'
import type { Cell, Experiment, Run, Task } from './model.js'
import type { Problem } from '../result.js'

/**
 * The tool names the loader accepts for each phase, and the defaults when the `tools` section is
 * missing. They come from the tool registry (the experiment layer does not know the tools).
 */
export interface ToolNames {
  preparation: { accepted: readonly string[]; default: string }
  evaluation: { accepted: readonly string[]; default: string }
}

export interface LoadOutcome {
  experiment?: Experiment
  errors: Problem[]
  warnings: Problem[]
}

type Path = readonly (string | number)[]
type Mapping = Record<string, unknown>

export function fieldName(path: Path): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out ? `.${part}` : part
  }
  return out
}

const isMapping = (v: unknown): v is Mapping => v !== null && typeof v === 'object' && !Array.isArray(v)

/** Loads and validates. `displayPath` is how the file is named in messages and annotations. */
export function loadExperiment(
  text: string,
  summaryPath: string,
  displayPath: string,
  toolNames: ToolNames,
): LoadOutcome {
  const errors: Problem[] = []
  const warnings: Problem[] = []
  const sourceDir = summaryPath.replace(/\/[^/]*$/, '') || '/'
  const fileProblem = (message: string): Problem => ({ file: displayPath, line: 1, column: 1, message })

  if (Buffer.byteLength(text, 'utf8') > LIMITS.maxFileBytes) {
    errors.push(fileProblem(`the file is larger than ${LIMITS.maxFileBytes} bytes; an experiment summary is a few KB`))
    return { errors, warnings }
  }

  const lineCounter = new LineCounter()
  let doc: Document.Parsed
  try {
    // Duplicate keys and merge keys (<<) as PyYAML, cruijff_kit's reader, takes them.
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true, merge: true })
  } catch (e) {
    errors.push(fileProblem(`cannot be parsed as YAML: ${String(e)}`))
    return { errors, warnings }
  }
  for (const e of doc.errors) {
    const pos = lineCounter.linePos(e.pos[0])
    errors.push({ file: displayPath, line: pos.line, column: pos.col, message: `YAML syntax: ${firstLine(e.message)}` })
  }
  if (errors.length > 0) return { errors, warnings }

  const where = new Locator(doc, lineCounter)
  const problem = (path: Path, message: string, hint?: string, at: 'value' | 'key' = 'value'): Problem => ({
    file: displayPath,
    ...(at === 'key' ? where.key(path) : where.value(path)),
    field: fieldName(path) || undefined,
    message,
    ...(hint ? { hint } : {}),
  })

  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: 100 })
  } catch (e) {
    errors.push(fileProblem(`cannot be read: ${firstLine(String(e))}`))
    return { errors, warnings }
  }
  if (!isMapping(data)) {
    errors.push(fileProblem('must be a YAML mapping with `experiment`, `runs` and `evaluation` sections'))
    return { errors, warnings }
  }

  for (const dup of where.duplicateKeys())
    warnings.push({
      file: displayPath,
      line: dup.line,
      column: dup.column,
      field: fieldName(dup.path),
      message: `duplicate key "${String(dup.path.at(-1))}" (first at line ${dup.firstLine}): the last value is used`,
      hint: "cruijff_kit's YAML reader (PyYAML) does the same; remove one of them",
    })
  acceptLegacyDirectory(data, problem, warnings)
  acceptCountedText(data, problem, warnings)
  checkKeys(data, '', [], problem, errors, warnings)

  const parsed = SummarySchema.safeParse(data)
  if (!parsed.success)
    for (const issue of parsed.error.issues) errors.push(problem(issue.path as Path, describeIssue(issue, data)))

  const tools = readTools(data['tools'], toolNames, problem, errors, warnings, displayPath)

  // Runs: every item whose own fields are valid takes part in the cross-checks, whatever else is wrong.
  const controls = isMapping(data['controls']) ? data['controls'] : {}
  const controlsEpochs = positiveCount.safeParse(controls['epochs']).data
  const runItems = Array.isArray(data['runs']) ? (data['runs'] as unknown[]) : []
  const runs: Run[] = []
  /** Every run item's name, valid or not (a matrix entry naming one is not "unknown"), at its first index. */
  const runIndex = new Map<string, number>()
  runItems.forEach((item, i) => {
    const name = isMapping(item) ? item['name'] : undefined
    if (typeof name !== 'string') return
    const previous = runIndex.get(name)
    if (previous !== undefined) {
      errors.push(
        problem(
          ['runs', i, 'name'],
          `duplicate run name "${name}" (also runs[${previous}])`,
          'run names become directories and must be unique',
        ),
      )
      return
    }
    runIndex.set(name, i)
    const r = RunSchema.safeParse(item)
    if (!r.success) return
    const parameters = r.data.parameters ?? {}
    let epochs = controlsEpochs
    const own = parameters['epochs']
    if (own !== undefined) {
      const count = positiveCount.safeParse(own)
      if (count.success) epochs = count.data
      else errors.push(problem(['runs', i, 'parameters', 'epochs'], 'must be a whole number of 1 or more'))
    }
    runs.push({
      name: r.data.name,
      type: r.data.type,
      ...(r.data.model !== undefined ? { model: r.data.model } : {}),
      parameters,
      ...(epochs !== undefined ? { epochs } : {}),
    })
  })

  const evaluation = isMapping(data['evaluation']) ? data['evaluation'] : {}
  const tasks: Task[] = []
  /** Every task item's name, valid or not, at its first index. */
  const taskIndex = new Map<string, number>()
  ;(Array.isArray(evaluation['tasks']) ? (evaluation['tasks'] as unknown[]) : []).forEach((item, i) => {
    const name = isMapping(item) ? item['name'] : undefined
    if (typeof name !== 'string') return
    const previous = taskIndex.get(name)
    if (previous !== undefined) {
      errors.push(
        problem(
          ['evaluation', 'tasks', i, 'name'],
          `duplicate task name "${name}" (also evaluation.tasks[${previous}])`,
        ),
      )
      return
    }
    taskIndex.set(name, i)
    const t = TaskSchema.safeParse(item)
    if (t.success) tasks.push({ name: t.data.name, ...(t.data.script !== undefined ? { script: t.data.script } : {}) })
  })

  const cells = expandMatrix(evaluation['matrix'], { runs, runIndex, taskIndex, tasks }, problem, errors)

  for (const r of runs) {
    if (r.type !== 'fine-tuned' && !cells.some((c) => c.run === r.name)) {
      warnings.push(
        problem(
          ['runs', runIndex.get(r.name) ?? 0, 'name'],
          `${r.type} run "${r.name}" is not in evaluation.matrix: nothing will run for it`,
        ),
      )
    }
  }
  const trained = runs.filter((r) => r.type === 'fine-tuned')
  if (trained.length > 0 && !cells.some((c) => c.epoch !== null)) {
    warnings.push(
      problem(
        isMapping(data['evaluation']) ? ['evaluation'] : [],
        `no evaluation of the fine-tuned runs (${trained.length}) in evaluation.matrix: ` +
          'they are trained, and nothing evaluates them',
        'add matrix entries with the epochs to evaluate, or run with phases: optimize',
      ),
    )
  }

  sortByPosition(errors)
  sortByPosition(warnings)
  if (errors.length > 0 || !parsed.success) return { errors, warnings }
  const summary = parsed.data
  const declaredDir = summary.experiment.dir
  return {
    errors,
    warnings,
    experiment: {
      name: summary.experiment.name,
      summaryPath,
      sourceDir,
      ...(declaredDir ? { declaredDir } : {}),
      tools,
      runs,
      tasks,
      cells,
      raw: data,
    },
  }
}

type MakeProblem = (path: Path, message: string, hint?: string, at?: 'value' | 'key') => Problem

/** `experiment.directory`, the name cruijff_kit used before `experiment.dir`. */
function acceptLegacyDirectory(data: Mapping, problem: MakeProblem, warnings: Problem[]): void {
  const experiment = data['experiment']
  if (!isMapping(experiment) || !('directory' in experiment)) return
  const path = ['experiment', 'directory']
  if (experiment['dir'] === undefined) {
    experiment['dir'] = experiment['directory']
    warnings.push(
      problem(
        path,
        '`experiment.directory` is the earlier name of `experiment.dir`: read as experiment.dir',
        'rename it to `dir` (cruijff_kit 0.3.x reads only `dir`)',
        'key',
      ),
    )
  } else {
    warnings.push(
      problem(
        path,
        'both `experiment.dir` and the earlier `experiment.directory`: experiment.dir is used',
        'remove `directory`',
        'key',
      ),
    )
  }
  delete experiment['directory']
}

/** Whole numbers written as text (`epochs: "1"`) where the runner reads a count. */
function acceptCountedText(data: Mapping, problem: MakeProblem, warnings: Problem[]): void {
  const visit = (
    value: unknown,
    rest: readonly string[],
    path: (string | number)[],
    set: (v: number) => void,
  ): void => {
    if (rest.length === 0) {
      if (typeof value === 'string' && /^\s*[+]?\d{1,9}\s*$/.test(value)) {
        const n = Number(value.trim())
        set(n)
        warnings.push(
          problem(
            path,
            `is the text "${value}", not a number: read as ${n}`,
            "cruijff_kit's scripts convert it too; write it without quotes",
          ),
        )
      }
      return
    }
    const [head, ...tail] = rest
    if (head === '[]') {
      if (Array.isArray(value))
        value.forEach((item, i) => {
          visit(item, tail, [...path, i], (v) => (value[i] = v))
        })
    } else if (head !== undefined && isMapping(value) && head in value) {
      visit(value[head], tail, [...path, head], (v) => (value[head] = v))
    }
  }
  for (const field of COUNTED_FIELDS) visit(data, field, [], () => undefined)
}

/** Keys neither cruijff_kit nor this runner knows are errors; keys it no longer reads are warnings. */
function checkKeys(
  value: unknown,
  level: string,
  path: (string | number)[],
  problem: MakeProblem,
  errors: Problem[],
  warnings: Problem[],
): void {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) checkKeys(item, `${level}[]`, [...path, i], problem, errors, warnings)
    return
  }
  const known = KNOWN_KEYS[level]
  if (!known || !isMapping(value)) return
  for (const key of Object.keys(value)) {
    const here = [...path, key]
    if (known.keys.includes(key)) {
      checkKeys(value[key], level ? `${level}.${key}` : key, here, problem, errors, warnings)
      continue
    }
    const legacy = known.legacy?.[key]
    if (legacy) {
      warnings.push(problem(here, `\`${fieldName(here)}\`: ${legacy}`, undefined, 'key'))
      continue
    }
    const suggestion = didYouMean(key, [...known.keys, ...(known.renamed ?? []), ...Object.keys(known.legacy ?? {})])
    const elsewhere = suggestion ? undefined : knownElsewhere(key, level)
    const hint = suggestion ? `: did you mean "${suggestion}"?` : elsewhere ? `: it belongs under ${elsewhere}` : ''
    errors.push(
      problem(
        here,
        `unknown key "${key}"${hint}`,
        'neither cruijff_kit nor run-experiment reads it here, so a misspelling would be ignored silently; ' +
          `keys here: ${known.keys.join(', ')}`,
        'key',
      ),
    )
  }
}

/** The closest known key, when it is close enough to be a typo (case, a letter or two, a swap). */
export function didYouMean(key: string, candidates: readonly string[]): string | undefined {
  const lower = key.toLowerCase()
  let best: { name: string; d: number } | undefined
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase())
    if (!best || d < best.d) best = { name: c, d }
  }
  if (!best) return undefined
  const allowed = Math.max(1, Math.min(3, Math.floor(Math.max(key.length, best.name.length) / 4)))
  return best.d <= allowed ? best.name : undefined
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 4
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1)
      row[j] = v
    }
  }
  return at(a.length, b.length)
}

/** The level(s) where `key` is a known key, e.g. `evaluation` for a top-level `matrix`. */
function knownElsewhere(key: string, level: string): string | undefined {
  const levels = Object.entries(KNOWN_KEYS)
    .filter(([name, l]) => name !== level && l.keys.includes(key))
    .map(([name]) => name || 'the top level')
  return levels.length ? levels.join(' or ') : undefined
}

function readTools(
  section: unknown,
  names: ToolNames,
  problem: MakeProblem,
  errors: Problem[],
  warnings: Problem[],
  displayPath: string,
): Experiment['tools'] {
  const tools = { preparation: names.preparation.default, evaluation: names.evaluation.default, defaulted: false }
  if (section === undefined) {
    tools.defaulted = true
    warnings.push({
      file: displayPath,
      line: 1,
      column: 1,
      field: 'tools',
      message:
        `no \`tools\` section: assuming ${tools.preparation} for fine-tuning ` +
        `and ${tools.evaluation} for evaluation`,
      hint: `add \`tools: {preparation: ${tools.preparation}, evaluation: ${tools.evaluation}}\``,
    })
  } else if (isMapping(section)) {
    for (const phase of ['preparation', 'evaluation'] as const) {
      const given = section[phase]
      if (given === undefined) {
        tools.defaulted = true
        warnings.push(problem(['tools'], `no tools.${phase}: assuming ${tools[phase]}`))
        continue
      }
      if (typeof given !== 'string') continue // the schema reports it
      if (names[phase].accepted.includes(given)) tools[phase] = given
      else
        errors.push(
          problem(
            ['tools', phase],
            `unknown ${phase} tool "${given}"`,
            `supported: ${names[phase].accepted.join(', ')}`,
          ),
        )
    }
  }
  return tools
}

interface Known {
  runs: Run[]
  runIndex: Map<string, number>
  taskIndex: Map<string, number>
  tasks: Task[]
}

/** Matrix entries -> cells, checking each entry's references even when other parts are invalid. */
function expandMatrix(matrix: unknown, known: Known, problem: MakeProblem, errors: Problem[]): Cell[] {
  const cells: Cell[] = []
  const seenCells = new Set<string>()
  if (!Array.isArray(matrix)) return cells
  matrix.forEach((item: unknown, i) => {
    if (!isMapping(item)) return
    const at = (...rest: (string | number)[]): Path => ['evaluation', 'matrix', i, ...rest]
    const runName = item['run']
    let run: Run | undefined
    if (typeof runName === 'string') {
      if (!known.runIndex.has(runName)) {
        errors.push(
          problem(
            at('run'),
            `names run "${runName}", which is not in runs`,
            `runs are: ${[...known.runIndex.keys()].slice(0, 20).join(', ')}`,
          ),
        )
      }
      run = known.runs.find((r) => r.name === runName)
    }
    const taskNames = Array.isArray(item['tasks']) ? (item['tasks'] as unknown[]) : []
    taskNames.forEach((t, j) => {
      if (typeof t === 'string' && !known.taskIndex.has(t)) {
        errors.push(
          problem(
            at('tasks', j),
            `names task "${t}", which is not in evaluation.tasks`,
            known.tasks.length
              ? `tasks are: ${known.tasks
                  .map((x) => x.name)
                  .slice(0, 20)
                  .join(', ')}`
              : 'add it to evaluation.tasks',
          ),
        )
      }
    })
    const entry = MatrixEntrySchema.safeParse(item)
    if (!run || !entry.success) return
    const m = entry.data
    const epochs = m.epochs ?? null
    if (run.type === 'fine-tuned') {
      if (epochs === null) {
        errors.push(
          problem(
            at(m.epochs === undefined ? 'run' : 'epochs'),
            `run "${run.name}" is fine-tuned: list the epochs to evaluate, e.g. epochs: [0]`,
          ),
        )
        return
      }
      let outOfRange = false
      for (const [k, e] of epochs.entries()) {
        if (run.epochs !== undefined && e >= run.epochs) {
          outOfRange = true
          errors.push(
            problem(
              at('epochs', k),
              `epoch ${e} does not exist: run "${run.name}" trains ${run.epochs} epoch(s), ` +
                `numbered 0 to ${run.epochs - 1}`,
            ),
          )
        }
      }
      if (outOfRange) return
    } else if (epochs !== null) {
      errors.push(
        problem(at('epochs'), `run "${run.name}" is ${run.type}: it has no training epochs, so epochs must be null`),
      )
      return
    }
    for (const task of m.tasks) {
      for (const epoch of epochs ?? [null]) {
        const key = `${run.name}\u0000${task}\u0000${epoch}`
        if (seenCells.has(key)) continue
        seenCells.add(key)
        cells.push({ run: run.name, task, epoch })
      }
    }
  })
  return cells
}

function sortByPosition(problems: Problem[]): void {
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
}

/**
 * Positions in the document. With duplicate keys the last one is the value that counts (as PyYAML
 * reads it), so paths resolve to the last pair with a key.
 */
class Locator {
  constructor(
    private readonly doc: Document.Parsed,
    private readonly lc: LineCounter,
  ) {}

  /** Line and column of the value at path, or of its nearest existing ancestor (for missing keys). */
  value(path: Path): { line: number; column: number } {
    for (let n = path.length; n >= 0; n--) {
      const node = this.nodeAt(path.slice(0, n), 'value')
      if (node?.range) return this.pos(node.range[0])
    }
    return { line: 1, column: 1 }
  }

  /** Line and column of the key at path (for problems about the key itself). */
  key(path: Path): { line: number; column: number } {
    const node = this.nodeAt(path, 'key')
    return node?.range ? this.pos(node.range[0]) : this.value(path)
  }

  /** Every key that appears twice in one mapping, located at its later occurrence. */
  duplicateKeys(): { path: Path; line: number; column: number; firstLine: number }[] {
    const out: { path: Path; line: number; column: number; firstLine: number }[] = []
    const walk = (node: unknown, path: (string | number)[], depth: number): void => {
      if (depth > 64) return
      if (isMap(node)) {
        const seen = new Map<string, number>()
        for (const pair of node.items) {
          const k = isScalar(pair.key) ? pair.key.value : undefined
          if ((typeof k === 'string' || typeof k === 'number') && k !== '<<') {
            const key = String(k)
            const start = isNode(pair.key) && pair.key.range ? pair.key.range[0] : 0
            const first = seen.get(key)
            if (first !== undefined) {
              const p = this.pos(start)
              out.push({ path: [...path, key], line: p.line, column: p.column, firstLine: this.pos(first).line })
            } else seen.set(key, start)
            walk(pair.value, [...path, key], depth + 1)
          }
        }
      } else if (isSeq(node)) for (const [i, item] of node.items.entries()) walk(item, [...path, i], depth + 1)
    }
    walk(this.doc.contents, [], 0)
    return out
  }

  private nodeAt(path: Path, want: 'value' | 'key'): YamlNode | undefined {
    let cur: unknown = this.doc.contents
    for (let i = 0; i < path.length; i++) {
      const part = path[i]
      if (isAlias(cur)) cur = cur.resolve(this.doc)
      if (isMap(cur)) {
        const pair = [...cur.items]
          .reverse()
          .find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part))
        if (!pair) return undefined
        if (want === 'key' && i === path.length - 1) return isNode(pair.key) ? pair.key : undefined
        cur = pair.value
      } else if (isSeq(cur) && typeof part === 'number') {
        cur = cur.items[part]
      } else return undefined
    }
    return isNode(cur) ? cur : undefined
  }

  private pos(offset: number): { line: number; column: number } {
    const p = this.lc.linePos(offset)
    return { line: p.line, column: p.col }
  }
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const found = valueAt(data, issue.path as Path)
  const message = plainMessage(issue.message)
  if (found === undefined) return message.startsWith('is required') ? message : 'is required but missing'
  const shown = ` (found ${preview(found)})`
  if (issue.path.at(-1) === 'type' && issue.code === 'invalid_value')
    return `must be one of ${RUN_TYPES.join(', ')}${shown}`
  return `${message}${shown}`
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  array: 'a list',
  object: 'a mapping',
  boolean: 'true or false',
  null: 'null',
}

/** zod's "Invalid input: expected string, received number" -> "must be text". */
function plainMessage(message: string): string {
  const m = /^Invalid input: expected (\w+)/.exec(message)
  if (m?.[1]) return `must be ${TYPE_WORDS[m[1]] ?? m[1]}`
  return message
}

export function valueAt(data: unknown, path: Path): unknown {
  let cur: unknown = data
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string | number, unknown>)[p]
  }
  return cur
}

function preview(v: unknown): string {
  let s: string
  if (typeof v === 'string') s = JSON.stringify(v)
  else if (Array.isArray(v)) s = 'a list'
  else if (v === null) s = 'null'
  else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') s = String(v)
  else s = typeof v === 'object' ? 'a mapping' : typeof v
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s
}
