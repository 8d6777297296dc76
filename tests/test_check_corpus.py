"""The checks on the real Shanghai documents (../shared/corpus; skipped when absent).

Every finding listed here was verified against the document (the page image where the text layer was
in doubt); each is a genuine inconsistency of the document, not of the reading:

- caizhengju 2024 决算: totals one hundredth off the sum of their 类 (2946.25 against 2946.26 …), 326.71
  against 326.72 for 社会保障和就业支出 across tables, 301/302 off their 款 by 0.01/0.02 — all within the
  rounding bound, so warnings; and the text's share 一般公共服务支出 2106.66 of 2940.05 “占71.73%”
  (it is 71.65%; the four stated shares add up to 100.07%) — an error.
- fuliyuan 2024 unit budget: the 支出总表 and the 一般公共预算支出表 print the 类 of 事业单位医疗 as “7” instead
  of 210 (seen on the page image), so 2101102 of the 收入总表 has no counterpart (errors) and 7-11-02 has
  no parent (warnings); 210 is printed as 医疗卫生与计划生育支出 in the 收支总表 but 卫生健康支出 elsewhere; 303
  is printed as 离退休人员经费.
  The text states 738.66万元 for 2081005 社会福利事业单位, twice; the 一般公共预算支出表 prints 6,964,796元.
- wanli 2023: the five performance tables cover 3351.33 of 6557.23 万元 项目支出 (info); item 3 (2012902)
  states +314.82% from 11.67 to 45.41万元 (it is +289.12%); item 16 (2080506) repeats item 15's 441.25万元
  and 60.54% instead of 220.63万元 (the table's and its own heading's figure).
- wanli 2024: item 31 (2210201 住房公积金) is 350.35万元 in its heading and the table but 352.67万元 in the
  sentence (whose +0.53% fits 350.35: the rate is then reported against 352.67).
"""

from __future__ import annotations

import pytest

import opendata
from opendata.check import validate

pytestmark = pytest.mark.corpus

EXPECTED = {
    "shanghai-putuo-caizhengju-2024-final.pdf": {
        ("warning", "total-of-classes", "line-sum-mismatch", "income-summary", 1, 5),
        ("warning", "total-of-classes", "line-sum-mismatch", "income-summary", 1, 6),
        ("warning", "total-of-classes", "line-sum-mismatch", "expenditure-summary", 1, 5),
        ("warning", "total-of-classes", "line-sum-mismatch", "expenditure-summary", 1, 6),
        ("warning", "fiscal-vs-general-budget-by-class", "cross-table-mismatch", "fiscal-summary", 8, 5),
        ("info", "read-note", "read-note", None, None, None),
        ("warning", "total-of-classes", "line-sum-mismatch", "general-budget-expenditure", 20, 5),
        ("warning", "total-of-classes", "line-sum-mismatch", "general-budget-expenditure", 20, 6),
        ("warning", "code-prefix", "class-sum-mismatch", "general-budget-basic-expenditure", 1, 4),
        ("warning", "code-prefix", "class-sum-mismatch", "general-budget-basic-expenditure", 28, 4),
        ("error", "rate", "narrative-rate-mismatch", None, None, None),
    },
    "shanghai-putuo-fuliyuan-2024-unit-budget.pdf": {
        ("error", "narrative-code-amount", "narrative-figure-mismatch", None, None, None),
        ("info", "code-classes", "code-class-name", "income-expenditure-summary", 3, None),
        ("warning", "code-names", "code-name-inconsistent", "income-expenditure-summary", 3, None),
        ("error", "income-vs-expenditure-by-code", "cross-table-mismatch", "income-summary", 11, 5),
        ("warning", "code-hierarchy", "code-hierarchy", "expenditure-summary", 11, None),
        ("error", "income-vs-expenditure-by-code", "cross-table-mismatch", "expenditure-summary", 11, 5),
        ("warning", "code-hierarchy", "code-hierarchy", "general-budget-expenditure", 11, None),
        ("warning", "code-classes", "code-class-name", "general-budget-basic-expenditure", 25, None),
    },
    "shanghai-putuo-wanli-2023-budget.pdf": {
        ("info", "projects-vs-project-expenditure", "project-budget-mismatch", "expenditure-summary", 67, 7),
        ("error", "rate", "narrative-rate-mismatch", None, None, None),
        ("error", "narrative-code-amount", "narrative-figure-mismatch", None, None, None),
    },
    "shanghai-putuo-wanli-2024-budget.pdf": {
        ("error", "narrative-code-amount", "narrative-figure-mismatch", None, None, None),
        ("error", "rate", "narrative-rate-mismatch", None, None, None),
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_findings_on_the_shanghai_documents(corpus, name):
    report = validate(opendata.load(corpus / name))
    found = {(f.severity, f.rule, f.code, f.locator.table, f.locator.row, f.locator.column)
             for f in report.findings if f.locator is not None}
    assert found == EXPECTED[name]


TEXT_FINDINGS = {  # (document, code, page, line of the text): every text finding, by place
    ("shanghai-putuo-caizhengju-2024-final.pdf", "narrative-rate-mismatch", 21, 310),
    ("shanghai-putuo-fuliyuan-2024-unit-budget.pdf", "narrative-figure-mismatch", 6, 39),
    ("shanghai-putuo-wanli-2023-budget.pdf", "narrative-rate-mismatch", 6, 53),
    ("shanghai-putuo-wanli-2023-budget.pdf", "narrative-figure-mismatch", 7, 66),
    ("shanghai-putuo-wanli-2023-budget.pdf", "narrative-rate-mismatch", 7, 66),
    ("shanghai-putuo-wanli-2024-budget.pdf", "narrative-figure-mismatch", 9, 84),
    ("shanghai-putuo-wanli-2024-budget.pdf", "narrative-rate-mismatch", 9, 84),
}


def test_text_findings_on_the_shanghai_documents(corpus):
    found = set()
    for name in EXPECTED:
        for f in validate(opendata.load(corpus / name)).findings:
            if f.code.startswith("narrative-") and f.severity == "error":
                found.add((name, f.code, f.locator.page, f.locator.line))
    assert found == TEXT_FINDINGS


def test_the_misstated_share(corpus):
    report = validate(opendata.load(corpus / "shanghai-putuo-caizhengju-2024-final.pdf"))
    (finding,) = report.by_code("narrative-rate-mismatch")
    assert "71.73%" in finding.message_en and "71.65%" in finding.message_en
