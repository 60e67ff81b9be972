/** The requirement's validation checklist, one CHECK block per item in the orchestration log. */
import type { Transport } from '../cluster/transport.js'
import type { LogFile } from '../engine/log.js'
import type { RunReport } from './model.js'
import { checkpointsOf, evalLogsOf } from './results.js'

/** One item: true (holds), false (does not), null (not applicable: its phase did not run). */
export type CheckItem = [item: string, holds: boolean | null]

export async function checklist(transport: Transport, mainLog: string, r: RunReport): Promise<CheckItem[]> {
  const ckpts = checkpointsOf(r.optimize?.outcomes ?? r.priorTraining)
  const evalLogs = evalLogsOf(r.evaluate?.outcomes ?? [])
  const exist = async (paths: string[]): Promise<boolean> =>
    (await Promise.all(paths.map((p) => transport.stat(p)))).every(Boolean)
  const allOk = (outcomes: { result: string }[]): boolean => outcomes.every((o) => o.result === 'succeeded')
  return [
    ['experiment_summary.yaml found and read', true],
    ['Scaffolding verified', true],
    ['Optimizer module executed and completed', r.optimize ? allOk(r.optimize.outcomes) : null],
    [
      'Evaluator module executed and completed',
      r.evaluate ? allOk(r.evaluate.outcomes) && r.skippedEvals.length === 0 : r.skippedEvals.length ? false : null,
    ],
    [
      'Model checkpoints exist',
      r.optimize ? ckpts.length > 0 && (await exist(ckpts)) && r.counts.runsSucceeded === r.counts.runsTotal : null,
    ],
    ['Evaluation logs exist', r.evaluate ? evalLogs.length === r.counts.evalsTotal && (await exist(evalLogs)) : null],
    ['Orchestration log created', (await transport.stat(mainLog)) !== null],
    ['All module logs exist', await exist(r.logFiles)],
  ]
}

export async function writeChecklist(log: LogFile, items: CheckItem[]): Promise<void> {
  for (const [item, holds] of items) {
    await log.write({
      action: 'CHECK',
      description: item,
      result: holds === null ? 'not applicable (phase not run)' : holds ? '✓' : '✗',
    })
  }
}
