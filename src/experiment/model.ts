/** The experiment as the runner uses it: validated, with every evaluation cell expanded. */
import type { RunType } from './schema.js'

export interface Run {
  name: string
  type: RunType
  model?: string
  parameters: Record<string, unknown>
  /** Number of training epochs, when the summary says (run parameters, else controls). */
  epochs?: number
}

export interface Task {
  name: string
  script?: string
}

/** One evaluation: a run's checkpoint (or base model) on one task. */
export interface Cell {
  run: string
  task: string
  /** 0-based epoch of a fine-tuned run's checkpoint; null for control and eval-only runs. */
  epoch: number | null
}

export interface Experiment {
  name: string
  /** Absolute path of experiment_summary.yaml as read. */
  summaryPath: string
  /** The directory holding it (the checked-out copy). */
  sourceDir: string
  /** `experiment.dir` from the YAML, when present. */
  declaredDir?: string
  /** The tool of each phase as named in the `tools` section (a registered name or alias), or the default. */
  tools: { preparation: string; evaluation: string; defaulted: boolean }
  runs: Run[]
  tasks: Task[]
  cells: Cell[]
}

/** Display name used in logs: `{run}/{task}/epoch{N}` or `{run}/{task}`. */
export function cellDisplayName(cell: Cell): string {
  return cell.epoch === null ? `${cell.run}/${cell.task}` : `${cell.run}/${cell.task}/epoch${cell.epoch}`
}
