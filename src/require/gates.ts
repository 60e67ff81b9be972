/** The `require` conditions: README § Metric gates gives their grammar and meaning. */
import type { SkippedEval } from '../engine/eligible.js'
import type { JobOutcome } from '../engine/types.js'
import { cellDisplayName, type Cell, type Experiment } from '../experiment/model.js'
import type { GateCheck, GateOutcome } from '../report/model.js'
import { gateSummary } from '../report/conditions.js'
import { evaluationOf, metricOf, type MetricName } from '../report/results.js'
import { err, ok, type Problem, type Result } from '../result.js'

/** Comparisons allow a rounding slack. */
const SLACK = 1e-9
const COMPARE = {
  '>=': (a, b) => a >= b - SLACK,
  '>': (a, b) => a > b + SLACK,
  '<=': (a, b) => a <= b + SLACK,
  '<': (a, b) => a < b - SLACK,
  '==': (a, b) => Math.abs(a - b) <= SLACK,
  '!=': (a, b) => Math.abs(a - b) > SLACK,
} satisfies Record<string, (a: number, b: number) => boolean>
type Comparison = keyof typeof COMPARE

/** `runs/task/epoch`, parts left out as the condition does, and `:metric` or `:scorer.metric` if named. */
type Reference = { text: string; segments: string[]; metric?: MetricName }

/** One line of the input: its text without comment or list dash, its 1-based line, what it compares. */
export interface Condition {
  text: string
  line: number
  quantifier: 'every' | 'any'
  left: Reference
  op: Comparison
  right: Reference | number
  /** The number after `+`, negated after `-`; 0 without. */
  margin: number
}

// ------------------------------------------------------------------ parsing

const GRAMMAR = 'a condition is [every|any] <ref> <op> (<ref>|<number>) [± <number>], e.g. cap_ood >= control + 0.05'
const MINUS = 'a minus sign needs a space on both sides: control - 0.05'

/** A problem at a 1-based column of one condition's text. */
type Located = Problem & { column: number }
const at = (start: number, message: string, hint = GRAMMAR): Located => ({ column: start + 1, message, hint })

/** A problem of one condition, as a problem of the `require` input: the condition and where it is first. */
function ofCondition(text: string, where: string, { message, hint }: Problem): Problem {
  return { field: 'require', message: `"${text}" (${where}): ${message}`, ...(hint ? { hint } : {}) }
}

type Token = { kind: 'comparison' | 'sign' | 'number' | 'name'; text: string; start: number }

/** A comparison, a plus sign, a word (a name, a number or a lone minus sign), or a character of no condition. */
const TOKEN = /([<>=!]=|[<>])|(\+)|([\w.:/-]+)|\S/g
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

function lex(text: string): Result<Token[], Located> {
  const tokens: Token[] = []
  for (const match of text.matchAll(TOKEN)) {
    const [token, comparison, plus, word] = match
    const start = match.index
    if (token === '=') return err(at(start, 'a single "=" is not a comparison', 'write == to compare for equality'))
    if (comparison) tokens.push({ kind: 'comparison', text: token, start })
    else if (plus || word === '-') tokens.push({ kind: 'sign', text: token, start })
    else if (word) tokens.push({ kind: NUMBER.test(word) ? 'number' : 'name', text: token, start })
    else return err(at(start, `unexpected character "${token}"`))
  }
  return ok(tokens)
}

/** The grammar, or how to write a minus sign when a word starts with one. */
const hintFor = (token: Token): string => (token.kind !== 'sign' && token.text.startsWith('-') ? MINUS : GRAMMAR)

function reference({ text, start }: Token): Result<Reference, Located> {
  const [, path = '', metricText] = /^([^:]*)(?::(.*))?$/.exec(text) ?? []
  const [, scorer, name] = /^(?:([\w-]+)\.)?([\w-]+)$/.exec(metricText ?? '') ?? []
  const segments = path.split('/')
  if (text.startsWith('-')) return err(at(start, `"${text}" is neither a number nor a name`, MINUS))
  if (segments.includes(''))
    return err(at(start, `"${text}" has an empty part`, 'write run/task/epochN, e.g. lr1e-3/capitalize/epoch1'))
  if (segments.length > 3)
    return err(at(start, `"${text}" has more than three parts`, 'a path is at most run/task/epochN'))
  if (metricText !== undefined && name === undefined) {
    const hint = 'write :metric or :scorer.metric, e.g. :accuracy or :exact_case.accuracy'
    return err(at(start + path.length + 1, `"${metricText}" after ":" in "${text}" is not a metric name`, hint))
  }
  const metric = name === undefined ? {} : { metric: scorer === undefined ? { name } : { scorer, name } }
  return ok({ text, segments, ...metric })
}

/** One condition, token by token in GRAMMAR's order. */
function parseCondition(text: string, line: number): Result<Condition, Located> {
  const lexed = lex(text)
  if (!lexed.ok) return lexed
  const tokens = lexed.value
  // `every` or `any` in front is the quantifier, unless it is what is compared (`any > 0.5`).
  const word = (['every', 'any'] as const).find((q) => q === tokens[0]?.text)
  const quantifier = tokens[1] && !['comparison', 'sign'].includes(tokens[1].kind) ? word : undefined
  let next = quantifier ? 1 : 0
  /** The next token if it is of a kind the place takes, else a problem saying what the place expects. */
  const take = (expected: string, ...kinds: Token['kind'][]): Result<Token, Located> => {
    const token = tokens[next++]
    if (token && kinds.includes(token.kind)) return ok(token)
    const after = next > 1 ? ` after "${tokens[next - 2]?.text}"` : ''
    if (!token) return err(at(text.length, `expected ${expected}${after}`))
    return err(at(token.start, `expected ${expected}${after}, not "${token.text}"`, hintFor(token)))
  }
  const first = take('a reference', 'name')
  const left = first.ok ? reference(first.value) : first
  if (!left.ok) return left
  const comparison = take(`a comparison (${Object.keys(COMPARE).join(' ')})`, 'comparison')
  if (!comparison.ok) return comparison
  const second = take('a reference or a number', 'name', 'number')
  if (!second.ok) return second
  const right = second.value.kind === 'number' ? ok(Number(second.value.text)) : reference(second.value)
  if (!right.ok) return right
  let margin = 0
  if (tokens[next]?.kind === 'sign') {
    const negative = tokens[next++]?.text === '-'
    const size = take('a number', 'number')
    if (!size.ok) return size
    margin = negative ? -Number(size.value.text) : Number(size.value.text)
  }
  const rest = tokens[next]
  if (rest?.kind === 'comparison')
    return err(at(rest.start, 'one comparison per condition: write each on its own line'))
  if (rest) return err(at(rest.start, `unexpected "${rest.text}" after the condition`, hintFor(rest)))
  const op = comparison.value.text as Comparison
  return ok({ text, line, quantifier: quantifier ?? 'every', left: left.value, op, right: right.value, margin })
}

/** The input, one condition a line; each bad line is a problem naming the condition, its line and column. */
export function parseRequire(input: string): Result<Condition[], Problem[]> {
  const conditions: Condition[] = []
  const problems: Problem[] = []
  for (const [index, line] of input.split(/\r?\n/).entries()) {
    // The condition is what is left without the comment, a list dash and the spaces around.
    const [, lead = '', text = ''] = /^(\s*(?:- )?\s*)(.*?)\s*$/s.exec(line.split('#', 1)[0] ?? '') ?? []
    if (text === '') continue
    const parsed = parseCondition(text, index + 1)
    if (parsed.ok) conditions.push(parsed.value)
    else
      problems.push(ofCondition(text, `line ${index + 1}, column ${lead.length + parsed.error.column}`, parsed.error))
  }
  return problems.length > 0 ? err(problems) : ok(conditions)
}

// ------------------------------------------------------------------ binding names to the experiment

/** An experiment's runs (their types and models pair subjects with controls) and evaluation cells. */
export type GatePlan = Pick<Experiment, 'runs' | 'cells'>

/** A condition with its checks: one per subject cell (and per control, when a model has several). */
export interface BoundCondition {
  condition: Condition
  checks: Check[]
}
/** The cell a check is about, and the cell each reference reads, left to right. */
type Check = { subject: Cell; cells: Map<Reference, Cell> }

/** What a reference names: runs (a role or a run; absent, every run but the controls), a task, an epoch. */
type Target = { ref: Reference; runs?: string; task?: string; epoch?: number | 'last' }

const ROLES = ['fine-tuned', 'control']

function resolve(ref: Reference, plan: GatePlan): Result<Target> {
  const runNames = new Set(plan.runs.map((r) => r.name))
  const taskNames = new Set(plan.cells.map((c) => c.task))
  const target: Target = { ref }
  // The first part may be the runs; a name of both a run and a task is the runs when a task follows.
  const taskFollows = ref.segments.slice(1).some((s) => taskNames.has(s))
  for (const [i, segment] of ref.segments.entries()) {
    const isRun = ROLES.includes(segment) || runNames.has(segment)
    const isTask = taskNames.has(segment) && !ROLES.includes(segment)
    const epoch = segment === 'last' ? segment : /^epoch(\d+)$/.exec(segment)?.[1]
    if (i === 0 && isRun && (!isTask || taskFollows)) {
      target.runs = segment
    } else if (i === 0 && isRun && ref.segments.length === 1) {
      const write = `write ${segment}/<task> for the run, fine-tuned/${segment} for the task`
      return err({ message: `"${segment}" names both a run and a task: ${write}` })
    } else if (target.task === undefined && target.epoch === undefined && isTask) {
      target.task = segment
    } else if (target.epoch === undefined && epoch !== undefined) {
      target.epoch = epoch === 'last' ? epoch : Number(epoch)
    } else if (isRun || isTask || epoch !== undefined) {
      return err({ message: `"${segment}" is out of place in "${ref.text}": the order is runs/task/epoch` })
    } else {
      const runs = [...runNames].slice(0, 8).join(', ') || 'none'
      const tasks = [...taskNames].slice(0, 8).join(', ') || 'none'
      const known = `fine-tuned, control, a run (${runs}), an evaluated task (${tasks}), epochN or last`
      return err({ message: `"${segment}" is not ${known}` })
    }
  }
  return ok(target)
}

const epochsOf = (plan: GatePlan, run: string, task: string): (number | null)[] =>
  plan.cells.filter((c) => c.run === run && c.task === task).map((c) => c.epoch)

/** The highest epoch among these, else null (the base model, or nothing evaluated). */
function lastEpoch(epochs: (number | null)[]): number | null {
  const numbers = epochs.filter((e) => e !== null)
  return numbers.length > 0 ? Math.max(...numbers) : null
}

/** The cells the subject reference ranges over. */
function subjects(subject: Target, plan: GatePlan): Cell[] {
  const typeOf = new Map(plan.runs.map((run) => [run.name, run.type]))
  const among = (c: Cell): boolean => {
    const type = typeOf.get(c.run)
    if (subject.runs === undefined) return type !== undefined && type !== 'control'
    return ROLES.includes(subject.runs) ? type === subject.runs : c.run === subject.runs
  }
  return plan.cells.filter((c) => {
    if (!among(c) || (subject.task !== undefined && c.task !== subject.task)) return false
    if (subject.epoch === 'last') return c.epoch === lastEpoch(epochsOf(plan, c.run, c.task))
    return subject.epoch === undefined || c.epoch === subject.epoch
  })
}

/** The cells the other reference reads for one subject cell: `control` reads each control of the same model. */
function relative(r: Target, subject: Cell, plan: GatePlan): Result<Cell[]> {
  const own = plan.runs.find((run) => run.name === subject.run)
  let runs = [r.runs === undefined || ROLES.includes(r.runs) ? subject.run : r.runs]
  if (r.runs === 'control' && own?.type !== 'control') {
    runs = plan.runs.filter((run) => run.type === 'control' && run.model === own?.model).map((run) => run.name)
    const model = own?.model !== undefined ? `model ${own.model}` : 'the same (unnamed) model'
    if (runs.length === 0) return err({ message: `no control run of ${model} to compare ${subject.run} with` })
  }
  const task = r.task ?? subject.task
  const cells: Cell[] = []
  for (const run of runs) {
    // Without an epoch of its own, a reference reads the subject's epoch, else the base model's, else the last.
    const epochs = epochsOf(plan, run, task)
    const hasSubjectEpoch = epochs.includes(subject.epoch)
    const fallback = hasSubjectEpoch ? subject.epoch : epochs.includes(null) ? null : lastEpoch(epochs)
    const epoch = r.epoch === 'last' ? lastEpoch(epochs) : (r.epoch ?? fallback)
    const cell = plan.cells.find((c) => c.run === run && c.task === task && c.epoch === epoch)
    if (!cell) {
      const where = epoch === null ? `on ${task}` : `on ${task} at epoch ${epoch}`
      const needed = `needed for ${cellDisplayName(subject)}`
      return err({ message: `run ${run} is not evaluated ${where} (evaluation.matrix), ${needed}` })
    }
    cells.push(cell)
  }
  return ok(cells)
}

function checksOf({ left, right }: Condition, plan: GatePlan): Result<Check[], Problem[]> {
  const resolved = (typeof right === 'number' ? [left] : [left, right]).map((ref) => resolve(ref, plan))
  const refused = resolved.flatMap((r) => (r.ok ? [] : [r.error]))
  const names = resolved.flatMap((r) => (r.ok ? [r.value] : []))
  const subject = names.find((r) => r.runs !== 'control') ?? names[0]
  if (!subject || refused.length > 0) return err(refused)
  const other = names.find((r) => r !== subject)
  const checks: Check[] = []
  for (const cell of subjects(subject, plan)) {
    const otherCells = other ? relative(other, cell, plan) : ok([cell])
    if (!otherCells.ok) return err([otherCells.error])
    for (const otherCell of otherCells.value) {
      const cells = new Map(names.map((r) => [r.ref, r === subject ? cell : otherCell]))
      checks.push({ subject: cell, cells })
    }
  }
  if (checks.length > 0) return ok(checks)
  const hint = 'the evaluation matrix of experiment_summary.yaml lists what is evaluated'
  return err([{ message: `"${subject.ref.text}" matches no evaluation of the experiment`, hint }])
}

/** Checks each condition's names against the experiment and lists, for each check, the cells it will read. */
export function bindGates(conditions: Condition[], plan: GatePlan): Result<BoundCondition[], Problem[]> {
  const problems: Problem[] = []
  const bound: BoundCondition[] = []
  for (const condition of conditions) {
    const checks = checksOf(condition, plan)
    if (checks.ok) bound.push({ condition, checks: checks.value })
    else problems.push(...checks.error.map((p) => ofCondition(condition.text, `line ${condition.line}`, p)))
  }
  return problems.length > 0 ? err(problems) : ok(bound)
}

// ------------------------------------------------------------------ evaluation

/** What became of an evaluation: its job's outcome (only a succeeded one has scores to read), or its skip. */
export type GateEvaluation = Pick<JobOutcome, 'result' | 'output'> | Pick<SkippedEval, 'reason'>
/** Each evaluation of a pass, by its cell's name. */
type Evaluations = ReadonlyMap<string, GateEvaluation>

/** What a reference reads in its cell's evaluation: its metric (else the headline), or why there is none. */
function read(cell: string, evaluation: GateEvaluation | undefined, wanted?: MetricName): Result<number, string> {
  if (!evaluation) return err(`${cell} has no result`)
  if ('reason' in evaluation) return err(`${cell} skipped`)
  if (evaluation.result === 'detached') return err(`${cell} is still running`)
  if (evaluation.result !== 'succeeded') return err(`${cell} ${evaluation.result}`)
  const found = metricOf(evaluationOf(evaluation)?.scores ?? [], wanted)
  return found.ok ? found : err(`${cell}: ${found.error}`)
}

function check(condition: Condition, { subject, cells }: Check, evaluations: Evaluations): GateCheck {
  const values = new Map<Reference, number | null>()
  let missing: string | undefined
  for (const [ref, cell] of cells) {
    const name = cellDisplayName(cell)
    const found = read(name, evaluations.get(name), ref.metric)
    if (!found.ok) missing ??= found.error
    values.set(ref, found.ok ? found.value : null)
  }
  const { left, op, right, margin } = condition
  const compared = typeof right === 'number' ? right : (values.get(right) ?? null)
  const sides = { left: values.get(left) ?? null, right: compared === null ? null : compared + margin }
  const holds = sides.left !== null && sides.right !== null && COMPARE[op](sides.left, sides.right)
  const why = missing === undefined ? {} : { missing }
  return { subject: cellDisplayName(subject), ...sides, holds, ...why, cells: [...cells.values()].map(cellDisplayName) }
}

/** Judges the bound conditions on the final evaluations: `every` needs each check to hold, `any` one. */
export function evaluateGates(bound: BoundCondition[], evaluations: Evaluations): GateOutcome[] {
  return bound.map(({ condition, checks }) => {
    const done = checks.map((c) => check(condition, c, evaluations))
    const passed = condition.quantifier === 'any' ? done.some((c) => c.holds) : done.every((c) => c.holds)
    const summary = gateSummary(condition, done, passed)
    return { condition: condition.text, line: condition.line, passed, checks: done, summary }
  })
}
