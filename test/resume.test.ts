/**
 * A training stopped by its time limit continues from its last epoch, with the real torchtune 0.6.1 (its
 * LoRA recipe, the tiny model, on CPU) through the built action on the local executor, which enforces
 * `#SBATCH --time` as SLURM does (SIGTERM to the whole job at the limit, state TIMEOUT). In the first
 * attempt torchtune stops itself (SIGSTOP) right after saving epoch 0 and its recipe state, so that the
 * limit falls in epoch 1 however fast or loaded the machine is; the action resubmits it with
 * `resume_from_checkpoint: True`, and torchtune continues with epoch 1. Needs the Python tools venv
 * (RUN_EXPERIMENT_VENV); never skipped.
 */
import { it } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { localInputs, logBlocks, runAction } from './helpers/action.ts'
import { toolsVenv } from './helpers/example.ts'
import { tempDir } from './helpers/experiment.ts'
import type { StateEntry } from '../src/engine/state.ts'

/** Seconds of the job's time limit: well above torchtune's start and one epoch on a loaded 2-core machine. */
const LIMIT_S = 90

const SUMMARY = `experiment:
  name: resume
  project: run-experiment-tests
  question: Does a training stopped by its time limit continue from its last epoch?
  date: "2026-12-05"
  dir: .
tools:
  preparation: torchtune
  evaluation: inspect-ai
variables:
  lr: [1.0e-3]
controls:
  system_prompt: ""
  prompt: "{input}"
  epochs: 2
  batch_size: 8
models:
  base:
    - {name: tiny-qwen2, path: models/tiny}
data:
  training:
    path: data/words.json
    format: json
runs:
  - name: lora
    type: fine-tuned
    model: tiny-qwen2
    parameters: {lr: 1.0e-3}
evaluation:
  tasks:
    - name: capitalize
      script: capitalize_task.py
      dataset: data/words.json
  matrix:
    - {run: lora, tasks: [capitalize], epochs: [0, 1]}
`

const CONFIG = `# LoRA on the tiny Qwen2 model (scripts/make-tiny-model.py), 2 epochs of 2 steps, CPU.
output_dir: artifacts
seed: 42
shuffle: True
device: cpu
dtype: fp32
compile: False
tokenizer:
  _component_: torchtune.models.qwen2.qwen2_tokenizer
  path: ../models/tiny/vocab.json
  merges_file: ../models/tiny/merges.txt
  special_tokens_path: ../models/tiny/tokenizer.json
  max_seq_len: null
dataset:
  _component_: torchtune.datasets.instruct_dataset
  source: json
  data_files: ../data/words.json
  field: train
  split: train
  train_on_input: False
  packed: False
model:
  _component_: torchtune.models.qwen2.lora_qwen2
  lora_attn_modules: [q_proj, v_proj]
  apply_lora_to_mlp: False
  lora_rank: 4
  lora_alpha: 8
  vocab_size: 259
  num_layers: 3
  num_heads: 4
  num_kv_heads: 4
  embed_dim: 128
  intermediate_dim: 512
  max_seq_len: 256
  norm_eps: 1.0e-06
  rope_base: 10000.0
  tie_word_embeddings: False
checkpointer:
  _component_: torchtune.training.FullModelHFCheckpointer
  checkpoint_dir: ../models/tiny
  checkpoint_files: [model.safetensors]
  recipe_checkpoint: null
  output_dir: \${output_dir}
  model_type: QWEN2
resume_from_checkpoint: False  # a stopped training continues: the action sets this
batch_size: 8
epochs: 2
max_steps_per_epoch: null
gradient_accumulation_steps: 1
optimizer:
  _component_: torch.optim.AdamW
  lr: 1.0e-3
  fused: False
lr_scheduler:
  _component_: torchtune.training.lr_schedulers.get_cosine_schedule_with_warmup
  num_warmup_steps: 1
loss:
  _component_: torchtune.modules.loss.CEWithChunkedOutputLoss
clip_grad_norm: 1.0
enable_activation_checkpointing: False
enable_activation_offloading: False
metric_logger:
  _component_: torchtune.training.metric_logging.DiskLogger
  log_dir: \${output_dir}/logs
log_every_n_steps: 1
log_peak_memory_stats: False
profiler:
  _component_: torchtune.training.setup_torch_profiler
  enabled: False
`

const SCRIPT = `#!/bin/bash
#SBATCH --job-name=resume-lora-train
#SBATCH --time=${Math.floor(LIMIT_S / 60)}:${String(LIMIT_S % 60).padStart(2, '0')}
#SBATCH --output=artifacts/slurm-%j.out
set -uo pipefail
cd "$SLURM_SUBMIT_DIR"
mkdir -p artifacts
set +u; source "$RUN_EXPERIMENT_VENV/bin/activate"; set -u
job_tmp="$(mktemp -d)"
trap 'rm -rf "$job_tmp"' EXIT
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 HF_HOME="$job_tmp/hf" TOKENIZERS_PARALLELISM=false OMP_NUM_THREADS=1
resumes=$(grep -c '^resume_from_checkpoint: True' finetune.yaml)
echo "[finetune] job=$SLURM_JOB_ID resume_from_checkpoint=$resumes"
if [ "$resumes" = 0 ]; then
  # An epoch longer than the time limit, on any machine: once epoch 0 is saved (its recipe state too),
  # torchtune stops itself, so the limit ends the job in epoch 1.
  mkdir -p "$job_tmp/hold"
  cat > "$job_tmp/hold/sitecustomize.py" <<'PY'
import os, signal, sys
from torchtune.training import FullModelHFCheckpointer
save = FullModelHFCheckpointer.save_checkpoint
def save_then_hold(self, *args, **kwargs):
    save(self, *args, **kwargs)
    if kwargs.get("intermediate_checkpoint"):
        print("[finetune] epoch saved: torchtune held until the time limit", file=sys.stderr, flush=True)
        os.kill(os.getpid(), signal.SIGSTOP)
FullModelHFCheckpointer.save_checkpoint = save_then_hold
PY
  export PYTHONPATH="$job_tmp/hold"
fi
tune run lora_finetune_single_device --config finetune.yaml &
tune=$!
# The time limit signals the whole job: let torchtune, held, receive it.
trap 'kill -CONT "$tune" 2>/dev/null' TERM
while :; do
  wait "$tune"; status=$?
  kill -0 "$tune" 2>/dev/null || break
done
echo "[finetune] tune exited with status $status"
exit "$status"
`

/** The 1-based epochs of torchtune's progress lines (`2|3|Loss: 5.5`) in a job's output. */
function epochsIn(output: string): number[] {
  return [...new Set([...output.matchAll(/(\d+)\|\d+\|Loss: /g)].map((m) => Number(m[1])))]
}

it(
  'a LoRA training stopped by its time limit after epoch 0 continues from epoch 1 and succeeds',
  { timeout: 6 * 60_000 },
  async () => {
    const venv = toolsVenv()
    const exp = join(tempDir('re-resume-'), 'resume')
    mkdirSync(join(exp, 'lora'), { recursive: true })
    mkdirSync(join(exp, 'data'))
    writeFileSync(join(exp, 'experiment_summary.yaml'), SUMMARY)
    writeFileSync(join(exp, 'lora/finetune.yaml'), CONFIG)
    writeFileSync(join(exp, 'lora/finetune.slurm'), SCRIPT)
    cpSync('examples/capitalize/capitalize_task.py', join(exp, 'capitalize_task.py'))
    const words = ['abc', 'qwer', 'zxcv', 'hello', 'world', 'mnop', 'stuv', 'xyz']
    const rows = [...words, ...words.map((w) => `${w}s`)].map((w) => ({ input: w, output: w.toUpperCase() }))
    writeFileSync(join(exp, 'data/words.json'), JSON.stringify({ train: rows, validation: rows, test: rows }))
    execFileSync(join(venv, 'bin/python'), ['-W', 'ignore', 'scripts/make-tiny-model.py', join(exp, 'models/tiny')])

    const started = Date.now()
    const r = await runAction({
      inputs: localInputs(exp, { phases: 'optimize', 'max-parallel': '1', 'poll-interval': '1' }),
      env: { RUN_EXPERIMENT_VENV: venv },
    })
    const seconds = Math.round((Date.now() - started) / 1000)
    assert.equal(r.code, 0, `${r.summary}\n${r.stderr}`)
    assert.equal(r.outputs['status'], 'success')
    assert.equal(r.outputs['runs-succeeded'], '1')
    const runDir = r.outputs['experiment-dir'] ?? ''
    const job = join(runDir, 'lora')

    // Two attempts: the first stopped by its time limit, the second the resume, which completed.
    const states = JSON.parse(readFileSync(join(runDir, 'logs/run-torchtune.state.json'), 'utf8')) as Record<
      string,
      StateEntry
    >
    const entry = states['lora/finetune.slurm']
    assert.ok(entry)
    assert.equal(entry.attempt, 2)
    assert.equal(entry.state, 'COMPLETED')
    assert.equal(entry.validated, true)
    const first = entry.history?.[0]
    assert.equal(first?.state, 'TIMEOUT')
    assert.deepEqual(Object.keys(entry.output?.kind === 'training' ? entry.output.checkpoints : {}), ['0', '1'])
    // The identity of epoch 0 recorded with the resume: its newest weight file.
    const epoch0 = Math.max(
      ...readdirSync(join(job, 'artifacts/epoch_0'))
        .filter((f) => /\.(safetensors|pt|bin)$/.test(f))
        .map((f) => statSync(join(job, 'artifacts/epoch_0', f)).mtimeMs),
    )
    const resumedAt = Date.parse(entry.submitted_iso ?? '')
    assert.deepEqual(entry.retry_history, [{ resume_from_epoch: 1, epoch_0_mtime_ms: epoch0 }])
    assert.match(readFileSync(join(job, 'finetune.yaml'), 'utf8'), /^resume_from_checkpoint: True {2}# a stopped/m)

    // torchtune's own words: the first attempt trained epoch 1 (1-based) only, and was held in epoch 2; the
    // resumed one loaded the recipe state and epoch_0's adapter, and trained epoch 2 only.
    const before = readFileSync(join(job, `artifacts/slurm-${first.job_id ?? ''}.out`), 'utf8')
    const after = readFileSync(join(job, `artifacts/slurm-${entry.job_id ?? ''}.out`), 'utf8')
    assert.deepEqual(epochsIn(before), [1], before.slice(-2000))
    assert.match(before, /torchtune held until the time limit/)
    assert.doesNotMatch(before, /epoch_1/)
    assert.match(
      after,
      /Loading the recipe state using: [\s\S]*recipe_checkpoint: artifacts\/recipe_state\/recipe_state\.pt/,
    )
    assert.match(after, /adapter_checkpoint: artifacts\/epoch_0\/adapter_model\.pt/)
    assert.deepEqual(epochsIn(after), [2], after.slice(-2000))
    assert.match(after, /saved to artifacts\/epoch_1\/adapter_model\.pt[\s\S]*Saving final epoch checkpoint/)

    // The same epochs as an uninterrupted run; epoch_1 written by the resumed attempt only, epoch_0 before it.
    for (const epoch of [0, 1]) {
      for (const file of ['model-00001-of-00001.safetensors', 'adapter_model.pt', 'adapter_model.safetensors']) {
        const at = statSync(join(job, `artifacts/epoch_${epoch}/${file}`)).mtimeMs
        if (epoch === 0) assert.ok(at < resumedAt, `${file} of epoch 0 is the first attempt's`)
        else assert.ok(at >= resumedAt, `${file} of epoch 1 is the resumed attempt's`)
      }
    }

    const blocks = logBlocks(readFileSync(join(runDir, 'logs/run-torchtune.log'), 'utf8'))
    const resume = blocks.find((b) => b.action === 'RESUME')
    assert.match(
      resume?.lines[0] ?? '',
      /^Details: hit its time limit after epoch 0: continues from epoch 1 \(resume 1\/3\)/,
    )
    assert.match(r.summary, /lora — job \d+, .*attempt 2, 1 resume: continued from epoch 1/)
    console.log(`resume test: ${seconds} s for the action (time limit ${LIMIT_S} s)`)
  },
)
