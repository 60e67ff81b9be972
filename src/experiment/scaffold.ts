/**
 * Which job scripts the experiment needs, where they are, and which are missing.
 *
 * Fine-tuned run: `{run}/finetune.yaml` + `{run}/finetune.slurm`.
 * Evaluation cell: `{run}/eval/{task}_epoch{N}/cell.slurm` (control and eval-only runs:
 * `{run}/eval/{task}/cell.slurm`), or the earlier flat layout `{run}/eval/{task}_epoch{N}.slurm`.
 */
import { cellDirName, cellDisplayName, type Cell, type Experiment } from './model.js'

export interface TrainingScaffold {
  run: string
  /** Paths relative to the experiment directory. */
  dir: string
  script: 'finetune.slurm'
  config: 'finetune.yaml'
}

export interface EvalScaffold {
  cell: Cell
  display: string
  layout: 'cell' | 'flat'
  /** Directory the job runs in, relative to the experiment directory. */
  dir: string
  script: string
}

export interface ScaffoldReport {
  training: TrainingScaffold[]
  evals: EvalScaffold[]
  /** Missing files by run, relative to the experiment directory. */
  missingTraining: Map<string, string[]>
  missingEval: Map<string, string[]>
}

/** `exists(relativePath)` answers for the experiment's directory (the checked-out copy). */
export async function verifyScaffold(
  experiment: Experiment,
  exists: (relative: string) => Promise<boolean>,
): Promise<ScaffoldReport> {
  const report: ScaffoldReport = { training: [], evals: [], missingTraining: new Map(), missingEval: new Map() }
  const add = (map: Map<string, string[]>, run: string, path: string): void => {
    map.set(run, [...(map.get(run) ?? []), path])
  }
  for (const run of experiment.runs) {
    if (run.type !== 'fine-tuned') continue
    let complete = true
    for (const file of ['finetune.yaml', 'finetune.slurm']) {
      if (!(await exists(`${run.name}/${file}`))) {
        add(report.missingTraining, run.name, `${run.name}/${file}`)
        complete = false
      }
    }
    if (complete)
      report.training.push({ run: run.name, dir: run.name, script: 'finetune.slurm', config: 'finetune.yaml' })
  }
  for (const cell of experiment.cells) {
    const name = cellDirName(cell)
    const cellScript = `${cell.run}/eval/${name}/cell.slurm`
    const flatScript = `${cell.run}/eval/${name}.slurm`
    if (await exists(cellScript)) {
      report.evals.push({
        cell,
        display: cellDisplayName(cell),
        layout: 'cell',
        dir: `${cell.run}/eval/${name}`,
        script: 'cell.slurm',
      })
    } else if (await exists(flatScript)) {
      report.evals.push({
        cell,
        display: cellDisplayName(cell),
        layout: 'flat',
        dir: `${cell.run}/eval`,
        script: `${name}.slurm`,
      })
    } else {
      add(report.missingEval, cell.run, `${cellScript} (or ${flatScript})`)
    }
  }
  return report
}
