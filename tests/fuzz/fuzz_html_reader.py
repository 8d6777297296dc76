"""Fuzz the HTML reader and recognition: bytes -> SourceDocument -> Disclosure.

Run: python tests/fuzz/fuzz_html_reader.py CORPUS_DIR -max_total_time=600 -timeout=20 -rss_limit_mb=3000
Seed CORPUS_DIR with tests/fuzz/seeds.py. UnreadableInput is the only exception allowed.
"""

from __future__ import annotations

import atheris

from _harness import reader_target, run

with atheris.instrument_imports():
    from opendata.errors import UnreadableInput
    from opendata.read.html import read_html
    from opendata.recognise import recognise

test_one_input = reader_target(read_html, "fuzz.html", recognise, UnreadableInput)

if __name__ == "__main__":
    run(test_one_input)
