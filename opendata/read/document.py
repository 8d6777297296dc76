"""What every reader produces: a document as a sequence of lines of cells, each with its place.

A text export gives one line per text line (cells split on tabs); a PDF reader gives one line
per rebuilt table row or text line on a page; HTML and XLSX readers give one line per table row
or paragraph. Recognition works on this one shape whatever the format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Locator


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One line of the source: its cells as printed and where it is."""

    cells: tuple[str, ...]
    line: int
    page: int | None = None
    # The non-blank cells, stripped: derived from ``cells`` once, as recognition asks for them
    # many times per line (not part of the value: left out of init, repr and comparison).
    filled: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "filled", tuple(filter(None, map(str.strip, self.cells))))

    @property
    def text(self) -> str:
        return "\t".join(self.cells)

    def is_empty(self) -> bool:
        return not self.filled

    def cell(self, index: int) -> str:
        """Cell ``index`` (0-based), or ``""`` past the end."""
        return self.cells[index].strip() if index < len(self.cells) else ""


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A read source: display name, content hash, media type and its lines."""

    name: str
    sha256: str
    media_type: str
    lines: tuple[SourceLine, ...]
    pages: int | None = None
    blank_pages: tuple[int, ...] = ()  # pages without a text layer (a PDF page that is an image)

    def locate(self, line: SourceLine, column: int | None = None) -> Locator:
        return Locator(self.name, line=line.line, page=line.page, column=column)
