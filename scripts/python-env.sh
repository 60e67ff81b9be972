#!/usr/bin/env bash
# Create (or reuse) the Python venv holding the ML tools the example jobs call:
# torchtune (`tune`), inspect-ai (`inspect`), transformers, peft, datasets...
#
#   scripts/python-env.sh [VENV_DIR]
#
# VENV_DIR defaults to $RUN_EXPERIMENT_VENV, else <repo>/.venv-tools.
# Pins come from scripts/python-requirements.txt (a full lock). torch is installed first, in its own
# pip call, so nothing later can pick another torch (which would pull gigabytes of CUDA wheels).
# Idempotent: a stamp file in the venv holds the hash of the requirements file and of the Python
# version; when it matches, the script only prints the installed versions (a second or so).
#
# Environment:
#   RUN_EXPERIMENT_VENV            default venv dir (see above)
#   PYTHON                         interpreter that creates the venv (default: python3)
#   RUN_EXPERIMENT_TORCH_INDEX_URL optional extra index for the torch call only, e.g.
#                                  https://download.pytorch.org/whl/cpu on machines without a local
#                                  CPU wheel (pip then prefers 2.13.0+cpu over the CUDA 2.13.0).
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
req="$script_dir/python-requirements.txt"
venv="${1:-${RUN_EXPERIMENT_VENV:-$repo_root/.venv-tools}}"
python="${PYTHON:-python3}"
stamp_name=".run-experiment-requirements.sha256"

log() { printf '[python-env] %s\n' "$*" >&2; }
die() { printf '[python-env] ERROR: %s\n' "$*" >&2; exit 1; }

[[ -f "$req" ]] || die "requirements file not found: $req"
command -v "$python" >/dev/null 2>&1 || die "no '$python' on PATH (set PYTHON=...)"

py_version="$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
case "$py_version" in
  3.11.*) ;;
  *) log "WARNING: the lock was made for Python 3.11; $python is $py_version" ;;
esac

want_hash="$( { sha256sum "$req" | cut -d' ' -f1; echo "python $py_version"; } | sha256sum | cut -d' ' -f1)"

print_versions() {
  "$venv/bin/python" - <<'EOF'
from importlib.metadata import version, PackageNotFoundError
import sys
names = ["torch", "torchtune", "torchao", "torchdata", "inspect-ai", "transformers",
         "tokenizers", "safetensors", "peft", "datasets", "huggingface_hub", "accelerate"]
print(f"{'python':<16} {sys.version.split()[0]}  ({sys.prefix})")
for n in names:
    try:
        v = version(n)
    except PackageNotFoundError:
        v = "MISSING"
    print(f"{n:<16} {v}")
EOF
}

if [[ -x "$venv/bin/python" && -f "$venv/$stamp_name" && "$(cat "$venv/$stamp_name")" == "$want_hash" ]]; then
  log "venv up to date: $venv"
  print_versions
  exit 0
fi

start=$SECONDS
if [[ ! -x "$venv/bin/python" ]]; then
  log "creating venv $venv with $python ($py_version)"
  mkdir -p "$(dirname "$venv")"
  "$python" -m venv "$venv"
else
  log "venv exists but its stamp is missing or stale: reinstalling pins into $venv"
  rm -f "$venv/$stamp_name"
fi

pip=("$venv/bin/python" -m pip --no-input --disable-pip-version-check)

torch_extra=()
if [[ -n "${RUN_EXPERIMENT_TORCH_INDEX_URL:-}" ]]; then
  torch_extra=(--extra-index-url "$RUN_EXPERIMENT_TORCH_INDEX_URL")
fi

torch_pin="$(grep -E '^torch==' "$req" | head -n1)"
[[ -n "$torch_pin" ]] || die "no torch== pin in $req"

log "step 1/3: $torch_pin (alone, constrained by the lock)"
"${pip[@]}" install --progress-bar off -c "$req" "${torch_extra[@]}" "$torch_pin"

# The requirements file is a full lock (checked by 'pip check' below), so install it without
# resolving: no backtracking, and nothing can drag in another torch.
log "step 2/3: the rest of $req (--no-deps: it is a full lock)"
"${pip[@]}" install --progress-bar off --no-deps -r "$req"

installed_torch="$("$venv/bin/python" -c 'import torch; print(torch.__version__)')"
case "$installed_torch" in
  "${torch_pin#torch==}"|"${torch_pin#torch==}"+*) ;;
  *) die "torch changed to $installed_torch (wanted ${torch_pin#torch==})" ;;
esac

log "step 3/3: checking the tools"
"$venv/bin/tune" --help >/dev/null || die "'tune --help' failed"
"$venv/bin/inspect" --version >/dev/null || die "'inspect --version' failed"
"$venv/bin/python" -W ignore -c '
import torchtune, torchao, inspect_ai, transformers, peft, datasets
from torchtune.models.qwen2 import qwen2, lora_qwen2, qwen2_tokenizer
from torchtune.training import FullModelHFCheckpointer
# peft refuses a torchao it considers too old only when LoRA code runs; check it here
from peft.import_utils import is_torchao_available
is_torchao_available()
' || die "python imports failed"
"${pip[@]}" check >&2 || die "'pip check' failed: the lock in $req is incomplete or inconsistent"

echo "$want_hash" > "$venv/$stamp_name"
log "installed in $((SECONDS - start)) s; venv size $(du -sh "$venv" | cut -f1)"
print_versions
