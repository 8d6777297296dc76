"""Fuzz the HTML reader and recognition: bytes -> SourceDocument -> Disclosure.

Run: python tests/fuzz/fuzz_html_reader.py CORPUS_DIR -max_total_time=600 -timeout=20 -rss_limit_mb=3000
Seed CORPUS_DIR with tests/fuzz/seeds.py. UnreadableInput is the only exception allowed.
"""

from __future__ import annotations

import atheris

from _harness import run

with atheris.instrument_imports():
    from opendata.errors import UnreadableInput
    from opendata.read.html import read_html
    from opendata.recognise import recognise


def test_one_input(data: bytes) -> None:
    try:
        document = read_html(data, "fuzz.html")
    except UnreadableInput as error:
        assert error.locator.file == "fuzz.html", error
        return
    for line in document.lines:
        assert all(isinstance(cell, str) for cell in line.cells)
    try:
        recognise(document)
    except UnreadableInput as error:
        assert error.locator.file == "fuzz.html", error


if __name__ == "__main__":
    run(test_one_input)
