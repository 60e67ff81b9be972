/** Registry: the `tools` section's names -> tool modules. */
import type { Experiment } from '../experiment/model.js'
import { inspect } from './inspect.js'
import { torchtune } from './torchtune.js'
import type { ToolModule } from './tool.js'

const OPTIMIZERS: Record<string, ToolModule> = { torchtune }
const EVALUATORS: Record<string, ToolModule> = { 'inspect-ai': inspect }

export function toolsFor(experiment: Experiment): { optimizer: ToolModule; evaluator: ToolModule } {
  const optimizer = OPTIMIZERS[experiment.tools.preparation]
  const evaluator = EVALUATORS[experiment.tools.evaluation]
  // load.ts only lets supported names through, so both exist.
  if (!optimizer || !evaluator)
    throw new Error(`no module for tools ${experiment.tools.preparation} / ${experiment.tools.evaluation}`)
  return { optimizer, evaluator }
}
