"""Where the vocabulary lives and the parts of it the reader needs (loaded once, locally).

In a source checkout ``vocab/`` sits beside the package; an installed wheel carries it as
``opendata/_vocab``. Nothing here touches the network.
"""

from __future__ import annotations

import csv
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path


@cache
def vocab_dir() -> Path:
    """The directory holding ontology, code lists, shapes, queries and recognition data."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_vocab", here.parent / "vocab"):
        if (candidate / "recognition.toml").is_file():
            return candidate
    raise FileNotFoundError("vocab/ not found beside the opendata package")


_QUOTES = str.maketrans({"“": '"', "”": '"', "＂": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})
_SPACE = re.compile(r"\s+")


def norm_label(text: str) -> str:
    """The form in which labels and aliases are compared: NFKC, no spaces, plain quotes.

    Recognition compares the same cells many times over (thousands of calls per disclosure), so
    short texts, nearly all of them, are remembered; long ones are not kept (bounded memory).
    """
    return _norm_short(text) if len(text) <= _CACHED_LENGTH else _norm(text)


_CACHED_LENGTH = 120


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACE.sub("", text)


_norm_short = lru_cache(maxsize=1 << 14)(_norm)


@dataclass(frozen=True, slots=True)
class TableKind:
    key: str
    layout: str
    scheme: str | None
    titles: tuple[str, ...]
    suffixes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ColumnRole:
    measure: str
    fund: str | None


@dataclass(frozen=True, slots=True)
class ClassCode:
    code: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Recognition:
    """The recognition data of ``vocab/recognition.toml``, normalised for lookup."""

    tables: tuple[TableKind, ...]
    columns: dict[str, ColumnRole]
    items: dict[str, str]
    carry_over_sections: frozenset[str]
    assets: dict[str, str]
    narrative: dict[str, tuple[str, ...]]
    functional_classes: tuple[ClassCode, ...]
    economic_classes: tuple[ClassCode, ...]
    provinces: dict[str, str]
    # functional 类 by normalised name and alias, the first class in code-list order winning
    _class_names: dict[str, ClassCode] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names: dict[str, ClassCode] = {}
        for cls in self.functional_classes:
            for label in (cls.name_zh, *cls.aliases):
                names.setdefault(norm_label(label), cls)
        object.__setattr__(self, "_class_names", names)

    def class_by_name(self, name: str) -> ClassCode | None:
        """A functional 类 by its name or an alias (for summary tables that print names only)."""
        return self._class_names.get(norm_label(name))


def _classes(path: Path) -> tuple[ClassCode, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            ClassCode(
                code=row["code"],
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                aliases=tuple(a for a in row.get("aliases_zh", "").split("|") if a),
            )
            for row in csv.DictReader(handle)
        )


@cache
def recognition() -> Recognition:
    base = vocab_dir()
    data = tomllib.loads((base / "recognition.toml").read_text(encoding="utf-8"))
    tables = tuple(
        TableKind(
            key=key,
            layout=spec["layout"],
            scheme=spec.get("scheme"),
            titles=tuple(norm_label(t) for t in spec.get("titles", ())),
            suffixes=tuple(norm_label(t) for t in spec.get("suffixes", ())),
        )
        for key, spec in data["tables"].items()
    )
    with (base / "codelists" / "provinces.csv").open(encoding="utf-8", newline="") as handle:
        provinces = {row["code"]: row["name_zh"] for row in csv.DictReader(handle)}
    return Recognition(
        tables=tables,
        columns={norm_label(k): ColumnRole(v["measure"], v.get("fund")) for k, v in data["columns"].items()},
        items={norm_label(k): v for k, v in data["items"].items()},
        carry_over_sections=frozenset(norm_label(s) for s in data["sections"]["carry-over"]),
        assets={norm_label(k): v for k, v in data["assets"].items()},
        narrative={k: tuple(v) for k, v in data["narrative"].items()},
        functional_classes=_classes(base / "codelists" / "functional-classes.csv"),
        economic_classes=_classes(base / "codelists" / "economic-classes.csv"),
        provinces=provinces,
    )
