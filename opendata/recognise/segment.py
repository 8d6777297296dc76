"""Split a document's lines into table blocks and narrative, merging tables split by page breaks.

A table starts at a line holding only its title (matched against the aliases of
vocab/recognition.toml). Its meta lines (department code and name, 预算年度, 单位) and header rows
follow, up to the column-number row (栏次, also misprinted 档次). After a page break a table
repeats the meta lines and header rows: those are recognised as a continuation of the same
table and left out, so no header row is ever read as data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..model.money import is_blank, parse_decimal
from ..read.document import SourceLine
from ..vocab import TableKind, norm_label, recognition

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d)|[(（]\d+[)）]、?|[(（][一二三四五六七八九十]+[)）]、?)")
_YEAR = re.compile(r"^(?:20\d\d)年(?:度)?")
_YEAR_SUFFIX = re.compile(r"[(（]20\d\d年度?[)）]$")
_META = re.compile(
    r"^(?:预算年度|单位|金额单位|编制单位|编制部门|截止时间|截至时间|预算单位|预算主管部门|部门名称|单位名称)[:：]"
)
_DEPT_LINE = re.compile(r"^(\d{2,9})\s+(\S.*)$")
_TOC = re.compile(r"^(?P<title>.*?)\s*[.…·．]{3,}\s*(?P<page>\d+)?\s*$")
SERIAL_HEADERS = frozenset({"栏次", "档次"})


_SUB_ITEM = re.compile(r"^(?:其中[:：]?|-|•)")


def strip_numbering(label: str) -> str:
    """A label without its list numbering, ``其中：`` and similar prefixes (normalised).

    Row labels repeat across the tables of a disclosure: the answer for a short label is remembered.
    """
    return _strip_short(label) if len(label) <= 120 else _strip(label)


def _strip(label: str) -> str:
    text = norm_label(label)
    for _ in range(3):
        before = text
        text = _NUMBERING.sub("", text)
        text = _SUB_ITEM.sub("", text)
        text = text.rstrip(":：")
        if text == before:
            break
    return text


_strip_short = lru_cache(maxsize=1 << 13)(_strip)


def title_key(text: str) -> str:
    """A title normalised for alias lookup: no numbering, leading year or trailing (2023年度)."""
    key = strip_numbering(text)
    key = _YEAR.sub("", key)
    key = _YEAR_SUFFIX.sub("", key)
    return key


def match_title(line: SourceLine) -> TableKind | None:
    """The table kind whose title this line is, if it is one."""
    filled = line.filled
    if len(filled) != 1:
        return None
    text = filled[0]
    # asked for every line, often twice: the answer for a short text is remembered
    return _title_kind(text) if len(text) <= 200 else _title_kind.__wrapped__(text)


@lru_cache(maxsize=1 << 12)
def _title_kind(text: str) -> TableKind | None:
    """The table kind whose title a line holding only ``text`` is (``None`` for a TOC entry)."""
    if _is_toc_text(text):
        return None
    key = title_key(text)
    if not key or len(key) > 80:
        return None
    for kind in recognition().tables:
        if key in kind.titles:
            return kind
    for kind in recognition().tables:
        if any(key.endswith(suffix) for suffix in kind.suffixes):
            return kind
    for kind in recognition().tables:
        if any(key.endswith(title) and len(key) - len(title) <= 6 for title in kind.titles):
            return kind
    return None


def is_toc(line: SourceLine) -> bool:
    filled = line.filled
    if not filled:
        return False
    return _is_toc_text(" ".join(filled))


_LEADER = re.compile(r"[.…·．]{3}")  # the dot leaders every TOC entry has: a quick test before _TOC


def _is_toc_text(text: str) -> bool:
    if not _LEADER.search(text):
        return False
    match = _TOC.match(text)
    return bool(match and match["title"] and (match["page"] or text.rstrip().endswith((".", "…"))))


def toc_parts(line: SourceLine) -> tuple[str, int | None]:
    match = _TOC.match(" ".join(line.filled))
    if match is None:  # an entry of a table of contents printed without dot leaders or pages
        return " ".join(line.filled).strip(), None
    return match["title"].strip(), int(match["page"]) if match["page"] else None


def is_meta(line: SourceLine) -> bool:
    """A table's meta line: department code and name, 预算年度, 单位, 截止时间 …"""
    filled = line.filled
    if not filled:
        return False
    first = norm_label(filled[0])
    if _META.match(first):
        return True
    if len(filled) == 1 and _DEPT_LINE.match(filled[0].strip()) and not parse_decimal(filled[0]):
        return True
    # a line of several meta cells (单位：万元 | 预算年度：2024) is one: its first cell matched above
    return False


def is_serial_row(line: SourceLine) -> bool:
    filled = line.filled
    return bool(filled) and norm_label(filled[0]) in SERIAL_HEADERS


def is_note(line: SourceLine) -> bool:
    filled = line.filled
    return len(filled) == 1 and norm_label(filled[0]).startswith(("注:", "注：", "说明:"))


def has_number(line: SourceLine, start: int = 0) -> bool:
    return any(parse_decimal(c) is not None for c in line.cells[start:] if not is_blank(c))


@dataclass
class TableBlock:
    """The lines of one table, continuation pages merged (built by ``segment``)."""

    kind: TableKind
    title: str
    title_line: SourceLine
    meta: list[SourceLine] = field(default_factory=list)
    header: list[SourceLine] = field(default_factory=list)
    serial_row: SourceLine | None = None
    rows: list[SourceLine] = field(default_factory=list)
    notes: list[SourceLine] = field(default_factory=list)
    repeated: list[SourceLine] = field(default_factory=list)  # meta and header lines of later pages
    breaks: list[int] = field(default_factory=list)  # row index where each later page starts
    header_mismatch: list[SourceLine] = field(default_factory=list)


@dataclass
class NarrativeLine:
    line: SourceLine


@dataclass
class TocLine:
    line: SourceLine


Block = TableBlock | NarrativeLine | TocLine


def _header_signature(lines: list[SourceLine]) -> tuple[tuple[str, ...], ...]:
    # norm_label drops surrounding whitespace anyway: the stripped cells normalise alike
    return tuple(tuple(map(norm_label, line.filled)) for line in lines)


def _is_header_like(line: SourceLine, headers: frozenset[tuple[str, ...]]) -> bool:
    """A line of a repeated header on a continuation page (``headers``: the block's header signatures)."""
    if is_serial_row(line):
        return True
    return _header_signature([line])[0] in headers


def _is_toc_heading(line: SourceLine) -> bool:
    """The line "目录" that opens a table of contents printed without dot leaders."""
    return len(line.filled) == 1 and norm_label(line.filled[0]) == "目录"


def _plain_toc_entry(line: SourceLine, seen: set[str]) -> bool:
    """An entry of a table of contents without dot leaders: a short heading not yet seen."""
    filled = line.filled
    if len(filled) != 1:
        return False
    text = norm_label(filled[0])
    return bool(text) and len(text) <= 40 and "。" not in text and text not in seen


def segment(lines: tuple[SourceLine, ...]) -> list[Block]:
    """The document as a list of table blocks, TOC lines and narrative lines."""
    blocks: list[Block] = []
    index = 0
    total = len(lines)
    toc_seen: set[str] | None = None  # the entries of an undotted table of contents being read
    while index < total:
        line = lines[index]
        if line.is_empty():
            index += 1
            continue
        if toc_seen is not None:
            if not is_toc(line) and _plain_toc_entry(line, toc_seen):
                toc_seen.add(norm_label(line.filled[0]))
                blocks.append(TocLine(line))
                index += 1
                continue
            toc_seen = None
        if _is_toc_heading(line) and index + 1 < total and not is_toc(lines[index + 1]):
            toc_seen = set()
            blocks.append(NarrativeLine(line))
            index += 1
            continue
        kind = match_title(line)
        if kind is not None:
            block = TableBlock(kind=kind, title=line.filled[0].strip(), title_line=line)
            index = _collect(block, lines, index + 1)
            blocks.append(block)
            continue
        if is_toc(line):
            blocks.append(TocLine(line))
        else:
            blocks.append(NarrativeLine(line))
        index += 1
    return blocks


def _collect(block: TableBlock, lines: tuple[SourceLine, ...], index: int) -> int:
    """Read a table's lines from ``index``; return the index of the first line after it."""
    layout = block.kind.layout
    total = len(lines)
    # meta lines before the header
    while index < total and (lines[index].is_empty() or is_meta(lines[index])):
        if not lines[index].is_empty():
            block.meta.append(lines[index])
        index += 1
    if layout == "project":
        return _collect_project(block, lines, index)
    # header rows
    if layout in ("coded", "two-sided", "items"):
        start = index
        while index < total and index - start < 6:
            line = lines[index]
            if line.is_empty() or is_note(line) or match_title(line):
                break
            if is_serial_row(line):
                block.serial_row = line
                index += 1
                break
            if _looks_like_data(line):
                break
            block.header.append(line)
            index += 1
    else:
        limit = {"institutions": 1, "assets": 1, "procurement": 3}[layout]
        while index < total and len(block.header) < limit:
            line = lines[index]
            if line.is_empty() or len(line.filled) < 2 or has_number(line):
                break
            if layout == "procurement" and norm_label(line.filled[0]) in ("合计", "总计"):
                break
            block.header.append(line)
            index += 1
    # data rows, through page breaks
    headers = frozenset(_header_signature(block.header))
    in_repeat = False
    while index < total:
        line = lines[index]
        if line.is_empty():
            index += 1
            continue
        if match_title(line) or is_toc(line):
            break
        if is_note(line):
            block.notes.append(line)
            index += 1
            continue
        if is_meta(line):
            block.repeated.append(line)
            in_repeat = True
            index += 1
            continue
        if (in_repeat or block.rows) and _is_header_like(line, headers):
            # a header repeated on a continuation page (with or without the meta lines)
            block.repeated.append(line)
            in_repeat = True
            index += 1
            continue
        if len(line.filled) < 2 and not _single_cell_row(line, block):
            break
        if in_repeat:
            block.breaks.append(len(block.rows))
            in_repeat = False
        block.rows.append(line)
        index += 1
    return index


def _single_cell_row(line: SourceLine, block: TableBlock) -> bool:
    """A data row with one filled cell (a label-only row) rather than a narrative line."""
    if not block.rows and not block.header:
        return False
    width = max((len(r.cells) for r in block.header + block.rows), default=0)
    return len(line.cells) >= 3 and len(line.cells) >= width - 1


def _looks_like_data(line: SourceLine) -> bool:
    """A first data row: a code and figures, a 合计/总计 row, a numbered item or a row of figures."""
    first = line.cell(0)
    if parse_decimal(first) is not None and has_number(line, 1) or norm_label(first) in ("合计", "总计"):
        return True
    labels = [norm_label(c) for c in line.filled]
    if labels and labels[0] in ("合计", "总计") and has_number(line):
        return True  # 合计 printed in the name column, the code columns blank
    if labels and _NUMBERING.match(labels[0]) and not is_serial_row(line):
        return True  # header cells carry no list numbering; numbered items are rows
    return bool(labels) and all(parse_decimal(c) is not None for c in line.filled) and len(labels) >= 2


def _collect_project(block: TableBlock, lines: tuple[SourceLine, ...], index: int) -> int:
    """A project table runs until the next title or a narrative line (a line of one cell)."""
    total = len(lines)
    while index < total:
        line = lines[index]
        if line.is_empty():
            index += 1
            continue
        if match_title(line) or is_toc(line):
            break
        if is_meta(line):
            block.repeated.append(line)
            index += 1
            continue
        if len(line.filled) < 2 and len(line.cells) < 3:
            break  # a line without cell separators: narrative
        block.rows.append(line)
        index += 1
    return index


