"""Fuzz the performance-target parser: any text gives a Target that keeps the raw text.

Run: python tests/fuzz/fuzz_parse_target.py CORPUS_DIR -max_total_time=600 -timeout=5
"""

from __future__ import annotations

from decimal import Decimal

import atheris

from _harness import run

atheris.enabled_hooks.add("RegEx")  # comparison feedback from re matches and str methods
atheris.enabled_hooks.add("str")

with atheris.instrument_imports():
    from opendata.model.targets import parse_target

KINDS = {"numeric", "range", "deadline", "qualitative"}


def test_one_input(data: bytes) -> None:
    text = data[:400].decode("utf-8", "replace")  # UTF-8 seeds stay readable
    target = parse_target(text)
    assert target.raw == text
    assert target.kind in KINDS
    if target.kind == "qualitative":
        assert target.value is None
    else:
        assert isinstance(target.value, Decimal)
    if target.kind == "range":
        assert target.upper is not None
    if target.month is not None:
        assert 1 <= target.month <= 12
    target.text  # noqa: B018


if __name__ == "__main__":
    run(test_one_input)
