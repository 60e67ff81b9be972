/**
 * The `require` conditions as they are shown: the sentence that sums up a condition's checks (in the
 * errors, the summaries and the `gates` output), the "Required conditions" section of the summaries and
 * the comment, and the `gates` output. require/gates.ts judges them.
 */
import { mdCode, mdText } from './markdown.js'
import type { GateCheck, RunReport } from './model.js'

/** A value as the summary shows it: at most four decimals. */
const formatValue = (v: number | null): string =>
  v === null ? 'n/a' : String(Number.isInteger(v) ? v : Math.round(v * 10_000) / 10_000)

/** One check: the subject, both sides and whether the comparison holds, or what was missing. */
function describe(op: string, check: GateCheck): string {
  if (check.missing !== undefined) return `${check.subject}: ${check.missing}`
  const others = new Set(check.cells.filter((cell) => cell !== check.subject))
  const against = others.size > 0 ? ` (${[...others].join(', ')})` : ''
  const verb = check.holds ? op : `is not ${op}`
  return `${check.subject}: ${formatValue(check.left)} ${verb} ${formatValue(check.right)}${against}`
}

/** How many checks hold, with the first three that decide (`any`: one that holds, else all). */
export function gateSummary(
  { quantifier, op }: { quantifier: 'every' | 'any'; op: string },
  checks: GateCheck[],
  passed: boolean,
): string {
  const shown = (list: GateCheck[]): string => {
    const first = list.slice(0, 3).map((c) => describe(op, c))
    return first.join('; ') + (list.length > 3 ? `; and ${list.length - 3} more` : '')
  }
  const holding = checks.filter((c) => c.holds)
  const failing = checks.filter((c) => !c.holds)
  if (quantifier === 'any')
    return passed
      ? `${holding.length} of ${checks.length} hold, e.g. ${shown(holding.slice(0, 1))}`
      : `none of ${checks.length} holds: ${shown(checks)}`
  return passed
    ? `all ${checks.length} hold: ${shown(checks)}`
    : `${failing.length} of ${checks.length} do not hold: ${shown(failing)}`
}

/** `✓`/`✗` per condition with what was found, for the job summary and the comment. */
export function gatesMarkdown(report: Pick<RunReport, 'gates' | 'gatesNote'>): string {
  if (report.gatesNote) return `### Required conditions\n\n${mdText(report.gatesNote)}\n`
  const gates = report.gates ?? []
  if (gates.length === 0) return ''
  const held = gates.filter((g) => g.passed).length
  const lines = gates.map((g) => `- ${g.passed ? '✅' : '❌'} ${mdCode(g.condition)} — ${mdText(g.summary)}`)
  return [`### Required conditions (${held}/${gates.length} met)`, '', ...lines, ''].join('\n')
}

/** The `gates` output (README § Outputs): each condition and its checks, these keys in this order. */
const CONDITION_KEYS = ['experiment', 'condition', 'passed', 'summary', 'checks']
const CHECK_KEYS = ['subject', 'left', 'right', 'holds', 'missing']

export function gatesOutput(reports: Pick<RunReport, 'experimentName' | 'gates'>[]): string {
  // The experiment is named when the run has several.
  const gates = reports.flatMap((r) =>
    (r.gates ?? []).map((g) => (reports.length > 1 ? { experiment: r.experimentName, ...g } : g)),
  )
  return JSON.stringify(gates, [...CONDITION_KEYS, ...CHECK_KEYS])
}
