"""Project performance-target tables (绩效目标表): identity, budget, spending plan, goal and
indicators, read as labelled fields so that layouts from other provinces fit too.

Indicator rows inherit a blank 一级/二级指标 from the row above. After a page break the header
row is repeated; a first row whose key cells are blank continues the cells of the row before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model.disclosure import Indicator, PlanPoint, Project
from ..model.money import Amount, Unit, is_blank, parse_amount
from ..model.targets import parse_target
from ..read.document import SourceLine
from ..vocab import norm_label
from .context import Context
from .grid import mark_frame, table_unit
from .segment import TableBlock, strip_numbering

INDICATOR_HEADERS = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "level3",
    "绩效指标描述": "description",
    "指标描述": "description",
    "指标内容": "description",
    "指标值": "target",
    "年度(/项目)指标值": "target",
    "年度指标值": "target",
    "项目指标值": "target",
    "目标值": "target",
    "指标值确定依据": "basis",
    "指标值设定依据": "basis",
    "指标值确定依据及说明": "basis",
}
_MONTH = re.compile(r"(\d{1,2})\s*月")
_TITLE_SERIAL = re.compile(r"^\s*(\d+)\s*[、.．]")


@dataclass(frozen=True, slots=True)
class _Labels:
    """The cells of one line normalised once: a line is searched for a dozen field labels."""

    cells: tuple[str, ...]
    labels: tuple[str, ...]

    @classmethod
    def of(cls, line: SourceLine) -> _Labels:
        return cls(line.cells, tuple(map(norm_label, line.cells)))

    def after(self, label: str) -> tuple[int, str] | None:
        """The first non-empty cell after the cell whose text is ``label``."""
        if label not in self.labels:
            return None
        index = self.labels.index(label)
        for later in range(index + 1, len(self.cells)):
            if self.cells[later].strip():
                if self.labels[later] in _LABELS:
                    return None
                return later, self.cells[later].strip()
        return None


_LABELS = {
    "项目编码", "项目名称", "预算数", "其中:财政资金", "其他资金", "预算规模及资金用途", "资金支出计划", "绩效目标",
    "项目代码", "项目性质", "项目类别", "主管部门", "实施单位", "计划开始日期", "计划完成日期", "项目资金总额",
    "年度资金申请总额", "其中:当年财政拨款", "上年结转资金", "项目总目标", "年度总体目标",
}
_GOAL_HEADERS = ("年度总体目标", "项目总目标")
_UNIT_IN_LABEL = re.compile(r"[(（](万元|元)[)）]")


def _is_indicator_header(labels: _Labels) -> bool:
    return sum(1 for label in labels.labels if label in INDICATOR_HEADERS) >= 3


def _unit_in_labels(block: TableBlock) -> Unit | None:
    """The unit printed in a field label (项目资金（元）), which beats the document's default."""
    for line in block.rows:
        for cell in line.cells:
            match = _UNIT_IN_LABEL.search(cell) if "资金" in cell else None
            if match:
                return Unit.parse(match.group(1))
    return None


def build_project(block: TableBlock, context: Context, ordinal: int | None = None) -> Project:
    kind = "performance-targets"
    unit = _unit_in_labels(block) or table_unit(block, context)
    mark_frame(block, context)
    ledger = context.ledger
    serial_match = _TITLE_SERIAL.match(block.title)
    serial = int(serial_match.group(1)) if serial_match else None
    name_from_title = re.sub(r"(?:绩效目标表|绩效目标填报表|绩效目标申报表)$", "", strip_numbering(block.title))
    number = serial if serial is not None else ordinal
    table_id = f"project-{number:02d}" if number is not None else "project"
    code: str | None = None
    name = ""
    budget = fiscal = other = None
    purpose = ""
    goal = ""
    plan: list[PlanPoint] = []
    indicators: list[Indicator] = []
    attributes: list[tuple[str, str]] = []
    header_map: dict[int, str] | None = None
    previous: dict[str, str] | None = None
    after_break = False
    rows = block.rows
    index = 0

    def money(line: SourceLine, found: tuple[int, str] | None) -> Amount | None:
        if found is None:
            return None
        column, raw = found
        try:
            amount = parse_amount(raw, unit)
        except ValueError:
            ledger.mark(line, column, "text")
            return None
        ledger.mark(line, column, "figure")
        return amount

    while index < len(rows):
        line = rows[index]
        first = norm_label(line.cell(0))
        labels = _Labels.of(line)
        if _is_indicator_header(labels):
            if header_map is not None:
                after_break = True
            header_map = {j: INDICATOR_HEADERS[label] for j, label in enumerate(labels.labels) if label in INDICATOR_HEADERS}
            ledger.mark_line(line, "text")
            index += 1
            continue
        if header_map is not None and first not in _LABELS:
            values = {field: line.cell(j) for j, field in header_map.items()}
            if after_break and previous is not None and not values.get("level3") and not values.get("target"):
                # the rest of the previous row, pushed onto the next page
                for field, text in values.items():
                    if text:
                        previous[field] = previous.get(field, "") + text
                ledger.mark_line(line, "text")
                indicators[-1] = _indicator(previous, indicators[-1].locator)
                after_break = False
                index += 1
                continue
            after_break = False
            if previous is not None:
                values["level1"] = values.get("level1") or previous.get("level1", "")
                values["level2"] = values.get("level2") or previous.get("level2", "")
            for j, field in header_map.items():
                if line.cell(j):
                    status = "text"
                    if field == "target" and parse_target(line.cell(j)).value is not None:
                        status = "target"
                    ledger.mark(line, j, status)
            ledger.mark_line(line, "text")
            locator = context.locate(line, table=table_id, row=len(indicators) + 1)
            indicators.append(_indicator(values, locator))
            previous = values
            index += 1
            continue
        # labelled fields
        if first in ("项目编码", "项目代码") or labels.after("项目编码") is not None:
            found = labels.after("项目编码") or labels.after("项目代码")
            if found:
                code = found[1].replace(" ", "")
                ledger.mark(line, found[0], "code")
        found_name = labels.after("项目名称")
        if found_name:
            name = found_name[1]
            ledger.mark(line, found_name[0], "text")
        if first == "预算规模及资金用途" or labels.after("预算数") is not None:
            budget = money(line, labels.after("预算数")) or budget
            fiscal = money(line, labels.after("其中:财政资金")) or fiscal
            other = money(line, labels.after("其他资金")) or other
            ledger.mark_line(line, "text")
            # the purpose (资金用途) follows on its own row with the first cell blank
            if index + 1 < len(rows) and not rows[index + 1].cell(0) and len(rows[index + 1].filled) == 1:
                purpose = rows[index + 1].filled[0]
                ledger.mark_line(rows[index + 1], "text")
                index += 1
            index += 1
            continue
        if labels.after("项目资金总额") is not None:
            budget = money(line, labels.after("项目资金总额")) or budget
        if first != "预算规模及资金用途" and labels.after("其中:财政资金") is not None:
            fiscal = money(line, labels.after("其中:财政资金")) or fiscal
            if labels.after("其他资金") is not None:
                other = money(line, labels.after("其他资金")) or other
        elif first != "预算规模及资金用途" and norm_label(line.cell(0)) == "" and labels.after("其他资金"):
            # the 其他资金 row of a 项目资金 block (its first cell is the merged label)
            other = money(line, labels.after("其他资金")) or other
        goal_columns = {j: label for j, label in enumerate(labels.labels) if label in _GOAL_HEADERS}
        if goal_columns and index + 1 < len(rows):
            # 项目总目标 | 年度总体目标 headers over a row holding the two texts
            texts = rows[index + 1]
            ledger.mark_line(line, "text")
            ledger.mark_line(texts, "text")
            for j, label in goal_columns.items():
                text = texts.cell(j)
                if label == "年度总体目标" and text:
                    goal = text
                elif text:
                    attributes.append((label, text))
            index += 2
            continue
        if first == "资金支出计划":
            ledger.mark_line(line, "text")
            months = {j: c.strip() for j, c in enumerate(line.cells) if _MONTH.search(c)}
            values_line = rows[index + 1] if index + 1 < len(rows) and not rows[index + 1].cell(0) else None
            for j, label in months.items():
                month = int(_MONTH.search(label).group(1))  # type: ignore[union-attr]
                amount = None
                locator = context.locate(values_line or line, j + 1, table=table_id)
                if values_line is not None and not is_blank(values_line.cell(j)):
                    amount = money(values_line, (j, values_line.cell(j)))
                plan.append(PlanPoint(month, re.sub(r"\s+", "", label), amount, locator))
            if values_line is not None:
                for j, cell in enumerate(values_line.cells):
                    if cell.strip() and not ledger.is_marked(values_line, j):
                        ledger.mark(values_line, j, "not-understood", "spending plan value under no month")
                        context.note(
                            "plan-value-not-understood",
                            f"spending plan value {cell.strip()!r} is under no month",
                            context.locate(values_line, j + 1, table=table_id),
                        )
                index += 1
            index += 1
            continue
        if first == "绩效目标" or first == "年度绩效目标" or first == "项目绩效目标":
            goal = " ".join(line.filled[1:])
            ledger.mark_line(line, "text")
            index += 1
            continue
        # other labelled fields (项目性质, 主管部门 …) are kept as attributes
        cells = [c.strip() for c in line.cells]
        for j, cell in enumerate(cells):
            label = norm_label(cell)
            if label in _LABELS and label not in ("项目编码", "项目名称", "预算数", "资金支出计划", "绩效目标"):
                nxt = labels.after(label)
                if nxt:
                    attributes.append((label, nxt[1]))
        ledger.mark_line(line, "text")
        index += 1

    return Project(
        serial=serial,
        title=block.title,
        code=code,
        name=name or name_from_title,
        budget=budget,
        fiscal=fiscal,
        other=other,
        purpose=purpose,
        plan=tuple(plan),
        goal=goal,
        indicators=tuple(indicators),
        locator=context.locate(block.title_line, table=table_id),
        attributes=tuple(attributes),
    )


def _indicator(values: dict[str, str], locator) -> Indicator:  # type: ignore[no-untyped-def]
    return Indicator(
        level1=values.get("level1", ""),
        level2=values.get("level2", ""),
        level3=values.get("level3", ""),
        description=values.get("description", ""),
        target=parse_target(values.get("target", "")),
        basis=values.get("basis", ""),
        locator=locator,
    )


__all__ = ["build_project", "Unit"]
