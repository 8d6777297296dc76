"""The Hebei sample read into the model: a golden JSON, and figures checked by hand against the text."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

import pytest

from conftest import GOLDEN, check_golden
from opendata.model.jsonview import to_data
from opendata.recognise.coverage import STATUSES

SOURCE = "hebei-xianghe-kegongju-2024-budget.txt"


def figure(disclosure, table, slug, measure, fund=None, side=None):
    found = [
        f
        for f in disclosure.figures()
        if f.table == table and f.line.slug == slug and f.measure == measure and f.fund == fund
        and (side is None or f.side == side)
    ]
    assert len(found) == 1, (table, slug, measure, fund, side, found)
    return found[0]


def test_golden_model_json(sample_disclosure, update_golden):
    data = json.dumps(to_data(sample_disclosure), ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    check_golden(GOLDEN / "sample-model.json", data.encode("utf-8"), update_golden)


def test_identity(sample_disclosure):
    d = sample_disclosure
    assert d.department.name == "香河县科学技术和工业信息化局"
    assert d.department.code == "304"
    assert d.year == 2024
    assert d.phase == "budget"
    assert d.scope == "department"
    assert d.unit.value == "万元"
    assert d.division.code == "131024"
    assert d.division.name == "香河县"
    assert d.division.province == "河北省"


def test_every_standard_table_is_found(sample_disclosure):
    kinds = [t.kind for t in sample_disclosure.tables]
    assert kinds == [
        "income-expenditure-summary", "income-summary", "expenditure-summary", "fiscal-summary",
        "general-budget-expenditure", "general-budget-basic-expenditure", "gov-fund-expenditure",
        "state-capital-expenditure", "three-public-expenses",
    ]
    lines = {t.kind: len(t.lines) for t in sample_disclosure.tables}
    # coded tables: one line per printed row, page-break headers left out
    assert lines["income-summary"] == 24
    assert lines["expenditure-summary"] == 24
    assert lines["general-budget-expenditure"] == 19
    assert lines["general-budget-basic-expenditure"] == 22
    assert lines["gov-fund-expenditure"] == 6
    assert lines["state-capital-expenditure"] == 0
    assert lines["three-public-expenses"] == 6
    state = sample_disclosure.table("state-capital-expenditure")
    assert state.notes == ("注：无国有资本经营预算财政拨款预算，空表列示。",)
    pages = {t.kind: t.pages for t in sample_disclosure.tables}
    assert pages["fiscal-summary"] == 3 and pages["income-summary"] == 2


@pytest.mark.parametrize(
    "table, slug, measure, fund, side, value, line",
    [
        # 部门预算收支总表
        ("income-expenditure-summary", "income:general-budget", "amount", None, "income", "5081.14", 43),
        ("income-expenditure-summary", "income:gov-fund", "amount", None, "income", "450.00", 44),
        ("income-expenditure-summary", "func-206", "amount", None, "expenditure", "4062.16", 48),
        ("income-expenditure-summary", "func-215", "amount", None, "expenditure", "1016.58", 57),
        ("income-expenditure-summary", "total:income-current", "amount", None, "income", "5531.14", 84),
        ("income-expenditure-summary", "total:expenditure", "amount", None, "expenditure", "5531.14", 86),
        # 部门预算收入总表
        ("income-summary", "total", "total", None, None, "5531.14", 99),
        ("income-summary", "func-2060101", "fiscal-appropriation", None, None, "2541.51", 102),
        ("income-summary", "func-2060404", "subtotal", None, None, "1030.00", 104),
        ("income-summary", "func-21208", "total", None, None, "300.00", 124),
        ("income-summary", "func-2150805", "fiscal-appropriation", None, None, "1001.60", 132),
        # 部门预算支出总表
        ("expenditure-summary", "total", "basic", None, None, "1722.65", 145),
        ("expenditure-summary", "total", "project", None, None, "3808.49", 145),
        ("expenditure-summary", "func-2060101", "basic", None, None, "1722.65", 148),
        ("expenditure-summary", "func-2060101", "project", None, None, "818.86", 148),
        ("expenditure-summary", "func-2121301", "project", None, None, "150.00", 173),
        # 部门预算财政拨款收支总表
        ("fiscal-summary", "func-206", "total", "general-budget", "expenditure", "4062.16", 196),
        ("fiscal-summary", "func-212", "total", "gov-fund", "expenditure", "450.00", 202),
        ("fiscal-summary", "total:expenditure-current", "total", "general-budget", "expenditure", "5081.14", 232),
        ("fiscal-summary", "total:income", "amount", None, "income", "5531.14", 247),
        # 一般公共预算财政拨款支出表
        ("general-budget-expenditure", "total", "project", None, None, "3358.49", 260),
        ("general-budget-expenditure", "func-2150805", "total", None, None, "1001.60", 288),
        # 一般公共预算财政拨款基本支出表
        ("general-budget-basic-expenditure", "total", "personnel", None, None, "1565.29", 301),
        ("general-budget-basic-expenditure", "econ-30101", "total", None, None, "227.60", 303),
        ("general-budget-basic-expenditure", "econ-30231", "public-admin", None, None, "3.42", 317),
        ("general-budget-basic-expenditure", "econ-30302", "personnel", None, None, "725.94", 331),
        # 政府性基金预算财政拨款支出表
        ("gov-fund-expenditure", "func-2121301", "project", None, None, "150.00", 350),
        # 财政拨款“三公”经费支出表
        ("three-public-expenses", "three-public:total", "total", None, None, "3.42", 377),
        ("three-public-expenses", "three-public:vehicle-operation", "total", "general-budget", None, "3.42", 381),
    ],
)
def test_figures_by_hand(sample_disclosure, table, slug, measure, fund, side, value, line):
    found = figure(sample_disclosure, table, slug, measure, fund, side)
    assert found.amount.value == Decimal(value)
    assert found.amount.raw == value
    assert found.amount.unit.value == "万元"
    assert found.locator.file == SOURCE
    assert found.locator.line == line
    assert found.locator.table == table


def test_yuan_normalisation(sample_disclosure):
    found = figure(sample_disclosure, "expenditure-summary", "func-2060101", "basic")
    assert found.amount.yuan == Decimal("17226500.00")
    assert found.amount.yuan_text == "17226500"


def test_projects_by_hand(sample_disclosure):
    projects = sample_disclosure.projects
    assert len(projects) == 19
    assert [p.serial for p in projects] == list(range(1, 20))
    assert sum(len(p.indicators) for p in projects) == 137
    rent = projects[2]
    assert rent.code == "13102424P00802710015G"
    assert rent.name == "单位办公场所租金"
    assert rent.budget.value == Decimal("756.00") and rent.fiscal.value == Decimal("756.00")
    assert rent.other is None
    assert rent.purpose == "支付办公场所租金"
    assert [(p.month, p.amount.value if p.amount else None) for p in rent.plan] == [
        (3, Decimal("164.00")), (6, Decimal("379.00")), (10, Decimal("549.00")), (12, Decimal("756.00"))
    ]
    area = rent.indicators[0]
    assert (area.level1, area.level2, area.level3) == ("产出指标", "数量指标", "租用面积")
    assert area.target.value == Decimal("4238.28") and area.target.unit == "平方米"
    # blank first- and second-level labels inherit from the row above
    assert rent.indicators[1].level1 == "产出指标" and rent.indicators[1].level2 == "质量指标"
    # project 1 prints only three quarters: the blank 12月底 is not invented
    first = projects[0]
    assert [p.month for p in first.plan] == [3, 6, 10]
    assert first.indicators[0].target.raw == "≥40 家"
    assert first.indicators[0].target.comparator == "≥" and first.indicators[0].target.value == Decimal("40")
    assert first.indicators[2].target.deadline_rule == "day-of-following-month"
    # blank quarters are kept as blank
    assert [p.amount for p in projects[1].plan[:3]] == [None, None, None]
    assert projects[1].indicators[3].target.unit == "万元/家"
    assert projects[16].indicators[3].target.qualifier == "实际发生额的"
    assert projects[16].indicators[3].target.upper == Decimal("1")


def test_row_continued_on_next_page(sample_disclosure):
    """Project 9: the 指标值确定依据 cell of one row ends on the next page (单的通知》)."""
    project = sample_disclosure.projects[8]
    assert len(project.indicators) == 8
    row = project.indicators[5]
    assert row.level3 == "实现全县高企、中小企业新增"
    assert row.basis == "《关于公示河北省拟认定高新技术企业名单的通知》"
    assert project.indicators[6].level2 == "可持续影响指标"
    assert project.indicators[6].level1 == "效益指标"


def test_procurement_assets_institutions_by_hand(sample_disclosure):
    d = sample_disclosure
    item = [p for p in d.procurement if p.level == "item"]
    assert len(item) == 1
    line = item[0]
    assert line.project_name == "香河县智慧城市运营服务项目"
    assert line.item_name == "平台运营服务"
    assert line.catalogue_code == "C16080200"
    assert line.unit_of_measure == "项" and line.quantity == Decimal("1")
    assert line.unit_price.value == Decimal("150.00")
    assert dict(line.amounts)["gov-fund"].value == Decimal("150.00")
    assert "general-budget" not in dict(line.amounts)
    assert line.sme_reserved.value == Decimal("150.00")
    assert [p.level for p in d.procurement] == ["total", "subtotal", "item"]
    assets = {a.item: a for a in d.assets}
    assert assets["total"].value.value == Decimal("7396.57")
    assert assets["vehicles"].quantity == Decimal("2") and assets["vehicles"].value.value == Decimal("19.90")
    assert assets["equipment-over-200k"].quantity == Decimal("3")
    assert assets["equipment-over-200k"].value.value == Decimal("7271.49")
    assert assets["other"].quantity == Decimal("436") and assets["other"].value.value == Decimal("105.18")
    assert assets["total"].as_of == "2023-12-31"
    assert assets["buildings"].quantity is None and assets["buildings"].quantity_unit == "平方米"
    (unit,) = d.institutions
    assert (unit.name, unit.nature, unit.grade, unit.funding) == ("香河县科学技术和工业信息化局本级", "行政", "正科级", "财政拨款")


def test_narrative_sections_glossary_claims(sample_disclosure):
    d = sample_disclosure
    keys = [s.key for s in d.sections]
    for key in ("duties", "overview", "operating-costs", "three-public", "performance", "glossary", "other-matters"):
        assert key in keys
    terms = {t.term: t.definition for t in d.glossary}
    assert len(terms) == 10
    assert terms["机关运行经费"].startswith("是指各部门（单位）的公用经费")
    claims = {(c.kind, c.subject): c for c in d.claims}
    assert claims[("amount", "预算收入")].value == Decimal("5531.14")
    assert claims[("amount", "预算收入")].year == 2024
    assert claims[("amount", "人员经费")].value == Decimal("1565.29")
    change = claims[("change", "预算收支")]
    assert change.value == Decimal("1159.05") and change.direction == "decrease" and change.base_year == 2023
    assert claims[("change", "项目支出")].value == Decimal("1079.17")
    assert claims[("amount", "机关运行经费")].value == Decimal("157.36")


def test_coverage_nothing_lost(sample_disclosure):
    counts = Counter(e.status for e in sample_disclosure.coverage)
    lost = [e for e in sample_disclosure.coverage if not STATUSES[e.status]]
    # only the page numbers of the table of contents are not understood, and they are reported as such
    assert lost and all(e.status == "toc-page" for e in lost)
    assert len(lost) == len(sample_disclosure.toc) == 20
    assert counts["not-understood"] == 0
    # every figure of the tables is in the coverage account
    figures = sum(1 for _ in sample_disclosure.figures())
    assert counts["figure"] >= figures


def test_every_number_of_the_source_is_accounted_for(sample_disclosure):
    from opendata.model.money import number_tokens
    from opendata.read import read_path
    import opendata

    document = read_path(opendata.sample_path())
    tokens = sum(len(number_tokens(cell)) for line in document.lines for cell in line.cells)
    assert tokens == len(sample_disclosure.coverage)
