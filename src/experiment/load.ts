/**
 * experiment_summary.yaml -> Experiment, or every problem found, each located at file:line:column.
 * Never throws: hostile input (syntax errors, alias bombs, wrong types, huge values) becomes problems.
 */
import { LineCounter, parseDocument, isNode, type Document } from 'yaml'
import type { z } from 'zod'
import { LIMITS, SummarySchema, RUN_TYPES, type Summary } from './schema.js'
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

export function fieldName(path: Path): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out ? `.${part}` : part
  }
  return out
}

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

  if (Buffer.byteLength(text, 'utf8') > LIMITS.maxFileBytes) {
    errors.push({
      file: displayPath,
      line: 1,
      column: 1,
      message: `the file is larger than ${LIMITS.maxFileBytes} bytes; an experiment summary is a few KB`,
    })
    return { errors, warnings }
  }

  const lineCounter = new LineCounter()
  let doc: Document.Parsed
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true })
  } catch (e) {
    errors.push({ file: displayPath, line: 1, column: 1, message: `cannot be parsed as YAML: ${String(e)}` })
    return { errors, warnings }
  }
  for (const e of doc.errors) {
    const pos = lineCounter.linePos(e.pos[0])
    errors.push({ file: displayPath, line: pos.line, column: pos.col, message: `YAML syntax: ${firstLine(e.message)}` })
  }
  if (errors.length > 0) return { errors, warnings }

  const at = (path: Path): { line: number; column: number } => locate(doc, lineCounter, path)
  const problem = (path: Path, message: string, hint?: string): Problem => ({
    file: displayPath,
    ...at(path),
    field: fieldName(path) || undefined,
    message,
    ...(hint ? { hint } : {}),
  })

  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: 100 })
  } catch (e) {
    errors.push({ file: displayPath, line: 1, column: 1, message: `cannot be read: ${firstLine(String(e))}` })
    return { errors, warnings }
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    errors.push({
      file: displayPath,
      line: 1,
      column: 1,
      message: 'must be a YAML mapping with `experiment`, `runs` and `evaluation` sections',
    })
    return { errors, warnings }
  }

  const parsed = SummarySchema.safeParse(data)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors.push(problem(issue.path as Path, describeIssue(issue, data)))
    return { errors, warnings }
  }
  const summary: Summary = parsed.data

  // Tools: which module runs each phase.
  const tools = {
    preparation: toolNames.preparation.default,
    evaluation: toolNames.evaluation.default,
    defaulted: false,
  }
  if (!summary.tools) {
    tools.defaulted = true
    warnings.push({
      file: displayPath,
      line: 1,
      column: 1,
      field: 'tools',
      message: `no \`tools\` section: assuming ${tools.preparation} for fine-tuning and ${tools.evaluation} for evaluation`,
      hint: `add \`tools: {preparation: ${tools.preparation}, evaluation: ${tools.evaluation}}\``,
    })
  } else {
    for (const phase of ['preparation', 'evaluation'] as const) {
      const given = summary.tools[phase]
      if (given === undefined) {
        tools.defaulted = true
        warnings.push(problem(['tools'], `no tools.${phase}: assuming ${tools[phase]}`))
        continue
      }
      if (!toolNames[phase].accepted.includes(given)) {
        errors.push(
          problem(
            ['tools', phase],
            `unknown ${phase} tool "${given}"`,
            `supported: ${toolNames[phase].accepted.join(', ')}`,
          ),
        )
      } else tools[phase] = given
    }
  }

  // Runs: unique names; epochs from parameters or controls.
  const controlsEpochs = summary.controls?.epochs
  const runs: Run[] = []
  const runIndex = new Map<string, number>()
  summary.runs.forEach((r, i) => {
    const previous = runIndex.get(r.name)
    if (previous !== undefined) {
      errors.push(
        problem(
          ['runs', i, 'name'],
          `duplicate run name "${r.name}" (also runs[${previous}])`,
          'run names become directories and must be unique',
        ),
      )
      return
    }
    runIndex.set(r.name, i)
    const parameters = r.parameters ?? {}
    let epochs = controlsEpochs
    const own = parameters['epochs']
    if (own !== undefined) {
      if (typeof own === 'number' && Number.isInteger(own) && own >= 1 && own <= LIMITS.maxEpoch) epochs = own
      else errors.push(problem(['runs', i, 'parameters', 'epochs'], 'must be a whole number of 1 or more'))
    }
    runs.push({
      name: r.name,
      type: r.type,
      ...(r.model !== undefined ? { model: r.model } : {}),
      parameters,
      ...(epochs !== undefined ? { epochs } : {}),
    })
  })

  // Tasks: unique names.
  const tasks: Task[] = []
  const taskIndex = new Map<string, number>()
  ;(summary.evaluation?.tasks ?? []).forEach((t, i) => {
    const previous = taskIndex.get(t.name)
    if (previous !== undefined) {
      errors.push(
        problem(
          ['evaluation', 'tasks', i, 'name'],
          `duplicate task name "${t.name}" (also evaluation.tasks[${previous}])`,
        ),
      )
      return
    }
    taskIndex.set(t.name, i)
    tasks.push({ name: t.name, ...(t.script !== undefined ? { script: t.script } : {}) })
  })

  // Matrix: existing runs and tasks; epochs by run type and bound.
  const cells: Cell[] = []
  const seenCells = new Set<string>()
  ;(summary.evaluation?.matrix ?? []).forEach((m, i) => {
    const runAt = runIndex.get(m.run)
    if (runAt === undefined) {
      errors.push(
        problem(
          ['evaluation', 'matrix', i, 'run'],
          `names run "${m.run}", which is not in runs`,
          `runs are: ${[...runIndex.keys()].slice(0, 20).join(', ')}`,
        ),
      )
      return
    }
    const run = runs.find((r) => r.name === m.run)
    if (!run) return
    m.tasks.forEach((t, j) => {
      if (!taskIndex.has(t)) {
        errors.push(
          problem(
            ['evaluation', 'matrix', i, 'tasks', j],
            `names task "${t}", which is not in evaluation.tasks`,
            tasks.length
              ? `tasks are: ${tasks
                  .map((x) => x.name)
                  .slice(0, 20)
                  .join(', ')}`
              : 'add it to evaluation.tasks',
          ),
        )
      }
    })
    const epochs = m.epochs ?? null
    if (run.type === 'fine-tuned') {
      if (epochs === null) {
        errors.push(
          problem(
            ['evaluation', 'matrix', i, m.epochs === undefined ? 'run' : 'epochs'],
            `run "${run.name}" is fine-tuned: list the epochs to evaluate, e.g. epochs: [0]`,
          ),
        )
        return
      }
      epochs.forEach((e, k) => {
        if (run.epochs !== undefined && e >= run.epochs) {
          errors.push(
            problem(
              ['evaluation', 'matrix', i, 'epochs', k],
              `epoch ${e} does not exist: run "${run.name}" trains ${run.epochs} epoch(s), numbered 0 to ${run.epochs - 1}`,
            ),
          )
        }
      })
    } else if (epochs !== null) {
      errors.push(
        problem(
          ['evaluation', 'matrix', i, 'epochs'],
          `run "${run.name}" is ${run.type}: it has no training epochs, so epochs must be null`,
        ),
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

  if (errors.length > 0) return { errors, warnings }
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
      raw: data as Record<string, unknown>,
    },
  }
}

/** Line and column of the node at path, or of its nearest existing ancestor (for missing keys). */
function locate(doc: Document.Parsed, lc: LineCounter, path: Path): { line: number; column: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)
    if (isNode(node) && node.range) {
      const pos = lc.linePos(node.range[0])
      return { line: pos.line, column: pos.col }
    }
  }
  return { line: 1, column: 1 }
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

function valueAt(data: unknown, path: Path): unknown {
  let cur: unknown = data
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string | number, unknown>)[p]
  }
  return cur
}

function preview(v: unknown): string {
  let s: string
  try {
    s =
      typeof v === 'string'
        ? JSON.stringify(v)
        : Array.isArray(v)
          ? 'a list'
          : v === null
            ? 'null'
            : typeof v === 'object'
              ? 'a mapping'
              : String(v)
  } catch {
    s = typeof v
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s
}
