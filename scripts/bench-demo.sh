#!/usr/bin/env bash
# Benchmark of the demo (figures, not pass/fail): wall time of a fresh run of the example through the
# action (goal: under 5 minutes on 2 cores once installed), a re-run's time (resume: nothing new), the
# final training losses and the accuracies.
set -euo pipefail
cd "$(dirname "$0")/.."
exp=examples/capitalize
bash scripts/demo.sh --setup-only >/dev/null   # installs what is missing, outside the timing
t0=$(date +%s.%N)
bash scripts/demo.sh --fresh > /tmp/run-experiment-bench-demo.log 2>&1 || { tail -50 /tmp/run-experiment-bench-demo.log; exit 1; }
t1=$(date +%s.%N)
bash scripts/demo.sh > /tmp/run-experiment-bench-demo-rerun.log 2>&1
t2=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "demo, fresh: %.0f s (goal < 300 s)\n", b - a }'
awk -v a="$t1" -v b="$t2" 'BEGIN { printf "demo, re-run (resume, nothing new): %.0f s\n", b - a }'
echo "results (summary.md):"
sed -n '/^## Results/,/^$/p;/^| Run/,/^$/p' "$exp/summary.md" | grep '^|' | sort -u
