"""Shared running code for the atheris harnesses: argument handling and the allowed exceptions.

Every harness calls one library entry point on fuzzer-made input. ``UnreadableInput`` is the one
exception a reader may raise on purpose; anything else (or a hang, caught by libFuzzer's -timeout)
is a finding.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from opendata.read.document import SourceDocument

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def run(test_one_input: Callable[[bytes], None], argv: list[str] | None = None) -> None:
    """Start libFuzzer with ``argv`` (default sys.argv): corpus dirs, -max_total_time=, -timeout= ...

    ``OPENDATA_FUZZ_KNOWN=text1,text2`` lets the run go on past crashes already reported: an exception
    whose class name or traceback contains one of the texts is counted, its first input saved as
    ``known-<n>``, and the counts kept in ``known-counts.txt``.
    """
    import os

    import atheris

    known = {name for name in os.environ.get("OPENDATA_FUZZ_KNOWN", "").split(",") if name}
    counts: dict[str, int] = {}

    def guarded(data: bytes) -> None:
        try:
            test_one_input(data)
        except Exception as error:  # noqa: BLE001 - re-raised unless already reported
            import traceback

            text = type(error).__name__ + "\n" + traceback.format_exc()
            match = next((k for k in sorted(known) if k in text), None)
            if match is None:
                raise
            if match not in counts:
                Path(f"known-{len(counts) + 1}").write_bytes(data)
            counts[match] = counts.get(match, 0) + 1
            Path("known-counts.txt").write_text(repr(counts))  # libFuzzer ends with _exit: no atexit

    atheris.Setup(argv if argv is not None else sys.argv, guarded if known else test_one_input)
    atheris.Fuzz()


def reader_target(read: "Callable[[bytes, str], SourceDocument]", name: str, recognise: Callable[..., object],
                  unreadable: type[Exception]) -> Callable[[bytes], None]:
    """The fuzz target of a format reader: read ``name``, then recognise; ``unreadable`` (UnreadableInput)
    is allowed only with a locator naming ``name``, and every cell read must be text.

    The harness passes the library pieces in, imported under ``atheris.instrument_imports()``.
    """

    def test_one_input(data: bytes) -> None:
        try:
            document = read(data, name)
        except unreadable as error:
            assert error.locator.file == name, error  # type: ignore[attr-defined]
            return
        for line in document.lines:
            assert all(isinstance(cell, str) for cell in line.cells)
        try:
            recognise(document)
        except unreadable as error:
            assert error.locator.file == name, error  # type: ignore[attr-defined]

    return test_one_input
