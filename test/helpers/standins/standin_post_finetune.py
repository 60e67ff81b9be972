"""Stand-in for `python -m cruijff_kit.tools.torchtune.post_finetune --config finetune.yaml`: after a
LoRA run, points each epoch's adapter_config.json at the base model by absolute local path (so the
adapter loads on an offline node), as cruijff_kit's step does."""
import json
import os
import sys

from standin_tune import resolve

import yaml


def main() -> None:
    args = sys.argv[1:]
    config = args[args.index("--config") + 1] if "--config" in args else "finetune.yaml"
    raw = yaml.safe_load(open(config)) or {}
    cfg = resolve(raw, raw)
    base = os.path.abspath(str((cfg.get("checkpointer") or {}).get("checkpoint_dir") or "")).rstrip("/")
    out = str(cfg.get("output_dir") or "artifacts")
    n = 0
    for name in sorted(os.listdir(out)) if os.path.isdir(out) else []:
        path = os.path.join(out, name, "adapter_config.json")
        if name.startswith("epoch_") and os.path.isfile(path):
            with open(path) as f:
                adapter = json.load(f)
            adapter["base_model_name_or_path"] = base
            with open(path, "w") as f:
                json.dump(adapter, f, indent=2)
            n += 1
    print(f"post_finetune: base_model_name_or_path -> {base} in {n} adapter config(s)")


if __name__ == "__main__":
    main()
