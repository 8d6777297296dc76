"""IRIs from meaning: the templates of vocab/iri-templates.toml, filled with encoded segments.

Every IRI of a published disclosure is a template filled with what the thing *is* (division,
department, year, phase, table, line key, measure role, fund, project code …), never with a row
number, so a rebuild gives the same IRIs and a corrected figure keeps its IRI. Nothing here
creates blank nodes.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Mapping

from .vocab import vocab_dir

_PLACEHOLDER = re.compile(r"\{([a-z-]+)\}")
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_KEEP_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:")


def _keep(ch: str) -> bool:
    if ch in _KEEP_ASCII:
        return True
    if ord(ch) < 0xA0:
        return False
    # RFC 3987 ucschar ranges exclude surrogates, private use and the non-characters; of those
    # we keep letters and digits only, so punctuation and spaces are always percent-encoded.
    code = ord(ch)
    if 0xD800 <= code <= 0xF8FF or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
        return False
    return unicodedata.category(ch)[0] in "LN"


@lru_cache(maxsize=1 << 15)  # bounded: the texts come from the data, and a build may read 150,000 sources
def segment(text: str) -> str:
    """One IRI path segment for ``text``: NFKC, letters and digits kept, the rest percent-encoded."""
    text = unicodedata.normalize("NFKC", text).strip()
    out: list[str] = []
    for ch in text:
        if _keep(ch):
            out.append(ch)
        else:
            out.extend(f"%{byte:02X}" for byte in ch.encode("utf-8"))
    return "".join(out) or "_"


@dataclass(frozen=True, slots=True)
class Templates:
    """The IRI templates and bases (vocab/iri-templates.toml)."""

    data_base: str
    vocab_base: str
    ontology: str
    data: Mapping[str, str]
    vocab: Mapping[str, str]

    def fill(self, template_name: str, /, **values: object) -> str:
        """Fill a data or vocab template. Values are encoded as segments unless they are IRIs
        named like a template (``dataset``, ``project``, ``of`` …) or the bases."""
        template = self.data.get(template_name) or self.vocab[template_name]
        return fill(template, values)


def fill(template: str, values: Mapping[str, object]) -> str:
    """``template`` with its placeholders replaced; an optional ``[...]`` part is dropped when a
    placeholder inside it has no value, a missing required value is a ``KeyError``."""
    out: list[str] = []
    for optional, pieces in _compiled(template):
        if optional and None in map(values.get, optional):
            continue
        for kind, text in pieces:
            if kind == _FIXED:
                out.append(text)
                continue
            value = values.get(text)
            if value is None:
                raise KeyError(f"IRI template {template!r} needs {text}")
            out.append(str(value).rstrip("/") if kind == _AN_IRI else segment(str(value)))
    return "".join(out)


_FIXED, _AN_IRI, _SEGMENT = 0, 1, 2  # a piece: fixed text, an IRI inserted as is, a value encoded as a segment
_Piece = tuple[int, str]  # (kind, fixed text or placeholder name)
_Part = tuple[tuple[str, ...], tuple[_Piece, ...]]  # (placeholders of an optional part, or () for a fixed one; pieces)


@cache
def _compiled(template: str) -> tuple[_Part, ...]:
    """A template split into fixed and optional parts, parsed once."""
    parts: list[_Part] = []
    position = 0
    for match in _OPTIONAL.finditer(template):
        if match.start() > position:
            parts.append(((), _pieces(template[position:match.start()])))
        pieces = _pieces(match.group(1))
        parts.append((tuple(text for kind, text in pieces if kind != _FIXED), pieces))
        position = match.end()
    if position < len(template):
        parts.append(((), _pieces(template[position:])))
    return tuple(parts)


def _pieces(text: str) -> tuple[_Piece, ...]:
    pieces: list[_Piece] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        if match.start() > position:
            pieces.append((_FIXED, text[position:match.start()]))
        name = match.group(1)
        pieces.append((_AN_IRI if name in _IRI_VALUES else _SEGMENT, name))
        position = match.end()
    if position < len(text):
        pieces.append((_FIXED, text[position:]))
    return tuple(pieces)


# placeholders whose value is already an IRI (or a base) and is inserted as is
_IRI_VALUES = frozenset(
    {"base", "vocab", "dataset", "project", "indicator", "procurement", "of"}
)


@cache
def templates() -> Templates:
    data = tomllib.loads((vocab_dir() / "iri-templates.toml").read_text(encoding="utf-8"))
    bases = data["bases"]
    return Templates(
        data_base=bases["data"],
        vocab_base=bases["vocab"],
        ontology=bases["ontology"],
        data=dict(data["data"]),
        vocab=dict(data["vocab"]),
    )


DEFAULT_BASE = templates().data_base
VOCAB_BASE = templates().vocab_base
BUDGET = templates().ontology  # the ontology namespace (fixed)


def check_base(base: str) -> str:
    """A usable data base IRI (absolute http(s), no query or fragment), without trailing slash."""
    if not re.match(r"^https?://[^\s/?#<>\"{}|\\^`]+(/[^\s?#<>\"{}|\\^`]*)?$", base):
        raise ValueError(f"not a usable base IRI: {base!r} (want http(s)://host[/path])")
    return base.rstrip("/")


@cache
def scheme_iri(scheme: str) -> str:
    return templates().fill("scheme", vocab=VOCAB_BASE, scheme=scheme)


@lru_cache(maxsize=1 << 15)  # bounded: some keys come from the data (labels of unknown rows)
def concept_iri(scheme: str, key: str) -> str:
    return templates().fill("concept", vocab=VOCAB_BASE, scheme=scheme, key=key)


def level_iri(scheme: str, depth: int) -> str:
    return templates().fill("level", vocab=VOCAB_BASE, scheme=scheme, depth=depth)


def year_iri(year: int) -> str:
    return templates().fill("year", year=year)


class Deduper:
    """Appends ``~2``, ``~3`` … to a key seen before, so equal meanings get distinct IRIs."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def __call__(self, key: str) -> str:
        count = self._seen.get(key, 0) + 1
        self._seen[key] = count
        return key if count == 1 else f"{key}~{count}"
