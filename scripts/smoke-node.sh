#!/usr/bin/env bash
# Proves the bundle starts and runs a small experiment on a given node binary (default: node on PATH):
#   bash scripts/smoke-node.sh /path/to/node
set -euo pipefail
cd "$(dirname "$0")/.."
NODE=${1:-node}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/exp/a/eval/t"
cat > "$work/exp/experiment_summary.yaml" <<'YAML'
experiment: {name: smoke}
tools: {preparation: torchtune, evaluation: inspect-ai}
runs:
  - {name: a, type: control, parameters: {}}
evaluation:
  tasks: [{name: t}]
  matrix: [{run: a, tasks: [t], epochs: null}]
YAML
cat > "$work/exp/a/eval/t/cell.slurm" <<'SH'
mkdir -p logs
python3 -c "import zipfile,json; z=zipfile.ZipFile('logs/x.eval','w'); z.writestr('header.json', json.dumps({'status':'success','eval':{'task':'t'},'results':{'scores':[]}})); z.close()"
SH
: > "$work/out"; : > "$work/summary"
env "INPUT_EXPERIMENT-DIR=$work/exp" INPUT_EXECUTOR=local INPUT_POLL-INTERVAL=0.2 \
  GITHUB_WORKSPACE="$work" GITHUB_OUTPUT="$work/out" GITHUB_STEP_SUMMARY="$work/summary" \
  "$NODE" dist/index.js > "$work/log" 2>&1 || { cat "$work/log"; exit 1; }
grep -q 'success' "$work/out" || { cat "$work/log" "$work/out"; exit 1; }
echo "$("$NODE" --version): dist/index.js ran a one-cell experiment: status=success"
