/**
 * The requirement's validation checklist, one CHECK block per item in the orchestration log. It gates
 * the verdict: a pass whose jobs all succeeded is a success only when every item that applies holds.
 * It judges what the experiment defines: a sweep that evaluates only some of its fine-tuned runs is
 * a success with a warning naming the others; one that evaluates none of them, when evaluation was
 * asked, is not a success.
 */
import type { Experiment } from '../experiment/model.js'
import type { Transport } from '../cluster/transport.js'
import type { LogFile } from '../engine/log.js'
import type { RunReport } from './model.js'
import { checkpointsOf, evalLogsOf } from './results.js'

/** One item: true (holds), false (does not), null (not applicable: its phase did not run); why, when it fails. */
export type CheckItem = [item: string, holds: boolean | null, why?: string]

/** Which phases the pass was asked to run (the `phases` input). */
export interface Asked {
  optimize: boolean
  evaluate: boolean
}

export async function checklist(
  transport: Transport,
  mainLog: string,
  r: RunReport,
  asked: Asked = { optimize: true, evaluate: true },
): Promise<CheckItem[]> {
  const ckpts = checkpointsOf(r.optimize?.outcomes ?? r.priorTraining)
  const evalLogs = evalLogsOf(r.evaluate?.outcomes ?? [])
  const exist = async (paths: string[]): Promise<boolean> =>
    (await Promise.all(paths.map((p) => transport.stat(p)))).every(Boolean)
  const allOk = (outcomes: { result: string }[]): boolean => outcomes.every((o) => o.result === 'succeeded')
  return [
    ['experiment_summary.yaml found and read', true],
    ['Scaffolding verified', true],
    ['Optimizer module executed and completed', r.optimize ? allOk(r.optimize.outcomes) : null],
    // Nothing it trains is evaluated: the experiment cannot answer its question.
    asked.evaluate && r.experiment && nothingEvaluated(r.experiment)
      ? ['Evaluator module executed and completed', false, 'no matrix entry evaluates any fine-tuned run']
      : [
          'Evaluator module executed and completed',
          r.evaluate ? allOk(r.evaluate.outcomes) && r.skippedEvals.length === 0 : r.skippedEvals.length ? false : null,
        ],
    [
      'Model checkpoints exist',
      r.optimize?.outcomes.length
        ? ckpts.length > 0 && (await exist(ckpts)) && r.counts.runsSucceeded === r.counts.runsTotal
        : null,
    ],
    ['Evaluation logs exist', r.evaluate ? evalLogs.length === r.counts.evalsTotal && (await exist(evalLogs)) : null],
    ['Orchestration log created', (await transport.stat(mainLog)) !== null],
    ['All module logs exist', await exist(r.logFiles)],
  ]
}

export async function writeChecklist(log: LogFile, items: CheckItem[]): Promise<void> {
  for (const [item, holds, why] of items) {
    await log.write({
      action: 'CHECK',
      description: item,
      result: holds === null ? 'not applicable (phase not run)' : holds ? '✓' : `✗${why ? ` (${why})` : ''}`,
    })
  }
}

/** Fine-tuned runs that no evaluation cell evaluates (a sweep that evaluates only the best). */
export function unevaluatedRuns(experiment: Experiment): string[] {
  return experiment.runs
    .filter((run) => run.type === 'fine-tuned')
    .filter((run) => !experiment.cells.some((c) => c.run === run.name && c.epoch !== null))
    .map((run) => run.name)
}

/** No cell at all, or fine-tuned runs of which none is evaluated. */
function nothingEvaluated(experiment: Experiment): boolean {
  if (experiment.runs.length === 0) return false
  const trained = experiment.runs.filter((run) => run.type === 'fine-tuned').length
  return experiment.cells.length === 0 || (trained > 0 && unevaluatedRuns(experiment).length === trained)
}

/**
 * The warning (an annotation, and a line in the job summary and the comment) about fine-tuned runs
 * no evaluation cell evaluates, named compactly; none when every one is evaluated.
 */
export function unevaluatedNote(experiment: Experiment | undefined): string | undefined {
  const runs = experiment ? unevaluatedRuns(experiment) : []
  if (runs.length === 0) return undefined
  const which = runs.length === 1 ? '1 fine-tuned run is' : `${runs.length} fine-tuned runs are`
  return `${which} trained but evaluated by no evaluation cell: ${compactNames(runs)}`
}

const MAX_NAMED = 50

/**
 * Names with a common prefix and consecutive numbers as ranges, `sweep_{04..30}` (as a shell expands
 * them), three or more at a time; the others one by one; past MAX_NAMED items, how many more. Numbers
 * keep their zero padding: a range is only made of numbers written alike.
 */
export function compactNames(names: readonly string[]): string {
  const groups = new Map<string, { digits: string; at: number }[]>()
  const items: (string | { prefix: string })[] = []
  names.forEach((name, at) => {
    const m = /^(.*?)(\d+)$/.exec(name)
    if (!m) {
      items.push(name)
      return
    }
    const [, prefix = '', digits = ''] = m
    let group = groups.get(prefix)
    if (!group) {
      group = []
      groups.set(prefix, group)
      items.push({ prefix })
    }
    group.push({ digits, at })
  })
  // Unpadded numbers (9, 10, 11) run together; padded ones only with their own width (01..30).
  const written = (digits: string): string => (digits.length > 1 && digits.startsWith('0') ? `w${digits.length}` : '')
  const ranges = (prefix: string, members: { digits: string }[]): string[] => {
    const padded = members.some((d) => written(d.digits) !== '')
    const kinds = new Map<string, string[]>()
    for (const { digits } of members) {
      const kind = padded ? `w${digits.length}` : ''
      kinds.set(kind, [...(kinds.get(kind) ?? []), digits])
    }
    return [...kinds.values()].flatMap((all) => {
      const sorted = [...new Set(all)].sort((a, b) => Number(a) - Number(b))
      const out: string[] = []
      for (let i = 0; i < sorted.length;) {
        let j = i
        while (j + 1 < sorted.length && Number(sorted[j + 1]) === Number(sorted[j]) + 1) j++
        if (j - i >= 2) out.push(`${prefix}{${sorted[i] ?? ''}..${sorted[j] ?? ''}}`)
        else for (let k = i; k <= j; k++) out.push(`${prefix}${sorted[k] ?? ''}`)
        i = j + 1
      }
      return out
    })
  }
  const parts = items.flatMap((item) =>
    typeof item === 'string' ? [item] : ranges(item.prefix, groups.get(item.prefix) ?? []),
  )
  const shown = parts.slice(0, MAX_NAMED).join(', ')
  return parts.length > MAX_NAMED ? `${shown} and ${parts.length - MAX_NAMED} more` : shown
}

/** The status a pass earns once the checklist is in: a success only if every applicable item holds. */
export function gated(
  verdict: { status: RunReport['status']; verdict: string },
  items: CheckItem[],
): { status: RunReport['status']; verdict: string } {
  const failing = items.filter(([, holds]) => holds === false).map(([item, , why]) => (why ? `${item} (${why})` : item))
  if (verdict.status !== 'success' || failing.length === 0) return verdict
  return { status: 'partial', verdict: `${verdict.verdict}, but the validation checklist fails: ${failing.join('; ')}` }
}
