"""Listing tables: institutions (部门机构设置), fixed assets (固定资产占用情况) and the
government procurement budget (政府采购预算), whose header cells the extraction may wrap."""

from __future__ import annotations

import re
from decimal import Decimal

from ..model.disclosure import AssetHolding, Institution, ProcurementLine
from ..model.money import Amount, Unit, is_blank, parse_amount, parse_decimal
from ..read.document import SourceLine
from ..vocab import norm_label, recognition
from .context import Context
from .grid import header_columns, mark_frame, table_unit
from .segment import TableBlock, strip_numbering

_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff\w])\s+(?=[\u4e00-\u9fff\w])")


def unwrap(text: str) -> str:
    """Join a cell wrapped by the extraction ("香河县 智慧城 市运营" → "香河县智慧城市运营")."""
    return _CJK_GAP.sub("", text.strip())


def build_institutions(block: TableBlock, context: Context) -> tuple[Institution, ...]:
    mark_frame(block, context)
    columns = {norm_label(c): j for j, c in enumerate(block.header[0].cells)} if block.header else {}

    def col(*names: str, default: int) -> int:
        return next((columns[n] for n in names if n in columns), default)

    name_c, nature_c = col("单位名称", default=0), col("单位性质", default=1)
    grade_c, funding_c = col("单位规格", "单位级别", default=2), col("经费保障形式", "经费形式", default=3)
    result = []
    for row, line in enumerate(block.rows, start=1):
        context.ledger.mark_line(line, "text")
        result.append(
            Institution(
                name=line.cell(name_c),
                nature=line.cell(nature_c),
                grade=line.cell(grade_c),
                funding=line.cell(funding_c),
                locator=context.locate(line, table="institutions", row=row),
            )
        )
    return tuple(result)


_UNIT_IN_LABEL = re.compile(r"[(（]([^()（）]*)[)）]\s*$")


def build_assets(block: TableBlock, context: Context) -> tuple[AssetHolding, ...]:
    mark_frame(block, context)
    unit = table_unit(block, context)
    as_of = None
    for line in block.meta:
        for cell in line.cells:
            match = re.search(r"(?:截止|截至)(?:时间|日期)?[:：]\s*(\S+)", cell)
            if match:
                as_of = match.group(1)
    header = [norm_label(c) for c in block.header[0].cells] if block.header else []
    qty_c = next((j for j, h in enumerate(header) if h.startswith("数量")), 1)
    value_c = next((j for j, h in enumerate(header) if h.startswith("价值") or "金额" in h), 2)
    items = recognition().assets
    result = []
    for row, line in enumerate(block.rows, start=1):
        label = line.cell(0)
        context.ledger.mark(line, 0, "text")
        unit_match = _UNIT_IN_LABEL.search(label)
        quantity_unit = unit_match.group(1) if unit_match else None
        bare = strip_numbering(_UNIT_IN_LABEL.sub("", label))
        key = items.get(bare) or next((v for k, v in items.items() if k in bare), f"label:{bare}")
        quantity = None
        raw_q = line.cell(qty_c)
        if raw_q and not is_blank(raw_q):
            quantity = parse_decimal(raw_q)
            context.ledger.mark(line, qty_c, "quantity" if quantity is not None else "not-understood")
        value: Amount | None = None
        raw_v = line.cell(value_c)
        if raw_v and not is_blank(raw_v):
            try:
                value = parse_amount(raw_v, unit)
                context.ledger.mark(line, value_c, "figure")
            except ValueError:
                context.ledger.mark(line, value_c, "not-understood", "not an amount")
        result.append(
            AssetHolding(
                item=key,
                label=label,
                quantity=quantity,
                quantity_unit=quantity_unit,
                value=value,
                as_of=as_of,
                locator=context.locate(line, table="fixed-assets", row=row),
            )
        )
    return tuple(result)


# Procurement columns by words of their (joined) header, in the canonical order of the layout.
_PROCUREMENT_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("project-name", ("项目名称", "政府采购项目来源")),
    ("project-budget", ("预算资金",)),
    ("item-name", ("采购物品名称", "采购品目名称", "采购项目名称")),
    ("catalogue-code", ("目录序号", "目录编码", "品目编码")),
    ("unit-of-measure", ("计量单位",)),
    ("quantity", ("数量",)),
    ("unit-price", ("单价",)),
    ("total", ("合计",)),
    ("general-budget", ("一般公共预算拨款", "一般公共预算")),
    ("gov-fund", ("基金预算拨款", "政府性基金")),
    ("state-capital", ("国有资本经营预算拨款", "国有资本经营")),
    ("special-account", ("财政专户核拨", "财政专户")),
    ("unit-funds", ("单位资金",)),
    ("carry-over", ("上年结转结余", "上年结转")),
    ("sme-reserved", ("预留中小微企业份额", "中小企业份额")),
)
_AMOUNT_ROLES = ("total", "general-budget", "gov-fund", "state-capital", "special-account", "unit-funds", "carry-over", "sme-reserved")


def _role_of(label: str) -> str | None:
    text = unwrap(label).replace(" ", "")
    for role, words in _PROCUREMENT_COLUMNS:
        if any(word in text for word in words):
            return role
    return None


def procurement_columns(block: TableBlock, context: Context) -> dict[str, int]:
    """Role → column index. Header cells wrapped by the extraction can land one column off;
    when the amount block holds exactly the layout's amount columns in another order, the
    layout's canonical order is used and the realignment is reported."""
    columns = header_columns(block.header)
    found: dict[str, int] = {}
    for header in columns:
        # the lowest labelled cell first: a group label (政府采购金额) sits above its columns
        for label in reversed(header.labels):
            role = _role_of(label) if label else None
            if role and role not in found:
                found[role] = header.index
                break
    amount = sorted((index, role) for role, index in found.items() if role in _AMOUNT_ROLES)
    if amount:
        positions = [index for index, _ in amount]
        printed = [role for _, role in amount]
        canonical = [role for role in _AMOUNT_ROLES if role in printed]
        contiguous = positions == list(range(positions[0], positions[0] + len(positions)))
        if printed != canonical and contiguous:
            for index, role in zip(positions, canonical):
                found[role] = index
            context.note(
                "header-realigned",
                "wrapped header cells of the procurement table put "
                + ", ".join(printed)
                + " in an order that differs from the layout; read in the layout's order "
                + ", ".join(canonical),
                context.locate(block.header[-1], table="procurement"),
            )
    return found


def build_procurement(block: TableBlock, context: Context) -> tuple[ProcurementLine, ...]:
    mark_frame(block, context)
    unit = table_unit(block, context)
    cols = procurement_columns(block, context)
    ledger = context.ledger
    result = []

    def text(line: SourceLine, role: str) -> str:
        j = cols.get(role)
        if j is None or not line.cell(j):
            return ""
        ledger.mark(line, j, "code" if role == "catalogue-code" else "text")
        return unwrap(line.cell(j))

    def money(line: SourceLine, role: str, row: int) -> Amount | None:
        j = cols.get(role)
        if j is None or is_blank(line.cell(j)):
            return None
        try:
            amount = parse_amount(line.cell(j), unit)
        except ValueError:
            ledger.mark(line, j, "not-understood", "not an amount")
            context.note("amount-not-understood", f"{line.cell(j)!r} is not an amount",
                         context.locate(line, j + 1, table="procurement", row=row))
            return None
        ledger.mark(line, j, "figure")
        return amount

    for row, line in enumerate(block.rows, start=1):
        first = unwrap(line.cell(0))
        level = "total" if first in ("合计", "总计") else "subtotal" if first.endswith("小计") else "item"
        quantity = None
        qj = cols.get("quantity")
        if qj is not None and line.cell(qj):
            quantity = parse_decimal(line.cell(qj))
            ledger.mark(line, qj, "quantity" if quantity is not None else "not-understood")
        amounts = tuple(
            (role, amount)
            for role in _AMOUNT_ROLES[:-1]
            if (amount := money(line, role, row)) is not None
        )
        code = text(line, "catalogue-code").replace(" ", "") or None
        result.append(
            ProcurementLine(
                level=level,
                label=first,
                project_name=first if level == "item" else "",
                project_budget=money(line, "project-budget", row),
                item_name=text(line, "item-name"),
                catalogue_code=code,
                unit_of_measure=text(line, "unit-of-measure"),
                quantity=quantity,
                unit_price=money(line, "unit-price", row),
                amounts=amounts,
                sme_reserved=money(line, "sme-reserved", row),
                locator=context.locate(line, table="procurement", row=row),
            )
        )
        if line.cell(0):
            ledger.mark(line, 0, "text")
        for j, cell in enumerate(line.cells):
            if cell.strip() and not ledger.is_marked(line, j):
                ledger.mark(line, j, "not-understood", "cell outside the recognised columns")
                context.note("cell-not-understood", f"cell {cell.strip()!r} is outside the recognised columns",
                             context.locate(line, j + 1, table="procurement", row=row))
    return tuple(result)


__all__ = ["build_assets", "build_institutions", "build_procurement", "unwrap", "Decimal", "Unit"]
