"""The coverage account: every numeric token of the source, captured or not understood.

Recognisers mark each cell they consume with what it became (``figure``, ``code`` …). At the end
every number in every cell of the source gets an entry; a number in a cell nobody marked is
``not-understood``. Nothing is dropped silently.
"""

from __future__ import annotations

from ..errors import Locator
from ..model.disclosure import CoverageEntry
from ..model.money import number_tokens
from ..read.document import SourceDocument, SourceLine

# Statuses and whether they count as captured.
STATUSES: dict[str, bool] = {
    "figure": True,  # a typed amount of a table, project, procurement or asset line
    "quantity": True,  # a typed non-money number (asset counts, procurement quantities)
    "target": True,  # part of a parsed indicator target
    "claim": True,  # a figure stated in the narrative, extracted as a claim
    "code": True,  # a classification, project, department or catalogue code
    "identity": True,  # fiscal year, dates and the like that identify the disclosure
    "serial": True,  # row serial numbers (序号) and column numbers (栏次)
    "text": True,  # a number inside text kept verbatim (names, descriptions, narrative)
    "toc-page": False,  # a page number of the table of contents
    "not-understood": False,
}
_NOT_UNDERSTOOD = ("not-understood", "")  # the status and note of a cell nobody marked


class Ledger:
    """What each source cell became; filled by the recognisers."""

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], tuple[str, str]] = {}
        self._claims: dict[int, list[str]] = {}

    def mark(self, line: SourceLine, index: int, status: str, note: str = "") -> None:
        assert status in STATUSES, status
        self._cells[(line.line, index)] = (status, note)

    def mark_line(self, line: SourceLine, status: str, note: str = "") -> None:
        """Mark every non-blank cell of ``line`` not marked yet."""
        assert status in STATUSES, status
        cells, number, value = self._cells, line.line, (status, note)
        for index, cell in enumerate(line.cells):
            if cell.strip():
                cells.setdefault((number, index), value)

    def is_marked(self, line: SourceLine, index: int) -> bool:
        return (line.line, index) in self._cells

    def claim(self, line: SourceLine, token: str) -> None:
        """A number of a narrative line taken up by a claim."""
        self._claims.setdefault(line.line, []).append(token)

    def account(self, document: SourceDocument) -> tuple[CoverageEntry, ...]:
        entries: list[CoverageEntry] = []
        marked = self._cells
        for line in document.lines:
            if not line.filled:
                continue  # blank cells hold no number
            claimed = list(self._claims.get(line.line, ()))
            for index, cell in enumerate(line.cells):
                tokens = number_tokens(cell) if cell else None
                if not tokens:
                    continue
                status, note = marked.get((line.line, index), _NOT_UNDERSTOOD)
                locator = Locator(document.name, line.line, line.page, None, None, index + 1)  # table, row: none
                for token in tokens:
                    token_status = status
                    if status == "text" and token in claimed:
                        claimed.remove(token)
                        token_status = "claim"
                    entries.append(CoverageEntry(token, token_status, locator, note))
        return tuple(entries)
