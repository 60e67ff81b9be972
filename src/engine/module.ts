/** Runs one tool module's phase, with start and end blocks in the orchestration log. */
import { formatDuration, type LogFile } from './log.js'
import { runPhase } from './phase.js'
import type { PhaseContext, PhaseResult } from './types.js'

export async function runModule(log: LogFile, phase: PhaseContext): Promise<PhaseResult> {
  const { tool } = phase
  await log.write({
    action: 'MODULE_START',
    description: tool.name,
    details: `${tool.phase} phase; module log ${tool.logFile}`,
    result: 'started',
  })
  const r = await runPhase(phase)
  const ok = r.outcomes.filter((o) => o.result === 'succeeded').length
  const earlier = r.outcomes.filter((o) => o.resolution === 'already-succeeded').length
  await log.write({
    action: r.detached ? 'MODULE_DETACHED' : 'MODULE_END',
    description: tool.name,
    details:
      `duration ${formatDuration(r.endedAt.getTime() - r.startedAt.getTime())}; ` +
      `${ok}/${r.outcomes.length} succeeded; ` +
      `${r.submissions} submitted this pass; already done ${earlier}`,
    result: r.detached
      ? 'detached: jobs keep running'
      : ok === r.outcomes.length
        ? 'completed'
        : `completed with ${r.outcomes.length - ok} failure(s)`,
  })
  return r
}
