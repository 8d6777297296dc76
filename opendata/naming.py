"""Stable names for packages and files, derived from what a disclosure is (never from order)."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model.disclosure import Disclosure

_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff-]+")


def safe_segment(text: str, fallback: str = "unknown") -> str:
    """A path segment that cannot escape a directory: no separators, dots-only or control chars."""
    text = unicodedata.normalize("NFKC", text)
    text = _UNSAFE.sub("-", text).strip("-_.")
    return text[:80] or fallback


def package_name(disclosure: "Disclosure") -> str:
    division = disclosure.division.code or safe_segment(disclosure.division.name or "", "cn")
    department = disclosure.department.code or ""
    name = safe_segment(disclosure.department.name)
    parts = [division, f"{department}-{name}" if department else name, str(disclosure.year), disclosure.phase]
    if disclosure.scope == "unit":
        parts.append("unit")
    return safe_segment("_".join(parts))
