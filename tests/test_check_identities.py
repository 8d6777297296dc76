"""Every identity of vocab/identities.toml: change one figure of the sample, get exactly the expected
error findings, and the targeted identity's finding names the changed cell.

Cases edit the sample text (a tmp copy) where the sample has the figures; identities that the sample's
tables do not exercise (fund columns of the income table, 30217/30212, 机关运行经费 in a table) are
tested on a model rebuilt with ``dataclasses.replace``. Findings are compared flattened:
``(identity, code, table, row, column)`` (text findings: ``(check, code, "text", line, None)``).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

import opendata
from opendata.check import Finding, Report, identities, validate
from opendata.errors import Locator
from opendata.model.disclosure import Cell, Disclosure, Line, LineKey, Table
from opendata.model.money import Amount, Unit

SAMPLE = opendata.sample_path()


def flat(finding: Finding) -> tuple[object, ...]:
    loc = finding.locator
    assert loc is not None
    if loc.table:
        return (finding.rule, finding.code, loc.table, loc.row, loc.column)
    return (finding.rule, finding.code, "text", loc.line, None)


def errors(report: Report) -> set[tuple[object, ...]]:
    return {flat(f) for f in report.findings if f.severity == "error"}


def edit_sample(tmp_path: Path, edits: dict[int, dict[int, str]]) -> Disclosure:
    """The sample with cells replaced: {line number: {1-based column: new text}}."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    for number, cells in edits.items():
        parts = lines[number - 1].split("\t")
        for column, text in cells.items():
            while len(parts) < column:
                parts.append("")
            parts[column - 1] = text
        lines[number - 1] = "\t".join(parts)
    path = tmp_path / SAMPLE.name
    path.write_text("\n".join(lines), encoding="utf-8")
    return opendata.load(path)


# (targeted identity, sample line, 1-based column, new text, every error finding expected)
CASES = [
    ('expenditure-by-type', 149, 6, '1081.65', {
        ('code-prefix', 'class-sum-mismatch', 'expenditure-summary', 2, 6),
        ('code-prefix', 'class-sum-mismatch', 'expenditure-summary', 5, 6),
        ('expenditure-by-type', 'row-sum-mismatch', 'expenditure-summary', 5, 4),
    }),
    ('basic-by-type', 303, 5, '237.60', {
        ('basic-by-type', 'row-sum-mismatch', 'general-budget-basic-expenditure', 3, 4),
        ('code-prefix', 'class-sum-mismatch', 'general-budget-basic-expenditure', 2, 5),
    }),
    ('income-total', 101, 4, '2551.51', {
        ('code-prefix', 'class-sum-mismatch', 'income-summary', 2, 4),
        ('code-prefix', 'class-sum-mismatch', 'income-summary', 3, 4),
        ('income-total', 'row-sum-mismatch', 'income-summary', 3, 4),
        ('income-vs-expenditure-by-code', 'cross-table-mismatch', 'income-summary', 3, 4),
    }),
    ('income-subtotal-by-type', 101, 6, '2551.51', {
        ('code-prefix', 'class-sum-mismatch', 'income-summary', 2, 6),
        ('code-prefix', 'class-sum-mismatch', 'income-summary', 3, 6),
        ('income-subtotal-by-type', 'row-sum-mismatch', 'income-summary', 3, 5),
    }),
    ('by-fund', 196, 6, '4072.16', {
        ('by-fund', 'row-sum-mismatch', 'fiscal-summary', 6, 5),
        ('current-expenditure', 'line-sum-mismatch', 'fiscal-summary', 32, 6),
        ('fiscal-vs-general-budget-by-class', 'cross-table-mismatch', 'fiscal-summary', 6, 6),
    }),
    ('total-of-classes', 145, 4, '5541.14', {
        ('expenditure-by-type', 'row-sum-mismatch', 'expenditure-summary', 1, 4),
        ('income-summary-vs-expenditure-summary', 'cross-table-mismatch', 'income-summary', 1, 4),
        ('summary-vs-expenditure-summary', 'cross-table-mismatch', 'income-expenditure-summary', 32, 5),
        ('total-of-classes', 'line-sum-mismatch', 'expenditure-summary', 1, 4),
    }),
    ('current-income', 43, 3, '5091.14', {
        ('current-income', 'line-sum-mismatch', 'income-expenditure-summary', 32, 3),
        ('narrative-amount', 'narrative-figure-mismatch', 'text', 452, None),
        ('summary-vs-fiscal-general-budget-income', 'cross-table-mismatch', 'income-expenditure-summary', 1, 3),
    }),
    ('current-expenditure', 48, 5, '4072.16', {
        ('current-expenditure', 'line-sum-mismatch', 'income-expenditure-summary', 32, 5),
        ('summary-vs-expenditure-by-class', 'cross-table-mismatch', 'income-expenditure-summary', 6, 5),
    }),
    ('income-grand-total', 86, 3, '5541.14', {
        ('income-grand-total', 'line-sum-mismatch', 'income-expenditure-summary', 34, 3),
        ('narrative-amount', 'narrative-figure-mismatch', 'text', 452, None),
        ('narrative-amount', 'narrative-figure-mismatch', 'text', 460, None),
        ('summary-balance', 'balance-mismatch', 'income-expenditure-summary', 34, 3),
        ('summary-vs-income-summary', 'cross-table-mismatch', 'income-expenditure-summary', 34, 3),
    }),
    ('expenditure-grand-total', 86, 5, '5541.14', {
        ('expenditure-grand-total', 'line-sum-mismatch', 'income-expenditure-summary', 34, 5),
        ('narrative-amount', 'narrative-figure-mismatch', 'text', 456, None),
        ('summary-balance', 'balance-mismatch', 'income-expenditure-summary', 34, 3),
    }),
    ('opening-balance-by-fund', 233, 3, '10.00', {
        ('income-grand-total', 'line-sum-mismatch', 'fiscal-summary', 37, 3),
        ('opening-balance-by-fund', 'line-sum-mismatch', 'fiscal-summary', 33, 3),
    }),
    ('three-public-total', 377, 3, '4.42', {
        ('by-fund', 'row-sum-mismatch', 'three-public-expenses', 1, 3),
        ('narrative-amount', 'narrative-figure-mismatch', 'text', 468, None),
        ('three-public-total', 'line-sum-mismatch', 'three-public-expenses', 1, 3),
    }),
    ('three-public-vehicles', 379, 3, '4.42', {
        ('by-fund', 'row-sum-mismatch', 'three-public-expenses', 3, 3),
        ('narrative-amount', 'narrative-figure-mismatch', 'text', 468, None),
        ('three-public-total', 'line-sum-mismatch', 'three-public-expenses', 1, 3),
        ('three-public-vehicles', 'line-sum-mismatch', 'three-public-expenses', 3, 3),
    }),
    ('code-prefix', 150, 4, '1040.00', {
        ('code-prefix', 'class-sum-mismatch', 'expenditure-summary', 5, 4),
        ('expenditure-by-type', 'row-sum-mismatch', 'expenditure-summary', 6, 4),
        ('income-vs-expenditure-by-code', 'cross-table-mismatch', 'income-summary', 6, 4),
    }),
    ('summary-balance', 86, 5, '5541.14', {
        ('expenditure-grand-total', 'line-sum-mismatch', 'income-expenditure-summary', 34, 5),
        ('narrative-amount', 'narrative-figure-mismatch', 'text', 456, None),
        ('summary-balance', 'balance-mismatch', 'income-expenditure-summary', 34, 3),
    }),
    ('summary-current-balance', 84, 5, '5541.14', {
        ('current-expenditure', 'line-sum-mismatch', 'income-expenditure-summary', 32, 5),
        ('expenditure-grand-total', 'line-sum-mismatch', 'income-expenditure-summary', 34, 5),
        ('summary-current-balance', 'balance-mismatch', 'income-expenditure-summary', 32, 3),
        ('summary-vs-expenditure-summary', 'cross-table-mismatch', 'income-expenditure-summary', 32, 5),
    }),
    ('fiscal-balance', 247, 3, '5541.14', {
        ('fiscal-balance', 'balance-mismatch', 'fiscal-summary', 37, 3),
        ('income-grand-total', 'line-sum-mismatch', 'fiscal-summary', 37, 3),
    }),
    ('summary-vs-expenditure-by-class', 48, 5, '4072.16', {
        ('current-expenditure', 'line-sum-mismatch', 'income-expenditure-summary', 32, 5),
        ('summary-vs-expenditure-by-class', 'cross-table-mismatch', 'income-expenditure-summary', 6, 5),
    }),
    ('income-vs-expenditure-by-code', 101, 4, '2551.51', {
        ('code-prefix', 'class-sum-mismatch', 'income-summary', 2, 4),
        ('code-prefix', 'class-sum-mismatch', 'income-summary', 3, 4),
        ('income-total', 'row-sum-mismatch', 'income-summary', 3, 4),
        ('income-vs-expenditure-by-code', 'cross-table-mismatch', 'income-summary', 3, 4),
    }),
    ('fiscal-vs-general-budget-by-class', 196, 6, '4072.16', {
        ('by-fund', 'row-sum-mismatch', 'fiscal-summary', 6, 5),
        ('current-expenditure', 'line-sum-mismatch', 'fiscal-summary', 32, 6),
        ('fiscal-vs-general-budget-by-class', 'cross-table-mismatch', 'fiscal-summary', 6, 6),
    }),
    ('fiscal-vs-gov-fund-by-class', 202, 7, '460.00', {
        ('by-fund', 'row-sum-mismatch', 'fiscal-summary', 12, 5),
        ('current-expenditure', 'line-sum-mismatch', 'fiscal-summary', 32, 7),
        ('fiscal-vs-gov-fund-by-class', 'cross-table-mismatch', 'fiscal-summary', 12, 7),
    }),
    ('fiscal-vs-state-capital-by-class', 196, 8, '10.00', {
        ('by-fund', 'row-sum-mismatch', 'fiscal-summary', 6, 5),
        ('current-expenditure', 'line-sum-mismatch', 'fiscal-summary', 32, 8),
        ('fiscal-vs-state-capital-by-class', 'cross-table-mismatch', 'fiscal-summary', 6, 8),
    }),
    ('income-summary-vs-expenditure-summary', 99, 4, '5541.14', {
        ('income-summary-vs-expenditure-summary', 'cross-table-mismatch', 'income-summary', 1, 4),
        ('income-total', 'row-sum-mismatch', 'income-summary', 1, 4),
        ('summary-vs-income-summary', 'cross-table-mismatch', 'income-expenditure-summary', 34, 3),
        ('total-of-classes', 'line-sum-mismatch', 'income-summary', 1, 4),
    }),
    ('summary-vs-income-summary', 99, 4, '5541.14', {
        ('income-summary-vs-expenditure-summary', 'cross-table-mismatch', 'income-summary', 1, 4),
        ('income-total', 'row-sum-mismatch', 'income-summary', 1, 4),
        ('summary-vs-income-summary', 'cross-table-mismatch', 'income-expenditure-summary', 34, 3),
        ('total-of-classes', 'line-sum-mismatch', 'income-summary', 1, 4),
    }),
    ('summary-vs-expenditure-summary', 145, 4, '5541.14', {
        ('expenditure-by-type', 'row-sum-mismatch', 'expenditure-summary', 1, 4),
        ('income-summary-vs-expenditure-summary', 'cross-table-mismatch', 'income-summary', 1, 4),
        ('summary-vs-expenditure-summary', 'cross-table-mismatch', 'income-expenditure-summary', 32, 5),
        ('total-of-classes', 'line-sum-mismatch', 'expenditure-summary', 1, 4),
    }),
    ('summary-vs-fiscal-general-budget-income', 191, 3, '5091.14', {
        ('current-income', 'line-sum-mismatch', 'fiscal-summary', 32, 3),
        ('summary-vs-fiscal-general-budget-income', 'cross-table-mismatch', 'income-expenditure-summary', 1, 3),
    }),
    ('summary-vs-fiscal-gov-fund-income', 192, 3, '460.00', {
        ('current-income', 'line-sum-mismatch', 'fiscal-summary', 32, 3),
        ('summary-vs-fiscal-gov-fund-income', 'cross-table-mismatch', 'income-expenditure-summary', 2, 3),
    }),
    ('fiscal-vs-general-budget-total', 232, 6, '5091.14', {
        ('by-fund', 'row-sum-mismatch', 'fiscal-summary', 32, 5),
        ('current-expenditure', 'line-sum-mismatch', 'fiscal-summary', 32, 6),
        ('expenditure-grand-total', 'line-sum-mismatch', 'fiscal-summary', 37, 6),
        ('fiscal-vs-general-budget-total', 'cross-table-mismatch', 'fiscal-summary', 32, 6),
    }),
    ('fiscal-vs-gov-fund-total', 232, 7, '460.00', {
        ('by-fund', 'row-sum-mismatch', 'fiscal-summary', 32, 5),
        ('current-expenditure', 'line-sum-mismatch', 'fiscal-summary', 32, 7),
        ('expenditure-grand-total', 'line-sum-mismatch', 'fiscal-summary', 37, 7),
        ('fiscal-vs-gov-fund-total', 'cross-table-mismatch', 'fiscal-summary', 32, 7),
    }),
    ('fiscal-vs-state-capital-total', 232, 8, '10.00', {
        ('by-fund', 'row-sum-mismatch', 'fiscal-summary', 32, 5),
        ('current-expenditure', 'line-sum-mismatch', 'fiscal-summary', 32, 8),
        ('expenditure-grand-total', 'line-sum-mismatch', 'fiscal-summary', 37, 8),
        ('fiscal-vs-state-capital-total', 'cross-table-mismatch', 'fiscal-summary', 32, 8),
    }),
    ('basic-table-vs-general-budget-basic', 301, 4, '1732.65', {
        ('basic-by-type', 'row-sum-mismatch', 'general-budget-basic-expenditure', 1, 4),
        ('basic-table-vs-general-budget-basic', 'cross-table-mismatch', 'general-budget-basic-expenditure', 1, 4),
        ('total-of-classes', 'line-sum-mismatch', 'general-budget-basic-expenditure', 1, 4),
    }),
    ('fiscal-expenditure-vs-expenditure-summary', 232, 5, '5541.14', {
        ('by-fund', 'row-sum-mismatch', 'fiscal-summary', 32, 5),
        ('current-expenditure', 'line-sum-mismatch', 'fiscal-summary', 32, 5),
        ('expenditure-grand-total', 'line-sum-mismatch', 'fiscal-summary', 37, 5),
        ('fiscal-expenditure-vs-expenditure-summary', 'cross-table-mismatch', 'fiscal-summary', 32, 5),
    }),
    ('general-and-fund-basic-vs-basic', 260, 5, '1732.65', {
        ('basic-table-vs-general-budget-basic', 'cross-table-mismatch', 'general-budget-basic-expenditure', 1, 4),
        ('expenditure-by-type', 'row-sum-mismatch', 'general-budget-expenditure', 1, 4),
        ('general-and-fund-basic-vs-basic', 'cross-table-mismatch', 'general-budget-expenditure', 1, 5),
        ('total-of-classes', 'line-sum-mismatch', 'general-budget-expenditure', 1, 5),
    }),
    ('general-and-fund-project-vs-project', 260, 6, '3818.49', {
        ('expenditure-by-type', 'row-sum-mismatch', 'general-budget-expenditure', 1, 4),
        ('general-and-fund-project-vs-project', 'cross-table-mismatch', 'general-budget-expenditure', 1, 6),
        ('total-of-classes', 'line-sum-mismatch', 'general-budget-expenditure', 1, 6),
    }),
    ('three-public-vehicle-operation-vs-30231', 317, 4, '13.42', {
        ('basic-by-type', 'row-sum-mismatch', 'general-budget-basic-expenditure', 17, 4),
        ('code-prefix', 'class-sum-mismatch', 'general-budget-basic-expenditure', 11, 4),
        ('three-public-vehicle-operation-vs-30231', 'cross-table-mismatch', 'general-budget-basic-expenditure', 17, 4),
    }),
    ('projects-vs-project-expenditure', 642, 3, '766.00', {
        ('project-funding', 'project-funding-mismatch', 'project-03', None, None),
        ('projects-vs-project-expenditure', 'project-budget-mismatch', 'expenditure-summary', 1, 6),
    }),
    ('project-funding', 642, 3, '766.00', {
        ('project-funding', 'project-funding-mismatch', 'project-03', None, None),
        ('projects-vs-project-expenditure', 'project-budget-mismatch', 'expenditure-summary', 1, 6),
    }),
    ('asset-total', 1004, 3, '7281.49', {
        ('asset-total', 'asset-sum-mismatch', 'fixed-assets', 1, None),
    }),
    ('fiscal-grand-vs-general-budget-total', 247, 6, '5091.14', {
        ('by-fund', 'row-sum-mismatch', 'fiscal-summary', 37, 5),
        ('expenditure-grand-total', 'line-sum-mismatch', 'fiscal-summary', 37, 6),
        ('fiscal-grand-vs-general-budget-total', 'cross-table-mismatch', 'fiscal-summary', 37, 6),
    }),
]


@pytest.mark.parametrize("rule, line, column, text, expected", CASES, ids=[c[0] for c in CASES])
def test_changing_one_figure_breaks_the_identity(tmp_path, rule, line, column, text, expected):
    disclosure = edit_sample(tmp_path, {line: {column: text}})
    report = validate(disclosure)
    assert errors(report) == expected
    targeted = [f for f in report.findings if f.rule == rule and f.severity == "error"]
    assert targeted, f"no error finding from {rule}"
    changed = _cell_at(disclosure, line, column)
    if changed is not None:
        assert any(changed in f.locators for f in targeted), (changed, [f.locators for f in targeted])


def _cell_at(disclosure: Disclosure, line: int, column: int) -> Locator | None:
    for table in disclosure.tables:
        for table_line in table.lines:
            for cell in table_line.cells:
                if cell.locator.line == line and cell.locator.column == column:
                    return cell.locator
    for project in disclosure.projects:
        if project.budget is not None and project.locator.line <= line <= project.locator.line + 6:
            return project.locator
    for holding in disclosure.assets:
        if holding.locator.line == line:
            return holding.locator
    return None


def test_sample_has_no_error_or_warning(sample_disclosure):
    report = validate(sample_disclosure)
    assert report.errors == 0 and report.warnings == 0
    assert report.flat() == [
        ("narrative-zero-change-direction", None, None, None),
        ("read-note", "procurement", None, None),
    ]
    assert not report.has_errors() and not report.has_errors(strict=True)


def test_within_rounding_bound_is_a_warning(tmp_path):
    # 20604 project 1071.65 -> 1071.66: one hundredth off, within the bound of the three figures (0.015)
    report = validate(edit_sample(tmp_path, {149: {6: "1071.66"}}))
    assert report.errors == 0
    assert {flat(f) for f in report.findings if f.severity == "warning"} == {
        ("expenditure-by-type", "row-sum-mismatch", "expenditure-summary", 5, 4),
        ("code-prefix", "class-sum-mismatch", "expenditure-summary", 5, 6),
        ("code-prefix", "class-sum-mismatch", "expenditure-summary", 2, 6),
    }
    assert report.has_errors(strict=True) and not report.has_errors()


def test_rounding_bound_is_the_sum_of_half_units(tmp_path):
    # 20605 and its 项 2060502 total 9.00 -> 9.02 in the expenditure table:
    # 206 against its four 款 involves 5 figures (bound 0.025): 0.02 is a warning;
    # 20605's row (total 9.02 against project 9.00) involves 2 figures (bound 0.01): 0.02 is an error.
    report = validate(edit_sample(tmp_path, {152: {4: "9.02"}, 153: {4: "9.02"}}))
    by_rule = {(f.rule, f.locator.row, f.locator.column): f.severity for f in report.findings
               if f.locator is not None and f.locator.table == "expenditure-summary"}
    assert by_rule[("code-prefix", 2, 4)] == "warning"
    assert by_rule[("expenditure-by-type", 8, 4)] == "error"


def test_project_shortfall_is_info_not_error(tmp_path):
    # project 3 budget 756.00 -> 746.00 (fiscal too): projects add up to 10.00 less than 项目支出
    report = validate(edit_sample(tmp_path, {642: {3: "746.00", 5: "746.00"}}))
    assert report.errors == 0
    infos = [f for f in report.findings if f.rule == "projects-vs-project-expenditure"]
    assert [f.severity for f in infos] == ["info"]
    assert len(infos[0].locators) == 20  # 项目支出 and the 19 project budgets


def test_30231_smaller_than_vehicle_operation_is_info(tmp_path):
    # 30231 3.42 -> 1.42 (and its parents): the rest of 公务用车运行维护费 would be project spending
    report = validate(edit_sample(tmp_path, {317: {4: "1.42", 6: "1.42"}}))
    gap = [f for f in report.findings if f.rule == "three-public-vehicle-operation-vs-30231"]
    assert [f.severity for f in gap] == ["info"]


# ---------------------------------------------------------------- identities the sample does not exercise

def _replace_table(disclosure: Disclosure, table: Table) -> Disclosure:
    return dataclasses.replace(disclosure, tables=tuple(table if t.kind == table.kind else t for t in disclosure.tables))


def relabel(disclosure: Disclosure, kind: str, index: int, measure: str, fund: str | None = None) -> Disclosure:
    """The disclosure with column ``index`` of table ``kind`` read as ``measure``/``fund``."""
    table = disclosure.table(kind)
    assert table is not None
    old = next(c for c in table.columns if c.index == index)
    new = dataclasses.replace(old, measure=measure, fund=fund)
    lines = tuple(dataclasses.replace(line, cells=tuple(dataclasses.replace(c, column=new) if c.column.index == index
                                                         else c for c in line.cells)) for line in table.lines)
    columns = tuple(new if c.index == index else c for c in table.columns)
    return _replace_table(disclosure, dataclasses.replace(table, columns=columns, lines=lines))


def set_cell(disclosure: Disclosure, kind: str, row: int, index: int, value: str | None) -> Disclosure:
    """The disclosure with the cell (row, column index) of table ``kind`` set (``None``: blank)."""
    table = disclosure.table(kind)
    assert table is not None
    column = next(c for c in table.columns if c.index == index)
    lines = []
    for line in table.lines:
        if line.locator.row == row:
            cells = [c for c in line.cells if c.column.index != index]
            if value is not None:
                amount = Amount(Decimal(value), table.unit, value)
                cells.append(Cell(column, amount, value, line.locator.at(column=index)))
            line = dataclasses.replace(line, cells=tuple(sorted(cells, key=lambda c: c.column.index)))
        lines.append(line)
    return _replace_table(disclosure, dataclasses.replace(table, lines=tuple(lines)))


def copy_column(disclosure: Disclosure, kind: str, source: int, target: int) -> Disclosure:
    table = disclosure.table(kind)
    assert table is not None
    for line in table.lines:
        for cell in line.cells:
            if cell.column.index == source and cell.amount is not None:
                disclosure = set_cell(disclosure, kind, line.locator.row, target, cell.amount.text)
    return disclosure


def rekey(disclosure: Disclosure, kind: str, row: int, key: LineKey, label: str) -> Disclosure:
    table = disclosure.table(kind)
    assert table is not None
    lines = tuple(dataclasses.replace(line, key=key, label=label) if line.locator.row == row else line
                  for line in table.lines)
    return _replace_table(disclosure, dataclasses.replace(table, lines=lines))


def test_income_subtotal_by_fund(sample_disclosure):
    # the income table printed by fund (一般公共预算 …) instead of 财政拨款收入
    d = relabel(sample_disclosure, "income-summary", 6, "total", "general-budget")
    assert errors(validate(d)) == set()
    d = set_cell(d, "income-summary", 3, 6, "2551.51")
    assert ("income-subtotal-by-fund", "row-sum-mismatch", "income-summary", 3, 5) in errors(validate(d))
    assert "income-subtotal-by-type" not in {f.rule for f in validate(d).findings}


def test_income_total_without_subtotal(sample_disclosure):
    d = relabel(sample_disclosure, "income-summary", 5, "initial-budget")
    assert errors(validate(d)) == set()
    d = set_cell(d, "income-summary", 3, 6, "2551.51")
    found = errors(validate(d))
    assert ("income-total-without-subtotal", "row-sum-mismatch", "income-summary", 3, 4) in found


def test_fiscal_appropriation_by_fund(sample_disclosure):
    # 财政拨款收入 and its split by fund both printed (column 7 read as the general budget)
    d = relabel(sample_disclosure, "income-summary", 7, "total", "general-budget")
    d = copy_column(d, "income-summary", 6, 7)
    assert errors(validate(d)) == set()
    d = set_cell(d, "income-summary", 3, 7, "2540.51")
    assert ("fiscal-appropriation-by-fund", "row-sum-mismatch", "income-summary", 3, 6) in errors(validate(d))


@pytest.mark.parametrize("rule, code, item", [
    ("three-public-reception-vs-30217", "30217", "three-public:reception"),
    ("three-public-overseas-vs-30212", "30212", "three-public:overseas"),
])
def test_three_public_items_against_economic_codes(sample_disclosure, rule, code, item):
    # 30229 福利费 14.59 read as the economic code carrying the item; the "三公" line is blank
    d = rekey(sample_disclosure, "general-budget-basic-expenditure", 16, LineKey(economic=code), "x")
    found = [f for f in validate(d).findings if f.rule == rule]
    assert [(f.severity, f.locator.table, f.locator.row) for f in found] == [
        ("error", "general-budget-basic-expenditure", 16)]
    three = d.table("three-public-expenses")
    assert three is not None
    row = next(line.locator.row for line in three.lines if line.key.item == item)
    assert any(loc.table == "three-public-expenses" and loc.row == row for loc in found[0].locators)


def _with_operating_costs(disclosure: Disclosure, value: str) -> Disclosure:
    table = disclosure.table("three-public-expenses")
    assert table is not None
    locator = table.lines[-1].locator.at(row=7, line=(table.lines[-1].locator.line or 0) + 1)
    amount = Amount(Decimal(value), Unit.WAN_YUAN, value)
    cells = tuple(Cell(column, amount, value, locator.at(column=column.index)) for column in table.columns[:2])
    line = Line(LineKey(item="operating-costs"), "机关运行经费", cells, locator, "7")
    return _replace_table(disclosure, dataclasses.replace(table, lines=(*table.lines, line)))


def test_operating_costs_against_public_admin(sample_disclosure):
    assert errors(validate(_with_operating_costs(sample_disclosure, "157.36"))) == set()
    d = _with_operating_costs(sample_disclosure, "150.00")
    assert ("operating-costs-vs-public-admin", "cross-table-mismatch", "three-public-expenses", 7, 3) in errors(validate(d))
    # without the glossary saying 机关运行经费 is the 公用经费, the two are not compared
    d = dataclasses.replace(d, glossary=tuple(t for t in d.glossary if "机关运行经费" not in t.term))
    assert "operating-costs-vs-public-admin" not in {f.rule for f in validate(d).findings}


def drop_lines(disclosure: Disclosure, kind: str, keys: set[str]) -> Disclosure:
    table = disclosure.table(kind)
    assert table is not None
    kept = tuple(line for line in table.lines if line.key.slug not in keys)
    return _replace_table(disclosure, dataclasses.replace(table, lines=kept))


def add_income_line(disclosure: Disclosure, kind: str, item: str, value: str) -> Disclosure:
    """A line on the income side of a two-sided table, printed just before 收入总计."""
    table = disclosure.table(kind)
    assert table is not None
    column = next(c for c in table.columns if c.side == "income")
    locator = table.lines[0].locator.at(row=99)
    cell = Cell(column, Amount(Decimal(value), table.unit, value), value, locator.at(column=column.index))
    line = Line(LineKey(item=item), item, (cell,), locator, "99", side="income")
    return _replace_table(disclosure, dataclasses.replace(table, lines=(*table.lines, line)))


def _without_current_totals(disclosure: Disclosure) -> Disclosure:
    """收支总表 as Shanghai prints it: no 本年收入合计/本年支出合计, only 收入总计 and 支出总计."""
    return drop_lines(disclosure, "income-expenditure-summary", {"total:income-current", "total:expenditure-current"})


def test_grand_totals_without_current_totals(sample_disclosure):
    d = _without_current_totals(sample_disclosure)
    assert errors(validate(d)) == set()
    changed = set_cell(d, "income-expenditure-summary", 1, 3, "5091.14")  # 一般公共预算拨款收入
    assert ("income-grand-total-by-fund", "line-sum-mismatch", "income-expenditure-summary", 34, 3) in errors(validate(changed))
    changed = set_cell(d, "income-expenditure-summary", 6, 5, "4072.16")  # 科学技术支出
    assert ("expenditure-grand-total-by-class", "line-sum-mismatch", "income-expenditure-summary", 34, 5) in errors(
        validate(changed))


def test_fiscal_appropriation_line_with_its_funds(sample_disclosure):
    d = add_income_line(_without_current_totals(sample_disclosure), "income-expenditure-summary",
                        "income:fiscal-appropriation", "5531.14")
    assert errors(validate(d)) == set()
    d = set_cell(d, "income-expenditure-summary", 99, 3, "5541.14")
    found = errors(validate(d))
    assert ("fiscal-appropriation-by-fund-lines", "line-sum-mismatch", "income-expenditure-summary", 99, 3) in found
    assert ("income-grand-total-by-type", "line-sum-mismatch", "income-expenditure-summary", 34, 3) in found
    assert "income-grand-total-by-fund" not in {f.rule for f in validate(d).findings}


def test_final_accounts_need_not_balance_within_the_year(tmp_path):
    # a 决算 may end the year with a surplus: 本年收入合计 > 本年支出合计 is not a finding there
    d = edit_sample(tmp_path, {84: {3: "5541.14"}, 86: {3: "5541.14"}})
    assert any(f.rule == "summary-current-balance" for f in validate(d).findings)
    final = dataclasses.replace(d, phase="final")
    assert not any(f.rule == "summary-current-balance" for f in validate(final).findings)


TESTED_ELSEWHERE = {
    "income-grand-total-by-type", "income-grand-total-by-fund", "fiscal-appropriation-by-fund-lines",
    "expenditure-grand-total-by-class",
    "income-subtotal-by-fund", "income-total-without-subtotal", "fiscal-appropriation-by-fund",
    "three-public-reception-vs-30217", "three-public-overseas-vs-30212", "operating-costs-vs-public-admin",
}


def test_every_identity_is_tested():
    declared = {rule.id for rule in identities().rules}
    tested = {case[0] for case in CASES} | TESTED_ELSEWHERE
    assert declared == tested, (declared - tested, tested - declared)


def test_identities_file_is_checked_when_loaded(tmp_path):
    from opendata.check import load_identities

    bad = tmp_path / "identities.toml"
    bad.write_text('[[equal]]\nid = "x"\nleft = "Expenditure Summary[total]"\nright = []\n', encoding="utf-8")
    with pytest.raises(ValueError, match="not a selector"):
        load_identities(bad)
    bad.write_text('[[equal]]\nid = "x"\nleft = "a[b]"\nright = []\n[[equal]]\nid = "x"\nleft = "a[b]"\nright = []\n',
                   encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        load_identities(bad)


def test_a_new_table_kind_is_a_row_of_data(sample_disclosure, tmp_path):
    """An identity added to a copy of the file applies without code: here gov-fund = fiscal-summary's fund column."""
    from opendata.check import load_identities

    text = (Path(opendata.__file__).resolve().parent.parent / "vocab" / "identities.toml").read_text(encoding="utf-8")
    text += ('\n[[equal]]\nid = "made-up"\nleft = "gov-fund-expenditure[total].project"\n'
             'right = ["fiscal-summary[total:expenditure].total@gov-fund"]\n')
    path = tmp_path / "identities.toml"
    path.write_text(text, encoding="utf-8")
    declared = load_identities(path)
    assert validate(sample_disclosure, declared).errors == 0
    changed = set_cell(sample_disclosure, "gov-fund-expenditure", 1, 6, "460.00")
    assert "made-up" in {f.rule for f in validate(changed, declared).findings}
