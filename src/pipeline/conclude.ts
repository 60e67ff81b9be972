/**
 * The last facts of a pass, before the report is written: what the jobs cost (compute), whether the
 * results meet the `require` conditions, and the requirement's validation checklist, which gates the
 * verdict.
 */
import type { Transport } from '../cluster/transport.js'
import type { LogFile } from '../engine/log.js'
import type { Scheduler } from '../scheduler/scheduler.js'
import type { ToolModule } from '../tools/tool.js'
import { checklist, gated, unevaluatedNote, writeChecklist } from '../report/checklist.js'
import { computeOf } from '../report/compute.js'
import type { RunReport } from '../report/model.js'
import type { BoundCondition } from '../require/gates.js'
import { applyRequirements } from '../require/requirements.js'

export interface ConcludeContext {
  transport: Transport
  scheduler: Scheduler
  runDir: string
  optimizer: ToolModule
  evaluator: ToolModule
  /** The require conditions, bound to the experiment. */
  gates: BoundCondition[]
  /** The phases the inputs asked for. */
  asked: { optimize: boolean; evaluate: boolean }
  mainLog: LogFile
}

export async function conclude(report: RunReport, c: ConcludeContext): Promise<void> {
  const phases = [
    ...(report.optimize ? [{ phase: 'optimize', tool: c.optimizer, outcomes: report.optimize.outcomes }] : []),
    ...(report.evaluate ? [{ phase: 'evaluate', tool: c.evaluator, outcomes: report.evaluate.outcomes }] : []),
  ]
  const compute = await computeOf(c.transport, c.scheduler, c.runDir, phases, Date.now())
  if (compute.rows.length > 0) report.compute = compute.rows
  if (compute.warning) report.warnings.push({ message: compute.warning })
  // What the experiment defines: trained runs it never evaluates are worth a warning, not a failure.
  const unevaluated = unevaluatedNote(report.experiment)
  if (unevaluated) report.warnings.push({ message: unevaluated })
  if (report.detached) return
  applyRequirements(report, c.gates)
  const items = await checklist(c.transport, c.mainLog.path, report, c.asked)
  await writeChecklist(c.mainLog, items)
  Object.assign(report, gated(report, items))
}
