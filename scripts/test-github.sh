#!/usr/bin/env bash
# npm run test:github: what GitHub's own tools make of the action, with figures. Installs nektos/act
# and the render tools (printing how long each took), starts the dev cluster, then runs the README's
# workflows under act, the rendering checks and local-action, printing how long each took.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs
bash scripts/act-setup.sh
bash scripts/render-setup.sh
bash scripts/dev-cluster/start.sh >/dev/null
for f in test/act.test.ts test/render.test.ts test/local-action.test.ts; do
  t0=$(date +%s)
  node --import tsx --test --test-reporter=spec "$f"
  echo "$f: $(($(date +%s) - t0)) s"
done
