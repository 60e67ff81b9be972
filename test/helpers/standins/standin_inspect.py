"""Stand-in for `inspect eval` as cruijff_kit's eval scripts call it:

    inspect eval <task file>@<task> --model hf/<name> -M model_path=<dir> -M k=v ... -T k=v ...
        --metadata k=v ... --max-connections N --seed S --log-dir ./logs --log-level info

It fails where the real one fails before writing a log (no task file, no such task in it, no model
directory, no dataset: exit 1 and a traceback), and otherwise writes a real .eval log: a copy of one
that inspect-ai made with mockllm/model (make_eval_templates.py), rewritten to say what this run is:
the task named as cruijff_kit's tasks name themselves (`{task}_{vis_label}`), the -T arguments, the
--metadata, the model and its -M arguments, the creation time and fresh ids. Like the real CLI it
exits 0 whether the log's status is success or error.

Knobs (environment):
  RE_STANDIN_FAIL     comma-separated substrings: a run whose working directory contains one writes
                      an error log (inspect's own, from a solver that raised)
  RE_STANDIN_SECONDS  seconds to spend "evaluating" (default 0)
  RE_STANDIN_CACHE    where the template logs are kept (default /tmp/re-standin-<inspect version>)
  RE_STANDIN_LOG      a file each run appends `inspect <working directory>` to (to count executions)
"""
import fcntl
import json
import os
import random
import re
import string
import subprocess
import sys
import time
import zipfile
from datetime import datetime, timezone
from importlib.metadata import version

import yaml
import zipfile_zstd  # noqa: F401 - teaches zipfile the zstd entries inspect-ai writes

HERE = os.path.dirname(os.path.abspath(__file__))
# Options that take a value (as the real CLI defines them); anything else is a flag.
VALUED = {
    "--model", "-M", "-T", "--metadata", "--log-dir", "--log-level", "--seed", "--max-connections",
    "--limit", "--epochs", "--temperature", "--max-tokens", "--log-format", "--display", "--model-base-url",
}


def die(message: str, code: int = 1) -> None:
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.exit(code)


def parse(argv):
    if not argv or argv[0] != "eval":
        die("Usage: inspect [OPTIONS] COMMAND [ARGS]...\nTry 'inspect --help' for help.", 2)
    spec, opts = None, {"-M": {}, "-T": {}, "--metadata": {}}
    i = 1
    while i < len(argv):
        a = argv[i]
        name, eq, inline = a.partition("=") if a.startswith("--") else (a, "", "")
        if name in VALUED:
            value = inline if eq else (argv[i + 1] if i + 1 < len(argv) else die(f"Error: Option '{name}' requires an argument."))
            i += 1 if eq else 2
            if name in ("-M", "-T", "--metadata"):
                k, _, v = value.partition("=")
                # inspect reads each value as YAML: "true" is a boolean, "0" a number
                opts[name][k] = yaml.safe_load(v) if v != "" else None
            else:
                opts[name] = value
        elif a.startswith("-"):
            i += 1
        else:
            spec = spec or a
            i += 1
    if spec is None:
        die("Error: Missing argument 'TASKS...'.", 2)
    return spec, opts


def traceback(exc: str) -> None:
    die(f"Traceback (most recent call last):\n  File \"inspect_ai/_cli/eval.py\", in eval_command\n{exc}")


def template(kind: str) -> str:
    cache = os.environ.get("RE_STANDIN_CACHE") or f"/tmp/re-standin-{version('inspect_ai')}"
    path = os.path.join(cache, f"{kind}.eval")
    if os.path.exists(path):
        return path
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(path):
            subprocess.run([sys.executable, os.path.join(HERE, "make_eval_templates.py"), cache], check=True,
                           stdout=subprocess.DEVNULL)
    return path


def short_id() -> str:
    return "".join(random.choice(string.ascii_letters + string.digits) for _ in range(22))


def clean(component: str) -> str:
    for c in "_/:+":
        component = component.replace(c, "-")
    return component


def main() -> None:
    if os.environ.get("RE_STANDIN_LOG"):
        with open(os.environ["RE_STANDIN_LOG"], "a") as f:
            f.write(f"inspect {os.getcwd()}\n")
    spec, opts = parse(sys.argv[1:])
    task_file, _, task_name = spec.partition("@")
    if not os.path.isfile(task_file):
        traceback(f"FileNotFoundError: [Errno 2] No such file or directory: '{task_file}'")
    source = open(task_file).read()
    task_name = task_name or (re.findall(r"^@task\s*\n\s*def\s+(\w+)", source, re.M) or [""])[0]
    if not re.search(rf"^@task\b[^\n]*\n\s*def\s+{re.escape(task_name)}\s*\(", source, re.M):
        die(f"PrerequisiteError: No task named '{task_name}' in {task_file}")
    model = opts.get("--model") or die("PrerequisiteError: No model specified (and no INSPECT_EVAL_MODEL defined)")
    model_path = opts["-M"].get("model_path")
    if model_path is not None and not os.path.isdir(str(model_path)):
        traceback(f"OSError: Incorrect path_or_model_id: '{model_path}'. Please provide either the path to a local "
                  "folder or the repo_id of a model on the Hub.")
    if model_path is not None and not any(
        os.path.isfile(os.path.join(str(model_path), f)) for f in ("config.json", "adapter_config.json")
    ):
        traceback(f"OSError: {model_path} does not appear to have a file named config.json.")
    data_path = opts["-T"].get("data_path")
    if data_path is not None and not os.path.isfile(str(data_path)):
        traceback(f"FileNotFoundError: Unable to find '{data_path}'")

    time.sleep(float(os.environ.get("RE_STANDIN_SECONDS", "0") or 0))
    fail = [s for s in os.environ.get("RE_STANDIN_FAIL", "").split(",") if s]
    kind = "error" if any(s in os.getcwd() for s in fail) else "success"

    vis_label = opts["-T"].get("vis_label")
    display = f"{task_name}_{vis_label}" if vis_label else task_name
    now = datetime.now(timezone.utc).replace(microsecond=0)
    created = now.isoformat()
    task_id = short_id()

    def rewrite(spec_json: dict) -> dict:
        spec_json.update(
            eval_id=short_id(), run_id=short_id(), created=created, task=display, task_id=task_id,
            task_file=task_file, task_display_name=display, task_registry_name=task_name,
            task_args=dict(opts["-T"]), task_args_passed=dict(opts["-T"]), model=model,
            model_args=dict(opts["-M"]), metadata=dict(opts["--metadata"]) or None,
        )
        return spec_json

    log_dir = opts.get("--log-dir") or os.environ.get("INSPECT_LOG_DIR") or "./logs"
    os.makedirs(log_dir, exist_ok=True)
    name = f"{clean(created)}_{clean(display.split('/')[-1])}_{task_id}.eval"
    out = os.path.join(log_dir, name)
    with zipfile.ZipFile(template(kind)) as src, zipfile.ZipFile(out + ".tmp", "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename in ("header.json", "_journal/start.json"):
                doc = json.loads(data)
                doc["eval"] = rewrite(doc["eval"])
                if "stats" in doc:
                    doc["stats"]["started_at"] = created
                    doc["stats"]["completed_at"] = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
                    doc["stats"]["model_usage"] = {model: u for u in doc["stats"].get("model_usage", {}).values()}
                data = json.dumps(doc).encode()
            info.date_time = time.localtime()[:6]
            dst.writestr(info, data, compress_type=info.compress_type)
    os.replace(out + ".tmp", out)
    print(f"{display} (10 samples): {model}")
    if kind == "error":
        print("RuntimeError: CUDA error: an illegal memory access was encountered", file=sys.stderr)
    print(f"\nLog: {out}")


if __name__ == "__main__":
    main()
