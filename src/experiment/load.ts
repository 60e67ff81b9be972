/**
 * experiment_summary.yaml -> Experiment, or every problem found, each located at file:line:column.
 * Never throws: hostile input (syntax errors, alias bombs, wrong types, huge values) becomes problems.
 *
 * The format is schema.ts's. The steps, top to bottom: parse the YAML (../yaml.ts); review the data beside
 * the schema (review.ts: cruijff_kit's leniencies, with a warning; unknown keys); validate it; check the
 * cross-references (duplicate names, matrix entries naming unknown runs or tasks, epochs a run does not
 * train); expand the cells. Every problem is reported in one pass: every item the schema passed takes
 * part in the cross-checks, whatever else is wrong.
 */
import type { z } from 'zod'
import { positiveCount, SummarySchema, type MatrixEntrySchema, type RunSchema, type TaskSchema } from './schema.js'
import type { Cell, Experiment, Run, Task } from './model.js'
import { FileProblems } from './problems.js'
import { review } from './review.js'
import { INPUTS } from '../names.js'
import type { Problem } from '../result.js'
import { fieldName, isMapping, readYaml, valueAt, type Mapping, type Path, type YamlKind } from '../yaml.js'

/**
 * The tool names the loader accepts for each phase, and the defaults when the `tools` section is
 * missing. They come from the tool registry (the experiment layer does not know the tools).
 */
export interface ToolNames {
  preparation: { accepted: readonly string[]; default: string }
  evaluation: { accepted: readonly string[]; default: string }
}

/**
 * What the loader refuses before it builds anything, each with a located error that names the input
 * raising it: the summary's size (max-summary-bytes) and its evaluation cells (max-cells), counted from
 * the matrix entries before any cell exists, so that a matrix bomb cannot allocate them.
 */
export interface LoadCaps {
  maxSummaryBytes: number
  maxCells: number
}

/** The caps of the action's inputs when left empty. */
export const DEFAULT_CAPS: LoadCaps = {
  maxSummaryBytes: Number(INPUTS['max-summary-bytes']),
  maxCells: Number(INPUTS['max-cells']),
}

export interface LoadOutcome {
  experiment?: Experiment
  errors: Problem[]
  warnings: Problem[]
}

/** experiment_summary.yaml among the YAML files users write. */
export const summaryYaml = (maxBytes: number): YamlKind => ({
  maxBytes,
  usualSize: 'real experiment summaries are tens of KB',
  sizeHint: 'the input max-summary-bytes raises the cap',
  usualDepth: 'experiment summaries nest a few',
  notMapping: 'must be a YAML mapping with `experiment`, `runs` and `evaluation` sections',
})

/** Loads and validates. `displayPath` is how the file is named in messages and annotations. */
export function loadExperiment(
  text: string,
  summaryPath: string,
  displayPath: string,
  toolNames: ToolNames,
  caps: LoadCaps = DEFAULT_CAPS,
): LoadOutcome {
  const yaml = readYaml(text, displayPath, summaryYaml(caps.maxSummaryBytes))
  if (!yaml.ok) return { errors: yaml.error, warnings: [] }
  const problems = new FileProblems(yaml.value)
  problems.warnDuplicateKeys()
  const data = review(yaml.value.data, problems)

  const summary = SummarySchema.safeParse(data)
  const issues = summary.success ? [] : summary.error.issues
  for (const issue of issues) problems.error(issue.path as Path, describeIssue(issue, data))
  const passed = passedPaths(issues)

  const tools = readTools(data['tools'], toolNames, problems)
  const runs = readRuns(data, passed, problems)
  const tasks = readTasks(data, passed, problems)
  const entries = checkMatrix(data, runs, tasks, passed, problems)
  checkCellCap(entries, caps.maxCells, problems)
  warnUnevaluated(runs, entries, data, problems)

  const { errors, warnings } = problems.sorted()
  if (errors.length > 0 || !summary.success) return { errors, warnings }
  const { name, dir } = summary.data.experiment
  return {
    errors,
    warnings,
    experiment: {
      name,
      summaryPath,
      sourceDir: summaryPath.replace(/\/[^/]*$/, '') || '/',
      ...(dir ? { declaredDir: dir } : {}),
      tools,
      runs: runs.list,
      tasks: tasks.list,
      cells: expandCells(entries),
    },
  }
}

/** Whether the schema found nothing wrong at or under a path. */
type Passed = (path: Path) => boolean

function passedPaths(issues: readonly z.core.$ZodIssue[]): Passed {
  const failed = new Set<string>()
  for (const { path } of issues) for (let n = 1; n <= path.length; n++) failed.add(JSON.stringify(path.slice(0, n)))
  return (path) => !failed.has(JSON.stringify(path))
}

/** The list at path; none when it is not a list. */
const listAt = (data: unknown, path: Path): unknown[] => {
  const list = valueAt(data, path)
  return Array.isArray(list) ? list : []
}

interface Named<T> {
  list: T[]
  index: Map<string, number>
}

/**
 * The named items of the list at path: every item's name at its first index (a name given twice is an
 * error), and the first item of each name that the schema passed. Such an item is of its schema's type:
 * `review` has already read the leniencies that the schema's preprocessing would.
 */
function namedItems<S extends z.ZodType>(
  data: Mapping,
  path: Path,
  what: 'run' | 'task',
  passed: Passed,
  problems: FileProblems,
) {
  const index = new Map<string, number>()
  const valid: { item: z.output<S>; at: number }[] = []
  for (const [at, item] of listAt(data, path).entries()) {
    const name = isMapping(item) ? item['name'] : undefined
    if (typeof name !== 'string') continue
    const first = index.get(name)
    if (first === undefined) index.set(name, at)
    else {
      const hint = what === 'run' ? 'run names become directories and must be unique' : undefined
      const message = `duplicate ${what} name "${name}" (also ${fieldName([...path, first])})`
      problems.error([...path, at, 'name'], message, hint)
    }
    if (first === undefined && passed([...path, at])) valid.push({ item: item as z.output<S>, at })
  }
  return { index, valid }
}

/** The runs the schema passed; a run's epochs are its own, else controls.epochs. */
function readRuns(data: Mapping, passed: Passed, problems: FileProblems): Named<Run> {
  const controls = valueAt(data, ['controls', 'epochs'])
  const defaultEpochs = passed(['controls', 'epochs']) && typeof controls === 'number' ? controls : undefined
  const { index, valid } = namedItems<typeof RunSchema>(data, ['runs'], 'run', passed, problems)
  const list = valid.map(({ item, at }): Run => {
    const parameters = item.parameters ?? {}
    let epochs = defaultEpochs
    if (parameters['epochs'] !== undefined) {
      const own = positiveCount.safeParse(parameters['epochs'])
      if (own.success) epochs = own.data
      else problems.error(['runs', at, 'parameters', 'epochs'], 'must be a whole number of 1 or more')
    }
    return {
      name: item.name,
      type: item.type,
      ...(item.model !== undefined ? { model: item.model } : {}),
      parameters,
      ...(epochs !== undefined ? { epochs } : {}),
    }
  })
  return { list, index }
}

function readTasks(data: Mapping, passed: Passed, problems: FileProblems): Named<Task> {
  const { index, valid } = namedItems<typeof TaskSchema>(data, ['evaluation', 'tasks'], 'task', passed, problems)
  const list = valid.map(({ item }): Task => ({
    name: item.name,
    ...(item.script !== undefined ? { script: item.script } : {}),
  }))
  return { list, index }
}

/** The tool of each phase: a name the registry accepts, or its default when the summary names none. */
function readTools(section: unknown, names: ToolNames, problems: FileProblems): Experiment['tools'] {
  const tools = { preparation: names.preparation.default, evaluation: names.evaluation.default, defaulted: false }
  if (section === undefined) {
    tools.defaulted = true
    problems.warnings.push({
      file: problems.yaml.file,
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
      const accepted = names[phase].accepted
      if (given === undefined) {
        tools.defaulted = true
        problems.warn(['tools'], `no tools.${phase}: assuming ${tools[phase]}`)
        continue
      }
      if (typeof given !== 'string') continue // the schema reports it
      if (accepted.includes(given)) tools[phase] = given
      else problems.error(['tools', phase], `unknown ${phase} tool "${given}"`, `supported: ${accepted.join(', ')}`)
    }
  }
  return tools
}

/** A matrix entry that passed every check: each of its tasks at each of its epochs is a cell. */
interface Entry {
  /** Its index in evaluation.matrix. */
  at: number
  run: Run
  tasks: string[]
  epochs: (number | null)[]
}

/** Checks each matrix entry's references, even when other parts are invalid; returns the sound entries. */
function checkMatrix(data: Mapping, runs: Named<Run>, tasks: Named<Task>, passed: Passed, problems: FileProblems) {
  const entries: Entry[] = []
  for (const [i, item] of listAt(data, ['evaluation', 'matrix']).entries()) {
    if (!isMapping(item)) continue
    const at = (...rest: (string | number)[]): Path => ['evaluation', 'matrix', i, ...rest]
    const runName = item['run']
    if (typeof runName === 'string' && !runs.index.has(runName)) {
      const hint = `runs are: ${[...runs.index.keys()].slice(0, 20).join(', ')}`
      problems.error(at('run'), `names run "${runName}", which is not in runs`, hint)
    }
    for (const [j, task] of listAt(item, ['tasks']).entries()) {
      if (typeof task !== 'string' || tasks.index.has(task)) continue
      const listed = tasks.list.map((t) => t.name).slice(0, 20)
      const hint = listed.length ? `tasks are: ${listed.join(', ')}` : 'add it to evaluation.tasks'
      problems.error(at('tasks', j), `names task "${task}", which is not in evaluation.tasks`, hint)
    }
    const run = runs.list.find((r) => r.name === runName)
    if (!run || !passed(at())) continue
    const entry = item as z.output<typeof MatrixEntrySchema>
    const epochs = entry.epochs ?? null
    if (run.type !== 'fine-tuned') {
      const message = `run "${run.name}" is ${run.type}: it has no training epochs, so epochs must be null`
      if (epochs === null) entries.push({ at: i, run, tasks: entry.tasks, epochs: [null] })
      else problems.error(at('epochs'), message)
    } else if (epochs === null) {
      const message = `run "${run.name}" is fine-tuned: list the epochs to evaluate, e.g. epochs: [0]`
      problems.error(at(entry.epochs === undefined ? 'run' : 'epochs'), message)
    } else {
      const trained = run.epochs ?? Infinity
      const missing = [...epochs.entries()].filter(([, epoch]) => epoch >= trained)
      for (const [k, epoch] of missing) {
        const message = `epoch ${epoch} does not exist: run "${run.name}" trains ${trained} epoch(s)`
        problems.error(at('epochs', k), `${message}, numbered 0 to ${trained - 1}`)
      }
      if (missing.length === 0) entries.push({ at: i, run, tasks: entry.tasks, epochs })
    }
  }
  return entries
}

/** The cells the matrix lists, from its entries' counts (no cell is built), against the cap. */
function checkCellCap(entries: Entry[], cap: number, problems: FileProblems): void {
  const cellsOf = (e: Entry) => e.tasks.length * e.epochs.length
  const total = entries.reduce((sum, e) => sum + cellsOf(e), 0)
  let counted = 0
  const past = entries.find((e) => (counted += cellsOf(e)) > cap)
  if (!past) return
  const message = `the matrix lists ${total} evaluation cells, over the cap of ${cap}; this entry passes it`
  const hint = "cells are each entry's tasks x epochs; the input max-cells raises the cap"
  problems.error(['evaluation', 'matrix', past.at], message, hint)
}

/** Runs that nothing evaluates: control and eval-only runs outside the matrix, fine-tuned runs never evaluated. */
function warnUnevaluated(runs: Named<Run>, entries: Entry[], data: Mapping, problems: FileProblems): void {
  const listed = new Set(entries.filter((e) => e.epochs.length > 0).map((e) => e.run.name))
  for (const { name, type } of runs.list) {
    if (type === 'fine-tuned' || listed.has(name)) continue
    const message = `${type} run "${name}" is not in evaluation.matrix: nothing will run for it`
    problems.warn(['runs', runs.index.get(name) ?? 0, 'name'], message)
  }
  const trained = runs.list.filter((r) => r.type === 'fine-tuned').length
  if (trained > 0 && !entries.some((e) => e.epochs.some((epoch) => epoch !== null))) {
    problems.warn(
      isMapping(data['evaluation']) ? ['evaluation'] : [],
      `no evaluation of the fine-tuned runs (${trained}) in evaluation.matrix: ` +
        'they are trained, and nothing evaluates them',
      'add matrix entries with the epochs to evaluate, or run with phases: optimize',
    )
  }
}

/** Each task of each entry at each of its epochs, once. */
function expandCells(entries: Entry[]): Cell[] {
  const cells = new Map<string, Cell>()
  for (const { run, tasks, epochs } of entries)
    for (const task of tasks)
      for (const epoch of epochs) {
        const key = `${run.name}\u0000${task}\u0000${epoch}`
        if (!cells.has(key)) cells.set(key, { run: run.name, task, epoch })
      }
  return [...cells.values()]
}

/** zod's issue in the words of this loader: "must be text (found 3)", "is required but missing". */
function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const found = valueAt(data, issue.path as Path)
  const plain = /^Invalid input: expected (\w+)/.exec(issue.message)?.[1]
  const message = plain ? `must be ${TYPE_WORDS[plain] ?? plain}` : issue.message
  if (found === undefined) return message.startsWith('is required') ? message : 'is required but missing'
  return `${message} (found ${preview(found)})`
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  array: 'a list',
  object: 'a mapping',
  boolean: 'true or false',
  null: 'null',
}

/** A value as a message shows it: text quoted, a list or a mapping by its kind, cut at 60 characters. */
function preview(v: unknown): string {
  let s = typeof v === 'string' ? JSON.stringify(v) : String(v)
  if (Array.isArray(v)) s = 'a list'
  else if (isMapping(v)) s = 'a mapping'
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}
