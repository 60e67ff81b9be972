#!/usr/bin/env bash
# Removes an experiment's run outputs (checkpoints, .eval logs, job outputs, logs, state, summaries),
# keeping its scaffold and its generated inputs (data/, models/).
set -euo pipefail
exp=${1:?usage: clean-example.sh EXPERIMENT_DIR}
[ -f "$exp/experiment_summary.yaml" ] || { echo "no experiment_summary.yaml in $exp" >&2; exit 1; }
find "$exp" -mindepth 1 \( -path "$exp/data" -o -path "$exp/models" \) -prune -o \
  \( -type d \( -name artifacts -o -name logs -o -name .run-experiment \) -prune -exec rm -rf {} + \) -o \
  \( -type f \( -name 'slurm-*.out' -o -name 'run-*.log' -o -name 'run-*.state.json' -o -name summary.md \
     -o -name run-experiment-summary.md -o -name results.svg -o -name executions.txt \) -exec rm -f {} + \)
