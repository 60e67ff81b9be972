/**
 * The requirement's validation checklist, one CHECK block per item in the orchestration log. It gates
 * the verdict: a pass whose jobs all succeeded is a success only when every item that applies holds.
 */
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
    // Fine-tuned runs that nothing evaluates: the experiment cannot answer its question.
    asked.evaluate && !everyTrainedRunEvaluated(r)
      ? ['Evaluator module executed and completed', false, 'no matrix entry evaluates some fine-tuned runs']
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

function everyTrainedRunEvaluated(r: RunReport): boolean {
  const experiment = r.experiment
  if (!experiment) return true
  return experiment.runs
    .filter((run) => run.type === 'fine-tuned')
    .every((run) => experiment.cells.some((c) => c.run === run.name && c.epoch !== null))
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
