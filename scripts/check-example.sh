#!/usr/bin/env bash
# Prove the examples/capitalize experiment end to end WITHOUT the action: build the tools venv, the
# tiny model and the dataset, then run every job script directly with bash (cwd = the job dir, a fake
# SLURM_JOB_ID, stdout+stderr sent where the script's "#SBATCH --output" points), all trainings
# first, then all eval cells. Prints timings, each run's final training loss and each cell's
# accuracy, and fails unless every job exits 0 and every fine-tuned cell clearly beats the control.
#
#   scripts/check-example.sh [--keep]     (--keep: do not delete previous run outputs first)
#
# Environment: RUN_EXPERIMENT_VENV (default <repo>/.venv-tools), PYTHON (see python-env.sh).
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
example="$repo_root/examples/capitalize"
export RUN_EXPERIMENT_VENV="${RUN_EXPERIMENT_VENV:-$repo_root/.venv-tools}"
venv_py="$RUN_EXPERIMENT_VENV/bin/python"
keep=0
[[ "${1:-}" == "--keep" ]] && keep=1

say() { printf '[check-example] %s\n' "$*"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

t_all=$(now)

t=$(now)
bash "$script_dir/python-env.sh" "$RUN_EXPERIMENT_VENV"
say "python env: $(elapsed "$t" "$(now)") s"

t=$(now)
"$venv_py" -W ignore "$script_dir/make-tiny-model.py" "$example/models/tiny" 2>&1 | grep -v "cpp extensions" || true
[[ -f "$example/models/tiny/.tiny-model.sha256" ]] || { say "tiny model missing"; exit 1; }
"$venv_py" "$example/make_data.py"
say "model + data: $(elapsed "$t" "$(now)") s"

if (( ! keep )); then
  say "removing previous run outputs (artifacts/, eval logs/, slurm-*.out)"
  find "$example" -mindepth 1 \( -path "$example/data" -o -path "$example/models" \) -prune -o \
    \( -type d \( -name artifacts -o -name logs \) -prune -exec rm -rf {} + \) -o \
    \( -type f -name 'slurm-*.out' -exec rm -f {} + \)
fi

fake_id=900000
declare -a rows=()
failed=0

# run_job DIR SCRIPT: bash SCRIPT in DIR with a fake job id, output to its #SBATCH --output path.
run_job() {
  local dir="$1" script="$2" out rc t0
  fake_id=$((fake_id + 1))
  out="$(sed -n 's/^#SBATCH[[:space:]]\{1,\}--output=\(.*\)$/\1/p' "$dir/$script" | head -n1)"
  out="${out:-slurm-%j.out}"
  out="${out//%j/$fake_id}"
  (cd "$dir" && mkdir -p "$(dirname "$out")")
  t0=$(now)
  set +e
  (cd "$dir" && env -u SLURM_SUBMIT_DIR SLURM_JOB_ID="$fake_id" SLURM_CPUS_PER_TASK=2 \
    bash "$script" >"$out" 2>&1)
  rc=$?
  set -e
  job_secs=$(elapsed "$t0" "$(now)")
  job_out="$dir/$out"
  job_rc=$rc
}

say "=== trainings ==="
t_train=$(now)
for slurm in "$example"/*/finetune.slurm; do
  dir="$(dirname "$slurm")"; run="$(basename "$dir")"
  say "training $run ..."
  run_job "$dir" finetune.slurm
  loss="-"
  log="$(ls -t "$dir"/artifacts/logs/log_*.txt 2>/dev/null | head -n1 || true)"
  if [[ -n "$log" ]]; then
    loss="$(tail -n1 "$log" | sed -n 's/^Step \([0-9]*\) | loss:\([^ ]*\).*/step \1 loss \2/p')"
  fi
  epochs="$(cd "$dir/artifacts" 2>/dev/null && ls -d epoch_* 2>/dev/null | tr '\n' ' ' || true)"
  say "  $run: exit $job_rc in ${job_secs}s; final $loss; checkpoints: ${epochs:-none}; log: ${job_out#"$example"/}"
  rows+=("train  $run  exit=$job_rc  ${job_secs}s  $loss")
  (( job_rc == 0 )) || { failed=1; tail -n 30 "$job_out" || true; }
done
say "trainings: $(elapsed "$t_train" "$(now)") s"

say "=== evals ==="
t_eval=$(now)
declare -A acc=()
for slurm in "$example"/*/eval/*/cell.slurm; do
  dir="$(dirname "$slurm")"; cell="${dir#"$example"/}"
  say "evaluating $cell ..."
  run_job "$dir" cell.slurm
  a="-"
  log="$(ls -t "$dir"/logs/*.eval 2>/dev/null | head -n1 || true)"
  if [[ -n "$log" ]]; then
    a="$("$venv_py" - "$log" <<'EOF'
import sys
from inspect_ai.log import read_eval_log
log = read_eval_log(sys.argv[1], header_only=True)
if log.status != "success" or not log.results or not log.results.scores:
    print(f"status={log.status}")
else:
    m = log.results.scores[0].metrics
    print(f"{m['accuracy'].value:.3f}")
EOF
)"
  fi
  acc["$cell"]="$a"
  say "  $cell: exit $job_rc in ${job_secs}s; accuracy $a; log: ${log#"$example"/}"
  rows+=("eval   $cell  exit=$job_rc  ${job_secs}s  accuracy=$a")
  (( job_rc == 0 )) || { failed=1; tail -n 30 "$job_out" || true; }
done
say "evals: $(elapsed "$t_eval" "$(now)") s"

say "=== summary (total $(elapsed "$t_all" "$(now)") s) ==="
printf '  %s\n' "${rows[@]}"

# The learned effect: every fine-tuned cell must beat the control by a wide margin.
control="${acc[base/eval/capitalize]:-}"
if [[ ! "$control" =~ ^[0-9.]+$ ]]; then
  say "FAIL: no control accuracy"; failed=1
else
  for cell in "${!acc[@]}"; do
    [[ "$cell" == base/* ]] && continue
    a="${acc[$cell]}"
    if [[ ! "$a" =~ ^[0-9.]+$ ]] || ! awk -v a="$a" -v c="$control" 'BEGIN { exit !(a >= c + 0.5) }'; then
      say "FAIL: $cell accuracy $a is not clearly above the control's $control"; failed=1
    fi
  done
fi
if (( failed )); then say "FAILED"; exit 1; fi
say "OK: fine-tuned runs beat the control (control accuracy $control)"
