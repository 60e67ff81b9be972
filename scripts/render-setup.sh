#!/usr/bin/env bash
# What test/render.test.ts needs to render markdown as GitHub shows it: headless Chromium (Debian's
# package) and test/render's pinned npm packages (mermaid, micromark + GFM), kept apart from the
# action's own dependencies. Idempotent; prints how long each part took.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "chromium is missing and this is not root: apt-get install chromium" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
t1=$(date +%s)
if [ ! -f test/render/node_modules/.package-lock.json ] ||
  [ test/render/package-lock.json -nt test/render/node_modules/.package-lock.json ]; then
  npm ci --prefix test/render --no-audit --no-fund --silent
fi
t2=$(date +%s)
echo "render tools: chromium $(chromium --version 2>/dev/null | awk '{print $2}') ($((t1 - t0)) s), mermaid $(node -p "require('./test/render/node_modules/mermaid/package.json').version") ($((t2 - t1)) s)"
