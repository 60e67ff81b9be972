#!/usr/bin/env bash
# The demo (`npm run demo`): the example experiment (examples/capitalize) end to end, with real
# torchtune fine-tuning and real inspect-ai evaluation on this machine's CPUs, run by the built action
# exactly as a GitHub runner would, with the local executor. The example lies in the checkout, so it
# runs under the run root (RUN_EXPERIMENT_DEMO_ROOT, default ~/run-experiment-demo), as a workflow's
# would; the demo prints where. On a fresh machine it installs what it needs first (node modules, the
# Python tools venv, the tiny model, the data).
#   npm run demo               run; a second run resumes and does nothing new
#   npm run demo -- --fresh    clear the previous results and run everything again
#   npm run demo -- --setup-only   install what the demo needs, run nothing
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
example=examples/capitalize
fresh=0
setup_only=0
for arg in "$@"; do
  case "$arg" in
    --fresh) fresh=1 ;;
    --setup-only) setup_only=1 ;;
    *) echo "usage: npm run demo [-- --fresh | --setup-only]" >&2; exit 2 ;;
  esac
done
step() { printf '\n==> %s\n' "$*"; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund
fi
[ -f dist/index.js ] || node scripts/build.mjs

step "Python tools (torch CPU, torchtune, inspect-ai) in a venv"
export RUN_EXPERIMENT_VENV="${RUN_EXPERIMENT_VENV:-$root/.venv-tools}"
bash scripts/python-env.sh "$RUN_EXPERIMENT_VENV"

step "tiny model and data"
"$RUN_EXPERIMENT_VENV/bin/python" -W ignore scripts/make-tiny-model.py "$example/models/tiny" 2>&1 | grep -v "cpp extensions" || true
"$RUN_EXPERIMENT_VENV/bin/python" "$example/make_data.py"

[ "$setup_only" = 1 ] && exit 0

run_root=${RUN_EXPERIMENT_DEMO_ROOT:-$HOME/run-experiment-demo}
if [ "$fresh" = 1 ]; then
  step "clearing previous results (--fresh): $run_root"
  rm -rf -- "$run_root"
fi

step "running the action (executor: local) on $example"
start=$(date +%s)
out=$(mktemp)
set +e
node scripts/local-runner.mjs --experiment-dir "$example" --executor local --max-parallel 1 \
  --poll-interval 2 --max-poll-interval 10 --run-root "$run_root" --quiet | tee "$out"
rc=${PIPESTATUS[0]}
set -e
run_dir=$(sed -n 's/^experiment-dir=//p' "$out" | head -n 1)
rm -f "$out"
echo
echo "demo wall time: $(( $(date +%s) - start )) s; results in ${run_dir:-$run_root} (summary.md, run-experiment.log, */artifacts, */eval/*/logs)"
exit "$rc"
