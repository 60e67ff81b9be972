/**
 * The `require` conditions against one experiment: checked against its plan when it is loaded
 * (before anything is submitted), evaluated on its final results, and turned into the report's
 * verdict, annotations and the `gates` output (report/summary.ts shows them).
 */
import { cellDisplayName, type Experiment } from '../experiment/model.js'
import type { Problem, Result } from '../result.js'
import type { GateOutcome, RunReport } from '../report/model.js'
import { evaluationOf } from '../report/results.js'
import {
  bindGates,
  evaluateGates,
  type BoundCondition,
  type Condition,
  type GateEvaluation,
  type GatePlan,
} from './gates.js'

export function gatePlanOf(experiment: Experiment): GatePlan {
  return {
    runs: experiment.runs.map((r) => ({
      name: r.name,
      type: r.type,
      ...(r.model !== undefined ? { model: r.model } : {}),
    })),
    cells: experiment.cells.map((c) => ({ run: c.run, task: c.task, epoch: c.epoch })),
  }
}

/** Names of every condition against the experiment; problems point at the `require` input. */
export function bindRequirements(conditions: Condition[], experiment: Experiment): Result<BoundCondition[], Problem[]> {
  return bindGates(conditions, gatePlanOf(experiment))
}

/** Every planned cell with what became of it in this pass. */
export function gateEvaluationsOf(report: RunReport): GateEvaluation[] {
  const exp = report.experiment
  if (!exp) return []
  const outcomes = new Map(
    (report.evaluate?.outcomes ?? []).flatMap((o) => (o.job.cell ? [[cellDisplayName(o.job.cell), o] as const] : [])),
  )
  const skipped = new Set(report.skippedEvals.map(cellDisplayName))
  return exp.cells.map((c) => {
    const o = outcomes.get(cellDisplayName(c))
    const outcome: GateEvaluation['outcome'] = o
      ? o.result === 'succeeded'
        ? 'succeeded'
        : o.result === 'failed'
          ? 'failed'
          : 'running'
      : skipped.has(cellDisplayName(c))
        ? 'skipped'
        : 'not-run'
    return { run: c.run, task: c.task, epoch: c.epoch, outcome, scores: evaluationOf(o)?.scores ?? [] }
  })
}

/**
 * Evaluates the conditions on the report's results. A condition that does not hold makes the status
 * `failed` (the experiment did not answer its question: fail-on decides what the check does) and is
 * one error, hence one annotation. Without an evaluation phase in this pass the conditions cannot be
 * judged: that is said, and nothing passes on it.
 */
export function applyRequirements(report: RunReport, bound: BoundCondition[]): void {
  if (bound.length === 0) return
  if (!report.evaluate) {
    report.gatesNote = 'not evaluated: this pass ran no evaluation (phases: optimize, or it was detached)'
    report.warnings.push({ field: 'require', message: `the require conditions were ${report.gatesNote}` })
    return
  }
  const gates = evaluateGates(bound, gateEvaluationsOf(report))
  report.gates = gates
  const failing = gates.filter((g) => !g.passed)
  for (const g of failing) {
    report.errors.push({
      field: 'require',
      message: `"${g.condition}" does not hold: ${g.summary}`,
      hint: 'the condition is on line ' + String(g.line) + ' of the require input',
    })
  }
  if (failing.length > 0 && report.status !== 'invalid') {
    report.status = 'failed'
    const names = failing.map((g) => `"${g.condition}"`).join(', ')
    report.verdict = `required condition${failing.length > 1 ? 's' : ''} not met: ${names}; ${report.verdict}`
  }
}

/** The `gates` output: each condition with its checks. */
export function gatesOutput(reports: Pick<RunReport, 'experimentName' | 'gates'>[]): string {
  const all = reports.flatMap((r) =>
    (r.gates ?? []).map((g: GateOutcome) => ({
      ...(reports.length > 1 ? { experiment: r.experimentName } : {}),
      condition: g.condition,
      passed: g.passed,
      summary: g.summary,
      checks: g.checks.map((c) => ({
        subject: c.subject,
        left: c.left,
        right: c.right,
        holds: c.holds,
        ...(c.missing !== undefined ? { missing: c.missing } : {}),
      })),
    })),
  )
  return JSON.stringify(all)
}
