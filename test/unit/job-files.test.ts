/**
 * What a job reads and writes, from job scripts as users write them: one row per form, each asserting
 * exactly what must be read (path, kind, trigger), what is written, and what is skipped as unresolved
 * (the words as written, and why). The cruijff_kit rows are the command lines of
 * ../shared/fixtures/cruijff_kit/ (placeholders substituted: @SCRATCH@ -> /scratch, @CRUIJFF_KIT@ -> /ck).
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Cell } from '../../src/experiment/model.ts'
import { inspect } from '../../src/tools/inspect.ts'
import type { JobFiles, PlannedJob, ToolModule } from '../../src/tools/tool.ts'
import { torchtune } from '../../src/tools/torchtune.ts'

const RUN = '/scratch/exp'
const JOB = `${RUN}/job`
const CK = '/scratch/ck-projects/capitalization/cap_rank_lr_model_sweep_2026-11-27'

interface Row {
  name: string
  tool?: 'inspect' | 'torchtune'
  /** The job script; `files` holds other files the job names (configs). */
  script: string
  files?: Record<string, string>
  runDir?: string
  dir?: string
  cell?: Cell
  reads: [path: string, kind: string, trigger: boolean][]
  writes?: [path: string, kind: string][]
  /** The words as written, and a pattern of why. */
  unresolved?: [text: string, why: RegExp][]
}

const CONTROL: Cell = { run: 'base', task: 'cap', epoch: null }
const EPOCH1: Cell = { run: 'lr1', task: 'cap', epoch: 1 }

/** A torchtune config with paths of every kind, relative ones resolved where the job runs. */
const FT_YAML = `output_dir: /scratch/out/lr1
models_dir: /models
checkpointer:
  checkpoint_dir: \${models_dir}/Llama/
  checkpoint_files: [model.safetensors]
  output_dir: \${output_dir}
tokenizer:
  path: \${models_dir}/Llama/original/tokenizer.model
dataset:
  source: json
  data_files: data/train.json
dataset_val:
  source: json
  data_files: data/val.json
epochs: 1
`
/** What FT_YAML makes a job running in `cwd` read. */
const ftReads = (cwd: string, config: string): Row['reads'] => [
  [config, 'training config', true],
  ['/models/Llama', 'base model directory', false],
  ['/models/Llama/model.safetensors', 'base model weights file', false],
  ['/models/Llama/original/tokenizer.model', 'tokenizer file', false],
  [`${cwd}/data/train.json`, 'training dataset', true],
  [`${cwd}/data/val.json`, 'validation dataset', true],
]
const FT_WRITES: Row['writes'] = [['/scratch/out/lr1', 'training output directory']]

const ROWS: Row[] = [
  // ---------------------------------------------------------------- cruijff_kit's templates
  {
    name: "cruijff_kit's control cell (cd to its directory, /usr/bin/time -p, continuations)",
    runDir: CK,
    dir: 'Llama-3.2-1B-Instruct_base/eval/cap_ood',
    script: `#!/bin/bash
#SBATCH --job-name=eval-cap_ood # Job name
#SBATCH --output=${CK}/Llama-3.2-1B-Instruct_base/artifacts/slurm-%j.out
module purge
module load anaconda3/2025.6
conda activate cruijff
GPU_METRICS_DIR="${CK}/Llama-3.2-1B-Instruct_base/artifacts"
mkdir -p "$GPU_METRICS_DIR"
nvidia-smi --query-gpu=timestamp,utilization.gpu,utilization.memory,memory.used,memory.total,power.draw,temperature.gpu \\
    --format=csv -l 30 > "\${GPU_METRICS_DIR}/gpu_metrics.csv" 2>/dev/null &
GPU_MONITOR_PID=$!
export HF_HUB_OFFLINE=1
cd ${CK}/Llama-3.2-1B-Instruct_base/eval/cap_ood

/usr/bin/time -p inspect eval /ck/blueprints/capitalization/inspect_task.py@cap_ood \\
  --model hf/Llama-3.2-1B-Instruct_base_control \\
  -M model_path="/scratch/pretrained-llms/Llama-3.2-1B-Instruct" \\
  -M do_sample=true \\
  -T data_path="/scratch/ck-data/capitalization/words_reversed_ood.json" \\
  -T config_path="${CK}/Llama-3.2-1B-Instruct_base/eval/cap_ood/eval.yaml" \\
  -T vis_label="1B control (cap_ood)" \\
  -T use_chat_template="true" \\
  -T temperature="0.7" \\
  -T max_tokens="8" \\
  --metadata is_finetuned="false" \\
  --metadata source_model="Llama-3.2-1B-Instruct" \\
  --max-connections 16 \\
  --seed 3 \\
  --log-dir ./logs \\
  --log-level info
INSPECT_EXIT_CODE=$?
kill $GPU_MONITOR_PID 2>/dev/null
wait $GPU_MONITOR_PID 2>/dev/null
`,
    cell: CONTROL,
    reads: [
      ['/ck/blueprints/capitalization/inspect_task.py', 'inspect task file', true],
      ['/scratch/ck-data/capitalization/words_reversed_ood.json', 'evaluation dataset', true],
      [`${CK}/Llama-3.2-1B-Instruct_base/eval/cap_ood/eval.yaml`, 'task config file', true],
      ['/scratch/pretrained-llms/Llama-3.2-1B-Instruct', 'model directory', false],
    ],
    writes: [
      [`${CK}/Llama-3.2-1B-Instruct_base/eval/cap_ood/logs`, 'inspect log directory'],
      [`${CK}/Llama-3.2-1B-Instruct_base/artifacts`, 'job output directory'],
    ],
  },
  {
    name: "cruijff_kit's fine-tuned cell: the model is the checkpoint its training writes, not read beforehand",
    runDir: CK,
    dir: 'Llama-3.2-1B-Instruct_rank16_lr5e-4/eval/cap_cue_epoch1',
    script: `#!/bin/bash
#SBATCH --output=${CK}/Llama-3.2-1B-Instruct_rank16_lr5e-4/artifacts/epoch_1/slurm-%j.out
cd ${CK}/Llama-3.2-1B-Instruct_rank16_lr5e-4/eval/cap_cue_epoch1

/usr/bin/time -p inspect eval /ck/blueprints/capitalization/inspect_task.py@cap_cue \\
  --model hf/Llama-3.2-1B-Instruct_rank16_lr5e-4_epoch_1 \\
  -M model_path="${CK}/Llama-3.2-1B-Instruct_rank16_lr5e-4/artifacts/epoch_1" \\
  -M do_sample=true \\
  -T data_path="/scratch/ck-data/capitalization/words_5L_80P_1000.json" \\
  -T config_path="${CK}/Llama-3.2-1B-Instruct_rank16_lr5e-4/eval/cap_cue_epoch1/eval.yaml" \\
  -T vis_label="Llama-3.2-1B-Instruct_rank16_lr5e-4 (cap_cue)" \\
  -T assistant_prefix='"Answer: "' \\
  --metadata epoch="1" \\
  --max-connections 16 \\
  --seed 3 \\
  --log-dir ./logs \\
  --log-level info
`,
    cell: EPOCH1,
    reads: [
      ['/ck/blueprints/capitalization/inspect_task.py', 'inspect task file', true],
      ['/scratch/ck-data/capitalization/words_5L_80P_1000.json', 'evaluation dataset', true],
      [`${CK}/Llama-3.2-1B-Instruct_rank16_lr5e-4/eval/cap_cue_epoch1/eval.yaml`, 'task config file', true],
    ],
    writes: [
      [`${CK}/Llama-3.2-1B-Instruct_rank16_lr5e-4/eval/cap_cue_epoch1/logs`, 'inspect log directory'],
      [`${CK}/Llama-3.2-1B-Instruct_rank16_lr5e-4/artifacts/epoch_1`, 'job output directory'],
    ],
  },
  {
    name: "cruijff_kit's fine-tuning (tune run <module recipe> --config finetune.yaml on a continuation line)",
    tool: 'torchtune',
    runDir: CK,
    dir: 'Llama-3.2-1B-Instruct_rank16_lr5e-4',
    script: `#!/bin/bash
#SBATCH --output=${CK}/Llama-3.2-1B-Instruct_rank16_lr5e-4/artifacts/slurm-%j.out
module purge
conda activate cruijff
mkdir -p ${CK}/Llama-3.2-1B-Instruct_rank16_lr5e-4/artifacts/logs/wandb  # wandb is picky about existing dirs
nvidia-smi --query-gpu=timestamp,utilization.gpu --format=csv -l 30 > ${CK}/x/gpu_metrics.csv 2>/dev/null &
GPU_MONITOR_PID=$!

tune run cruijff_kit.tools.torchtune.custom_recipes.lora_finetune_single_device_nightly.__main__ \\
    --config finetune.yaml
TUNE_EXIT_CODE=$?
kill $GPU_MONITOR_PID 2>/dev/null
if [ $TUNE_EXIT_CODE -eq 0 ]; then
    python -m cruijff_kit.tools.torchtune.post_finetune --config finetune.yaml
fi

exit $TUNE_EXIT_CODE`,
    files: {
      [`${CK}/Llama-3.2-1B-Instruct_rank16_lr5e-4/finetune.yaml`]: `dataset_label: words_5L_80P_1000
output_dir: ${CK}/Llama-3.2-1B-Instruct_rank16_lr5e-4/artifacts/
input_dir: /scratch/ck-data/capitalization/
models_dir: /scratch/pretrained-llms
tokenizer:
  _component_: torchtune.models.llama3.llama3_tokenizer
  path: \${models_dir}/Llama-3.2-1B-Instruct/original/tokenizer.model
checkpointer:
  checkpoint_dir: \${models_dir}/Llama-3.2-1B-Instruct/
  checkpoint_files:
  - model.safetensors
  output_dir: \${output_dir}
dataset:
  source: json
  data_files: \${input_dir}/\${dataset_label}.json
  split: train
dataset_val:
  source: json
  data_files: \${input_dir}/\${dataset_label}.json
  split: validation
`,
    },
    reads: [
      [`${CK}/Llama-3.2-1B-Instruct_rank16_lr5e-4/finetune.yaml`, 'training config', true],
      ['/scratch/pretrained-llms/Llama-3.2-1B-Instruct', 'base model directory', false],
      ['/scratch/pretrained-llms/Llama-3.2-1B-Instruct/model.safetensors', 'base model weights file', false],
      ['/scratch/pretrained-llms/Llama-3.2-1B-Instruct/original/tokenizer.model', 'tokenizer file', false],
      ['/scratch/ck-data/capitalization/words_5L_80P_1000.json', 'training dataset', true],
    ],
    writes: [[`${CK}/Llama-3.2-1B-Instruct_rank16_lr5e-4/artifacts`, 'training output directory']],
  },
  // ---------------------------------------------------------------- the tool by name, by path
  {
    name: 'a virtual environment by absolute path (not a task file named eval)',
    script: '/opt/venvs/ev/bin/inspect eval task.py@cap --model hf/m --log-dir logs\n',
    reads: [[`${JOB}/task.py`, 'inspect task file', true]],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  {
    name: 'a relative virtual environment',
    script: './venv/bin/inspect eval task.py\n',
    reads: [[`${JOB}/task.py`, 'inspect task file', true]],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  {
    name: 'the environment from a variable: the file name decides',
    script: '"$VENV"/bin/inspect eval task.py@cap\n',
    reads: [[`${JOB}/task.py`, 'inspect task file', true]],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  {
    name: 'cd "${SLURM_SUBMIT_DIR:-$(dirname "${BASH_SOURCE[0]}")}" (the example\'s form): SLURM sets it',
    script: 'set -euo pipefail\ncd "${SLURM_SUBMIT_DIR:-$(dirname "${BASH_SOURCE[0]}")}"\ninspect eval task.py@cap\n',
    reads: [[`${JOB}/task.py`, 'inspect task file', true]],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  {
    name: '${OUT:-/scratch/out} with OUT unset in the script: it may come from the environment',
    script: 'inspect eval task.py --log-dir "${OUT:-/scratch/out}"\n',
    reads: [[`${JOB}/task.py`, 'inspect task file', true]],
    writes: [],
    unresolved: [['"${OUT:-/scratch/out}"', /OUT/]],
  },
  {
    name: '${OUT:-/scratch/out} with OUT set empty in the script: the default',
    script: 'OUT=\ninspect eval task.py --log-dir "${OUT:-/scratch/out}"\n',
    reads: [[`${JOB}/task.py`, 'inspect task file', true]],
    writes: [['/scratch/out', 'inspect log directory']],
  },
  {
    name: 'cd /data/exp && inspect eval task.py@cap: where the script cds',
    script: 'cd /data/exp && inspect eval task.py@cap\n',
    reads: [['/data/exp/task.py', 'inspect task file', true]],
    writes: [['/data/exp/logs', 'inspect log directory']],
  },
  {
    name: '"$EXP"/task.py@cap --limit 3, EXP assigned a literal earlier',
    script: 'export EXP=/data/exp\ninspect eval "$EXP"/task.py@cap --limit 3\n',
    reads: [['/data/exp/task.py', 'inspect task file', true]],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  {
    name: '"$EXP"/task.py@cap --limit 3, EXP from the environment: unresolved, and 3 is never a task',
    script: 'inspect eval "$EXP"/task.py@cap --limit 3\n',
    reads: [],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
    unresolved: [['"$EXP"/task.py@cap', /\$EXP is not set in the script/]],
  },
  {
    name: 'python -m inspect_ai eval, a relative dataset beside the task',
    script: 'python -m inspect_ai eval task.py@cap -T data_path=data/words.json\n',
    reads: [
      [`${JOB}/task.py`, 'inspect task file', true],
      [`${JOB}/data/words.json`, 'evaluation dataset', true],
    ],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  {
    name: "python3 -u -m inspect_ai: a relative -T path is in the task file's directory (inspect creates the task there)",
    script: 'python3 -u -m inspect_ai eval /ck/tasks/t.py@cap -T data_path=data/w.json\n',
    reads: [
      ['/ck/tasks/t.py', 'inspect task file', true],
      ['/ck/tasks/data/w.json', 'evaluation dataset', true],
    ],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  // ---------------------------------------------------------------- wrappers
  {
    name: 'env VAR=x inspect ...: INSPECT_LOG_DIR set for the command',
    script: 'env HF_HUB_OFFLINE=1 INSPECT_LOG_DIR=/out/logs inspect eval task.py\n',
    reads: [[`${JOB}/task.py`, 'inspect task file', true]],
    writes: [['/out/logs', 'inspect log directory']],
  },
  {
    name: 'srun with options',
    script: 'srun --ntasks=1 -c 4 --gres=gpu:1 -J eval inspect eval task.py@cap\n',
    reads: [[`${JOB}/task.py`, 'inspect task file', true]],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  {
    name: 'srun -D moves the working directory',
    script: 'srun -D /data/exp inspect eval task.py\n',
    reads: [['/data/exp/task.py', 'inspect task file', true]],
    writes: [['/data/exp/logs', 'inspect log directory']],
  },
  {
    name: 'uv run with options',
    script: 'uv run --with inspect-ai --project /proj $UV_ARGS "$VENV"/bin/inspect eval task.py@cap --model hf/m\n',
    reads: [[`${JOB}/task.py`, 'inspect task file', true]],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  {
    name: 'conda run -n env',
    script: 'conda run -n ev --no-capture-output inspect eval task.py\n',
    reads: [[`${JOB}/task.py`, 'inspect task file', true]],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  {
    name: 'nice and timeout 1h',
    script: 'nice -n 10 timeout 1h inspect eval task.py\n',
    reads: [[`${JOB}/task.py`, 'inspect task file', true]],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  {
    name: 'apptainer exec: binds map paths out; a path of the image is not checked',
    script: 'apptainer exec --nv -B /data:/mnt img.sif inspect eval /mnt/task.py@cap -T data_path=/opt/data.json\n',
    reads: [
      ['/data/task.py', 'inspect task file', true],
      [`${JOB}/img.sif`, 'container image', false],
    ],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
    unresolved: [['/opt/data.json', /read inside the container img\.sif/]],
  },
  {
    name: 'time with line continuations and comments between the lines',
    script:
      '# evaluate\ntime inspect eval \\\n  task.py@cap \\\n  -T data_path=/data/w.json \\\n  --log-dir /out # logs\n',
    reads: [
      [`${JOB}/task.py`, 'inspect task file', true],
      ['/data/w.json', 'evaluation dataset', true],
    ],
    writes: [['/out', 'inspect log directory']],
  },
  {
    name: '#SBATCH --chdir: the script starts there',
    script: '#!/bin/bash\n#SBATCH --chdir=/data/exp\n#SBATCH -o out/%j.out\ninspect eval task.py\n',
    reads: [['/data/exp/task.py', 'inspect task file', true]],
    writes: [
      ['/data/exp/logs', 'inspect log directory'],
      ['/data/exp/out', 'job output directory'],
    ],
  },
  {
    name: 'cd $SCRATCH && inspect eval task.py: unresolved',
    script: 'cd $SCRATCH && inspect eval task.py\n',
    reads: [],
    unresolved: [
      ['task.py', /working directory, which is not known: cd \$SCRATCH at line 1/],
      ["--log-dir ./logs (inspect's default)", /working directory, which is not known/],
    ],
  },
  {
    name: 'a cd on one branch of an if: later relative paths are unknown',
    script: 'if [ -d /fast ]; then\n  cd /fast\nfi\ninspect eval task.py --log-dir /out\n',
    reads: [],
    writes: [['/out', 'inspect log directory']],
    unresolved: [['task.py', /the working directory is changed inside the block of line 1/]],
  },
  // ---------------------------------------------------------------- inspect's options
  {
    name: 'options that take values, before and after the task: none is taken for a task',
    script:
      'inspect eval --model hf/m --limit 3 --epochs 2 --temperature 0.5 --max-connections 4 -M device=cuda ' +
      '-T k=v --metadata a=b --cache 1d task.py@x --fail-on-error --log-dir=out --seed 7\n',
    reads: [[`${JOB}/task.py`, 'inspect task file', true]],
    writes: [[`${JOB}/out`, 'inspect log directory']],
  },
  {
    name: 'a registry task: nothing to check',
    script: 'inspect eval inspect_evals/gsm8k --model openai/gpt-4o -T dataset=openai/gsm8k\n',
    reads: [],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  {
    name: 'config files and input -T keys; outputs and names are not reads',
    script:
      'inspect eval task.py --task-config cfg.yaml -T dataset=data/x.jsonl -T output_path=res/out.json ' +
      '-T prompt_file=prompts.txt -T images_dir=/img\n',
    reads: [
      [`${JOB}/task.py`, 'inspect task file', true],
      [`${JOB}/data/x.jsonl`, 'evaluation dataset', true],
      [`${JOB}/prompts.txt`, 'task input (-T prompt_file)', true],
      ['/img', 'task input (-T images_dir)', false],
      [`${JOB}/cfg.yaml`, 'inspect config file (--task-config)', true],
    ],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  {
    name: 'a dataset the script makes before inspect reads it is not required beforehand',
    script: 'python prep.py --out data.json\ninspect eval task.py -T data_path=data.json\n',
    reads: [[`${JOB}/task.py`, 'inspect task file', true]],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
    unresolved: [['data.json', /line 1 of the script makes \/scratch\/exp\/job\/data\.json before it is read/]],
  },
  {
    name: 'a word after an option inspect-ai does not list may be its value: not taken for a task',
    script: 'inspect eval --brand-new-option extra.py task.py\n',
    reads: [[`${JOB}/task.py`, 'inspect task file', true]],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
    unresolved: [['extra.py', /follows an option this reading does not know/]],
  },
  {
    name: 'options from a variable: the word after them is not taken for a task',
    script: 'ARGS="--limit 3"\ninspect eval $OPTS task.py -T "$EXTRA"\n',
    reads: [],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
    unresolved: [
      ['task.py', /follows an option this reading does not know/],
      ['$OPTS', /\$OPTS is not set in the script/],
      ['"$EXTRA"', /an argument whose key is not known/],
    ],
  },
  {
    name: 'a word split from a known variable: --limit 3 is an option and its value',
    script: 'OPTS="--limit 3 --model hf/m"\ninspect eval $OPTS task.py\n',
    reads: [[`${JOB}/task.py`, 'inspect task file', true]],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  {
    name: 'a command in a heredoc is text, not a command',
    script: 'cat <<EOF > run.sh\ninspect eval task.py\nEOF\necho done\n',
    reads: [],
    unresolved: [['', /no inspect eval command in the script/]],
  },
  {
    name: 'pushd and popd',
    script: 'pushd /data/exp\ninspect eval task.py\npopd\ninspect eval t2.py\n',
    reads: [
      ['/data/exp/task.py', 'inspect task file', true],
      [`${JOB}/t2.py`, 'inspect task file', true],
    ],
    writes: [
      ['/data/exp/logs', 'inspect log directory'],
      [`${JOB}/logs`, 'inspect log directory'],
    ],
  },
  {
    name: 'a cd inside a subshell ends with it',
    script: '( cd /sub && inspect eval t.py )\ninspect eval t2.py | tee out.log\n',
    reads: [
      ['/sub/t.py', 'inspect task file', true],
      [`${JOB}/t2.py`, 'inspect task file', true],
    ],
    writes: [
      ['/sub/logs', 'inspect log directory'],
      [`${JOB}/logs`, 'inspect log directory'],
    ],
  },
  {
    name: 'singularity exec with a bind of the same path, python -m inspect_ai inside',
    script: 'singularity exec --bind /data img.sif python -m inspect_ai eval task.py -T data_path=/data/d.json\n',
    reads: [
      [`${JOB}/task.py`, 'inspect task file', true],
      ['/data/d.json', 'evaluation dataset', true],
      [`${JOB}/img.sif`, 'container image', false],
    ],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  {
    name: 'inspect eval-set, -T attached to its value, a log directory from a variable',
    script: 'inspect eval-set task.py -Tdata_path=/d.json --log-dir="$OUT"\n',
    reads: [
      [`${JOB}/task.py`, 'inspect task file', true],
      ['/d.json', 'evaluation dataset', true],
    ],
    unresolved: [['"$OUT"', /\$OUT is not set in the script/]],
  },
  {
    name: 'exec: nothing after it runs',
    script: 'CUDA_VISIBLE_DEVICES=0 exec inspect eval task.py\ninspect eval never.py\n',
    reads: [[`${JOB}/task.py`, 'inspect task file', true]],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  {
    name: 'a loop variable, a glob, the home directory: unresolved',
    script: 'for t in a b; do inspect eval $t.py; done\ninspect eval tasks/*.py\ninspect eval ~/t.py\n',
    reads: [],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
    unresolved: [
      ['$t.py', /the loop variable of line 1/],
      ['tasks/*.py', /a glob pattern/],
      ['~/t.py', /the home directory/],
    ],
  },
  {
    name: 'source may set anything: a variable assigned before it is unknown after',
    script: 'A=/x\nsource ~/.bashrc\nB=/y\ninspect eval $A/t.py $B/u.py\n',
    reads: [['/y/u.py', 'inspect task file', true]],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
    unresolved: [['$A/t.py', /\$A is changed by line 2 \(source ~\/\.bashrc\)/]],
  },
  {
    name: 'a task directory; a task file the script copies in first',
    script: 'mkdir -p /d && cp /src/t.py /d/\ninspect eval ./tasks /d/t.py\n',
    reads: [[`${JOB}/tasks`, 'inspect task directory', false]],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
    unresolved: [['/d/t.py', /line 1 of the script makes \/d\/t\.py before it is read/]],
  },
  {
    name: 'a task directory named with a trailing slash, not ./: a directory, not a registry task',
    script: 'inspect eval tasks/ --model hf/m\n',
    reads: [[`${JOB}/tasks`, 'inspect task directory', false]],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  {
    name: 'a sandbox compose file, an approval config, a scanner file',
    script: 'inspect eval t.py --sandbox docker:compose.yaml --approval approval.yaml --scanner sc.py@f\n',
    reads: [
      [`${JOB}/t.py`, 'inspect task file', true],
      [`${JOB}/compose.yaml`, 'sandbox config file', true],
      [`${JOB}/approval.yaml`, 'inspect config file (--approval)', true],
      [`${JOB}/sc.py`, 'inspect config file (--scanner)', true],
    ],
    writes: [[`${JOB}/logs`, 'inspect log directory']],
  },
  // ---------------------------------------------------------------- torchtune
  {
    name: 'tune run lora_finetune_single_device --config finetune.yaml',
    tool: 'torchtune',
    script: 'tune run lora_finetune_single_device --config finetune.yaml\n',
    files: { [`${JOB}/finetune.yaml`]: FT_YAML },
    reads: ftReads(JOB, `${JOB}/finetune.yaml`),
    writes: FT_WRITES,
  },
  {
    name: 'tune run ... --config ./configs/ft.yaml epochs=3',
    tool: 'torchtune',
    script: 'tune run lora_finetune_single_device --config ./configs/ft.yaml epochs=3\n',
    files: { [`${JOB}/configs/ft.yaml`]: FT_YAML },
    reads: ftReads(JOB, `${JOB}/configs/ft.yaml`),
    writes: FT_WRITES,
  },
  {
    name: "tune run with torchrun's options and overrides of paths: the override is what is read",
    tool: 'torchtune',
    script:
      'cd /work/ft\ntune run --nproc_per_node 2 lora_finetune_distributed --config ft.yaml \\\n' +
      '  dataset.data_files=/data/other.json output_dir=/out ~dataset_val\n',
    files: { '/work/ft/ft.yaml': FT_YAML },
    reads: [
      ['/work/ft/ft.yaml', 'training config', true],
      ['/models/Llama', 'base model directory', false],
      ['/models/Llama/model.safetensors', 'base model weights file', false],
      ['/models/Llama/original/tokenizer.model', 'tokenizer file', false],
      ['/data/other.json', 'training dataset', true],
    ],
    writes: [['/out', 'training output directory']],
  },
  {
    name: 'python -m torchtune._cli.tune run',
    tool: 'torchtune',
    script: 'python -m torchtune._cli.tune run lora_finetune_single_device --config finetune.yaml\n',
    files: { [`${JOB}/finetune.yaml`]: FT_YAML },
    reads: ftReads(JOB, `${JOB}/finetune.yaml`),
    writes: FT_WRITES,
  },
  {
    name: 'torchrun ... -m torchtune._cli.tune run',
    tool: 'torchtune',
    script: 'torchrun --nproc_per_node 4 -m torchtune._cli.tune run full_finetune_distributed --config finetune.yaml\n',
    files: { [`${JOB}/finetune.yaml`]: FT_YAML },
    reads: ftReads(JOB, `${JOB}/finetune.yaml`),
    writes: FT_WRITES,
  },
  {
    name: 'torchrun of a recipe file',
    tool: 'torchtune',
    script: 'srun torchrun --nnodes 1 --nproc_per_node=2 recipes/lora.py --config finetune.yaml\n',
    files: { [`${JOB}/finetune.yaml`]: FT_YAML },
    reads: [
      ...ftReads(JOB, `${JOB}/finetune.yaml`).slice(0, 1),
      [`${JOB}/recipes/lora.py`, 'training recipe', true],
      ...ftReads(JOB, `${JOB}/finetune.yaml`).slice(1),
    ],
    writes: FT_WRITES,
  },
  {
    name: 'cd $SCRATCH && tune run ...: unresolved',
    tool: 'torchtune',
    script: 'cd $SCRATCH && tune run lora_finetune_single_device --config finetune.yaml\n',
    reads: [],
    unresolved: [['finetune.yaml', /working directory, which is not known: cd \$SCRATCH at line 1/]],
  },
  {
    name: "a built-in config: only the command line's paths are read",
    tool: 'torchtune',
    script:
      'tune run lora_finetune_single_device --config llama3_2/1B_lora_single_device ' +
      'checkpointer.checkpoint_dir=/models/x output_dir=/out\n',
    reads: [['/models/x', 'base model directory', false]],
    writes: [['/out', 'training output directory']],
    unresolved: [['llama3_2/1B_lora_single_device', /one of torchtune's built-in configs/]],
  },
  {
    name: 'an output_dir from a variable on the command line, an OmegaConf resolver in the config',
    tool: 'torchtune',
    script: 'tune run recipe --config ft.yaml output_dir=$OUT\n',
    files: {
      [`${JOB}/ft.yaml`]:
        'tokenizer:\n  path: ${oc.env:MODELS}/tok.model\ndataset:\n  source: json\n  data_files: d.json\n',
    },
    reads: [
      [`${JOB}/ft.yaml`, 'training config', true],
      [`${JOB}/d.json`, 'training dataset', true],
    ],
    unresolved: [
      ['tokenizer.path', /\$\{oc\.env:MODELS\} cannot be resolved before the job runs/],
      ['output_dir=$OUT', /\$OUT is not set in the script/],
    ],
  },
]

function job(row: Row): PlannedJob {
  const dir = row.dir ?? 'job'
  const script = row.tool === 'torchtune' ? 'finetune.slurm' : 'cell.slurm'
  return {
    key: `${dir}/${script}`,
    display: row.name,
    run: row.cell?.run ?? 'run',
    ...(row.cell ? { cell: row.cell } : {}),
    dir,
    script,
    inputs: [],
  }
}

async function filesOf(row: Row): Promise<JobFiles> {
  const runDir = row.runDir ?? RUN
  const j = job(row)
  const all: Record<string, string> = { ...row.files, [`${runDir}/${j.dir}/${j.script}`]: row.script }
  const module: ToolModule = row.tool === 'torchtune' ? torchtune : inspect
  const files = await module.files?.({
    runDir,
    job: j,
    read: (p) => Promise.resolve(all[p] !== undefined ? Buffer.from(all[p]) : null),
  })
  assert.ok(files)
  return files
}

describe('what a job reads and writes, from scripts as users write them', () => {
  it(`has at least 25 forms`, () => {
    assert.ok(ROWS.length >= 25, `${ROWS.length} rows`)
  })
  for (const row of ROWS) {
    it(row.name, async () => {
      const f = await filesOf(row)
      assert.deepEqual(
        f.reads.map((r) => [r.path, r.kind, r.trigger]),
        row.reads,
        'reads',
      )
      assert.deepEqual(
        f.writes.map((w) => [w.path, w.kind]),
        row.writes ?? [],
        'writes',
      )
      const expected = row.unresolved ?? []
      assert.deepEqual(
        f.unresolved.map((u) => u.text),
        expected.map(([text]) => text),
        `unresolved: ${JSON.stringify(f.unresolved)}`,
      )
      f.unresolved.forEach((u, i) => {
        assert.match(u.why, expected[i]?.[1] ?? /^$/)
      })
    })
  }

  it('each read is located where the script (or its config) names it', async () => {
    const base = ROWS[0] as Row
    const f = await filesOf(base)
    const lines = base.script.split('\n')
    const at = (path: string) => f.reads.find((r) => r.path === path)
    const model = at('/scratch/pretrained-llms/Llama-3.2-1B-Instruct')
    assert.equal(model?.file, 'Llama-3.2-1B-Instruct_base/eval/cap_ood/cell.slurm')
    assert.match(lines[(model.line ?? 0) - 1] ?? '', /-M model_path=/)
    assert.equal(model.field, '-M model_path')
    const tt = ROWS.find((r) => r.name.startsWith("tune run with torchrun's options")) as Row
    const g = await filesOf(tt)
    const data = g.reads.find((r) => r.path === '/data/other.json')
    assert.deepEqual([data?.file, data?.line, data?.field], ['job/finetune.slurm', 3, 'dataset.data_files'])
    const tok = g.reads.find((r) => r.kind === 'tokenizer file')
    assert.deepEqual([tok?.file, tok?.line, tok?.field], ['/work/ft/ft.yaml', 8, 'tokenizer.path'])
  })
})
