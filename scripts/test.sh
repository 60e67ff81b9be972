#!/usr/bin/env bash
# The project's test command (`npm test`). On a fresh machine it installs what the tests need
# (node modules, the Python tools venv, the dev cluster: SLURM + sshd on 127.0.0.1), builds the
# bundle the tests drive, and runs every test. Nothing is skipped: a missing piece fails loudly.
#   npm test                 everything
#   npm test -- test/x.test.ts   selected files (the setup still runs)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

step() { printf '\n==> %s\n' "$*"; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund
fi

step "typecheck"
npx tsc --noEmit -p .

step "build dist/"
node scripts/build.mjs

step "Python tools venv (torchtune, inspect-ai)"
export RUN_EXPERIMENT_VENV="${RUN_EXPERIMENT_VENV:-$root/.venv-tools}"
bash scripts/python-env.sh "$RUN_EXPERIMENT_VENV"

step "dev cluster (SLURM + sshd on 127.0.0.1)"
bash scripts/dev-cluster/start.sh

step "tests"
if [ "$#" -gt 0 ]; then files=("$@"); else files=(test/*.test.ts); fi
node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
