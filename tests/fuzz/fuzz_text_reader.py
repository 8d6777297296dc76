"""Fuzz the text reader and recognition: bytes -> SourceDocument -> Disclosure.

Run: python tests/fuzz/fuzz_text_reader.py CORPUS_DIR -max_total_time=600 -timeout=10 -rss_limit_mb=2048
Seed CORPUS_DIR with tests/fuzz/seeds.py (the bundled sample and small tables).
"""

from __future__ import annotations

import atheris

from _harness import run

atheris.enabled_hooks.add("RegEx")  # comparison feedback from re matches and str methods
atheris.enabled_hooks.add("str")

with atheris.instrument_imports():
    from opendata.errors import UnreadableInput
    from opendata.model.jsonview import to_data
    from opendata.read.text import read_text
    from opendata.recognise import recognise


def test_one_input(data: bytes) -> None:
    try:
        document = read_text(data, "fuzz.txt")
        disclosure = recognise(document)
    except UnreadableInput as error:
        assert error.locator.file == "fuzz.txt", error
        return
    to_data(disclosure)  # the JSON view must hold for whatever was recognised
    for figure in disclosure.figures():
        assert figure.locator.file == "fuzz.txt"
    disclosure.slug  # noqa: B018 - the package name must be derivable


if __name__ == "__main__":
    run(test_one_input)
