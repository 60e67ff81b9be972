#!/usr/bin/env python3
"""Generate the toy "capitalize" dataset: lowercase letter strings -> the same string upper-cased.

    python examples/capitalize/make_data.py [OUT_JSON]

OUT_JSON defaults to examples/capitalize/data/capitalize.json (next to this file). The format is the
cruijff_kit one: {"train": [{"input": "qmzt", "output": "QMZT"}, ...], "validation": [...], "test": [...]}.
Strings are random (a fixed seed), so the test words are unseen in training: a model only scores if
it learned to copy and upper-case letter by letter. Standard library only; deterministic; the file is
only rewritten when its content would change.
"""

from __future__ import annotations

import json
import random
import string
import sys
from pathlib import Path

SEED = 20240601
MIN_LEN, MAX_LEN = 3, 6
SPLITS = {"train": 3000, "validation": 100, "test": 100}


def make() -> dict:
    rng = random.Random(SEED)
    seen: set[str] = set()
    data: dict[str, list[dict[str, str]]] = {}
    for split, n in SPLITS.items():
        rows = []
        while len(rows) < n:
            word = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(MIN_LEN, MAX_LEN)))
            if word in seen:  # keep the splits disjoint
                continue
            seen.add(word)
            rows.append({"input": word, "output": word.upper()})
        data[split] = rows
    return data


def main() -> int:
    here = Path(__file__).resolve().parent
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else here / "data" / "capitalize.json"
    data = make()
    # one record per line: small, diff-friendly, still plain JSON
    parts = []
    for split, rows in data.items():
        body = ",\n".join("  " + json.dumps(r) for r in rows)
        parts.append(f' "{split}": [\n{body}\n ]')
    text = "{\n" + ",\n".join(parts) + "\n}\n"
    assert json.loads(text) == data
    if out.is_file() and out.read_text() == text:
        print(f"dataset up to date: {out}")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(text)
    tmp.replace(out)
    print(f"dataset written: {out} ({', '.join(f'{k}={v}' for k, v in SPLITS.items())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
