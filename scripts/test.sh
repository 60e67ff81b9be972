#!/usr/bin/env bash
# The project's test command (`npm test`). On a fresh machine it installs what the tests need
# (node modules, the Python tools venv, the dev cluster: SLURM + sshd on 127.0.0.1), builds the
# bundle the tests drive, and runs every test. Nothing is skipped: a missing piece fails loudly.
#   npm test                     everything: the unit tier, then the integration tier
#   npm test -- test/x.test.ts   selected files (the setup still runs)
#   npm run test:unit            the unit tier alone, without any of the setup (under a minute)
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

step "/usr/bin/time (cruijff_kit's eval scripts run inspect under it)"
if [ ! -x /usr/bin/time ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends time >/dev/null ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends time >/dev/null; }
fi

step "GitHub tools (Chromium, mermaid, local-action) for test/render.test.ts, test/local-action.test.ts"
bash scripts/render-setup.sh

step "nektos/act for test/act.test.ts"
bash scripts/act-setup.sh

step "dev cluster (SLURM + sshd on 127.0.0.1)"
bash scripts/dev-cluster/start.sh

if [ "$#" -gt 0 ]; then
  step "tests: $*"
  node --import tsx --test --test-concurrency=1 --test-reporter=spec "$@"
  exit
fi
# The fast tier first (no cluster, no venv: an in-memory transport and a fake scheduler drive the
# engine), then the integration tier against the real dev cluster, sshd, torchtune and inspect-ai.
step "unit tests (test/unit)"
node --import tsx --test --test-concurrency=2 --test-reporter=spec test/unit/*.test.ts
step "integration tests (test/*.test.ts), and the full fuzz run"
FUZZ_CASES=1050 node --import tsx --test --test-reporter=spec test/unit/fuzz.test.ts
node --import tsx --test --test-concurrency=1 --test-reporter=spec test/*.test.ts
step "chaos sample: random kills on both executors (npm run chaos)"
# The seed follows the commit: each commit tries other kill moments, and a failure reproduces with
# `npm run chaos -- --seed N` (the suite prints N).
seed=${CHAOS_SEED:-$(( 0x$(git rev-parse --short=7 HEAD 2>/dev/null || echo 1) ))}
node --import tsx scripts/chaos.ts --trials "${CHAOS_TRIALS:-3}" --seed "$seed"
