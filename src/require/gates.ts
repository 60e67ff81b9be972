/**
 * The `require` conditions, whose language and meaning README § "Metric gates: what the experiment
 * must show" describes. parseRequire reads the input before anything runs, bindGates checks its names
 * against the experiment before anything is submitted, evaluateGates judges the final results.
 */
import { cellDisplayName, type Cell, type Run } from '../experiment/model.js'
import type { GateCheck, GateOutcome, GateValue } from '../report/model.js'
import { headlineMetric } from '../report/results.js'
import { err, ok, type Problem, type Result } from '../result.js'
import type { Score } from '../tools/tool.js'

type Comparison = '>=' | '>' | '<=' | '<' | '==' | '!='
type Span = { start: number; end: number }
/** `runs/task/epoch`, parts left out as the condition does, and `:metric` or `:scorer.metric` if named. */
type Reference = { kind: 'ref'; text: string; segments: string[]; metric?: Metric; span: Span }
type Metric = { scorer?: string; name: string }
type Expression =
  | Reference
  | { kind: 'number'; value: number; span: Span }
  | { kind: 'binary'; op: '+' | '-' | '*'; left: Expression; right: Expression; span: Span }

/** One line of the input: its text without comment or list dash, its 1-based line, what it compares. */
export interface Condition {
  text: string
  line: number
  quantifier: 'every' | 'any'
  left: Expression
  op: Comparison
  right: Expression
}

// ------------------------------------------------------------------ parsing

/** A problem at a 1-based column of one condition's text. */
type Located = Problem & { column: number }

function at(start: number, message: string, hint?: string): Located {
  return { column: start + 1, message, ...(hint ? { hint } : {}) }
}

const MINUS = 'a minus sign needs a space on both sides: control - 0.05'
const minusHint = (text: string): string | undefined => (text.startsWith('-') ? MINUS : undefined)
const OPERAND = 'expected a number, a name or "("'
const CHARACTERS = 'conditions use names, numbers, + - * ( ) and >= > <= < == !='

interface Token {
  kind: 'comparison' | 'operator' | '(' | ')' | 'number' | 'name'
  text: string
  start: number
}

const spanOf = ({ start, text }: Token): Span => ({ start, end: start + text.length })

/** A comparison, an operator or parenthesis, a word (a name, a number or a lone minus), or a bad character. */
const TOKEN = /([<>=!]=|[<>])|([+*()])|([\w.:/-]+)|\S/g
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

function lex(text: string): Result<Token[], Located> {
  const tokens: Token[] = []
  for (const match of text.matchAll(TOKEN)) {
    const [token, comparison, symbol, word] = match
    const start = match.index
    if (token === '=') return err(at(start, 'a single "=" is not a comparison', 'write == to compare for equality'))
    if (comparison) tokens.push({ kind: 'comparison', text: token, start })
    else if (symbol === '(' || symbol === ')') tokens.push({ kind: symbol, text: token, start })
    else if (symbol || word === '-') tokens.push({ kind: 'operator', text: token, start })
    else if (word) tokens.push({ kind: NUMBER.test(word) ? 'number' : 'name', text: token, start })
    else return err(at(start, `unexpected character "${token}"`, CHARACTERS))
  }
  return ok(tokens)
}

function reference(token: Token): Result<Reference, Located> {
  const { text, start } = token
  const colon = text.indexOf(':')
  const segments = (colon < 0 ? text : text.slice(0, colon)).split('/')
  const metricText = colon < 0 ? undefined : text.slice(colon + 1)
  const [, scorer, name] = /^(?:([\w-]+)\.)?([\w-]+)$/.exec(metricText ?? '') ?? []
  if (text.startsWith('-')) return err(at(start, `"${text}" is neither a number nor a name`, MINUS))
  if (segments.includes(''))
    return err(at(start, `"${text}" has an empty part`, 'write run/task/epochN, e.g. lr1e-3/capitalize/epoch1'))
  if (segments.length > 3)
    return err(at(start, `"${text}" has more than three parts`, 'a path is at most run/task/epochN'))
  if (metricText !== undefined && name === undefined) {
    const hint = 'write :metric or :scorer.metric, e.g. :accuracy or :exact_case.accuracy'
    return err(at(start + colon + 1, `"${metricText}" after ":" in "${text}" is not a metric name`, hint))
  }
  const metric = name === undefined ? {} : { metric: scorer === undefined ? { name } : { scorer, name } }
  return ok({ kind: 'ref', text, segments, ...metric, span: spanOf(token) })
}

/** One condition, by recursive descent over its tokens. */
function parseCondition(text: string, line: number): Result<Condition, Located> {
  const lexed = lex(text)
  if (!lexed.ok) return lexed
  const tokens = lexed.value
  const [first, second] = tokens
  // `every` or `any` in front is the quantifier, unless it is what is compared (`any > 0.5`).
  const word = (['every', 'any'] as const).find((q) => q === first?.text)
  const quantifier = second && !['comparison', 'operator'].includes(second.kind) ? word : undefined
  let next = quantifier ? 1 : 0

  function factor(): Result<Expression, Located> {
    const token = tokens[next]
    const before = tokens[next - 1]
    const after = before ? ` after "${before.text}"` : ''
    next++
    if (!token) return err(at(text.length, `${OPERAND}${after}`))
    if (token.kind === 'number') return ok({ kind: 'number', value: Number(token.text), span: spanOf(token) })
    if (token.kind === 'name') return reference(token)
    if (token.kind !== '(') return err(at(token.start, `${OPERAND}${after}, not "${token.text}"`))
    const inner = sum()
    const close = tokens[next++]
    if (!inner.ok || close?.kind === ')') return inner
    return err(at(close?.start ?? text.length, `expected ")" to close the "(" at column ${token.start + 1}`))
  }
  /** `operand (operator operand)*`, grouped from the left. */
  function chain(operators: readonly ('+' | '-' | '*')[], operand: () => Result<Expression, Located>) {
    const operator = () => operators.find((o) => o === tokens[next]?.text)
    let left = operand()
    for (let op = operator(); left.ok && op; op = operator()) {
      next++
      const right = operand()
      if (!right.ok) return right
      const span = { start: left.value.span.start, end: right.value.span.end }
      left = ok({ kind: 'binary', op, left: left.value, right: right.value, span })
    }
    return left
  }
  const product = (): Result<Expression, Located> => chain(['*'], factor)
  const sum = (): Result<Expression, Located> => chain(['+', '-'], product)

  const left = sum()
  if (!left.ok) return left
  const comparison = tokens[next++]
  if (!comparison) {
    const message = 'a condition compares two sides: the comparison is missing'
    return err(at(text.length, message, 'e.g. fine-tuned > control'))
  }
  if (comparison.kind !== 'comparison') {
    const message = `expected a comparison (>= > <= < == !=) or an operator before "${comparison.text}"`
    return err(at(comparison.start, message, minusHint(comparison.text)))
  }
  const right = sum()
  if (!right.ok) return right
  const rest = tokens[next]
  if (rest?.kind === 'comparison')
    return err(at(rest.start, 'one comparison per condition: write each on its own line'))
  if (rest) return err(at(rest.start, `unexpected "${rest.text}" after the condition`, minusHint(rest.text)))
  const op = comparison.text as Comparison
  const condition = { text, line, quantifier: quantifier ?? 'every', left: left.value, op, right: right.value }
  if (referencesOf(condition).length === 0)
    return err(at(0, 'the condition reads no result', 'name a task, a run, fine-tuned or control'))
  return ok(condition)
}

/** The input, one condition a line; each bad line is a problem naming the condition, its line and column. */
export function parseRequire(input: string): Result<Condition[], Problem[]> {
  const conditions: Condition[] = []
  const problems: Problem[] = []
  for (const [index, raw] of input.split(/\r?\n/).entries()) {
    const uncommented = raw.split('#', 1)[0] ?? ''
    const dash = /^\s*- /.exec(uncommented)?.[0].length ?? 0
    const body = uncommented.slice(dash)
    const text = body.trim()
    if (text === '') continue
    const parsed = parseCondition(text, index + 1)
    if (parsed.ok) {
      conditions.push(parsed.value)
      continue
    }
    const { column, message, hint } = parsed.error
    const where = `line ${index + 1}, column ${dash + body.length - body.trimStart().length + column}`
    problems.push({ field: 'require', message: `"${text}" (${where}): ${message}`, ...(hint ? { hint } : {}) })
  }
  return problems.length > 0 ? err(problems) : ok(conditions)
}

/** Every reference of an expression, or of both sides of a condition, left to right. */
function referencesOf(e: Expression | Pick<Condition, 'left' | 'right'>): Reference[] {
  if (!('kind' in e) || e.kind === 'binary') return [...referencesOf(e.left), ...referencesOf(e.right)]
  return e.kind === 'ref' ? [e] : []
}

// ------------------------------------------------------------------ binding names to the experiment

/** An experiment's runs (their types and models pair subjects with controls) and evaluation cells. */
export interface GatePlan {
  runs: Pick<Run, 'name' | 'type' | 'model'>[]
  cells: Cell[]
}

/** A condition with its checks: one per subject cell (and per control, when a model has several). */
export interface BoundCondition {
  condition: Condition
  checks: BoundCheck[]
}
/** The cell a check is about, and the cell each reference reads, left to right. */
type BoundCheck = { subject: Cell; cells: Map<Reference, Cell> }

/** What a reference names: runs (a role or a run; absent, every run but the controls), a task, an epoch. */
type Resolved = { ref: Reference; runs?: string; task?: string; epoch?: number | 'last' }

const ROLES = ['fine-tuned', 'control']

function resolve(ref: Reference, plan: GatePlan): Result<Resolved> {
  const runNames = new Set(plan.runs.map((r) => r.name))
  const taskNames = new Set(plan.cells.map((c) => c.task))
  const out: Resolved = { ref }
  let slot = 0 // the first part a segment may still fill: 0 runs, 1 task, 2 epoch
  for (const [i, segment] of ref.segments.entries()) {
    const isRun = ROLES.includes(segment) || runNames.has(segment)
    const isTask = taskNames.has(segment) && !ROLES.includes(segment)
    const epoch = segment === 'last' ? segment : /^epoch(\d+)$/.exec(segment)?.[1]
    const taskFollows = ref.segments.slice(i + 1).some((s) => taskNames.has(s))
    if (slot === 0 && isRun && (!isTask || taskFollows)) {
      out.runs = segment
      slot = 1
    } else if (slot === 0 && isRun && isTask && i === ref.segments.length - 1) {
      const write = `write ${segment}/<task> for the run, fine-tuned/${segment} for the task`
      return err({ message: `"${segment}" names both a run and a task: ${write}` })
    } else if (slot <= 1 && isTask) {
      out.task = segment
      slot = 2
    } else if (slot <= 2 && epoch !== undefined) {
      out.epoch = epoch === 'last' ? epoch : Number(epoch)
      slot = 3
    } else if (isRun || isTask || epoch !== undefined) {
      return err({ message: `"${segment}" is out of place in "${ref.text}": the order is runs/task/epoch` })
    } else {
      const runs = [...runNames].slice(0, 8).join(', ') || 'none'
      const tasks = [...taskNames].slice(0, 8).join(', ') || 'none'
      const known = `fine-tuned, control, a run (${runs}), an evaluated task (${tasks}), epochN or last`
      return err({ message: `"${segment}" is not ${known}` })
    }
  }
  return ok(out)
}

const epochsOf = (plan: GatePlan, run: string, task: string): (number | null)[] =>
  plan.cells.filter((c) => c.run === run && c.task === task).map((c) => c.epoch)

function lastEpoch(epochs: (number | null)[]): number | null | undefined {
  const numbers = epochs.filter((e) => e !== null)
  return numbers.length > 0 ? Math.max(...numbers) : epochs.length > 0 ? null : undefined
}

/** The cells the subject reference ranges over. */
function subjects(subject: Resolved, plan: GatePlan): Cell[] {
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

/** Without an epoch of its own, a reference reads the subject's epoch, else the base model, else the last. */
function epochFor(r: Resolved, run: string, task: string, subject: Cell, plan: GatePlan): number | null | undefined {
  const epochs = epochsOf(plan, run, task)
  if (r.epoch !== undefined) return r.epoch === 'last' ? lastEpoch(epochs) : r.epoch
  if ((run === subject.run && task === subject.task) || epochs.includes(subject.epoch)) return subject.epoch
  return epochs.includes(null) ? null : lastEpoch(epochs)
}

/** The cells another reference reads for one subject cell: `control` reads each control of the same model. */
function relative(r: Resolved, subject: Cell, plan: GatePlan): Result<Cell[]> {
  const own = new Map(plan.runs.map((run) => [run.name, run])).get(subject.run)
  let runs = [r.runs === undefined || ROLES.includes(r.runs) ? subject.run : r.runs]
  if (r.runs === 'control' && own?.type !== 'control') {
    runs = plan.runs.filter((run) => run.type === 'control' && run.model === own?.model).map((run) => run.name)
    const model = own?.model !== undefined ? `model ${own.model}` : 'the same (unnamed) model'
    if (runs.length === 0) return err({ message: `no control run of ${model} to compare ${subject.run} with` })
  }
  const task = r.task ?? subject.task
  const cells: Cell[] = []
  for (const run of runs) {
    const epoch = epochFor(r, run, task, subject, plan)
    const cell = plan.cells.find((c) => c.run === run && c.task === task && c.epoch === epoch)
    if (!cell) {
      const where = epoch === undefined || epoch === null ? `on ${task}` : `on ${task} at epoch ${epoch}`
      const needed = `needed for ${cellDisplayName(subject)}`
      return err({ message: `run ${run} is not evaluated ${where} (evaluation.matrix), ${needed}` })
    }
    cells.push(cell)
  }
  return ok(cells)
}

/** For each subject cell, every combination of the cells the references read (one per control). */
function checksOf(subject: Resolved, all: Resolved[], plan: GatePlan): Result<BoundCheck[]> {
  const checks: BoundCheck[] = []
  for (const cell of subjects(subject, plan)) {
    let combinations = [new Map<Reference, Cell>()]
    for (const r of all) {
      const read = r === subject ? ok([cell]) : relative(r, cell, plan)
      if (!read.ok) return read
      combinations = combinations.flatMap((m) => read.value.map((c) => new Map(m).set(r.ref, c)))
    }
    checks.push(...combinations.map((cells) => ({ subject: cell, cells })))
  }
  return ok(checks)
}

/** Checks each condition's names against the experiment and lists, for each check, the cells it will read. */
export function bindGates(conditions: Condition[], plan: GatePlan): Result<BoundCondition[], Problem[]> {
  const problems: Problem[] = []
  const bound: BoundCondition[] = []
  for (const condition of conditions) {
    const refuse = ({ message, hint }: Problem): void => {
      const located = `"${condition.text}" (line ${condition.line}): ${message}`
      problems.push({ field: 'require', message: located, ...(hint ? { hint } : {}) })
    }
    const resolved: Resolved[] = []
    for (const ref of referencesOf(condition)) {
      const r = resolve(ref, plan)
      if (r.ok) resolved.push(r.value)
      else refuse(r.error)
    }
    // The subject is the first reference that is not `control` (a parsed condition has one reference at least).
    const subject = resolved.find((r) => r.runs !== 'control') ?? resolved[0]
    if (!subject || resolved.length < referencesOf(condition).length) continue
    const checks = checksOf(subject, resolved, plan)
    if (!checks.ok) refuse(checks.error)
    else if (checks.value.length > 0) bound.push({ condition, checks: checks.value })
    else {
      const hint = 'the evaluation matrix of experiment_summary.yaml lists what is evaluated'
      refuse({ message: `"${subject.ref.text}" matches no evaluation of the experiment`, hint })
    }
  }
  return problems.length > 0 ? err(problems) : ok(bound)
}

// ------------------------------------------------------------------ evaluation

/** One planned evaluation and what became of it; only `succeeded` ones have scores to read. */
export type GateEvaluation = Cell & {
  outcome: 'succeeded' | 'failed' | 'skipped' | 'running' | 'not-run'
  scores: Score[]
}

/** What a reference reads in its cell's result: its metric (else the headline), or why there is none. */
function read(cell: string, result: GateEvaluation | undefined, wanted?: Metric): Result<GateValue, string> {
  if (result?.outcome !== 'succeeded') {
    const outcome = result?.outcome ?? 'not-run'
    const why = outcome === 'not-run' ? 'has no result' : outcome === 'running' ? 'is still running' : outcome
    return err(`${cell} ${why}`)
  }
  if (!wanted) {
    const headline = headlineMetric(result)
    return headline ? ok({ cell, metric: headline.name, value: headline.value }) : err(`${cell}: no metric`)
  }
  for (const score of result.scores) {
    const value = score.metrics[wanted.name]
    if ((wanted.scorer === undefined || score.name === wanted.scorer) && value !== undefined)
      return ok({ cell, metric: `${score.name}.${wanted.name}`, value })
  }
  const name = wanted.scorer === undefined ? wanted.name : `${wanted.scorer}.${wanted.name}`
  const known = result.scores.flatMap((s) => Object.keys(s.metrics).map((m) => `${s.name}.${m}`))
  return err(`${cell}: no metric ${name} (it has ${known.join(', ') || 'none'})`)
}

/** Comparisons allow a rounding slack. */
const SLACK = 1e-9
const COMPARE: Record<Comparison, (a: number, b: number) => boolean> = {
  '>=': (a, b) => a >= b - SLACK,
  '>': (a, b) => a > b + SLACK,
  '<=': (a, b) => a <= b + SLACK,
  '<': (a, b) => a < b - SLACK,
  '==': (a, b) => Math.abs(a - b) <= SLACK,
  '!=': (a, b) => Math.abs(a - b) > SLACK,
}

function check(condition: Condition, { subject, cells }: BoundCheck, results: Map<string, GateEvaluation>): GateCheck {
  const values = new Map<Reference, GateValue>()
  let missing: string | undefined
  for (const [ref, cell] of cells) {
    const name = cellDisplayName(cell)
    const found = read(name, results.get(name), ref.metric)
    if (!found.ok) missing ??= found.error
    values.set(ref, found.ok ? found.value : { cell: name, metric: ref.metric?.name ?? 'headline', value: null })
  }
  const valueOf = (e: Expression): number | null => {
    if (e.kind !== 'binary') return e.kind === 'number' ? e.value : (values.get(e)?.value ?? null)
    const a = valueOf(e.left)
    const b = valueOf(e.right)
    if (a === null || b === null) return null
    return e.op === '+' ? a + b : e.op === '-' ? a - b : a * b
  }
  const left = valueOf(condition.left)
  const right = valueOf(condition.right)
  const holds = left !== null && right !== null && COMPARE[condition.op](left, right)
  const why = missing === undefined ? {} : { missing }
  return { subject: cellDisplayName(subject), left, right, holds, ...why, values: [...values.values()] }
}

/** A value as the summary shows it: at most four decimals. */
function formatValue(v: number | null): string {
  if (v === null) return 'n/a'
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 10_000) / 10_000)
}

function describe(condition: Condition, check: GateCheck): string {
  if (check.missing !== undefined) return `${check.subject}: ${check.missing}`
  const others = new Set(check.values.map((v) => v.cell).filter((cell) => cell !== check.subject))
  const against = others.size > 0 ? ` (${[...others].join(', ')})` : ''
  const verb = check.holds ? condition.op : `is not ${condition.op}`
  return `${check.subject}: ${formatValue(check.left)} ${verb} ${formatValue(check.right)}${against}`
}

/** Judges the bound conditions on the final results: `every` needs each check to hold, `any` one. */
export function evaluateGates(bound: BoundCondition[], evaluations: GateEvaluation[]): GateOutcome[] {
  const results = new Map(evaluations.map((e) => [cellDisplayName(e), e]))
  return bound.map(({ condition, checks }) => {
    const done = checks.map((c) => check(condition, c, results))
    const holding = done.filter((c) => c.holds)
    const failing = done.filter((c) => !c.holds)
    const passed = condition.quantifier === 'any' ? holding.length > 0 : failing.length === 0
    const shown = (list: GateCheck[]): string => {
      const first = list.slice(0, 3).map((c) => describe(condition, c))
      return first.join('; ') + (list.length > 3 ? `; and ${list.length - 3} more` : '')
    }
    const summary =
      condition.quantifier === 'any'
        ? passed
          ? `${holding.length} of ${done.length} hold, e.g. ${shown(holding.slice(0, 1))}`
          : `none of ${done.length} holds: ${shown(done)}`
        : passed
          ? `all ${done.length} hold: ${shown(done)}`
          : `${failing.length} of ${done.length} do not hold: ${shown(failing)}`
    return { condition: condition.text, line: condition.line, passed, checks: done, summary }
  })
}
