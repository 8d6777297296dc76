"""Tables of amounts: coded tables (rows by 功能/经济分类 code), two-sided summary tables
(income left, expenditure right) and item tables (rows by named item, e.g. "三公" 经费).

Columns are identified from their header cells (the lowest non-empty cell of a column names its
measure); rows from their code, or from their label through the item aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model.disclosure import Cell, Column, Line, LineKey, Table
from ..model.money import Unit, is_blank, parse_amount
from ..read.document import SourceLine
from ..vocab import norm_label, recognition
from .context import Context
from .segment import TableBlock, strip_numbering

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
    locator = context.locate(line, column.index, table=table, row=row)
    if is_blank(raw):
        return Cell(column, None, raw, locator) if raw else None
    try:
        amount = parse_amount(raw, unit)
    except ValueError:
        context.note("amount-not-understood", f"cell {raw!r} is not an amount", locator)
        context.ledger.mark(line, column.index - 1, "not-understood", "not an amount")
        return None
    context.ledger.mark(line, column.index - 1, "figure")
    return Cell(column, amount, raw, locator)


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
        code = "".join(line.cell(j).replace(" ", "") for j in code_cols)
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
        cells = tuple(
            cell
            for column in table_columns
            if (cell := _amount_cell(line, column, unit, context, kind.key, row_number)) is not None
        )
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
    _mark_rest(block, context)
    return Table(
        kind=kind.key,
        title=block.title,
        unit=unit,
        columns=table_columns,
        lines=tuple(lines),
        locator=context.locate(block.title_line, table=kind.key),
        notes=tuple(n.filled[0] for n in block.notes),
        pages=1 + len(block.breaks),
    )


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
    for row_number, line in enumerate(block.rows, start=1):
        if serial_col is not None and line.cell(serial_col):
            context.ledger.mark(line, serial_col, "serial")
        for label_col, side in sides.items():
            label = line.cell(label_col)
            side_columns = [c for c in amount_cols if c.side == side]
            if label:
                context.ledger.mark(line, label_col, "text")
            cells = tuple(
                cell
                for column in side_columns
                if (cell := _amount_cell(line, column, unit, context, kind.key, row_number)) is not None
            )
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
    _mark_rest(block, context)
    return Table(
        kind=kind.key,
        title=block.title,
        unit=unit,
        columns=tuple(amount_cols),
        lines=tuple(lines),
        locator=context.locate(block.title_line, table=kind.key),
        notes=tuple(n.filled[0] for n in block.notes),
        pages=1 + len(block.breaks),
    )


def build_items(block: TableBlock, context: Context) -> Table:
    """Rows by named item ("三公" 经费表): label column, then amount columns."""
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
        cells = tuple(
            cell
            for column in amount_cols
            if (cell := _amount_cell(line, column, unit, context, kind.key, row_number)) is not None
        )
        lines.append(
            Line(
                key=key,
                label=label,
                cells=cells,
                locator=context.locate(line, table=kind.key, row=row_number),
                serial=line.cell(serial_col) if serial_col is not None else None,
            )
        )
    _mark_rest(block, context)
    return Table(
        kind=kind.key,
        title=block.title,
        unit=unit,
        columns=amount_cols,
        lines=tuple(lines),
        locator=context.locate(block.title_line, table=kind.key),
        notes=tuple(n.filled[0] for n in block.notes),
        pages=1 + len(block.breaks),
    )


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
