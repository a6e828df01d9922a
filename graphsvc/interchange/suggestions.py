"""Writing collaboration suggestions for a batch job: CSV for spreadsheets, JSON for programs."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from typing import IO

from ..analysis.recommend import Suggestion
from ..engine import View
from ..words import say, sentence

COLUMNS = ("source", "source_name", "target", "target_name", "score", "explanation", "linker", "path", "parts")


def _row(suggestion: Suggestion, view: View) -> dict:
    def name(key: str | None) -> str:
        node = view.node(key) if key else None
        return node.name if node is not None else ""

    return {
        "source": suggestion.source,
        "source_name": name(suggestion.source),
        "target": suggestion.target,
        "target_name": name(suggestion.target),
        "score": suggestion.score,
        "explanation": sentence(suggestion.sentence, "en", view),
        "linker": name(suggestion.linker),
        "path": " > ".join(name(n) for n in suggestion.path),
        "parts": {
            p.name: {"weight": p.weight, "value": p.value, "reason": say(p.reason, "en", view), "code": p.reason.code}
            for p in suggestion.parts
        },
    }


def write_suggestions(lists: Mapping[str, list[Suggestion]], view: View, fmt: str, out: IO[str]) -> int:
    """Write every suggestion (best first per stakeholder); returns how many."""
    rows = [_row(s, view) for source in sorted(lists) for s in lists[source]]
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=1)
        out.write("\n")
    else:
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {**row, "parts": "; ".join(f"{k}={v['value']}x{v['weight']}" for k, v in row["parts"].items())}
            )
    return len(rows)
