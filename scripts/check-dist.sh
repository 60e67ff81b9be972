#!/usr/bin/env bash
# Fails when dist/ is not the bundle of the current sources (the action runs from dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
if [ -n "$(git status --porcelain -- dist)" ]; then
  echo "dist/ is stale: run 'npm run build' and commit dist/" >&2
  git status --porcelain -- dist >&2
  exit 1
fi
echo "dist/ is fresh"
