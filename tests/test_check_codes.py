"""Classification codes: form, hierarchy by prefix, one name per code, 类 known to the code lists."""

from __future__ import annotations

import dataclasses

from opendata.check import validate
from opendata.model.disclosure import Disclosure, LineKey


def rekey(disclosure: Disclosure, kind: str, row: int, key: LineKey | None = None, label: str | None = None) -> Disclosure:
    table = disclosure.table(kind)
    assert table is not None
    lines = tuple(
        dataclasses.replace(line, key=key or line.key, label=label or line.label) if line.locator.row == row else line
        for line in table.lines
    )
    new = dataclasses.replace(table, lines=lines)
    return dataclasses.replace(disclosure, tables=tuple(new if t.kind == kind else t for t in disclosure.tables))


def codes(disclosure: Disclosure, code: str) -> list[tuple[str, str | None, int | None]]:
    return sorted((f.severity, f.locator.table, f.locator.row) for f in validate(disclosure).by_code(code))


def test_sample_codes_are_clean(sample_disclosure):
    report = validate(sample_disclosure)
    assert not [f for f in report.findings if f.code.startswith("code-")]


def test_malformed_code(sample_disclosure):
    d = rekey(sample_disclosure, "expenditure-summary", 4, LineKey(functional="206010"))
    assert codes(d, "code-malformed") == [("error", "expenditure-summary", 4)]


def test_code_under_the_wrong_parent(sample_disclosure):
    # 2060502 (row 9) printed as 2150502: its parent 21505 exists, but it sits under 20605
    d = rekey(sample_disclosure, "expenditure-summary", 9, LineKey(functional="2150502"))
    assert ("warning", "expenditure-summary", 9) in codes(d, "code-hierarchy")


def test_code_whose_parent_is_missing(sample_disclosure):
    # 2060502 printed as 2079902: no 20799 in the table
    d = rekey(sample_disclosure, "expenditure-summary", 9, LineKey(functional="2079902"))
    assert codes(d, "code-hierarchy") == [("warning", "expenditure-summary", 9)]


def test_one_name_per_code(sample_disclosure):
    d = rekey(sample_disclosure, "general-budget-expenditure", 12, label="医疗卫生与计划生育支出")
    found = validate(d).by_code("code-name-inconsistent")
    assert len(found) == 1
    assert {loc.table for loc in found[0].locators} >= {"general-budget-expenditure"}
    assert "210" in found[0].message_en
    # the older name is also reported against the code list, as info
    assert codes(d, "code-class-name") == [("info", "general-budget-expenditure", 12)]


def test_unknown_class(sample_disclosure):
    d = rekey(sample_disclosure, "general-budget-basic-expenditure", 19, LineKey(economic="308"))
    assert ("warning", "general-budget-basic-expenditure", 19) in codes(d, "code-unknown-class")


def test_class_with_an_unknown_name(sample_disclosure):
    d = rekey(sample_disclosure, "gov-fund-expenditure", 2, label="城乡建设支出")
    assert ("warning", "gov-fund-expenditure", 2) in codes(d, "code-class-name")


def test_code_lists_agree_with_the_shared_reference(corpus):
    """vocab/codelists/functional-classes.csv carries the 2024 类 list of ../shared/codes."""
    import csv

    from opendata.vocab import recognition

    shared = corpus.parent / "codes" / "functional-classes-2024.csv"
    with shared.open(encoding="utf-8", newline="") as handle:
        reference = {row["code"]: row["name_zh"] for row in csv.DictReader(handle)}
    ours = {c.code: c.name_zh for c in recognition().functional_classes}
    assert ours == reference
