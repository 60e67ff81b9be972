"""inspect-ai task for the toy "capitalize" experiment.

    inspect eval capitalize_task.py@capitalize --model hf/<label> -M model_path=<checkpoint dir> \
        -M do_sample=false --max-tokens 12 --log-dir logs

Reads one split (default: test) of the cruijff_kit-style JSON dataset
{"train": [{"input": ..., "output": ...}], "validation": [...], "test": [...]}.
The default dataset path is data/capitalize.json next to this file; pass -T data_path=... to change
it (a relative path is taken relative to this file). The prompt is the bare input word, exactly as
torchtune's instruct_dataset showed it during training (user message = input, no system prompt).
Scoring is a case-SENSITIVE exact match after stripping surrounding whitespace (inspect's built-in
exact()/match() scorers ignore case, which would make this task trivial).
"""

from __future__ import annotations

import json
from pathlib import Path

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.scorer import CORRECT, INCORRECT, Score, Target, accuracy, scorer, stderr
from inspect_ai.solver import TaskState, generate

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = "data/capitalize.json"


def load_split(data_path: str, split: str) -> MemoryDataset:
    path = Path(data_path)
    if not path.is_absolute():
        path = HERE / path
    rows = json.loads(path.read_text())[split]
    samples = [
        Sample(id=f"{split}-{i:05d}", input=row["input"], target=row["output"])
        for i, row in enumerate(rows)
    ]
    return MemoryDataset(samples, name=f"capitalize-{split}", location=str(path))


@scorer(metrics=[accuracy(), stderr()])
def exact_case():
    """1 if the completion equals the target exactly (case-sensitive, outer whitespace ignored)."""

    async def score(state: TaskState, target: Target) -> Score:
        answer = state.output.completion.strip()
        ok = any(answer == t.strip() for t in target.target)
        return Score(value=CORRECT if ok else INCORRECT, answer=answer)

    return score


@task
def capitalize(data_path: str = DEFAULT_DATA, split: str = "test") -> Task:
    return Task(
        dataset=load_split(data_path, split),
        solver=generate(),
        scorer=exact_case(),
    )
