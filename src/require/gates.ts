/**
 * Metric gates: the `require` input. Each line is a condition on the experiment's evaluation
 * results, checked after the last phase; a condition that does not hold fails the status check
 * (through `fail-on`), so the check says whether the experiment answered its question, not only
 * whether its jobs ran.
 *
 *   require: |
 *     fine-tuned > control              # every fine-tuned run, task and epoch beats its own control
 *     capitalize >= 0.8                 # every non-control run's score on task capitalize
 *     cap_ood >= control + 0.05         # a margin over the control on task cap_ood
 *     any lr1e-3/capitalize/last:exact_case.accuracy >= 0.9
 *
 * The language, line by line (blank lines and `# comments` are ignored, a leading `- ` too):
 *
 *   condition  := [every | any] expression comparison expression
 *   comparison := >= | > | <= | < | == | !=
 *   expression := term (+ term | - term)*        term := factor (* factor)*
 *   factor     := number | reference | ( expression )
 *   reference  := path [: [scorer.] metric]      path := segment [/ segment [/ segment]]
 *
 * A path names, in this order, the runs (`fine-tuned`, `control` or a run name), a task and an
 * epoch (`epochN`, 0-based like the checkpoint directories, or `last`); any part may be left out.
 * Names are those of experiment_summary.yaml, which allows `-` and `.` in them, so a minus sign
 * needs spaces around it (`control - 0.05`); `+` and `*` do not. Without `:metric` a reference
 * is the task's headline score (the first scorer's accuracy, else mean, else its first metric).
 *
 * Meaning: the first reference that is not `control` (else the first) is the subject; the
 * condition is checked once for each evaluation cell it names — `fine-tuned`: every fine-tuned
 * run's cells; a bare task: the cells of every run that is not a control; a run name: that run's
 * cells — narrowed by its task and epoch. The other references are read relative to each
 * subject cell: `control` is the control run of the same base model (`model:`) on the same task
 * (a task or epoch they name replaces the subject's); a named run is compared at the same epoch.
 * `every` (the default) needs every check to hold, `any` at least one. A check whose result is
 * missing (the evaluation failed, was skipped, or lacks the metric) does not hold: a gate never
 * passes on results that are not there. Comparisons allow a rounding slack of 1e-9.
 *
 * parseRequire (syntax, before anything runs) -> bindGates (names against the experiment's plan,
 * before anything is submitted) -> evaluateGates (the final results).
 */
import { z } from 'zod'
import { cellDisplayName } from '../experiment/model.js'
import { RUN_TYPES } from '../experiment/schema.js'
import { err, ok, type Problem, type Result } from '../result.js'
import { ScoreSchema } from '../tools/tool.js'
import type { GateCheck, GateOutcome, GateValue } from '../report/model.js'
import { headlineMetric } from '../report/results.js'

// ------------------------------------------------------------------ the AST

const SpanSchema = z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() })

export const MetricNameSchema = z.object({ scorer: z.string().optional(), name: z.string().min(1) })

export const NumberNodeSchema = z.object({ kind: z.literal('number'), value: z.number(), span: SpanSchema })

export const ReferenceNodeSchema = z.object({
  kind: z.literal('ref'),
  /** The text as written, e.g. `control/cap_ood:accuracy`. */
  text: z.string(),
  /** One to three `/`-separated names: runs, task, epoch (classified against the experiment). */
  segments: z.array(z.string().min(1)).min(1).max(3),
  metric: MetricNameSchema.optional(),
  span: SpanSchema,
})

export const OPERATORS = ['+', '-', '*'] as const
export const COMPARISONS = ['>=', '>', '<=', '<', '==', '!='] as const

export const BinaryNodeSchema = z.object({
  kind: z.literal('binary'),
  op: z.enum(OPERATORS),
  get left(): z.ZodType<ExpressionNode> {
    return ExpressionNodeSchema
  },
  get right(): z.ZodType<ExpressionNode> {
    return ExpressionNodeSchema
  },
  span: SpanSchema,
})

export type NumberNode = z.infer<typeof NumberNodeSchema>
export type ReferenceNode = z.infer<typeof ReferenceNodeSchema>
export interface BinaryNode {
  kind: 'binary'
  op: (typeof OPERATORS)[number]
  left: ExpressionNode
  right: ExpressionNode
  span: { start: number; end: number }
}
export type ExpressionNode = NumberNode | ReferenceNode | BinaryNode

export const ExpressionNodeSchema: z.ZodType<ExpressionNode> = z.discriminatedUnion('kind', [
  NumberNodeSchema,
  ReferenceNodeSchema,
  BinaryNodeSchema,
])

export const ConditionSchema = z.object({
  /** The condition as written (trimmed, without comment or list dash). */
  text: z.string(),
  /** 1-based line of the `require` input. */
  line: z.number().int().positive(),
  quantifier: z.enum(['every', 'any']),
  left: ExpressionNodeSchema,
  op: z.enum(COMPARISONS),
  right: ExpressionNodeSchema,
})
export type Condition = z.infer<typeof ConditionSchema>
export type Comparison = Condition['op']

// ------------------------------------------------------------------ typed inputs

/** A run as the gates see it: its type decides `fine-tuned`/`control`, its model pairs controls. */
export const GateRunSchema = z.object({
  name: z.string(),
  type: z.enum(RUN_TYPES),
  model: z.string().optional(),
})
/** One planned evaluation: a run's checkpoint (epoch, 0-based) or base model (null) on a task. */
export const GateCellSchema = z.object({
  run: z.string(),
  task: z.string(),
  epoch: z.number().int().nonnegative().nullable(),
})
export const GatePlanSchema = z.object({ runs: z.array(GateRunSchema), cells: z.array(GateCellSchema) })

/** A scorer's metrics, as the evaluation tool modules return them. */
export const GateScoreSchema = ScoreSchema
/** The result of one evaluation cell; only `succeeded` ones carry scores a gate can use. */
export const GateEvaluationSchema = GateCellSchema.extend({
  outcome: z.enum(['succeeded', 'failed', 'skipped', 'running', 'not-run']),
  scores: z.array(GateScoreSchema),
})

export type GateRun = z.infer<typeof GateRunSchema>
export type GateCell = z.infer<typeof GateCellSchema>
export type GatePlan = z.infer<typeof GatePlanSchema>
export type GateScore = z.infer<typeof GateScoreSchema>
export type GateEvaluation = z.infer<typeof GateEvaluationSchema>

// ------------------------------------------------------------------ parsing

interface Token {
  kind: 'word' | 'number' | 'op' | 'cmp' | 'lparen' | 'rparen'
  text: string
  start: number
  end: number
}

class SyntaxProblem {
  constructor(
    readonly column: number,
    readonly message: string,
    readonly hint?: string,
  ) {}
}

const WORD = /[A-Za-z0-9_.:/-]/
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/
const NAME = /^[A-Za-z0-9_.-]+$/

function lex(text: string): Token[] | SyntaxProblem {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text.charAt(i)
    if (/\s/.test(c)) {
      i++
      continue
    }
    const two = text.slice(i, i + 2)
    if (two === '>=' || two === '<=' || two === '==' || two === '!=') {
      tokens.push({ kind: 'cmp', text: two, start: i, end: i + 2 })
      i += 2
      continue
    }
    if (c === '>' || c === '<') {
      tokens.push({ kind: 'cmp', text: c, start: i, end: i + 1 })
      i++
      continue
    }
    if (c === '=') return new SyntaxProblem(i, 'a single "=" is not a comparison', 'write == to compare for equality')
    if (c === '+' || c === '*') {
      tokens.push({ kind: 'op', text: c, start: i, end: i + 1 })
      i++
      continue
    }
    if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen', text: c, start: i, end: i + 1 })
      i++
      continue
    }
    if (WORD.test(c)) {
      let j = i
      while (j < text.length && WORD.test(text.charAt(j))) j++
      const word = text.slice(i, j)
      if (word === '-') tokens.push({ kind: 'op', text: '-', start: i, end: j })
      else tokens.push({ kind: NUMBER.test(word) ? 'number' : 'word', text: word, start: i, end: j })
      i = j
      continue
    }
    return new SyntaxProblem(
      i,
      `unexpected character "${c}"`,
      'conditions use names, numbers, + - * ( ) and >= > <= < == !=',
    )
  }
  return tokens
}

function reference(tok: Token): ReferenceNode | SyntaxProblem {
  const colon = tok.text.indexOf(':')
  const path = colon < 0 ? tok.text : tok.text.slice(0, colon)
  const metricText = colon < 0 ? undefined : tok.text.slice(colon + 1)
  if (tok.text.startsWith('-'))
    return new SyntaxProblem(
      tok.start,
      `"${tok.text}" is neither a number nor a name`,
      'a minus sign needs a space on both sides: control - 0.05',
    )
  const segments = path.split('/')
  if (path === '' || segments.some((s) => s === ''))
    return new SyntaxProblem(
      tok.start,
      `"${tok.text}" has an empty part`,
      'write run/task/epochN, e.g. lr1e-3/capitalize/epoch1',
    )
  if (segments.length > 3)
    return new SyntaxProblem(tok.start, `"${tok.text}" has more than three parts`, 'a path is at most run/task/epochN')
  const bad = segments.find((s) => !NAME.test(s))
  if (bad !== undefined)
    return new SyntaxProblem(
      tok.start,
      `"${bad}" in "${tok.text}" is not a name`,
      'names use letters, digits, _ . and -',
    )
  let metric: z.infer<typeof MetricNameSchema> | undefined
  if (metricText !== undefined) {
    const parts = metricText.split('.')
    if (metricText === '' || parts.length > 2 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p)))
      return new SyntaxProblem(
        tok.start + colon + 1,
        `"${metricText}" after ":" in "${tok.text}" is not a metric name`,
        'write :metric or :scorer.metric, e.g. :accuracy or :exact_case.accuracy',
      )
    metric = parts.length === 2 ? { scorer: parts[0] ?? '', name: parts[1] ?? '' } : { name: metricText }
  }
  return {
    kind: 'ref',
    text: tok.text,
    segments,
    ...(metric ? { metric } : {}),
    span: { start: tok.start, end: tok.end },
  }
}

class Parser {
  private i = 0
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.i]
  }
  private end(): number {
    return this.tokens[this.tokens.length - 1]?.end ?? 0
  }

  condition(text: string, line: number): Condition | SyntaxProblem {
    let quantifier: Condition['quantifier'] = 'every'
    const first = this.peek()
    const second = this.tokens[this.i + 1]
    if (
      first?.kind === 'word' &&
      (first.text === 'any' || first.text === 'every') &&
      second &&
      second.kind !== 'cmp' &&
      second.kind !== 'op'
    ) {
      quantifier = first.text
      this.i++
    }
    const left = this.expression()
    if (left instanceof SyntaxProblem) return left
    const cmp = this.peek()
    if (!cmp)
      return new SyntaxProblem(
        this.end(),
        'a condition compares two sides: the comparison is missing',
        'e.g. fine-tuned > control',
      )
    if (cmp.kind !== 'cmp')
      return new SyntaxProblem(
        cmp.start,
        `expected a comparison (>= > <= < == !=) or an operator before "${cmp.text}"`,
        cmp.text.startsWith('-') ? 'a minus sign needs a space on both sides: control - 0.05' : undefined,
      )
    this.i++
    const right = this.expression()
    if (right instanceof SyntaxProblem) return right
    const rest = this.peek()
    if (rest)
      return new SyntaxProblem(
        rest.start,
        rest.kind === 'cmp'
          ? 'one comparison per condition: write each on its own line'
          : `unexpected "${rest.text}" after the condition`,
        rest.text.startsWith('-') ? 'a minus sign needs a space on both sides: control - 0.05' : undefined,
      )
    const condition: Condition = { text, line, quantifier, left, op: cmp.text as Comparison, right }
    if (references(condition).length === 0)
      return new SyntaxProblem(0, 'the condition reads no result', 'name a task, a run, fine-tuned or control')
    return condition
  }

  private expression(): ExpressionNode | SyntaxProblem {
    let left = this.term()
    if (left instanceof SyntaxProblem) return left
    for (let t = this.peek(); t?.kind === 'op' && (t.text === '+' || t.text === '-'); t = this.peek()) {
      this.i++
      const right = this.term()
      if (right instanceof SyntaxProblem) return right
      left = { kind: 'binary', op: t.text, left, right, span: { start: left.span.start, end: right.span.end } }
    }
    return left
  }

  private term(): ExpressionNode | SyntaxProblem {
    let left = this.factor()
    if (left instanceof SyntaxProblem) return left
    for (let t = this.peek(); t?.kind === 'op' && t.text === '*'; t = this.peek()) {
      this.i++
      const right = this.factor()
      if (right instanceof SyntaxProblem) return right
      left = { kind: 'binary', op: '*', left, right, span: { start: left.span.start, end: right.span.end } }
    }
    return left
  }

  private factor(): ExpressionNode | SyntaxProblem {
    const t = this.peek()
    const before = this.tokens[this.i - 1]
    const after = before ? ` after "${before.text}"` : ''
    if (!t) return new SyntaxProblem(this.end(), `expected a number, a name or "("${after}`)
    if (t.kind === 'number') {
      this.i++
      return { kind: 'number', value: Number(t.text), span: { start: t.start, end: t.end } }
    }
    if (t.kind === 'word') {
      this.i++
      return reference(t)
    }
    if (t.kind === 'lparen') {
      this.i++
      const inner = this.expression()
      if (inner instanceof SyntaxProblem) return inner
      const close = this.peek()
      if (close?.kind !== 'rparen')
        return new SyntaxProblem(close?.start ?? this.end(), `expected ")" to close the "(" at column ${t.start + 1}`)
      this.i++
      return inner
    }
    return new SyntaxProblem(t.start, `expected a number, a name or "("${after}, not "${t.text}"`)
  }
}

/**
 * Parses the `require` input: one condition per line. Every bad line is a problem naming the
 * input, the line, the column and the condition as written.
 */
export function parseRequire(input: string): Result<Condition[], Problem[]> {
  const conditions: Condition[] = []
  const problems: Problem[] = []
  input.split(/\r?\n/).forEach((raw, index) => {
    const hash = raw.indexOf('#')
    let body = hash < 0 ? raw : raw.slice(0, hash)
    let offset = 0
    const dash = /^\s*- /.exec(body)
    if (dash) {
      offset = dash[0].length
      body = body.slice(offset)
    }
    const lead = body.length - body.trimStart().length
    const text = body.trim()
    if (text === '') return
    offset += lead
    const tokens = lex(text)
    const parsed = tokens instanceof SyntaxProblem ? tokens : new Parser(tokens).condition(text, index + 1)
    if (parsed instanceof SyntaxProblem) {
      problems.push({
        field: 'require',
        message: `"${text}" (line ${index + 1}, column ${offset + parsed.column + 1}): ${parsed.message}`,
        ...(parsed.hint ? { hint: parsed.hint } : {}),
      })
      return
    }
    conditions.push(parsed)
  })
  return problems.length > 0 ? err(problems) : ok(conditions)
}

/** Every reference of a condition, left to right. */
export function references(c: Pick<Condition, 'left' | 'right'>): ReferenceNode[] {
  const out: ReferenceNode[] = []
  const walk = (e: ExpressionNode): void => {
    if (e.kind === 'ref') out.push(e)
    else if (e.kind === 'binary') {
      walk(e.left)
      walk(e.right)
    }
  }
  walk(c.left)
  walk(c.right)
  return out
}

// ------------------------------------------------------------------ binding names to the plan

type RunsSpec = { kind: 'fine-tuned' } | { kind: 'control' } | { kind: 'subject' } | { kind: 'run'; name: string }

interface Resolved {
  node: ReferenceNode
  runs: RunsSpec
  task?: string
  epoch?: number | 'last'
}

/** A condition with, for each check, the planned cell every reference reads. */
export interface BoundCondition {
  condition: Condition
  checks: { subject: GateCell; cells: Map<ReferenceNode, GateCell> }[]
}

const EPOCH = /^epoch(\d+)$/

function resolve(node: ReferenceNode, plan: GatePlan): Resolved | string {
  const runNames = new Set(plan.runs.map((r) => r.name))
  const taskNames = new Set(plan.cells.map((c) => c.task))
  const out: Resolved = { node, runs: { kind: 'subject' } }
  let slot = 0
  for (const [i, seg] of node.segments.entries()) {
    const isRole = seg === 'fine-tuned' || seg === 'control'
    const isRun = isRole || runNames.has(seg)
    const isTask = taskNames.has(seg) && !isRole
    const isEpoch = EPOCH.test(seg) || seg === 'last'
    const laterTask = node.segments.slice(i + 1).some((s) => taskNames.has(s))
    if (slot === 0 && isRun && (!isTask || laterTask)) {
      out.runs = seg === 'fine-tuned' || seg === 'control' ? { kind: seg } : { kind: 'run', name: seg }
      slot = 1
    } else if (slot === 0 && isRun && isTask && i === node.segments.length - 1) {
      return `"${seg}" names both a run and a task: write ${seg}/<task> for the run, fine-tuned/${seg} for the task`
    } else if (slot <= 1 && isTask) {
      out.task = seg
      slot = 2
    } else if (slot <= 2 && isEpoch) {
      const m = EPOCH.exec(seg)
      out.epoch = m ? Number(m[1]) : 'last'
      slot = 3
    } else if (isRun || isTask || isEpoch) {
      return `"${seg}" is out of place in "${node.text}": the order is runs/task/epoch`
    } else {
      const known = [...runNames].slice(0, 8).join(', ')
      const tasks = [...taskNames].slice(0, 8).join(', ')
      return (
        `"${seg}" is not fine-tuned, control, a run (${known || 'none'}), ` +
        `an evaluated task (${tasks || 'none'}), epochN or last`
      )
    }
  }
  return out
}

function lastEpoch(plan: GatePlan, run: string, task: string): number | null | undefined {
  const epochs = plan.cells.filter((c) => c.run === run && c.task === task).map((c) => c.epoch)
  if (epochs.length === 0) return undefined
  const numbers = epochs.filter((e): e is number => e !== null)
  return numbers.length > 0 ? Math.max(...numbers) : null
}

/** The cells the subject reference ranges over. */
function subjects(r: Resolved, plan: GatePlan): GateCell[] {
  const types = new Map(plan.runs.map((run) => [run.name, run.type]))
  return plan.cells.filter((c) => {
    const type = types.get(c.run)
    const runOk =
      r.runs.kind === 'fine-tuned'
        ? type === 'fine-tuned'
        : r.runs.kind === 'control'
          ? type === 'control'
          : r.runs.kind === 'subject'
            ? type !== undefined && type !== 'control'
            : c.run === r.runs.name
    if (!runOk || (r.task !== undefined && c.task !== r.task)) return false
    if (r.epoch === 'last') return c.epoch === lastEpoch(plan, c.run, c.task)
    return r.epoch === undefined || c.epoch === r.epoch
  })
}

/** The cells a non-subject reference reads for one subject cell (several when several controls match). */
function relative(r: Resolved, subject: GateCell, plan: GatePlan): GateCell[] | string {
  const runs = new Map(plan.runs.map((run) => [run.name, run]))
  const own = runs.get(subject.run)
  let names: string[]
  if (r.runs.kind === 'control') {
    if (own?.type === 'control') names = [subject.run]
    else {
      names = plan.runs.filter((x) => x.type === 'control' && x.model === own?.model).map((x) => x.name)
      if (names.length === 0) {
        const model = own?.model !== undefined ? `model ${own.model}` : 'the same (unnamed) model'
        return `no control run of ${model} to compare ${subject.run} with`
      }
    }
  } else if (r.runs.kind === 'run') names = [r.runs.name]
  else names = [subject.run]
  const task = r.task ?? subject.task
  const out: GateCell[] = []
  for (const name of names) {
    let epoch: number | null | undefined
    if (r.epoch === 'last') epoch = lastEpoch(plan, name, task)
    else if (r.epoch !== undefined) epoch = r.epoch
    else if (name === subject.run && task === subject.task) epoch = subject.epoch
    else {
      const cells = plan.cells.filter((c) => c.run === name && c.task === task)
      epoch = cells.some((c) => c.epoch === subject.epoch)
        ? subject.epoch
        : cells.some((c) => c.epoch === null)
          ? null
          : lastEpoch(plan, name, task)
    }
    const cell = plan.cells.find((c) => c.run === name && c.task === task && c.epoch === epoch)
    if (!cell) {
      const what = epoch === undefined || epoch === null ? `on ${task}` : `on ${task} at epoch ${epoch}`
      return `run ${name} is not evaluated ${what} (evaluation.matrix), needed for ${cellDisplayName(subject)}`
    }
    out.push(cell)
  }
  return out
}

/**
 * Checks every name of every condition against the experiment (runs, tasks, epochs, a control for
 * every fine-tuned run it is compared with) and lists, for each check, the cells it will read.
 * Problems name the condition; nothing has been submitted yet.
 */
export function bindGates(conditions: Condition[], plan: GatePlan): Result<BoundCondition[], Problem[]> {
  const problems: Problem[] = []
  const bound: BoundCondition[] = []
  for (const condition of conditions) {
    const problem = (message: string, hint?: string): void => {
      problems.push({
        field: 'require',
        message: `"${condition.text}" (line ${condition.line}): ${message}`,
        ...(hint ? { hint } : {}),
      })
    }
    const resolved: Resolved[] = []
    for (const node of references(condition)) {
      const r = resolve(node, plan)
      if (typeof r === 'string') problem(r)
      else resolved.push(r)
    }
    if (resolved.length !== references(condition).length) continue
    const subjectRef = resolved.find((r) => r.runs.kind !== 'control') ?? resolved[0]
    if (!subjectRef) continue
    const cells = subjects(subjectRef, plan)
    if (cells.length === 0) {
      problem(
        `"${subjectRef.node.text}" matches no evaluation of the experiment`,
        'the evaluation matrix of experiment_summary.yaml lists what is evaluated',
      )
      continue
    }
    const checks: BoundCondition['checks'] = []
    let failed = false
    for (const subject of cells) {
      let combos = [new Map<ReferenceNode, GateCell>()]
      for (const r of resolved) {
        const read = r === subjectRef ? [subject] : relative(r, subject, plan)
        if (typeof read === 'string') {
          problem(read)
          failed = true
          break
        }
        combos = combos.flatMap((m) => read.map((cell) => new Map(m).set(r.node, cell)))
      }
      if (failed) break
      for (const m of combos) checks.push({ subject, cells: m })
    }
    if (!failed) bound.push({ condition, checks })
  }
  return problems.length > 0 ? err(problems) : ok(bound)
}

// ------------------------------------------------------------------ evaluation

function metricOf(
  scores: GateScore[],
  wanted: ReferenceNode['metric'],
): { name: string; value: number } | { missing: string } {
  if (!wanted) return headlineMetric({ scores }) ?? { missing: 'no metric' }
  for (const s of scores) {
    if (wanted.scorer !== undefined && s.name !== wanted.scorer) continue
    const v = s.metrics[wanted.name]
    if (v !== undefined) return { name: `${s.name}.${wanted.name}`, value: v }
  }
  const known = scores.flatMap((s) => Object.keys(s.metrics).map((m) => `${s.name}.${m}`))
  const name = wanted.scorer !== undefined ? `${wanted.scorer}.${wanted.name}` : wanted.name
  return { missing: `no metric ${name} (it has ${known.join(', ') || 'none'})` }
}

const SLACK = 1e-9

function compare(a: number, op: Comparison, b: number): boolean {
  switch (op) {
    case '>=':
      return a >= b - SLACK
    case '>':
      return a > b + SLACK
    case '<=':
      return a <= b + SLACK
    case '<':
      return a < b - SLACK
    case '==':
      return Math.abs(a - b) <= SLACK
    case '!=':
      return Math.abs(a - b) > SLACK
  }
}

/** Numbers as the summary shows them: three decimals, more when needed to tell two apart. */
export function formatValue(v: number | null): string {
  if (v === null) return 'n/a'
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 10_000) / 10_000)
}

function checkOne(
  condition: Condition,
  bound: BoundCondition['checks'][number],
  results: Map<string, GateEvaluation>,
): GateCheck {
  const values: GateValue[] = []
  let missing: string | undefined
  const value = (e: ExpressionNode): number | null => {
    if (e.kind === 'number') return e.value
    if (e.kind === 'binary') {
      const a = value(e.left)
      const b = value(e.right)
      if (a === null || b === null) return null
      return e.op === '+' ? a + b : e.op === '-' ? a - b : a * b
    }
    const cell = bound.cells.get(e)
    if (!cell) return null
    const name = cellDisplayName(cell)
    const r = results.get(name)
    if (!r || r.outcome !== 'succeeded') {
      const why =
        !r || r.outcome === 'not-run' ? 'has no result' : r.outcome === 'running' ? 'is still running' : r.outcome
      missing ??= `${name} ${why}`
      values.push({ cell: name, metric: e.metric?.name ?? 'headline', value: null })
      return null
    }
    const m = metricOf(r.scores, e.metric)
    if ('missing' in m) {
      missing ??= `${name}: ${m.missing}`
      values.push({ cell: name, metric: e.metric?.name ?? 'headline', value: null })
      return null
    }
    values.push({ cell: name, metric: m.name, value: m.value })
    return m.value
  }
  const left = value(condition.left)
  const right = value(condition.right)
  const holds = left !== null && right !== null && compare(left, condition.op, right)
  return {
    subject: cellDisplayName(bound.subject),
    left,
    right,
    holds,
    ...(missing !== undefined ? { missing } : {}),
    values,
  }
}

function describe(condition: Condition, check: GateCheck): string {
  if (check.missing !== undefined) return `${check.subject}: ${check.missing}`
  const others = check.values.filter((v) => v.cell !== check.subject).map((v) => v.cell)
  const against = others.length > 0 ? ` (${[...new Set(others)].join(', ')})` : ''
  const verb = check.holds ? condition.op : `is not ${condition.op}`
  return `${check.subject}: ${formatValue(check.left)} ${verb} ${formatValue(check.right)}${against}`
}

/** Evaluates bound conditions on the final results. */
export function evaluateGates(bound: BoundCondition[], evaluations: GateEvaluation[]): GateOutcome[] {
  const results = new Map(evaluations.map((e) => [cellDisplayName(e), e]))
  return bound.map(({ condition, checks }) => {
    const done = checks.map((c) => checkOne(condition, c, results))
    const holding = done.filter((c) => c.holds)
    const passed = condition.quantifier === 'any' ? holding.length > 0 : holding.length === done.length
    const failing = done.filter((c) => !c.holds)
    const shown = (list: GateCheck[]): string =>
      list
        .slice(0, 3)
        .map((c) => describe(condition, c))
        .join('; ') + (list.length > 3 ? `; and ${list.length - 3} more` : '')
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
