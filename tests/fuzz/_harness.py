"""Shared running code for the atheris harnesses: argument handling and the allowed exceptions.

Every harness calls one library entry point on fuzzer-made input. ``UnreadableInput`` is the one
exception a reader may raise on purpose; anything else (or a hang, caught by libFuzzer's -timeout)
is a finding.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def run(test_one_input: Callable[[bytes], None], argv: list[str] | None = None) -> None:
    """Start libFuzzer with ``argv`` (default sys.argv): corpus dirs, -max_total_time=, -timeout= ..."""
    import atheris

    atheris.Setup(argv if argv is not None else sys.argv, test_one_input)
    atheris.Fuzz()
