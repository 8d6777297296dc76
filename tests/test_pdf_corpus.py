"""The four Shanghai PDFs of ../shared/corpus read into the model.

Per document: a golden summary (tables found, row counts, totals, coverage), more than 20 figures
checked by hand against the PDF (page images rendered and read; the page is given with each),
and the layout families each one brings (codes in 类/款/项 columns, a two-halves table, a "三公"
table printed across, merged cells of 绩效目标填报表, a page without text, final accounts).
The tests skip with a reason when the corpus folder is absent.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from functools import cache

import pytest

import opendata
from conftest import CORPUS, GOLDEN, check_golden
from opendata.model.money import Unit

DOCUMENTS = (
    "shanghai-putuo-wanli-2024-budget.pdf",
    "shanghai-putuo-wanli-2023-budget.pdf",
    "shanghai-putuo-fuliyuan-2024-unit-budget.pdf",
    "shanghai-putuo-caizhengju-2024-final.pdf",
)


@cache
def _load(name: str) -> opendata.Disclosure:
    return opendata.load(CORPUS / name)


@pytest.fixture(params=DOCUMENTS, ids=lambda name: name.split("-", 2)[2].removesuffix(".pdf"))
def document(request, corpus):
    return request.param, _load(request.param)


def figure(disclosure, table, slug, measure, fund=None, side=None):
    found = [
        f
        for f in disclosure.figures()
        if f.table == table and f.line.slug == slug and f.measure == measure and f.fund == fund
        and (side is None or f.side == side)
    ]
    assert len(found) == 1, (table, slug, measure, fund, side, found)
    return found[0]


def summary(disclosure) -> dict:
    """Tables found, their row counts and totals, projects, claims and the coverage account."""
    tables = []
    for table in disclosure.tables:
        totals = {}
        for line in table.lines:
            if line.key.item in ("total", "total:income", "total:expenditure", "three-public:total"):
                for cell in line.cells:
                    if cell.amount is not None:
                        key = "/".join(p for p in (line.side, line.key.item, cell.column.measure, cell.column.fund) if p)
                        totals[key] = cell.amount.raw
        tables.append(
            {
                "kind": table.kind,
                "title": table.title,
                "unit": table.unit.value,
                "lines": len(table.lines),
                "figures": sum(1 for line in table.lines for cell in line.cells if cell.amount is not None),
                "pages": table.pages,
                "columns": [f"{c.measure}{'/' + c.fund if c.fund else ''}{'@' + c.side if c.side else ''}" for c in table.columns],
                "totals": totals,
            }
        )
    return {
        "source": disclosure.source.name,
        "department": disclosure.department.name,
        "year": disclosure.year,
        "phase": disclosure.phase,
        "scope": disclosure.scope,
        "unit": disclosure.unit.value,
        "title": disclosure.title,
        "tables": tables,
        "projects": [
            {
                "name": p.name,
                "budget": p.budget.raw if p.budget else None,
                "indicators": len(p.indicators),
                "numeric_targets": sum(1 for i in p.indicators if i.target.value is not None),
            }
            for p in disclosure.projects
        ],
        "claims": len(disclosure.claims),
        "claims_with_code": sum(1 for c in disclosure.claims if c.code),
        "glossary_terms": len(disclosure.glossary),
        "coverage": dict(sorted(Counter(e.status for e in disclosure.coverage).items())),
        "notes": dict(sorted(Counter(n.code for n in disclosure.notes).items())),
    }


def test_golden_summary(document, update_golden):
    name, disclosure = document
    data = json.dumps(summary(disclosure), ensure_ascii=False, indent=1) + "\n"
    check_golden(GOLDEN / "corpus" / name.replace(".pdf", ".json"), data.encode("utf-8"), update_golden)


def test_every_number_is_understood(document):
    """The coverage account lists no number as not understood (the TOCs here print no pages)."""
    _, disclosure = document
    missed = [(e.token, str(e.locator), e.note) for e in disclosure.coverage if e.status in ("not-understood", "toc-page")]
    assert missed == []
    assert not [n for n in disclosure.notes if n.code not in ("page-without-text",)]


def test_all_standard_tables_found(document):
    _, disclosure = document
    kinds = [t.kind for t in disclosure.tables]
    assert sorted(kinds) == sorted(
        [
            "income-expenditure-summary", "income-summary", "expenditure-summary", "fiscal-summary",
            "general-budget-expenditure", "general-budget-basic-expenditure", "gov-fund-expenditure",
            "state-capital-expenditure", "three-public-expenses",
        ]
    )


def test_read_twice_gives_the_same_model(corpus):
    from opendata.model.jsonview import to_data

    name = DOCUMENTS[3]
    first = to_data(opendata.load(CORPUS / name))
    second = to_data(opendata.load(CORPUS / name))
    assert first == second


# --- figures checked by hand against the page images -------------------------------------------

WANLI_2024 = [
    # page 10 部门财务收支预算总表 (two-sided)
    ("income-expenditure-summary", "income:fiscal-appropriation", "amount", None, "income", "156,211,123"),
    ("income-expenditure-summary", "func-201", "amount", None, "expenditure", "2,932,700"),
    ("income-expenditure-summary", "func-208", "amount", None, "expenditure", "19,604,064"),
    ("income-expenditure-summary", "func-212", "amount", None, "expenditure", "119,385,303"),
    ("income-expenditure-summary", "func-221", "amount", None, "expenditure", "8,882,399"),
    ("income-expenditure-summary", "total:income", "amount", None, "income", "156,211,123"),
    ("income-expenditure-summary", "total:expenditure", "amount", None, "expenditure", "156,211,123"),
    # page 11 部门收入预算总表 (codes in 类/款/项 columns)
    ("income-summary", "func-201", "total", None, None, "2,932,700"),
    ("income-summary", "func-20105", "fiscal-appropriation", None, None, "257,700"),
    ("income-summary", "func-2010507", "total", None, None, "257,700"),
    ("income-summary", "func-2012902", "total", None, None, "426,000"),
    ("income-summary", "func-2013302", "total", None, None, "1,106,000"),
    ("income-summary", "func-20138", "total", None, None, "135,200"),
    # page 15: the 合计 row alone on its page, its merged cells put back on the grid
    ("income-summary", "total", "total", None, None, "156,211,123"),
    # page 29 一般公共预算基本支出 (款 printed as "2" and "7")
    ("general-budget-basic-expenditure", "econ-301", "personnel", None, None, "88,282,511"),
    ("general-budget-basic-expenditure", "econ-30102", "total", None, None, "16,623,810"),
    ("general-budget-basic-expenditure", "econ-30107", "total", None, None, "11,447,100"),
    ("general-budget-basic-expenditure", "econ-302", "public-admin", None, None, "11,168,569"),
    ("general-budget-basic-expenditure", "econ-30201", "total", None, None, "4,755,518"),
    # page 31 "三公" table printed across (单位:万元)
    ("three-public-expenses", "three-public:total", "amount", None, None, "47.91"),
    ("three-public-expenses", "three-public:reception", "amount", None, None, "1.35"),
    ("three-public-expenses", "three-public:vehicles", "amount", None, None, "46.56"),
    ("three-public-expenses", "three-public:vehicle-purchase", "amount", None, None, "25"),
    ("three-public-expenses", "three-public:vehicle-operation", "amount", None, None, "21.56"),
    ("three-public-expenses", "operating-costs", "amount", None, None, "443.18"),
]

WANLI_2023 = [
    # page 10 部门财务收支预算总表
    ("income-expenditure-summary", "income:general-budget", "amount", None, "income", "164,978,640"),
    ("income-expenditure-summary", "func-201", "amount", None, "expenditure", "2,976,800"),
    ("income-expenditure-summary", "func-204", "amount", None, "expenditure", "1,252,300"),
    ("income-expenditure-summary", "func-208", "amount", None, "expenditure", "27,073,236"),
    ("income-expenditure-summary", "func-210", "amount", None, "expenditure", "3,095,732"),
    ("income-expenditure-summary", "func-212", "amount", None, "expenditure", "121,319,878"),
    ("income-expenditure-summary", "func-221", "amount", None, "expenditure", "8,960,694"),
    ("income-expenditure-summary", "total:expenditure", "amount", None, "expenditure", "164,978,640"),
    # page 26 一般公共预算基本支出
    ("general-budget-basic-expenditure", "econ-301", "total", None, None, "83,847,385"),
    ("general-budget-basic-expenditure", "econ-30101", "personnel", None, None, "5,668,416"),
    ("general-budget-basic-expenditure", "econ-30102", "total", None, None, "16,743,933"),
    ("general-budget-basic-expenditure", "econ-30107", "total", None, None, "10,302,736"),
    ("general-budget-basic-expenditure", "econ-30108", "total", None, None, "4,412,547"),
    ("general-budget-basic-expenditure", "econ-302", "public-admin", None, None, "15,381,432"),
    ("general-budget-basic-expenditure", "econ-30205", "total", None, None, "142,500"),
    # page 28 "三公" table printed across
    ("three-public-expenses", "three-public:total", "amount", None, None, "22.91"),
    ("three-public-expenses", "three-public:overseas", "amount", None, None, "0"),
    ("three-public-expenses", "three-public:reception", "amount", None, None, "1.35"),
    ("three-public-expenses", "three-public:vehicles", "amount", None, None, "21.56"),
    ("three-public-expenses", "three-public:vehicle-purchase", "amount", None, None, "0"),
    ("three-public-expenses", "three-public:vehicle-operation", "amount", None, None, "21.56"),
    ("three-public-expenses", "operating-costs", "amount", None, None, "786.09"),
]

FULIYUAN_2024 = [
    # page 7 预算单位财务收支预算总表 (expenditure side split into 人员经费/公用经费/项目支出)
    ("income-expenditure-summary", "income:general-budget", "amount", None, "income", "9,501,164"),
    ("income-expenditure-summary", "income:operating-revenue", "amount", None, "income", "2,620,000"),
    ("income-expenditure-summary", "total:income", "amount", None, "income", "12,121,164"),
    ("income-expenditure-summary", "func-208", "total", None, "expenditure", "11,281,624"),
    ("income-expenditure-summary", "func-208", "personnel", None, "expenditure", "6,540,674"),
    ("income-expenditure-summary", "func-208", "public-admin", None, "expenditure", "2,120,950"),
    ("income-expenditure-summary", "func-208", "project", None, "expenditure", "2,620,000"),
    ("income-expenditure-summary", "func-210", "total", None, "expenditure", "503,724"),
    ("income-expenditure-summary", "total:expenditure", "personnel", None, "expenditure", "7,380,214"),
    # page 9 预算单位支出预算总表
    ("expenditure-summary", "func-208", "basic", None, None, "8,661,624"),
    ("expenditure-summary", "func-20805", "total", None, None, "1,696,828"),
    ("expenditure-summary", "func-2080502", "total", None, None, "538,440"),
    ("expenditure-summary", "func-2081005", "project", None, None, "2,620,000"),
    # the 类 cell of 事业单位医疗 is printed "7" (not 210): read as printed, the checks report it
    ("expenditure-summary", "func-71102", "total", None, None, "503,724"),
    ("expenditure-summary", "total", "basic", None, None, "9,501,164"),
    # page 14 一般公共预算基本支出
    ("general-budget-basic-expenditure", "econ-301", "total", None, None, "6,958,414"),
    ("general-budget-basic-expenditure", "econ-30101", "personnel", None, None, "758,448"),
    ("general-budget-basic-expenditure", "econ-302", "public-admin", None, None, "2,120,950"),
    ("general-budget-basic-expenditure", "econ-30209", "total", None, None, "1,206,000"),
    ("general-budget-basic-expenditure", "total", "personnel", None, None, "7,380,214"),
    # page 15 "三公" table printed across
    ("three-public-expenses", "three-public:total", "amount", None, None, "6.4"),
    ("three-public-expenses", "three-public:vehicle-operation", "amount", None, None, "6.4"),
]

CAIZHENGJU_2024 = [
    # page 6 收入支出决算总表 (final accounts, 万元)
    ("income-expenditure-summary", "income:general-budget", "amount", None, "income", "2,940.05"),
    ("income-expenditure-summary", "income:other", "amount", None, "income", "6.20"),
    ("income-expenditure-summary", "func-208", "amount", None, "expenditure", "326.71"),
    ("income-expenditure-summary", "func-221", "amount", None, "expenditure", "445.69"),
    ("income-expenditure-summary", "total:income-current", "amount", None, "income", "2,946.25"),
    # page 7, the table continued: 年初/年末结转和结余 and 总计
    ("income-expenditure-summary", "carryover:opening", "amount", None, "income", "49.14"),
    ("income-expenditure-summary", "carryover:closing", "amount", None, "expenditure", "55.34"),
    ("income-expenditure-summary", "total", "amount", None, "income", "2,995.39"),
    # page 8 收入决算表 (类/款/项 header sharing a grid row with 合计)
    ("income-summary", "total", "subtotal", None, None, "2,946.25"),
    ("income-summary", "func-201", "subtotal", None, None, "2,112.86"),
    ("income-summary", "func-2010601", "subtotal", None, None, "1,511.90"),
    ("income-summary", "func-2010601", "other-revenue", None, None, "0.01"),
    # page 10 支出决算表 (figures printed higher than their labels)
    ("expenditure-summary", "total", "basic", None, None, "2,336.91"),
    ("expenditure-summary", "func-2010601", "project", None, None, "8.37"),
    ("expenditure-summary", "func-2010608", "project", None, None, "449.52"),
    # page 12 财政拨款收入支出决算总表
    ("fiscal-summary", "func-201", "total", "general-budget", "expenditure", "2,106.66"),
    ("fiscal-summary", "func-208", "total", "general-budget", "expenditure", "326.71"),
    # page 16, the basic-expenditure table printed as two halves side by side
    ("general-budget-basic-expenditure", "econ-301", "amount", None, None, "2,082.85"),
    ("general-budget-basic-expenditure", "econ-30102", "amount", None, None, "1,238.58"),
    ("general-budget-basic-expenditure", "econ-30108", "amount", None, None, "160.75"),
    ("general-budget-basic-expenditure", "econ-302", "amount", None, None, "171.07"),
    ("general-budget-basic-expenditure", "econ-30207", "amount", None, None, "4.88"),
    # page 17, right half continued
    ("general-budget-basic-expenditure", "econ-30229", "amount", None, None, "42.77"),
    # page 18 "三公" table across with 预算数/决算数 pairs
    ("three-public-expenses", "three-public:total", "initial-budget", None, None, "0.95"),
    ("three-public-expenses", "three-public:reception", "initial-budget", None, None, "0.95"),
]

HAND_CHECKED = {
    DOCUMENTS[0]: WANLI_2024,
    DOCUMENTS[1]: WANLI_2023,
    DOCUMENTS[2]: FULIYUAN_2024,
    DOCUMENTS[3]: CAIZHENGJU_2024,
}


@pytest.mark.parametrize(
    "name,table,slug,measure,fund,side,printed",
    [(name, *row) for name, rows in HAND_CHECKED.items() for row in rows],
)
def test_figure_checked_by_hand(corpus, name, table, slug, measure, fund, side, printed):
    disclosure = _load(name)
    found = figure(disclosure, table, slug, measure, fund, side)
    assert found.amount.raw == printed
    assert found.amount.value == Decimal(printed.replace(",", ""))
    wan = name == DOCUMENTS[3] or table == "three-public-expenses"
    assert found.amount.unit == (Unit.WAN_YUAN if wan else Unit.YUAN)


def test_at_least_twenty_figures_per_document():
    assert all(len(rows) >= 20 for rows in HAND_CHECKED.values())


def test_units_follow_the_unit_line(corpus):
    """单位：元 for the tables of the budgets, 单位:万元 for their "三公" table, 万元 for the final accounts."""
    for name in DOCUMENTS[:3]:
        units = {t.kind: t.unit.value for t in _load(name).tables}
        assert units.pop("three-public-expenses") == "万元"
        assert set(units.values()) == {"元"}
    assert {t.unit.value for t in _load(DOCUMENTS[3]).tables} == {"万元"}
    assert figure(_load(DOCUMENTS[0]), "income-summary", "total", "total").amount.yuan == Decimal("156211123")
    assert figure(_load(DOCUMENTS[3]), "income-summary", "total", "subtotal").amount.yuan == Decimal("29462500")


# --- what each document brings -------------------------------------------------------------------

def test_identity_of_each_document(corpus):
    expected = {
        DOCUMENTS[0]: ("上海市普陀区人民政府万里街道办事处", 2024, "budget", "department"),
        DOCUMENTS[1]: ("上海市普陀区人民政府万里街道办事处", 2023, "budget", "department"),
        DOCUMENTS[2]: ("上海市普陀区社会福利院", 2024, "budget", "unit"),
        DOCUMENTS[3]: ("上海市普陀区财政局", 2024, "final", "department"),
    }
    for name, (department, year, phase, scope) in expected.items():
        d = _load(name)
        assert (d.department.name, d.year, d.phase, d.scope) == (department, year, phase, scope), name


def test_two_halves_table_reads_left_half_then_right_half(corpus):
    """财政局 page 16-17: 301/303 on the left, 302/310 on the right; each half in code order."""
    table = next(t for t in _load(DOCUMENTS[3]).tables if t.kind == "general-budget-basic-expenditure")
    codes = [line.key.economic for line in table.lines if line.key.economic]
    classes = [code[:3] for code in codes]
    assert classes == sorted(classes, key=["301", "303", "302", "310"].index)
    assert len(codes) == len(set(codes)) == 64
    labels = [line.label for line in table.lines if not line.key.economic]
    assert labels == ["人员经费合计", "公用经费合计"]
    # a name wrapped over two lines in its cell
    assert next(line.label for line in table.lines if line.key.economic == "30108") == "机关事业单位基本养老保险缴费"


def test_final_accounts_columns(corpus):
    d = _load(DOCUMENTS[3])
    fund = next(t for t in d.tables if t.kind == "gov-fund-expenditure")
    assert [c.measure for c in fund.columns] == [
        "opening-balance", "income", "subtotal", "basic", "project", "closing-balance",
    ]
    three = next(t for t in d.tables if t.kind == "three-public-expenses")
    assert [c.measure for c in three.columns] == ["initial-budget", "amount"]
    assert [line.key.item for line in three.lines] == [
        "three-public:total", "three-public:overseas", "three-public:vehicles", "three-public:vehicle-purchase",
        "three-public:vehicle-operation", "three-public:reception",
    ]


def test_page_without_text_is_reported(corpus):
    d = _load(DOCUMENTS[3])
    notes = [n for n in d.notes if n.code == "page-without-text"]
    assert [n.locator.page for n in notes] == [14]
    assert d.source.pages == 25


def test_performance_target_tables_with_merged_cells(corpus):
    d = _load(DOCUMENTS[1])
    assert [p.name for p in d.projects] == [
        "新建万里街道社区公共服务中心", "就业援助基地补贴", "社区环境整治和建设经费", "各类工作经费", "公共服务设施运行经费",
    ]
    first = d.projects[0]
    assert first.budget.raw == "4,100,000.00" and first.budget.unit.value == "元"
    assert first.fiscal.value == Decimal("4100000.00")
    assert ("项目性质", "阶段性项目") in first.attributes
    target = first.indicators[0].target
    assert (first.indicators[0].level3, target.comparator, target.value, target.unit) == (
        "规划建筑面积", "≥", Decimal("13459.00"), "平方米",
    )
    assert [len(p.indicators) for p in d.projects] == [5, 4, 4, 43, 9]
    assert d.projects[3].indicators[-1].level1 == "满意度指标"  # inherited down the merged cells


def test_claims_name_their_classification(corpus):
    d = _load(DOCUMENTS[0])
    claims = [c for c in d.claims if c.code == "2010507"]
    assert {c.code_name for c in claims} == {"专项普查活动"}
    assert {(c.value, c.unit) for c in claims} >= {(Decimal("25.77"), "万元"), (Decimal("60.13"), "万元")}
    final = _load(DOCUMENTS[3])
    administration = [c for c in final.claims if c.code == "2010601"]
    assert [(c.subject, c.value) for c in administration] == [("年初预算", Decimal("1560.05")), ("支出决算", Decimal("1511.89"))]


def test_wrapped_narrative_lines_are_one_paragraph(corpus):
    """A figure cut by a line end ("1511.89万" / "元。") is still read as a claim."""
    final = _load(DOCUMENTS[3])
    assert any(c.value == Decimal("1511.89") and c.unit == "万元" for c in final.claims)
    assert any(c.value == Decimal("2995.39") for c in final.claims)
    assert len(final.glossary) == 11
