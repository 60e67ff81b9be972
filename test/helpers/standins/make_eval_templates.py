"""Makes the two .eval logs the `inspect` stand-in starts from, with the real inspect-ai (the pinned
venv) and its `mockllm/model`: one that succeeds (a capitalization task scored with match and
includes, as cruijff_kit's blueprints score it) and one whose solver raises, so inspect itself
writes the error log. Run once per inspect-ai version; each stand-in run then copies one and
rewrites what identifies that run (task name, task arguments, metadata, model, times, ids).

    python make_eval_templates.py OUT_DIR
"""
import os
import shutil
import sys
import tempfile

from inspect_ai import Task, eval as run_eval, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ModelOutput, ModelUsage
from inspect_ai.scorer import includes, match
from inspect_ai.solver import generate, solver

WORDS = ["apple", "river", "stone", "cloud", "light", "grape", "tiger", "ocean", "bread", "flame"]
# mockllm answers in order; three answers are wrong so the metrics are not trivially 1.0.
ANSWERS = [w.capitalize() if i % 4 != 3 else w for i, w in enumerate(WORDS)]


@solver
def broken():
    async def solve(state, generate):  # noqa: ARG001 - the solver interface
        raise RuntimeError("CUDA error: an illegal memory access was encountered")

    return solve


@task
def template(failing: bool = False):
    return Task(
        dataset=MemoryDataset([Sample(input=f"Capitalize the given word: {w}\n", target=w.capitalize()) for w in WORDS]),
        solver=broken() if failing else generate(),
        scorer=[match(location="exact", ignore_case=False), includes(ignore_case=False)],
    )


def outputs():
    for answer in ANSWERS:
        out = ModelOutput.from_content(model="mockllm/model", content=answer)
        # Set usage: without it mockllm counts tokens with a tokenizer it would download.
        out.usage = ModelUsage(input_tokens=12, output_tokens=2, total_tokens=14)
        yield out


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, failing in (("success", False), ("error", True)):
            logs = run_eval(
                template(failing=failing),
                model="mockllm/model",
                model_args={"custom_outputs": list(outputs())},
                log_dir=os.path.join(tmp, name),
                display="none",
                max_connections=1,
            )
            wanted = "error" if failing else "success"
            if logs[0].status != wanted:
                sys.exit(f"the {name} template came out {logs[0].status}, not {wanted}")
            src = logs[0].location
            staged = os.path.join(out_dir, f".{name}.eval.tmp")
            shutil.copyfile(src, staged)
            os.replace(staged, os.path.join(out_dir, f"{name}.eval"))


if __name__ == "__main__":
    main(sys.argv[1])
