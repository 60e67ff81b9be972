"""Stand-in for torchtune's `tune run <recipe> --config <finetune.yaml> [key=value ...]` as
cruijff_kit's finetune.slurm calls it. It reads the config as the recipe does (OmegaConf-style
`${key}` references, command-line overrides), fails where the recipe would fail before training
(a missing base checkpoint, tokenizer or dataset: exit 1 with a traceback), prints the recipe's
progress lines (`{epoch}|{step}|Loss: {loss}`, epoch counted from 1, as tqdm draws them) and writes
what the HF checkpointer writes for a LoRA run with save_adapter_weights_only: one
`{output_dir}/epoch_{N}/` per epoch, counted from 0, with adapter_config.json,
adapter_model.safetensors, adapter_model.pt and the base model's config and tokenizer files.

Knobs (environment):
  RE_STANDIN_FAIL     comma-separated substrings: a run whose directory contains one fails
  RE_STANDIN_OOM      comma-separated substrings: such a run dies of CUDA out of memory while the
                      config's batch_size is above RE_STANDIN_OOM_ABOVE (default 0: always)
  RE_STANDIN_SECONDS  seconds each epoch takes (default 0)
  RE_STANDIN_LOG      a file each run appends `tune <working directory>` to (to count executions)
"""
import json
import math
import os
import re
import struct
import sys
import time

import yaml


def die(message: str) -> None:
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.exit(1)


def traceback(exc: str) -> None:
    die(f"Traceback (most recent call last):\n  File \"torchtune/_cli/run.py\", in _run_cmd\n{exc}")


def lookup(cfg, dotted):
    cur = cfg
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def resolve(value, cfg, depth=0):
    if isinstance(value, dict):
        return {k: resolve(v, cfg, depth) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, cfg, depth) for v in value]
    if not isinstance(value, str) or "${" not in value or depth > 8:
        return value
    whole = re.fullmatch(r"\$\{([\w.]+)\}", value)
    if whole:
        return resolve(lookup(cfg, whole.group(1)), cfg, depth + 1)
    return resolve(re.sub(r"\$\{([\w.]+)\}", lambda m: str(lookup(cfg, m.group(1))), value), cfg, depth + 1)


def set_dotted(cfg, dotted, value):
    parts = dotted.split(".")
    cur = cfg
    for part in parts[:-1]:
        cur = cur.setdefault(part, {})
    cur[parts[-1]] = value


def safetensors(path, metadata):
    """A valid safetensors file with no tensors (the format: 8-byte header length, JSON header)."""
    header = json.dumps({"__metadata__": metadata}).encode()
    header += b" " * (-len(header) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header)


def matches(knob):
    return any(s and s in os.getcwd() for s in os.environ.get(knob, "").split(","))


def main() -> None:
    if os.environ.get("RE_STANDIN_LOG"):
        with open(os.environ["RE_STANDIN_LOG"], "a") as f:
            f.write(f"tune {os.getcwd()}\n")
    args = sys.argv[1:]
    if not args or args[0] != "run":
        die("usage: tune [-h] {download,ls,cp,run,validate,cat} ...")
    args = args[1:]
    config_path, overrides, recipe = None, [], None
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--config":
            config_path = args[i + 1] if i + 1 < len(args) else None
            i += 2
        elif a.startswith("--"):
            i += 1 if "=" in a else 2  # torchrun options such as --nproc_per_node N
        elif "=" in a and recipe is not None:
            overrides.append(a)
            i += 1
        else:
            recipe = recipe or a
            i += 1
    if recipe is None or config_path is None:
        die("tune run: error: the following arguments are required: recipe, --config")
    if not os.path.isfile(config_path):
        traceback(f"FileNotFoundError: [Errno 2] No such file or directory: '{config_path}'")
    raw = yaml.safe_load(open(config_path)) or {}
    for o in overrides:
        k, _, v = o.partition("=")
        set_dotted(raw, k.lstrip("~"), yaml.safe_load(v))
    cfg = resolve(raw, raw)

    ckpt = cfg.get("checkpointer") or {}
    ckpt_dir = str(ckpt.get("checkpoint_dir") or "")
    files = ckpt.get("checkpoint_files") or []
    if isinstance(files, dict):  # {filename_format: model-{}-of-{}.safetensors, max_filename: "00002"}
        n = int(files["max_filename"])
        width = len(files["max_filename"])
        files = [files["filename_format"].format(str(k).zfill(width), files["max_filename"]) for k in range(1, n + 1)]
    for f in files:
        if not os.path.isfile(os.path.join(ckpt_dir, f)):
            traceback(f"ValueError: No file with name: {f} found in {ckpt_dir}.")
    tok = cfg.get("tokenizer") or {}
    for key in ("path", "merges_file"):
        if tok.get(key) and not os.path.exists(tok[key]):
            traceback(f"FileNotFoundError: [Errno 2] No such file or directory: '{tok[key]}'")
    data_files = (cfg.get("dataset") or {}).get("data_files")
    if data_files and not os.path.isfile(data_files):
        traceback(f"FileNotFoundError: Unable to find '{data_files}'")

    print(f"INFO:torchtune.utils._logging:Running {recipe} with resolved config:", flush=True)
    if matches("RE_STANDIN_FAIL"):
        traceback("RuntimeError: Expected all tensors to be on the same device")
    batch = int(cfg.get("batch_size") or 1)
    if matches("RE_STANDIN_OOM") and batch > int(os.environ.get("RE_STANDIN_OOM_ABOVE", "0") or 0):
        traceback("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total "
                  f"capacity of 79.10 GiB of which 1.02 GiB is free. (batch_size {batch})")

    epochs = int(cfg.get("epochs") or 1)
    samples = int((cfg.get("dataset") or {}).get("max_samples") or 40)
    steps = max(1, math.ceil(samples / (batch * int(cfg.get("gradient_accumulation_steps") or 1))))
    output_dir = str(cfg.get("output_dir") or ckpt.get("output_dir") or "artifacts")
    model = cfg.get("model") or {}
    rank = int(model.get("lora_rank") or 8)
    seconds = float(os.environ.get("RE_STANDIN_SECONDS", "0") or 0)
    os.makedirs(os.path.join(output_dir, "logs"), exist_ok=True)
    step = 0
    for epoch in range(epochs):
        bar = []
        for s in range(1, steps + 1):
            step += 1
            loss = 2.5 / (1 + 0.3 * step)
            bar.append(f"{epoch + 1}|{step}|Loss: {loss:.4f}: {100 * s // steps:3d}%| {s}/{steps}")
        time.sleep(seconds)
        sys.stderr.write("\r".join(bar) + "\n")
        sys.stderr.flush()
        out = os.path.join(output_dir, f"epoch_{epoch}")
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "adapter_config.json"), "w") as f:
            json.dump({
                "r": rank,
                "lora_alpha": int(model.get("lora_alpha") or 2 * rank),
                "target_modules": list(model.get("lora_attn_modules") or ["q_proj", "v_proj"]),
                "peft_type": "LORA",
                "base_model_name_or_path": os.path.basename(ckpt_dir.rstrip("/")),
            }, f)
        safetensors(os.path.join(out, "adapter_model.safetensors"), {"format": "pt", "epoch": str(epoch)})
        with open(os.path.join(out, "adapter_model.pt"), "wb") as f:
            f.write(b"PK\x05\x06" + b"\x00" * 18)
        for name in sorted(os.listdir(ckpt_dir)) if os.path.isdir(ckpt_dir) else []:
            src = os.path.join(ckpt_dir, name)
            if os.path.isfile(src) and not name.endswith((".safetensors", ".bin", ".pt", ".pth")):
                with open(src, "rb") as a, open(os.path.join(out, name), "wb") as b:
                    b.write(a.read())
        print(f"INFO:torchtune.utils._logging:Model checkpoint of size 0.01 GiB saved to {out}", flush=True)


if __name__ == "__main__":
    main()
