"""Tables of amounts: coded tables (rows by 功能/经济分类 code), two-sided summary tables
(income left, expenditure right) and item tables (rows by named item, e.g. "三公" 经费).

Columns are identified from their header cells (the lowest non-empty cell of a column names its
measure); rows from their code, or from their label through the item aliases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..model.disclosure import Cell, Column, Line, LineKey, Table
from ..model.money import Unit, is_blank, parse_amount, parse_decimal
from ..read.document import SourceLine
from ..vocab import norm_label, recognition
from .context import Context
from .segment import TableBlock, has_number, strip_numbering

_CODE_HEADERS = ("编码", "科目代码")
_CODE_PART = {"类", "款", "项"}
_LABEL_HEADERS = {"项目", "科目名称", "项目名称", "科目", "功能分类科目名称", "经济分类科目名称", "部门经济分类科目名称"}
_DIGITS = re.compile(r"^\d+$")


@dataclass(frozen=True)
class HeaderColumn:
    index: int
    labels: tuple[str, ...]  # normalised header cells top to bottom (blank ones kept as "")

    @property
    def leaf(self) -> str:
        for label in reversed(self.labels):
            if label:
                return label
        return ""

    @property
    def joined(self) -> str:
        return "/".join(label for label in self.labels if label)


def header_columns(header: list[SourceLine]) -> list[HeaderColumn]:
    width = max((len(line.cells) for line in header), default=0)
    return [HeaderColumn(j, tuple(norm_label(line.cell(j)) for line in header)) for j in range(width)]


def table_unit(block: TableBlock, context: Context) -> Unit:
    for line in block.meta + block.header:
        for cell in line.cells:
            if "单位" in cell:
                unit = Unit.parse(cell.split("单位", 1)[1])
                if unit:
                    return unit
    if context.default_unit is None:
        context.note(
            "unit-assumed", "no 单位 line: amounts read as 万元", context.locate(block.title_line, table=block.kind.key)
        )
        return Unit.WAN_YUAN
    return context.default_unit


def block_pages(block: TableBlock) -> int:
    """Pages a table covers: the distinct page numbers of its lines when the reader knows them
    (PDF), else one more than its page breaks (a repeated header marks each break)."""
    pages = {line.page for line in [block.title_line, *block.rows] if line.page is not None}
    return len(pages) if pages else 1 + len(block.breaks)


def mark_frame(block: TableBlock, context: Context) -> None:
    """Coverage for the lines around the data: title, meta, header, column numbers, notes."""
    ledger = context.ledger
    ledger.mark_line(block.title_line, "text")
    for line in block.meta + [l for l in block.repeated if not _is_serial(l)]:
        for index, cell in enumerate(line.cells):
            if cell.strip():
                text = norm_label(cell)
                status = "identity" if re.search(r"年度|时间|20\d\d", text) else "text"
                if re.match(r"^\d{2,9}\D", text):
                    status = "code"
                ledger.mark(line, index, status)
    for line in block.header:
        ledger.mark_line(line, "text")
    for line in [block.serial_row] + [l for l in block.repeated if _is_serial(l)]:
        if line is not None:
            ledger.mark_line(line, "serial")
    for line in block.notes:
        ledger.mark_line(line, "text")


def _is_serial(line: SourceLine) -> bool:
    from .segment import is_serial_row

    return is_serial_row(line)


def _amount_cell(line: SourceLine, column: Column, unit: Unit, context: Context, table: str, row: int) -> Cell | None:
    raw = line.cell(column.index - 1)
    if not raw:
        return None
    locator = context.locate(line, column.index, table=table, row=row)
    if is_blank(raw):
        if raw:
            # a blank placeholder (— - / 无) is this column's cell: consumed, not outside the columns
            context.ledger.mark(line, column.index - 1, "figure", "blank")
            return Cell(column, None, raw, locator)
        return None
    try:
        amount = parse_amount(raw, unit)
    except ValueError:
        context.note("amount-not-understood", f"cell {raw!r} is not an amount", locator)
        context.ledger.mark(line, column.index - 1, "not-understood", "not an amount")
        return None
    context.ledger.mark(line, column.index - 1, "figure")
    return Cell(column, amount, raw, locator)


def _cells(
    line: SourceLine, columns: Iterable[Column], unit: Unit, context: Context, table: str, row: int
) -> tuple[Cell, ...]:
    """The amount cells of ``line`` under ``columns`` (empty cells are left out)."""
    return tuple(
        cell for column in columns if (cell := _amount_cell(line, column, unit, context, table, row)) is not None
    )


def _finish(block: TableBlock, context: Context, unit: Unit, columns: Iterable[Column], lines: list[Line]) -> Table:
    """The table of a block once its lines are read; cells no column claimed are reported."""
    _mark_rest(block, context)
    return Table(
        kind=block.kind.key,
        title=block.title,
        unit=unit,
        columns=tuple(columns),
        lines=tuple(lines),
        locator=context.locate(block.title_line, table=block.kind.key),
        notes=tuple(n.filled[0] for n in block.notes),
        pages=block_pages(block),
    )


def _column_role(header: HeaderColumn, context: Context, block: TableBlock, side: str | None) -> Column:
    roles = recognition().columns
    role = roles.get(header.leaf)
    if role is None:
        # a header wrapped over two rows: try the joined text
        role = roles.get("".join(header.labels))
    if role is None:
        context.note(
            "column-not-recognised",
            f"column header {header.joined!r} is not a known measure",
            context.locate(block.header[-1] if block.header else block.title_line, header.index + 1, table=block.kind.key),
        )
        return Column(header.index + 1, header.joined, f"column-{header.index + 1}", None, side)
    return Column(header.index + 1, header.joined, role.measure, role.fund, side)


def item_key(label: str, carry_over: bool = False) -> str:
    """The item key for a row label, or ``label:<text>`` when the label is not a known item."""
    text = strip_numbering(label)
    items = recognition().items
    key = items.get(text)
    if key is None:
        key = f"label:{text}"
    if carry_over and key.startswith("income:"):
        key = "carryover:" + key.split(":", 1)[1]
    return key


class _Keys:
    """Keeps line keys unique within a table; a repeat gets a suffix and a note."""

    def __init__(self, context: Context, table: str) -> None:
        self.seen: set[tuple[str | None, LineKey]] = set()
        self.context = context
        self.table = table

    def unique(self, key: LineKey, side: str | None, line: SourceLine) -> LineKey:
        candidate = key
        count = 1
        while (side, candidate) in self.seen:
            count += 1
            candidate = LineKey(key.functional, key.economic, f"{key.item or key.slug}~{count}")
        if candidate != key:
            self.context.note(
                "duplicate-line", f"line {key.slug} appears more than once", self.context.locate(line, table=self.table)
            )
        self.seen.add((side, candidate))
        return candidate


def _join_code(parts: list[str]) -> str:
    """A code printed in 类/款/项 columns joined into one (``201 06 01`` → ``2010601``).

    款 and 项 are two digits; a part printed without its leading zero (``2``) gets it back.
    """
    if len(parts) < 2:
        return "".join(parts)
    head, rest = parts[0], parts[1:]
    return head + "".join(p.zfill(2) if p.isdigit() and len(p) == 1 else p for p in rest)


def build_coded(block: TableBlock, context: Context) -> Table:
    """Rows keyed by classification code (收入总表, 支出总表, 一般公共预算支出表, 基本支出表 …)."""
    kind = block.kind
    unit = table_unit(block, context)
    mark_frame(block, context)
    columns = header_columns(block.header)
    serial_col = next((c.index for c in columns if "序号" in c.labels), None)
    code_cols = [c.index for c in columns if any(l in _CODE_PART for l in c.labels)]
    if not code_cols:
        code_cols = [c.index for c in columns if any(h in c.leaf for h in _CODE_HEADERS)]
    label_col = next((c.index for c in columns if c.leaf in _LABEL_HEADERS or c.leaf.endswith("科目名称")), None)
    skip = {serial_col, label_col, *code_cols}
    amount_headers = [c for c in columns if c.index not in skip and c.leaf]
    table_columns = tuple(_column_role(c, context, block, None) for c in amount_headers)
    keys = _Keys(context, kind.key)
    lines: list[Line] = []
    for row_number, line in enumerate(block.rows, start=1):
        code = _join_code([line.cell(j).replace(" ", "") for j in code_cols])
        label = line.cell(label_col) if label_col is not None else ""
        if serial_col is not None and line.cell(serial_col):
            context.ledger.mark(line, serial_col, "serial")
        for j in code_cols:
            if line.cell(j):
                context.ledger.mark(line, j, "code")
        if label_col is not None and label:
            context.ledger.mark(line, label_col, "text")
        if code and not _DIGITS.match(code):
            # a code column holding a label (合计 printed in the code column)
            label, code = label or code, ""
            for j in code_cols:
                if line.cell(j):
                    context.ledger.mark(line, j, "text")
        if code:
            level = {3: 1, 5: 2, 7: 3}.get(len(code))
            if kind.scheme == "economic":
                key = LineKey(economic=code)
            else:
                key = LineKey(functional=code)
        else:
            key, level = LineKey(item=item_key(label)), 0
        key = keys.unique(key, None, line)
        cells = _cells(line, table_columns, unit, context, kind.key, row_number)
        lines.append(
            Line(
                key=key,
                label=label,
                cells=cells,
                locator=context.locate(line, table=kind.key, row=row_number),
                serial=line.cell(serial_col) if serial_col is not None else None,
                level=level,
            )
        )
    return _finish(block, context, unit, table_columns, lines)


def build_two_sided(block: TableBlock, context: Context) -> Table:
    """收支总表 and 财政拨款收支总表: income items on the left, expenditure on the right."""
    kind = block.kind
    unit = table_unit(block, context)
    mark_frame(block, context)
    columns = header_columns(block.header)
    serial_col = next((c.index for c in columns if "序号" in c.labels), None)
    label_cols = [c.index for c in columns if c.leaf in _LABEL_HEADERS]
    if len(label_cols) < 2:
        context.note(
            "layout-not-recognised",
            "a two-sided table needs two label columns (项目)",
            context.locate(block.title_line, table=kind.key),
        )
        return build_coded(block, context)
    sides = {label_cols[0]: "income", label_cols[1]: "expenditure"}
    amount_cols: list[Column] = []
    for header in columns:
        if header.index in label_cols or header.index == serial_col or not header.leaf:
            continue
        owner = max(i for i in label_cols if i < header.index) if header.index > label_cols[0] else label_cols[0]
        amount_cols.append(_column_role(header, context, block, sides[owner]))
    keys = _Keys(context, kind.key)
    lines: list[Line] = []
    carry_over = False
    columns_of = {side: [c for c in amount_cols if c.side == side] for side in sides.values()}
    for row_number, line in enumerate(block.rows, start=1):
        if serial_col is not None and line.cell(serial_col):
            context.ledger.mark(line, serial_col, "serial")
        for label_col, side in sides.items():
            label = line.cell(label_col)
            side_columns = columns_of[side]
            if label:
                context.ledger.mark(line, label_col, "text")
            cells = _cells(line, side_columns, unit, context, kind.key, row_number)
            if not label and not any(c.amount for c in cells):
                continue
            text = strip_numbering(label)
            if side == "income":
                if text in recognition().carry_over_sections:
                    carry_over = True
                    key = LineKey(item="carryover:opening")
                else:
                    if text in ("收入总计", "总计"):
                        carry_over = False
                    key = LineKey(item=item_key(label, carry_over))
                level = None
            else:
                cls = recognition().class_by_name(text)
                if cls is not None:
                    key, level = LineKey(functional=cls.code), 1
                else:
                    key, level = LineKey(item=item_key(label)), None
            key = keys.unique(key, side, line)
            lines.append(
                Line(
                    key=key,
                    label=label,
                    cells=cells,
                    locator=context.locate(line, table=kind.key, row=row_number),
                    serial=line.cell(serial_col) if serial_col is not None else None,
                    side=side,
                    level=level,
                )
            )
    return _finish(block, context, unit, tuple(amount_cols), lines)


def _figures_row(line: SourceLine) -> bool:
    return bool(line.filled) and all(parse_decimal(c) is not None for c in line.filled)


def _is_transposed(block: TableBlock) -> bool:
    """Items as column headers and one row of figures under them (the Shanghai "三公" table).

    The header rows may have been taken for data (a header row starting with 合计): every row
    before the first row of figures is header.
    """
    first = next((i for i, line in enumerate(block.rows) if _figures_row(line)), None)
    if first is None or any(has_number(line) for line in block.rows[:first]):
        return False
    header = block.header + block.rows[:first]
    labels = {norm_label(c) for line in header for c in line.cells}
    if not header or labels & (_LABEL_HEADERS | {"序号"}):
        return False
    block.header = header
    del block.rows[:first]
    return True


def _spanned_header(header: list[SourceLine]) -> list[list[str]]:
    """Header labels with merged cells spread over the columns they cover.

    An empty cell takes the label on its left when both sit under the same parent label (the
    row above reads the same for both), so a label spans exactly the columns of its parent's span.
    """
    width = max(len(line.cells) for line in header)
    rows: list[list[str]] = []
    for r, line in enumerate(header):
        row = [norm_label(line.cell(j)) for j in range(width)]
        for j in range(1, width):
            if not row[j] and (r == 0 or rows[r - 1][j] == rows[r - 1][j - 1]):
                row[j] = row[j - 1]
        rows.append(row)
    return rows


_YEAR_PREFIX = re.compile(r"^20\d\d年(?:度)?")
_PAIR_MEASURES = {"预算数": "initial-budget", "决算数": "amount"}


def _three_public_item(path: list[str]) -> str | None:
    """The item of a column of a transposed "三公" table, from its header labels top to bottom."""
    items = recognition().items
    for label in reversed(path):
        text = _YEAR_PREFIX.sub("", label)
        text = re.sub(r"(?:预算数|决算数)$", "", text)
        if not text or text in ("合计", "小计") or text in _PAIR_MEASURES:
            continue
        for candidate in (text, "公务用车" + text, re.sub(r"^财政拨款", "", text)):
            key = items.get(candidate)
            if key and (key.startswith("three-public:") or key == "operating-costs"):
                return key
        if "机关运行经费" in text:
            return "operating-costs"
        if "三公" in text:
            return "three-public:total"
    return None


def build_transposed(block: TableBlock, context: Context) -> Table:
    """A "三公" table printed across: item headers (merged cells) over one row of figures.

    Each source column's item comes from its header path (合计 and 小计 take their parent's
    item); a 预算数/决算数 pair under an item gives the budget (initial-budget) and the final
    amount. Lines are items and columns are measures, as in a table printed down: every line
    shares the measure columns, each cell keeps its own source position in its locator.
    """
    kind = block.kind
    unit = table_unit(block, context)
    mark_frame(block, context)
    spanned = _spanned_header(block.header)
    width = len(spanned[0])
    labels = {row[k] for row in spanned for k in range(width)}
    paired = "预算数" in labels and "决算数" in labels
    sources: list[tuple[str, str, int, list[str]]] = []  # item, measure, source column, header path
    for j in range(width):
        path: list[str] = []
        for row in spanned:
            if row[j] and (not path or path[-1] != row[j]):
                path.append(row[j])
        item = _three_public_item(path)
        if item is None:
            continue
        measure = _PAIR_MEASURES[path[-1]] if paired and path[-1] in _PAIR_MEASURES else "amount"
        sources.append((item, measure, j, path))
    measures = list(dict.fromkeys(measure for _, measure, _, _ in sources))
    columns = {
        measure: Column(
            next(j for _, m, j, _ in sources if m == measure) + 1,
            next(p[-1] for _, m, _, p in sources if m == measure) if paired else "金额",
            measure,
        )
        for measure in measures
    }
    keys = _Keys(context, kind.key)
    lines: list[Line] = []
    data = block.rows[0]
    for item in dict.fromkeys(item for item, _, _, _ in sources):
        cells: list[Cell] = []
        label = ""
        for key, measure, j, path in sources:
            if key != item:
                continue
            label = label or next(
                (part for part in reversed(path) if part not in ("合计", "小计", *_PAIR_MEASURES)), path[-1]
            )
            raw = data.cell(j)
            locator = context.locate(data, j + 1, table=kind.key, row=1)
            if is_blank(raw):
                if raw:
                    cells.append(Cell(columns[measure], None, raw, locator))
                continue
            try:
                amount = parse_amount(raw, unit)
            except ValueError:
                context.note("amount-not-understood", f"cell {raw!r} is not an amount", locator)
                context.ledger.mark(data, j, "not-understood", "not an amount")
                continue
            context.ledger.mark(data, j, "figure")
            cells.append(Cell(columns[measure], amount, raw, locator))
        lines.append(
            Line(
                key=keys.unique(LineKey(item=item), None, data),
                label=label,
                cells=tuple(cells),
                locator=context.locate(data, table=kind.key, row=1),
            )
        )
    return _finish(block, context, unit, tuple(columns[m] for m in measures), lines)


def build_items(block: TableBlock, context: Context) -> Table:
    """Rows by named item ("三公" 经费表): label column, then amount columns."""
    if _is_transposed(block):
        return build_transposed(block, context)
    kind = block.kind
    unit = table_unit(block, context)
    mark_frame(block, context)
    columns = header_columns(block.header)
    serial_col = next((c.index for c in columns if "序号" in c.labels), None)
    label_col = next((c.index for c in columns if c.leaf in _LABEL_HEADERS or "项目" in c.labels), None)
    if label_col is None:
        label_col = 1 if serial_col == 0 else 0
    amount_cols = tuple(
        _column_role(c, context, block, None)
        for c in columns
        if c.index not in (serial_col, label_col) and c.leaf
    )
    keys = _Keys(context, kind.key)
    lines: list[Line] = []
    for row_number, line in enumerate(block.rows, start=1):
        if serial_col is not None and line.cell(serial_col):
            context.ledger.mark(line, serial_col, "serial")
        label = line.cell(label_col)
        if label:
            context.ledger.mark(line, label_col, "text")
        key = keys.unique(LineKey(item=item_key(label)), None, line)
        cells = _cells(line, amount_cols, unit, context, kind.key, row_number)
        lines.append(
            Line(
                key=key,
                label=label,
                cells=cells,
                locator=context.locate(line, table=kind.key, row=row_number),
                serial=line.cell(serial_col) if serial_col is not None else None,
            )
        )
    return _finish(block, context, unit, amount_cols, lines)


def _mark_rest(block: TableBlock, context: Context) -> None:
    """Cells of data rows that no column claimed: numbers there are not understood."""
    for line in block.rows:
        for index, cell in enumerate(line.cells):
            if cell.strip() and not context.ledger.is_marked(line, index):
                context.ledger.mark(line, index, "not-understood", "cell outside the recognised columns")
                context.note(
                    "cell-not-understood",
                    f"cell {cell.strip()!r} is outside the recognised columns",
                    context.locate(line, index + 1, table=block.kind.key),
                )
