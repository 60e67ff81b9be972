/**
 * Builds throw-away experiments in the cruijff_kit layout whose job scripts are plain bash:
 * training writes `artifacts/epoch_N/adapter_model.safetensors` and torchtune-style loss lines,
 * evaluation writes a real `.eval` zip (header.json) with python3's zipfile. Every execution of a
 * job appends a line to `<exp>/executions.txt`, so tests can count what ran.
 */
import { mkdirSync, mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface FixtureRun {
  name: string
  type?: 'fine-tuned' | 'control' | 'eval-only'
  lr?: number
  epochs?: number[]
}

export interface FixtureOptions {
  runs?: FixtureRun[]
  tasks?: string[]
  layout?: 'cell' | 'flat'
  /** Training of these runs exits 1. */
  failTraining?: string[]
  /** Training of these runs exits 0 without writing a checkpoint. */
  emptyTraining?: string[]
  /** These cells (display names like `lr1/caps/epoch0`) write an error .eval and exit 1. */
  failEval?: string[]
  /** Seconds each job sleeps. */
  sleep?: number
  /** experiment.dir value. */
  dir?: string
  /** Number of training epochs (controls.epochs). */
  trainEpochs?: number
  name?: string
  /** Leave these files out (relative paths). */
  omit?: string[]
  /** Training of these runs runs out of CUDA memory while finetune.yaml's batch_size is above the value. */
  oomAbove?: Record<string, number>
  /** Every job also appends `done <same words>` to executions.txt when it has written its outputs. */
  traceEnd?: boolean
  /**
   * Where the jobs append their lines (absolute): by default executions.txt at the top of the directory
   * they run in. A file outside it survives a cleaned checkout.
   */
  trace?: string
}

export const DEFAULT_RUNS: FixtureRun[] = [
  { name: 'lr1', type: 'fine-tuned', lr: 0.001, epochs: [0, 1] },
  { name: 'lr2', type: 'fine-tuned', lr: 0.002, epochs: [1] },
  { name: 'base', type: 'control' },
]

/** The jobs of the default experiment, as their lines in executions.txt name them. */
export const DEFAULT_JOBS = [
  'train lr1',
  'train lr2',
  'eval lr1/caps/epoch0',
  'eval lr1/caps/epoch1',
  'eval lr2/caps/epoch1',
  'eval base/caps',
]

export function tempDir(prefix = 're-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

const EVAL_WRITER = `import json, sys, time, zipfile
path, status, task, model, epoch = sys.argv[1:6]
header = {"version": 2, "status": status,
  "eval": {"task": task, "model": model, "created": time.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
           "metadata": ({"epoch": int(epoch)} if epoch != "-" else {})},
  "results": {"total_samples": 10, "completed_samples": 10,
    "scores": [{"name": "match", "scorer": "match", "metrics": {
      "accuracy": {"name": "accuracy", "value": 0.5 + (int(epoch) if epoch != "-" else 0) / 10},
      "stderr": {"name": "stderr", "value": 0.05}}}]}}
if status != "success":
    header["error"] = {"message": "boom: the model raised", "traceback": ""}
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("_journal/start.json", json.dumps({"version": 2}))
    z.writestr("header.json", json.dumps(header))
`

export function makeExperiment(root: string, o: FixtureOptions = {}): string {
  const runs = o.runs ?? DEFAULT_RUNS
  const tasks = o.tasks ?? ['caps']
  const layout = o.layout ?? 'cell'
  const sleep = o.sleep ?? 0
  const trainEpochs = o.trainEpochs ?? 2
  const omit = new Set(o.omit ?? [])
  const trace = (up: string): string => (o.trace ? `'${o.trace}'` : `${up}/executions.txt`)
  const write = (rel: string, text: string, mode = 0o644): void => {
    if (omit.has(rel)) return
    const p = join(root, rel)
    mkdirSync(join(p, '..'), { recursive: true })
    writeFileSync(p, text, { mode })
  }
  const yamlRuns = runs
    .map(
      (r) =>
        `  - name: ${r.name}\n    type: ${r.type ?? 'fine-tuned'}\n    model: tiny\n    parameters: ${r.lr !== undefined ? `{lr: ${r.lr}}` : '{}'}`,
    )
    .join('\n')
  const matrix = runs
    .map(
      (r) =>
        `    - run: ${r.name}\n      tasks: [${tasks.join(', ')}]\n      epochs: ${(r.type ?? 'fine-tuned') === 'fine-tuned' ? `[${(r.epochs ?? [0]).join(', ')}]` : 'null'}`,
    )
    .join('\n')
  write(
    'experiment_summary.yaml',
    `experiment:
  name: ${o.name ?? 'fixture'}
  project: tests
${o.dir ? `  dir: ${o.dir}\n` : ''}tools:
  preparation: torchtune
  evaluation: inspect-ai
controls:
  epochs: ${trainEpochs}
  batch_size: 4
runs:
${yamlRuns}
evaluation:
  tasks:
${tasks.map((t) => `    - {name: ${t}, script: task.py}`).join('\n')}
  matrix:
${matrix}
`,
  )
  write('write_eval.py', EVAL_WRITER)
  for (const r of runs) {
    if ((r.type ?? 'fine-tuned') === 'fine-tuned') {
      const fail = o.failTraining?.includes(r.name)
      const empty = o.emptyTraining?.includes(r.name)
      const oom = o.oomAbove?.[r.name]
      write(
        `${r.name}/finetune.yaml`,
        `output_dir: artifacts\nbatch_size: 8  # per device\nepochs: ${trainEpochs}\ngradient_accumulation_steps: 1\noptimizer:\n  lr: ${r.lr ?? 0.001}\n`,
      )
      write(
        `${r.name}/finetune.slurm`,
        `#!/bin/bash
#SBATCH --job-name=${r.name}
#SBATCH --output=artifacts/slurm-%j.out
set -e
echo "train ${r.name} job=$SLURM_JOB_ID" >> ${trace('..')}
sleep ${sleep}
${
  oom !== undefined
    ? `bs=$(sed -n 's/^batch_size: *\\([0-9]*\\).*/\\1/p' finetune.yaml)
if [ "$bs" -gt ${oom} ]; then echo "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB (batch $bs)" >&2; exit 1; fi
`
    : ''
}${
          fail
            ? 'echo "RuntimeError: training diverged" >&2\nexit 1'
            : empty
              ? 'echo "nothing to save"'
              : `for e in $(seq 0 ${trainEpochs - 1}); do
  mkdir -p artifacts/epoch_$e
  echo weights > artifacts/epoch_$e/adapter_model.safetensors
  echo "$((e+1))|$((e*10+10))|Loss: 1.$((9-e))00"
done`
        }
${o.traceEnd ? `echo "done train ${r.name} job=$SLURM_JOB_ID" >> ${trace('..')}\n` : ''}`,
        0o755,
      )
    }
    for (const t of tasks) {
      const epochs = (r.type ?? 'fine-tuned') === 'fine-tuned' ? (r.epochs ?? [0]) : [null]
      for (const e of epochs) {
        const display = e === null ? `${r.name}/${t}` : `${r.name}/${t}/epoch${e}`
        const cellName = e === null ? t : `${t}_epoch${e}`
        const fail = o.failEval?.includes(display)
        const cellDir = layout === 'cell' ? `${r.name}/eval/${cellName}` : `${r.name}/eval`
        const up = layout === 'cell' ? '../../..' : '../..'
        const script = `#!/bin/bash
#SBATCH --job-name=eval-${cellName}
#SBATCH --output=slurm-%j.out
echo "eval ${display} job=$SLURM_JOB_ID" >> ${trace(up)}
sleep ${sleep}
mkdir -p logs
python3 ${up}/write_eval.py "logs/$(date +%s%N)_${t}.eval" ${fail ? 'error' : 'success'} ${t} hf/${r.name}${e === null ? '' : `_epoch_${e}`} ${e === null ? '-' : e}
${o.traceEnd ? `echo "done eval ${display} job=$SLURM_JOB_ID" >> ${trace(up)}\n` : ''}${fail ? 'exit 1' : 'exit 0'}
`
        write(layout === 'cell' ? `${cellDir}/cell.slurm` : `${cellDir}/${cellName}.slurm`, script, 0o755)
      }
    }
  }
  return root
}

export function executions(root: string): string[] {
  const p = join(root, 'executions.txt')
  return existsSync(p) ? readFileSync(p, 'utf8').trim().split('\n').filter(Boolean) : []
}
