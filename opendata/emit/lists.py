"""The hand-kept code-list sources in vocab/codelists/*.csv, loaded once for the emitter and generator."""

from __future__ import annotations

import csv
from functools import cache

from ..vocab import norm_label, vocab_dir


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of vocab/codelists/<name>.csv as dicts (empty cells as "")."""
    path = vocab_dir() / "codelists" / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple({k: (v or "") for k, v in row.items()} for row in csv.DictReader(handle))


@cache
def keys(name: str) -> frozenset[str]:
    column = "code" if "code" in rows(name)[0] else "key"
    return frozenset(row[column] for row in rows(name))


@cache
def table_operation() -> dict[str, str]:
    """Table kind → operation character of its lines when the table is one-sided."""
    return {row["key"]: row["operation"] for row in rows("tables") if row["operation"]}


@cache
def indicator_keys() -> dict[str, str]:
    """Printed 一级/二级指标 label (normalised) → indicator-framework concept key."""
    found: dict[str, str] = {}
    for row in rows("indicators"):
        for label in (row["name_zh"], *[a for a in row["aliases_zh"].split("|") if a]):
            found[norm_label(label)] = row["key"]
    return found
