"""HTML pages read with lxml: tables as grids (rowspan and colspan spread), text blocks as lines.

The parser never expands entities, never touches the network and refuses huge trees: XHTML
goes through lxml's XML parser with ``resolve_entities=False, no_network=True, huge_tree=False``
and no DTD; HTML through libxml2's HTML parser (``no_network=True, huge_tree=False``), which knows
only the predefined HTML entities and loads no DTD. Each table row becomes one
``SourceLine`` with its cells in column order; a cell spanning several columns or rows puts its
text in its first position and leaves the positions it covers blank (as a merged cell reads in
a PDF). Paragraphs, headings, list items and other text blocks outside tables become lines of
one cell. Scripts, styles and comments are left out.
"""

from __future__ import annotations

import hashlib
import re

from ..errors import Locator, UnreadableInput
from .document import SourceDocument, SourceLine
from .text import decode

MAX_SPAN = 1000  # a rowspan/colspan beyond this is refused (a grid bomb)
MAX_CELLS = 2_000_000
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "caption", "pre", "blockquote", "dt", "dd", "title"}
_SKIP = {"script", "style", "noscript", "template", "head"}
_SPACE = re.compile(r"[ \t\r\n\f\u00a0\u3000]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", re.IGNORECASE)


def _text(element) -> str:  # type: ignore[no-untyped-def]
    """The text of an element without that of nested tables, whitespace collapsed."""
    parts: list[str] = []

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        if not isinstance(node.tag, str):  # comments, processing instructions
            if node.tail:
                parts.append(node.tail)
            return
        tag = node.tag.lower()
        if tag in _SKIP or tag == "table":
            pass
        else:
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
            if tag == "br":
                parts.append(" ")
        if node.tail and node is not element:
            parts.append(node.tail)

    walk(element)
    return _SPACE.sub(" ", "".join(parts)).strip()


def _span(value: str | None, name: str, locator: Locator) -> int:
    if not value:
        return 1
    try:
        span = int(str(value).strip() or "1")
    except ValueError:
        return 1
    if span > MAX_SPAN:
        raise UnreadableInput(f"{name}={span} is more than {MAX_SPAN}", locator)
    return max(1, span)


def _table_grid(table, name: str, line: int) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The rows of a table with spans spread over the grid (covered positions blank)."""
    rows = [tr for tr in table.iter("tr") if _owner(tr) is table]
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}  # (row, column) positions covered by a rowspan
    cells_seen = 0
    for r, tr in enumerate(rows):
        row: list[str] = []
        column = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                continue
            while (r, column) in pending:
                row.append(pending.pop((r, column)))
                column += 1
            locator = Locator(name, line=line + r)
            colspan = _span(cell.get("colspan"), "colspan", locator)
            rowspan = _span(cell.get("rowspan"), "rowspan", locator)
            cells_seen += colspan * rowspan
            if cells_seen > MAX_CELLS:
                raise UnreadableInput(f"a table of more than {MAX_CELLS} cells", locator)
            row.append(_text(cell))
            row.extend([""] * (colspan - 1))
            for down in range(1, rowspan):
                for across in range(colspan):
                    pending[(r + down, column + across)] = ""
            column += colspan
        while (r, column) in pending:
            row.append(pending.pop((r, column)))
            column += 1
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    return [row + [""] * (width - len(row)) for row in grid]


def _owner(tr):  # type: ignore[no-untyped-def]
    """The table a row belongs to (the nearest enclosing table)."""
    node = tr.getparent()
    while node is not None and not (isinstance(node.tag, str) and node.tag.lower() == "table"):
        node = node.getparent()
    return node


def _declared_charset(data: bytes) -> str | None:
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


_DEPTH = re.compile(r"Excessive depth in document: (\d+)")


def _refuse_depth(log, name: str) -> None:  # type: ignore[no-untyped-def]
    """Refuse a page whose elements nest past the parser's limit (they would be dropped silently)."""
    for entry in log:
        match = _DEPTH.search(entry.message or "")
        if match:
            raise UnreadableInput(
                f"elements nested deeper than {match.group(1)} levels (the rest of the page cannot be read)",
                Locator(name, line=entry.line or 1),
            )


def read_html(data: bytes, name: str) -> SourceDocument:
    """Read an HTML page into a ``SourceDocument`` (tables as grids, text blocks as lines)."""
    from lxml import etree, html

    charset = _declared_charset(data)
    try:
        text = data.decode(charset) if charset else decode(data, name)
    except (LookupError, UnicodeDecodeError):
        text = decode(data, name)
    try:
        if _XML_DECL.match(text):
            # XHTML: the XML parser, entities never expanded, no DTD loaded, nothing fetched
            parser = etree.XMLParser(
                resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_comments=True
            )
            root = etree.fromstring(_XML_DECL.sub("", text, count=1).encode("utf-8"), parser=parser)
            for element in root.iter():
                if isinstance(element.tag, str) and "}" in element.tag:
                    element.tag = element.tag.split("}", 1)[1]
        else:
            # libxml2's HTML parser knows only the predefined HTML entities and never loads a DTD
            parser = html.HTMLParser(no_network=True, huge_tree=False, remove_comments=True)
            root = html.document_fromstring(text, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
        _refuse_depth(getattr(error, "error_log", None) or (), name)
        raise UnreadableInput(f"not readable as HTML ({error})", Locator(name, line=1)) from None
    # libxml2 drops what lies deeper than its nesting limit: refuse rather than read a part
    _refuse_depth(parser.error_log, name)
    lines: list[SourceLine] = []

    def emit(cells: list[str]) -> None:
        if any(cell.strip() for cell in cells):
            lines.append(SourceLine(tuple(cells), len(lines) + 1, None))

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        if not isinstance(node.tag, str):
            return
        tag = node.tag.lower()
        if tag in _SKIP:
            return
        if tag == "table":
            for row in _table_grid(node, name, len(lines) + 1):
                emit(row)
            # a table nested in a cell: its rows after those of the table holding it
            for inner in node.iter():
                if inner is not node and isinstance(inner.tag, str) and inner.tag.lower() == "table" and _owner(inner) is node:
                    walk(inner)
            return
        has_block_child = any(
            isinstance(child.tag, str) and (child.tag.lower() in _BLOCKS or child.tag.lower() == "table") for child in node
        )
        if tag in _BLOCKS and not has_block_child:
            emit([_text(node)])
            return
        if has_block_child or tag in ("body", "html"):
            if node.text and node.text.strip():
                emit([_SPACE.sub(" ", node.text).strip()])
            for child in node:
                walk(child)
                if child.tail and child.tail.strip() and tag not in ("html",):
                    emit([_SPACE.sub(" ", child.tail).strip()])
            return
        emit([_text(node)])

    body = root.find("body")
    walk(body if body is not None else root)
    if not lines:
        raise UnreadableInput("the HTML page holds no text", Locator(name, line=1))
    return SourceDocument(
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type="text/html",
        lines=tuple(lines),
    )
