#!/usr/bin/env bash
# GitHub's own tools the tests use, kept apart from the action's dependencies: headless Chromium
# (Debian's package) and test/github-tools' pinned npm packages: mermaid and micromark + GFM for
# test/render.test.ts, @github/local-action for test/local-action.test.ts. Idempotent; prints how
# long each part took.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "chromium is missing and this is not root: apt-get install chromium" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
t1=$(date +%s)
if [ ! -f test/github-tools/node_modules/.package-lock.json ] ||
  [ test/github-tools/package-lock.json -nt test/github-tools/node_modules/.package-lock.json ]; then
  npm ci --prefix test/github-tools --no-audit --no-fund --silent
fi
t2=$(date +%s)
echo "github tools: chromium $(chromium --version 2>/dev/null | awk '{print $2}') ($((t1 - t0)) s), mermaid $(node -p "require('./test/github-tools/node_modules/mermaid/package.json').version") ($((t2 - t1)) s)"
