"""State shared by the recognisers of one document: the source, the ledger and read notes."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Locator
from ..model.disclosure import ReadNote
from ..model.money import Unit
from ..read.document import SourceDocument, SourceLine
from .coverage import Ledger


@dataclass
class Context:
    document: SourceDocument
    ledger: Ledger = field(default_factory=Ledger)
    notes: list[ReadNote] = field(default_factory=list)
    default_unit: Unit | None = None

    def locate(
        self, line: SourceLine, column: int | None = None, table: str | None = None, row: int | None = None
    ) -> Locator:
        """Where ``line`` (and ``column``) is, in ``table`` at ``row`` (built in one step: called per cell)."""
        return Locator(self.document.name, line.line, line.page, table, row, column)

    def note(self, code: str, message: str, locator: Locator) -> None:
        self.notes.append(ReadNote(code, message, locator))
