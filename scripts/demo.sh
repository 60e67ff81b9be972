#!/usr/bin/env bash
# The demo (`npm run demo`): the example experiment (examples/capitalize) end to end, in place, with
# real torchtune fine-tuning and real inspect-ai evaluation on this machine's CPUs, run by the built
# action exactly as a GitHub runner would, with the local executor. On a fresh machine it installs
# what it needs first (node modules, the Python tools venv, the tiny model, the data).
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

if [ "$fresh" = 1 ]; then
  step "clearing previous results (--fresh)"
  bash scripts/clean-example.sh "$example"
fi

step "running the action (executor: local) on $example"
start=$(date +%s)
set +e
node scripts/local-runner.mjs --experiment-dir "$example" --executor local --max-parallel 1 \
  --poll-interval 2 --max-poll-interval 10 --quiet
rc=$?
set -e
echo
echo "demo wall time: $(( $(date +%s) - start )) s; results in $example (summary.md, run-experiment.log, */artifacts, */eval/*/logs)"
exit "$rc"
