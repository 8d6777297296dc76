"""PDF files read directly with pdfplumber: table rows rebuilt from ruling lines and word positions.

Each page gives its lines top to bottom. A ruled table (found from its ruling lines with
pdfplumber's table finder) gives one ``SourceLine`` per grid row, its cells in column order, each
cell the words whose centre lies inside it, joined in reading order: a name wrapped over two lines
and numbers printed a little higher or lower than their label land in the right cell. A table
printed as two halves side by side (the same header twice) gives the rows of its left half, then
those of its right half (after the left half's last page when it runs over several). A grid row
holding both the 类/款/项 header cells and the 合计 figures is split in two. A continuation page
whose few rows merge cells (a lone 合计 row) is put back on the grid of the table it continues.

Text outside tables is grouped into lines by vertical overlap (numbers set in another font sit a
few points off the baseline) and split into cells at wide gaps; lines wrapped by the layout are
joined back into paragraphs (a paragraph starts indented or with a heading number), so that no
sentence or figure is cut by a line end.

Page numbers (a line holding only a number, or ``- 3 -``, ``第3页``) at the top or bottom of a
page are left out. A page without any text layer is listed in ``SourceDocument.blank_pages`` so that
recognition can report it; a document without text at all is refused as a scanned PDF.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import Locator, UnreadableInput
from .document import SourceDocument, SourceLine

_PAGE_NUMBER = re.compile(r"^(?:[-－—–]\s*\d{1,4}\s*[-－—–]|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d{1,4}|\d{1,4}\s*/\s*\d{1,4})$")
_ALNUM = re.compile(r"[0-9A-Za-z%.,)）]$")
_ALNUM_START = re.compile(r"^[0-9A-Za-z(（]")
_NUMBER = re.compile(r"^-?[\d,]+(?:\.\d+)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
MAX_PAGES = 5000
MARGIN = 0.1  # fraction of the page height at top and bottom where page numbers are looked for


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class _Row:
    """A line of a page before numbering: its vertical position and cells."""

    top: float
    bottom: float
    cells: tuple[str, ...]
    x0: float = 0.0


def _spaced(before: str, after: str) -> bool:
    """Whether two pieces of text printed apart need a space between them: latin words and
    numbers do (``201 06 01``, ``Unit: yuan``), Chinese text does not."""
    last, first = before[-1:], after[:1]
    return bool(
        last and first and last.isascii() and first.isascii() and last.isprintable() and first.isprintable()
        and (last.isalnum() or first.isalnum() or _ALNUM.search(last) or _ALNUM_START.match(first))
    )


def _join(words: list[_Word]) -> str:
    """Words of one cell or line in reading order: CJK joined directly, numbers and latin spaced."""
    text = ""
    for word in words:
        if text and _spaced(text, word.text):
            text += " "
        text += word.text
    return text


def _lines_of(words: list[_Word]) -> list[list[_Word]]:
    """Words grouped into text lines by vertical overlap, each line sorted left to right.

    A word joins the current line when it overlaps the line's first word by at least 40 % of the
    smaller height: numbers set a few points below their text stay on its line.
    """
    lines: list[list[_Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines:
            anchor = lines[-1][0]
            overlap = min(anchor.bottom, word.bottom) - max(anchor.top, word.top)
            height = max(1.0, min(anchor.bottom - anchor.top, word.bottom - word.top))
            if overlap >= 0.4 * height:
                lines[-1].append(word)
                continue
        lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _cell_text(words: list[_Word]) -> str:
    """A cell's words, its lines joined (a name wrapped over two lines is one name again)."""
    text = ""
    for line in _lines_of(words):
        part = _join(line)
        if text and text[-1:].isascii() and text[-1:].isalpha() and part[:1].isascii() and part[:1].isalpha():
            text += " "
        text += part
    return text


def _text_rows(words: list[_Word]) -> list[_Row]:
    """Lines of running text; a gap wider than three character heights starts a new cell."""
    rows: list[_Row] = []
    for line in _lines_of(words):
        cells: list[list[_Word]] = [[line[0]]]
        for previous, word in zip(line, line[1:]):
            height = max(4.0, word.bottom - word.top)
            if word.x0 - previous.x1 > 3 * height:
                cells.append([word])
            else:
                cells[-1].append(word)
        rows.append(
            _Row(min(w.top for w in line), max(w.bottom for w in line), tuple(_join(cell) for cell in cells), line[0].x0)
        )
    return _paragraphs(rows)


_HEADING = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d))")


def _paragraphs(rows: list[_Row]) -> list[_Row]:
    """Running text lines wrapped by the layout joined back into paragraphs.

    A paragraph's first line is indented; a line that starts at the left margin right below a
    line of text (no wider gap than the line pitch) continues it, unless it is a heading (一、, （一）, 1.). Sentences (and the figures in them) are then
    never cut in two by a line end.
    """
    singles = [row for row in rows if len(row.cells) == 1]
    if len(singles) < 2:
        return rows
    left = min(row.x0 for row in singles)
    result: list[_Row] = []
    for row in rows:
        previous = result[-1] if result else None
        height = max(4.0, row.bottom - row.top)
        if (
            previous is not None
            and len(previous.cells) == 1
            and len(row.cells) == 1
            and row.x0 <= left + 0.5 * height
            and row.top - previous.bottom < 0.9 * height
            and not _HEADING.match(row.cells[0])
            and not _PAGE_NUMBER.match(row.cells[0].strip())
        ):
            result[-1] = _Row(previous.top, row.bottom, (_join_text(previous.cells[0], row.cells[0]),), previous.x0)
            continue
        result.append(row)
    return result


def _join_text(first: str, second: str) -> str:
    if _ALNUM.search(first) and _ALNUM_START.match(second) and first[-1:].isascii() and second[:1].isascii():
        return first + " " + second
    return first + second


def _inside(word: _Word, bbox: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = bbox
    return x0 <= word.cx <= x1 and top <= word.cy <= bottom


@dataclass
class _Layouts:
    """What the pages read so far say about table layouts (carried from page to page).

    ``split``: column edges of tables printed as two halves, so that a continuation page without
    the repeated header is split the same way. ``grids``: column edges and right border of the
    tables seen, so that a continuation page whose few rows merge cells (a lone 合计 row spanning
    the code and name columns) is put back on the full grid. ``deferred``: right-half rows of a
    two-halves table, emitted after the left half has ended (its last page).
    """

    split: dict[tuple[int, ...], int] = field(default_factory=dict)
    grids: list[tuple[tuple[int, ...], int]] = field(default_factory=list)
    deferred: list[tuple[int, _Row]] = field(default_factory=list)


def _full_grid(edges: tuple[int, ...], right: int, layouts: _Layouts) -> tuple[list[int], int] | None:
    """Positions of a narrower grid's columns on a wider grid seen before with the same borders."""
    for known, known_right in reversed(layouts.grids):
        if len(known) <= len(edges) or abs(known_right - right) > 2 or abs(known[0] - edges[0]) > 2:
            continue
        if all(any(abs(edge - k) <= 2 for k in known) for edge in edges):
            return [min(range(len(known)), key=lambda i: abs(known[i] - edge)) for edge in edges], len(known)
    return None


def _table_rows(table: Any, words: list[_Word], taken: set[int], layouts: _Layouts, page: int) -> tuple[list[_Row], bool]:
    """The grid rows of one pdfplumber table; the indexes of the words it takes go to ``taken``.

    Returns the rows and whether the table continues a two-halves table of an earlier page.
    """
    grid = [row.cells for row in table.rows]
    if not grid:
        return [], False
    width = max(len(cells) for cells in grid)
    edges = tuple(
        round(min((cells[j][0] for cells in grid if j < len(cells) and cells[j] is not None), default=-1))
        for j in range(width)
    )
    right = round(table.bbox[2])
    texts: list[list[str]] = []
    for cells in grid:
        row: list[str] = []
        for bbox in cells:
            if bbox is None:
                row.append("")
                continue
            inside = [i for i, w in enumerate(words) if i not in taken and _inside(w, bbox)]
            taken.update(inside)
            row.append(_cell_text([words[i] for i in inside]))
        texts.append(row + [""] * (width - len(row)))
    mapped = _full_grid(edges, right, layouts)
    if mapped is not None:
        positions, full = mapped
        remapped = []
        for row in texts:
            wide = [""] * full
            for j, text in enumerate(row):
                wide[positions[j]] = wide[positions[j]] or text
            remapped.append(wide)
        texts, width = remapped, full
        edges = next(known for known, known_right in reversed(layouts.grids) if len(known) == full and abs(known_right - right) <= 2)
    elif len(grid) >= 2:
        layouts.grids.append((edges, right))
    tops = [min(b[1] for b in cells if b is not None) for cells in grid]
    bottoms = [max(b[3] for b in cells if b is not None) for cells in grid]
    own = _halves(texts)
    halves = own or layouts.split.get(edges, 0)
    rows: list[_Row] = []
    if halves:
        layouts.split[edges] = halves
        # the left half's rows now; the right half's after the left half has ended
        for top, bottom, row in zip(tops, bottoms, texts):
            rows.extend(_split_class_row(_Row(top, bottom, tuple(row[:halves]))))
        for top, bottom, row in zip(tops, bottoms, texts):
            for part in _split_class_row(_Row(top, bottom, tuple(row[halves:]))):
                if any(cell.strip() for cell in part.cells):
                    layouts.deferred.append((page, part))
    else:
        for top, bottom, row in zip(tops, bottoms, texts):
            rows.extend(_split_class_row(_Row(top, bottom, tuple(row))))
    return rows, bool(halves and not own)


_CLASS_PARTS = {"类", "款", "项"}


def _split_class_row(row: _Row) -> list[_Row]:
    """A grid row holding both the 类/款/项 header cells and the figures of the 合计 row (a merged
    header cell ends halfway down the first data row) becomes a header row and a data row."""
    parts = [j for j, cell in enumerate(row.cells) if cell.strip() in _CLASS_PARTS]
    if len(parts) < 2 or not any(_NUMBER.match(cell.strip()) for cell in row.cells if cell.strip()):
        return [row]
    header = tuple(cell if j in parts else "" for j, cell in enumerate(row.cells))
    data = tuple("" if j in parts else cell for j, cell in enumerate(row.cells))
    return [_Row(row.top, row.top, header), _Row(row.top, row.bottom, data)]


def _halves(texts: list[list[str]]) -> int:
    """The column where a table printed as two halves side by side splits, or 0.

    Two halves repeat the same header: the top row reads the same in both halves.
    """
    width = len(texts[0]) if texts else 0
    if width < 4 or width % 2:
        return 0
    half = width // 2
    left, right = texts[0][:half], texts[0][half:]
    return half if any(left) and left == right else 0


def _page_rows(page: Any, layouts: _Layouts, number: int) -> tuple[list[_Row], bool]:
    """The lines of one page, and whether it opens with the continuation of a two-halves table."""
    raw = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False, use_text_flow=False)
    words = [
        _Word(text, w["x0"], w["x1"], w["top"], w["bottom"]) for w in raw if (text := _clean(w["text"])).strip()
    ]
    if not words:
        return [], False
    rows: list[_Row] = []
    taken: set[int] = set()
    continues = False
    if page.lines or page.rects or page.curves:
        for index, table in enumerate(page.find_tables()):
            table_rows, continued = _table_rows(table, words, taken, layouts, number)
            continues = continues or (index == 0 and continued)
            rows.extend(r for r in table_rows if any(c.strip() for c in r.cells))
    rest = [w for i, w in enumerate(words) if i not in taken]
    text_rows = _text_rows(rest)
    height = float(page.height)
    kept = [
        row
        for row in text_rows
        if not (
            len(row.cells) == 1
            and _PAGE_NUMBER.match(row.cells[0].strip())
            and (row.top > height * (1 - MARGIN) or row.bottom < height * MARGIN)
        )
    ]
    if continues and kept and rows and kept[0].top < rows[0].top:
        continues = False  # a title above the table: a new table, not a continuation
    return _ordered(kept, rows), continues


def _clean(text: str) -> str:
    """Text without control characters (some producers leave stray ones in cell text)."""
    return _CONTROL.sub("", text)


def _ordered(text_rows: list[_Row], table_rows: list[_Row]) -> list[_Row]:
    """Text lines and table rows merged by position; a table's own row order is never changed."""
    result: list[_Row] = []
    pending = sorted(text_rows, key=lambda r: r.top)
    index = 0
    for row in table_rows:
        while index < len(pending) and pending[index].top < row.top:
            result.append(pending[index])
            index += 1
        result.append(row)
    result.extend(pending[index:])
    return result


# pdfminer warns through logging about damaged files (a missing MediaBox …); the reader reports
# what matters as UnreadableInput, so those warnings must not reach stderr through logging's
# last-resort handler. An application that configures logging still receives them.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())


def _close(resource: Any) -> None:
    """Close a pdfplumber page or document; a damaged file can fail again while closing, and
    that second failure must not replace the ``UnreadableInput`` already raised (or the result)."""
    try:
        resource.close()
    except Exception:  # noqa: BLE001 - nothing left to report about a file being closed
        pass


def read_pdf(data: bytes, name: str) -> SourceDocument:
    """Read a PDF into a ``SourceDocument``: one line per table row or text line, pages numbered."""
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    except ImportError as error:  # pragma: no cover - pdfplumber is a dependency
        raise UnreadableInput(f"PDF support needs pdfplumber ({error})", Locator(name)) from None
    if not data.lstrip().startswith(b"%PDF"):
        raise UnreadableInput("not a PDF (no %PDF header)", Locator(name, page=1))
    lines: list[SourceLine] = []
    blank: list[int] = []
    encrypted = (PDFPasswordIncorrect, PDFEncryptionError)

    def refuse(error: Exception, page: int, what: str = "corrupt PDF") -> UnreadableInput:
        # pdfplumber wraps pdfminer's errors in PdfminerException: look at the wrapped one
        inner = next((arg for arg in error.args if isinstance(arg, Exception)), error)
        if isinstance(error, encrypted) or isinstance(inner, encrypted):
            return UnreadableInput("encrypted PDF (a password is needed)", Locator(name, page=page))
        return UnreadableInput(f"{what} ({type(inner).__name__}: {inner})", Locator(name, page=page))

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer raises many types for damaged files
        raise refuse(error, 1) from None
    try:
        try:
            pages = pdf.pages
        except Exception as error:
            raise refuse(error, 1) from None
        if len(pages) > MAX_PAGES:
            raise UnreadableInput(f"{len(pages)} pages, more than the limit of {MAX_PAGES}", Locator(name))
        layouts = _Layouts()

        def flush() -> None:
            for page_number, row in layouts.deferred:
                lines.append(SourceLine(row.cells, len(lines) + 1, page_number))
            layouts.deferred.clear()

        for number, page in enumerate(pages, start=1):
            try:
                rows, continues = _page_rows(page, layouts, number)
            except Exception as error:
                raise refuse(error, number, "corrupt PDF page") from None
            finally:
                _close(page)
            if not rows:
                blank.append(number)
                continue
            pending = [item for item in layouts.deferred if item[0] == number]
            if not continues:
                layouts.deferred[:] = [item for item in layouts.deferred if item[0] != number]
                flush()
                layouts.deferred.extend(pending)
            for row in rows:
                lines.append(SourceLine(row.cells, len(lines) + 1, number))
        flush()
        page_count = len(pages)
    finally:
        _close(pdf)
    if not lines:
        raise UnreadableInput("scanned PDF without a text layer", Locator(name, page=1))
    return SourceDocument(
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type="application/pdf",
        lines=tuple(lines),
        pages=page_count,
        blank_pages=tuple(blank),
    )
