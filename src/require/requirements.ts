/** The `require` conditions at the end of a pass (README § Metric gates). */
import type { RunReport } from '../report/model.js'
import { evaluationsByCell } from '../report/results.js'
import { evaluateGates, type BoundCondition } from './gates.js'

/** Judges the conditions on the report's results: one that does not hold is an error and fails the status. */
export function applyRequirements(report: RunReport, bound: BoundCondition[]): void {
  if (bound.length === 0) return
  if (!report.evaluate) {
    report.gatesNote = 'not evaluated: this pass ran no evaluation (phases: optimize, or it was detached)'
    report.warnings.push({ field: 'require', message: `the require conditions were ${report.gatesNote}` })
    return
  }
  report.gates = evaluateGates(bound, evaluationsByCell(report))
  const failing = report.gates.filter((g) => !g.passed)
  for (const g of failing) {
    const hint = `the condition is on line ${g.line} of the require input`
    report.errors.push({ field: 'require', message: `"${g.condition}" does not hold: ${g.summary}`, hint })
  }
  if (failing.length > 0 && report.status !== 'invalid') {
    report.status = 'failed'
    const names = failing.map((g) => `"${g.condition}"`).join(', ')
    report.verdict = `required condition${failing.length > 1 ? 's' : ''} not met: ${names}; ${report.verdict}`
  }
}
