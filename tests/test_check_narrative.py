"""Narrative against tables: sentences of the sample altered (a wrong total, a wrong percentage, a wrong
direction word, changes that do not add up, an outdated code name) give exactly the expected finding."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

import opendata
from opendata.check import Report, validate
from opendata.model.disclosure import Disclosure

SAMPLE = opendata.sample_path()


def altered(tmp_path: Path, line: int, old: str, new: str) -> Disclosure:
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], f"{old!r} is not on line {line} of the sample"
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path = tmp_path / SAMPLE.name
    path.write_text("\n".join(lines), encoding="utf-8")
    return opendata.load(path)


def text_findings(report: Report) -> set[tuple[object, ...]]:
    """(severity, code, rule, line) of every finding that is not info."""
    return {(f.severity, f.code, f.rule, f.locator.line) for f in report.findings
            if f.severity != "info" and f.locator is not None}


CASES = [
    # (line, printed, altered, expected findings)
    (456, "支出预算5531.14万元", "支出预算5631.14万元",
     {("error", "narrative-figure-mismatch", "narrative-amount", 456)}),
    (452, "基金预算收入450.00万元", "基金预算收入540.00万元",
     {("error", "narrative-figure-mismatch", "narrative-amount", 452)}),
    (464, "机关运行经费共计安排157.36万元", "机关运行经费共计安排175.36万元",
     {("error", "narrative-figure-mismatch", "narrative-amount", 464)}),
    (468, "公务用车运维费3.42万元", "公务用车运维费3.24万元",
     {("error", "narrative-figure-mismatch", "narrative-amount", 468)}),
    # a restatement at a coarser precision that rounds right is no finding; one that rounds wrong is
    (456, "人员经费1565.29万元", "人员经费1565.3万元", set()),
    (456, "人员经费1565.29万元", "人员经费1565.2万元",
     {("error", "narrative-figure-mismatch", "narrative-amount", 456)}),
    # wrong direction word: only reversing 基本支出 makes the parts add up to the total change
    (460, "基本支出减少79.88万元", "基本支出增加79.88万元",
     {("error", "narrative-direction-mismatch", "change-sum", 460)}),
    # sub-changes that do not add up
    (460, "项目支出减少1079.17万元", "项目支出减少1097.17万元",
     {("error", "narrative-change-mismatch", "change-sum", 460)}),
    (460, "较2023年预算减少1159.05万元", "较2023年预算减少1159.50万元",
     {("error", "narrative-change-mismatch", "change-sum", 460)}),
    # shares and rates, right and wrong
    (456, "基本支出1722.65万元，", "基本支出1722.65万元，占31.14%，", set()),
    (456, "基本支出1722.65万元，", "基本支出1722.65万元，占31.41%，",
     {("error", "narrative-rate-mismatch", "rate", 456)}),
    (460, "减少1159.05万元，", "减少1159.05万元，下降17.32%，", set()),
    (460, "减少1159.05万元，", "减少1159.05万元，下降17.23%，",
     {("error", "narrative-rate-mismatch", "rate", 460)}),
    (460, "减少1159.05万元，", "减少1159.05万元，上升17.32%，",
     {("error", "narrative-direction-mismatch", "rate", 460)}),
    # a base figure stated: the base-year figure is not compared with this year's table; the change is
    (460, "较2023年预算减少1159.05万元", "比2023年预算6690.19万元减少1159.05万元", set()),
    (460, "较2023年预算减少1159.05万元", "比2023年预算6700.19万元减少1159.05万元",
     {("error", "narrative-change-mismatch", "change", 460)}),
    (460, "较2023年预算减少1159.05万元", "比2023年预算6690.19万元增加1159.05万元",
     {("error", "narrative-direction-mismatch", "change", 460),
      ("error", "narrative-direction-mismatch", "change-sum", 460)}),
    # an outdated name for a code (210 is 卫生健康支出 in the tables)
    (456, "日常公用经费157.36万元；", "日常公用经费157.36万元；其中210医疗卫生与计划生育支出2.40万元；",
     {("warning", "narrative-code-name-mismatch", "code-name", 456)}),
    (456, "日常公用经费157.36万元；", "日常公用经费157.36万元；其中210卫生健康支出2.40万元；", set()),
]


@pytest.mark.parametrize("line, printed, changed, expected", CASES, ids=[c[2] for c in CASES])
def test_altered_sentence(tmp_path, line, printed, changed, expected):
    report = validate(altered(tmp_path, line, printed, changed))
    assert text_findings(report) == expected


def test_direction_finding_points_at_the_reversed_claim(tmp_path):
    disclosure = altered(tmp_path, 460, "基本支出减少79.88万元", "基本支出增加79.88万元")
    finding = validate(disclosure).by_code("narrative-direction-mismatch")[0]
    assert finding.figures[0] == Decimal("79.88") and "基本支出" in finding.message_zh


def test_zero_change_with_a_direction_word_is_info(sample_disclosure):
    # the sample: "与2023年相比增加0.00万元,增减变化的主要原因是与上年持平"
    found = validate(sample_disclosure).by_code("narrative-zero-change-direction")
    assert [(f.severity, f.locator.line) for f in found] == [("info", 468)]


def test_claim_naming_a_code_with_another_name(sample_disclosure):
    claim = dataclasses.replace(sample_disclosure.claims[0], code="210", code_name="医疗卫生与计划生育支出")
    disclosure = dataclasses.replace(sample_disclosure, claims=(claim, *sample_disclosure.claims[1:]))
    found = validate(disclosure).by_code("narrative-code-name-mismatch")
    assert len(found) == 1
    assert found[0].locators[0] == claim.locator
    assert found[0].locators[1].table is not None  # the table line printing 210
    same = dataclasses.replace(claim, code_name="卫生健康支出")
    disclosure = dataclasses.replace(sample_disclosure, claims=(same, *sample_disclosure.claims[1:]))
    assert not validate(disclosure).by_code("narrative-code-name-mismatch")


def test_operating_costs_claim_needs_the_glossary(tmp_path):
    # 机关运行经费 is compared with 公用经费 only because the glossary defines it so
    disclosure = altered(tmp_path, 464, "机关运行经费共计安排157.36万元", "机关运行经费共计安排175.36万元")
    assert validate(disclosure).by_code("narrative-figure-mismatch")
    without = dataclasses.replace(disclosure, glossary=tuple(t for t in disclosure.glossary if "机关运行经费" not in t.term))
    assert not validate(without).by_code("narrative-figure-mismatch")


PARAGRAPH = ("1.“科学技术支出（类）科学技术管理事务（款）行政运行（项）”{heading}万元，主要用于行政运行。"
             "2023年当年预算执行数为2400.00万元，2024年预算安排{amount}万元，比2023年预算执行数增加{rate}%。")


def with_paragraph(tmp_path: Path, paragraph: str) -> Disclosure:
    """The sample with a Shanghai-style paragraph on one code added to section 二."""
    text = SAMPLE.read_text(encoding="utf-8")
    anchor = "三、机关运行经费安排情况\n"
    assert anchor in text
    path = tmp_path / SAMPLE.name
    path.write_text(text.replace(anchor, paragraph + "\n\n" + anchor, 1), encoding="utf-8")
    return opendata.load(path)


@pytest.mark.parametrize("heading, amount, rate, expected", [
    ("2541.51", "2541.51", "5.90", set()),  # 2541.51 / 2400.00 = +5.896%
    ("2514.51", "2541.51", "5.90", {("error", "narrative-figure-mismatch", "narrative-code-amount")}),
    ("2541.51", "2541.51", "9.50", {("error", "narrative-rate-mismatch", "rate")}),
    ("2541.51", "2541.51", "5.89", {("error", "narrative-rate-mismatch", "rate")}),
])
def test_amounts_and_rates_stated_for_a_code(tmp_path, heading, amount, rate, expected):
    disclosure = with_paragraph(tmp_path, PARAGRAPH.format(heading=heading, amount=amount, rate=rate))
    assert any(c.code == "2060101" for c in disclosure.claims)
    found = {(f.severity, f.code, f.rule) for f in validate(disclosure).findings if f.severity != "info"}
    assert found == expected


OUTTURN = "一般公共预算财政拨款支出年初预算为5100.00万元，支出决算为{outturn}万元，完成年初预算的{rate}%。{words}的主要原因：调减。"


@pytest.mark.parametrize("outturn, rate, words, expected", [
    ("5081.14", "99.63", "决算数小于预算数", set()),  # 5081.14 / 5100.00 = 99.630%
    ("5081.14", "99.63", "决算数大于预算数", {("error", "narrative-direction-mismatch", "comparison")}),
    ("5100.00", "100.00", "决算数与预算数持平", set()),
    ("5081.14", "99.63", "决算数与预算数持平", {("error", "narrative-direction-mismatch", "comparison")}),
    ("5081.14", "99.63", "决算数与预算数基本持平", set()),  # “基本” leaves room: not checked
    ("5081.14", "99.36", "决算数小于预算数", {("error", "narrative-rate-mismatch", "comparison")}),
])
def test_budget_against_outturn_wording(tmp_path, outturn, rate, words, expected):
    disclosure = with_paragraph(tmp_path, OUTTURN.format(outturn=outturn, rate=rate, words=words))
    found = {(f.severity, f.code, f.rule) for f in validate(disclosure).findings if f.severity != "info"}
    assert found == expected


@pytest.mark.parametrize("path, expected", [
    ("医疗卫生与计划生育支出（类）行政事业单位医疗（款）行政单位医疗（项）",
     {("warning", "narrative-code-name-mismatch", "code-name")}),
    ("卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）", set()),
])
def test_every_level_of_a_named_code_path(tmp_path, path, expected):
    # 210 is 卫生健康支出 in the tables; the text names the 类 by its pre-2019 name
    disclosure = with_paragraph(tmp_path, f"1.“{path}”2.40万元，主要用于医疗。")
    assert any(c.code == "2101101" for c in disclosure.claims)
    found = {(f.severity, f.code, f.rule) for f in validate(disclosure).findings if f.severity != "info"}
    assert found == expected
