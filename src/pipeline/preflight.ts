/** The preflight: the paths the jobs still to run will read, checked where they run before any submission. */
import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import type { StateStore } from '../engine/state.js'
import type { Problem } from '../result.js'
import type { PlannedJob, ToolModule } from '../tools/tool.js'
import type { ExperimentContext } from './context.js'
import type { Prepared } from './prepare.js'

/**
 * The paths the jobs still to run will read, checked where they run before anything is submitted
 * (cruijff_kit's submitters check only adapter base paths). Problems are located in the checkout's copy
 * of the file, so the annotation lands on the pull request's line.
 */
export async function preflight(c: ExperimentContext, p: Prepared, states: StateStore[]): Promise<Problem[]> {
  const todo = (jobs: PlannedJob[], state: StateStore | undefined): PlannedJob[] =>
    jobs.filter((j) => state?.get(j.key)?.validated !== true)
  const phases: [ToolModule, PlannedJob[]][] = [
    ...(c.settings.phases !== 'evaluate'
      ? [[p.optimizer, todo(p.training.jobs, states[0])] as [ToolModule, PlannedJob[]]]
      : []),
    ...(c.settings.phases !== 'optimize'
      ? [[p.evaluator, todo(p.evaluation.jobs, states[1])] as [ToolModule, PlannedJob[]]]
      : []),
  ]
  const problems: Problem[] = []
  for (const [tool, jobs] of phases) {
    if (!tool.preflight || jobs.length === 0) continue
    const found = await tool.preflight({ transport: c.transport, runDir: p.runDir, experiment: p.experiment, jobs })
    for (const x of found) {
      // A file outside the run directory (a config the script names by its absolute path) is named as is.
      const inCheckout = x.file && !x.file.startsWith('/') ? `${c.expDir}/${x.file}` : undefined
      const file =
        inCheckout && existsSync(inCheckout)
          ? inCheckout.startsWith(`${c.workspace}/`)
            ? relative(c.workspace, inCheckout)
            : inCheckout
          : x.file && (x.file.startsWith('/') ? x.file : `${p.runDir}/${x.file}`)
      problems.push({ ...x, ...(file ? { file } : {}) })
    }
  }
  return problems
}
