/**
 * Job scripts as users write them by hand (issue 14, item 1), end to end through the built action: a fresh
 * experiment whose every job calls its tool in another form — by a venv's path with line continuations,
 * through `env` and `/usr/bin/time -p`, as `python -m`, after a `cd`, from `#SBATCH --chdir`, with the
 * task path in a variable and the log directory in `INSPECT_LOG_DIR` — passes the preflight and runs to
 * `success`, each evaluation attributed, on the local executor and on the dev cluster's SLURM. The
 * stand-ins (test/helpers/standins/) play torchtune and inspect-ai and fail as they do on a wrong path.
 * test/unit/job-files.test.ts holds the table of what each form reads, writes and leaves unresolved.
 */
import { before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { runAction, localInputs, readText, slurmInputs, type ActionResult } from './helpers/action.ts'
import { STANDINS, toolsPython } from './helpers/cruijff.ts'
import { devCluster } from './helpers/dev-cluster.ts'
import { tempDir } from './helpers/experiment.ts'

interface Forms {
  root: string
  exp: string
  env: Record<string, string>
  executions: string
}

function put(path: string, text: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text, { mode })
}

/** The experiment: two fine-tuned runs and a control, one task, each job script in a form of its own. */
function forms(): Forms {
  const root = tempDir('re-forms-')
  const exp = join(root, 'exp')
  const model = join(root, 'models/base')
  put(join(model, 'config.json'), '{"model_type": "llama"}\n')
  put(join(model, 'model.safetensors'), 'weights')
  put(join(model, 'tokenizer.json'), '{}\n')
  put(join(root, 'data/train.json'), '[{"input": "a", "output": "A"}]\n')
  const bin = join(root, 'bin')
  mkdirSync(bin)
  for (const name of readdirSync(join(STANDINS, 'bin'))) symlinkSync(join(STANDINS, 'bin', name), join(bin, name))
  // Tools installed in venvs of their own, called by path.
  for (const [venv, tool] of [
    ['ft', 'tune'],
    ['ev', 'inspect'],
  ] as const) {
    mkdirSync(join(root, 'venvs', venv, 'bin'), { recursive: true })
    symlinkSync(join(STANDINS, 'bin', tool), join(root, 'venvs', venv, 'bin', tool))
  }

  put(
    join(exp, 'experiment_summary.yaml'),
    `experiment:
  name: forms
  project: tests
tools:
  preparation: torchtune
  evaluation: inspect-ai
controls:
  epochs: 1
  batch_size: 4
models:
  base:
    - {name: base, path: ${model}}
runs:
  - {name: ft_a, type: fine-tuned, model: base, parameters: {lr: 1e-4}}
  - {name: ft_b, type: fine-tuned, model: base, parameters: {lr: 1e-3}}
  - {name: ctl, type: control, model: base, parameters: {}}
evaluation:
  tasks:
    - {name: cap, script: tasks/task.py}
  matrix:
    - {run: ft_a, tasks: [cap], epochs: [0]}
    - {run: ft_b, tasks: [cap], epochs: [0]}
    - {run: ctl, tasks: [cap], epochs: null}
`,
  )
  put(join(exp, 'tasks/task.py'), 'from inspect_ai import Task, task\n\n\n@task\ndef cap():\n    return Task()\n')
  const config = (outputDir: string): string => `output_dir: ${outputDir}
checkpointer:
  checkpoint_dir: ${model}
  checkpoint_files: [model.safetensors]
  output_dir: \${output_dir}
tokenizer:
  path: ${model}/tokenizer.json
dataset:
  data_files: ${root}/data/train.json
epochs: 1
batch_size: 4
`
  put(join(exp, 'ft_a/finetune.yaml'), config('artifacts'))
  // Read from the experiment's root (the job's #SBATCH --chdir): its output directory is relative to that.
  put(join(exp, 'ft_b/finetune.yaml'), config('ft_b/artifacts'))

  // tune by its venv's path, continued over lines, with an override.
  put(
    join(exp, 'ft_a/finetune.slurm'),
    `#!/bin/bash
#SBATCH --job-name=ft_a
#SBATCH --output=slurm-%j.out
set -euo pipefail
${root}/venvs/ft/bin/tune run lora_finetune_single_device \\
  --config finetune.yaml \\
  epochs=1
`,
    0o755,
  )
  // From the experiment's root by #SBATCH --chdir, written after another option on one header line
  // (sbatch reads them all); through env and /usr/bin/time -p; as python -m.
  put(
    join(exp, 'ft_b/finetune.slurm'),
    `#!/bin/bash
#SBATCH --job-name=ft_b --chdir=${exp} --output=ft_b/slurm-%j.out
env OMP_NUM_THREADS=1 /usr/bin/time -p python -m torchtune._cli.tune run lora_finetune_single_device --config ft_b/finetune.yaml
`,
    0o755,
  )
  // inspect by its venv's path, a task path relative to the script, over continued lines.
  put(
    join(exp, 'ft_a/eval/cap_epoch0/cell.slurm'),
    `#!/bin/bash
#SBATCH --job-name=eval-ft_a
${root}/venvs/ev/bin/inspect eval ../../../tasks/task.py@cap \\
  --model hf/ft_a -M model_path=../../artifacts/epoch_0 \\
  --log-dir ./logs --limit 3
`,
    0o755,
  )
  // A cd first: the task path, the model and the log directory are relative to where it went.
  put(
    join(exp, 'ft_b/eval/cap_epoch0/cell.slurm'),
    `#!/bin/bash
#SBATCH --job-name=eval-ft_b
cd ${exp}
inspect eval tasks/task.py@cap --model hf/ft_b -M model_path=ft_b/artifacts/epoch_0 --log-dir ft_b/eval/cap_epoch0/logs
`,
    0o755,
  )
  // The task path in a variable, the log directory in INSPECT_LOG_DIR, inspect as python -m; --limit before.
  put(
    join(exp, 'ctl/eval/cap/cell.slurm'),
    `#!/bin/bash
#SBATCH --job-name=eval-ctl
EXP=${exp}
export INSPECT_LOG_DIR="$EXP/ctl/eval/cap/logs"
python -m inspect_ai eval --limit 3 "$EXP"/tasks/task.py@cap --model hf/base -M model_path=${model}
`,
    0o755,
  )
  const executions = join(root, 'executions.txt')
  const env = {
    PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
    RE_STANDIN_PYTHON: toolsPython(),
    RE_STANDIN_CACHE: process.env['RE_STANDIN_CACHE'] ?? join(process.env['TMPDIR'] ?? '/tmp', 're-standin-cache'),
    RE_STANDIN_LOG: executions,
  }
  return { root, exp, env, executions }
}

function assertSucceeded(f: Forms, r: ActionResult): void {
  assert.equal(r.outputs['status'], 'success', r.summary)
  assert.equal(r.outputs['runs-succeeded'], '2', r.summary)
  assert.equal(r.outputs['evals-total'], '3', r.summary)
  assert.equal(r.outputs['evals-succeeded'], '3', r.summary)
  const table = readText(join(f.exp, 'summary.md'))
  assert.equal((table.match(/\d\.\d{3} ± \d\.\d{3}/g) ?? []).length, 3, table)
  // Each tool ran once per job, where its script sent it.
  const ran = readFileSync(f.executions, 'utf8').trim().split('\n').sort()
  assert.deepEqual(ran, [
    `inspect ${f.exp}`,
    `inspect ${f.exp}/ctl/eval/cap`,
    `inspect ${f.exp}/ft_a/eval/cap_epoch0`,
    `tune ${f.exp}`,
    `tune ${f.exp}/ft_a`,
  ])
  assert.ok(existsSync(join(f.exp, 'ft_b/artifacts/epoch_0/adapter_model.safetensors')))
  // The preflight read what it could and said what it could not; it refused nothing.
  assert.doesNotMatch(r.summary, /would read do not exist/)
}

describe('job scripts in the forms users write', () => {
  it('local executor: every form passes the preflight and runs to success; a re-run runs nothing', async () => {
    const f = forms()
    const r = await runAction({ inputs: localInputs(f.exp), env: f.env })
    assertSucceeded(f, r)
    const again = await runAction({ inputs: localInputs(f.exp), env: f.env })
    assert.equal(again.outputs['status'], 'success', again.summary)
    assert.equal(readFileSync(f.executions, 'utf8').trim().split('\n').length, 5, 'a re-run ran a job again')
  })

  describe('on the dev cluster', () => {
    before(() => {
      devCluster()
    })

    it('SLURM: every form passes the preflight and runs to success', async () => {
      const f = forms()
      const r = await runAction({ inputs: slurmInputs(f.exp), env: f.env })
      assertSucceeded(f, r)
    })
  })
})
