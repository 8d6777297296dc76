"""PDF reading speed: pages per second of ``opendata.read.pdf.read_pdf`` on the corpus PDFs.

Usage: python benchmarks/pdf_speed.py [PDF ...]   (default: ../shared/corpus/*.pdf)

Reads each file a few times in this one process (one core) and prints pages/s per file and
overall, for the reader alone and for reader + recognition (``opendata.load``). Times are CPU
seconds of this process (``time.process_time``), so other work on the machine does not count
against the reader; wall-clock pages/s are printed as well.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from opendata.read.pdf import read_pdf  # noqa: E402
from opendata.recognise import recognise  # noqa: E402

ROUNDS = 3


def main(paths: list[Path]) -> None:
    total_pages = 0
    total_read = 0.0
    total_load = 0.0
    for path in paths:
        data = path.read_bytes()
        read_times, load_times = [], []
        pages = 0
        wall = []
        for _ in range(ROUNDS):
            start, wall_start = time.process_time(), time.perf_counter()
            document = read_pdf(data, path.name)
            middle, wall_middle = time.process_time(), time.perf_counter()
            recognise(document)
            end = time.process_time()
            read_times.append(middle - start)
            load_times.append(end - start)
            wall.append(wall_middle - wall_start)
            pages = document.pages or 0
        best_read, best_load = min(read_times), min(load_times)
        total_pages += pages
        total_read += best_read
        total_load += best_load
        print(
            f"{path.name}: {pages} pages, read {pages / best_read:.1f} pages/s (wall {pages / min(wall):.1f}), "
            f"read+recognise {pages / best_load:.1f} pages/s"
        )
    if total_pages:
        print(f"all: {total_pages} pages, read {total_pages / total_read:.1f} pages/s, "
              f"read+recognise {total_pages / total_load:.1f} pages/s (CPU time, best of {ROUNDS}, one core)")


if __name__ == "__main__":
    arguments = [Path(a) for a in sys.argv[1:]]
    if not arguments:
        arguments = sorted((REPO.parent / "shared" / "corpus").glob("*.pdf"))
    main(arguments)
