"""HTML landing pages: one per data package and one for the catalog.

The pages are static and self-contained (style and scripts written inline, no network, no web
fonts), so a portal can put them online as they are or open them from disk. They are written for
people (Chinese with English labels and a language switch, responsive, accessible: headings, a
labelled chart drillable with the keyboard, a table behind every chart) and for search engines
(schema.org ``Dataset`` JSON-LD). Bytes are deterministic: no clock, every list sorted or in
document order. Money is formatted from ``Decimal`` only; chart geometry is exact too
(``pages.treemap``).

Entry points, called by the build: ``render_package_page`` and ``render_catalog_page``
(with ``package_entry`` to summarise a disclosure for the catalog).
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any, BinaryIO, Iterable, Iterator, Mapping, Sequence
from urllib.parse import quote

from ..model.disclosure import Disclosure, Line, Project, Table
from ..model.money import Amount, Unit
from .pages import asset
from .pages.treemap import squarify

DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
SCHEMA = "https://schema.org/"

PHASES = {"budget": ("预算", "budget"), "final": ("决算", "final accounts")}
SEVERITIES = (("error", "错误", "error"), ("warning", "警告", "warning"), ("info", "提示", "info"))

# Measure keys (vocab/recognition.toml [columns]) with Chinese and English names, for
# schema.org variableMeasured and table headers.
MEASURES: dict[str, tuple[str, str]] = {
    "total": ("合计", "Total"),
    "subtotal": ("小计", "Subtotal"),
    "basic": ("基本支出", "Basic expenditure"),
    "project": ("项目支出", "Project expenditure"),
    "business": ("经营支出", "Business expenditure"),
    "remit-to-superior": ("上缴上级支出", "Remittance to superior"),
    "subsidy-to-affiliates": ("对附属单位补助支出", "Subsidies to affiliates"),
    "personnel": ("人员经费", "Personnel costs"),
    "public-admin": ("公用经费", "Public administration costs"),
    "fiscal-appropriation": ("财政拨款收入", "Fiscal appropriation"),
    "special-account": ("财政专户收入", "Special account revenue"),
    "operating-revenue": ("事业收入", "Operating revenue"),
    "business-revenue": ("经营收入", "Business revenue"),
    "superior-subsidy": ("上级补助收入", "Subsidy from superior"),
    "affiliate-remittance": ("附属单位上缴收入", "Remittance from affiliates"),
    "other-revenue": ("其他收入", "Other revenue"),
    "unit-funds": ("单位资金", "Unit funds"),
    "carry-over": ("上年结转", "Carry-over"),
    "opening-balance": ("年初结转结余", "Opening balance"),
    "closing-balance": ("年末结转结余", "Closing balance"),
    "income": ("收入", "Income"),
    "expenditure": ("支出", "Expenditure"),
    "amount": ("金额", "Amount"),
    "initial-budget": ("年初预算数", "Initial budget"),
}
FUNDS: dict[str, tuple[str, str]] = {
    "general-budget": ("一般公共预算", "General public budget"),
    "gov-fund": ("政府性基金预算", "Government fund budget"),
    "state-capital": ("国有资本经营预算", "State capital operation budget"),
    "special-account": ("财政专户", "Special account"),
}
# What the files of a package are (by name, then by media type).
KNOWN_FILES: dict[str, tuple[str, str]] = {
    "datapackage.json": ("数据包描述（Frictionless）", "Data package descriptor (Frictionless)"),
    "data.ttl": ("关联数据（Turtle）", "Linked data (Turtle)"),
    "data.jsonld": ("关联数据（JSON-LD）", "Linked data (JSON-LD)"),
    "data.nt": ("关联数据（N-Triples）", "Linked data (N-Triples)"),
    "report.json": ("校验报告", "Validation report"),
    "budget-lines.csv": ("预算明细：每个金额一行", "Budget lines: one row per amount"),
    "functional-codes.csv": ("功能分类科目", "Functional classification codes"),
    "economic-codes.csv": ("经济分类科目", "Economic classification codes"),
    "projects.csv": ("项目", "Projects"),
    "indicators.csv": ("绩效指标与目标值", "Performance indicators and targets"),
    "spending-plans.csv": ("项目资金支出计划", "Project spending plans"),
    "procurement.csv": ("政府采购预算", "Government procurement budget"),
    "assets.csv": ("国有资产占用情况", "State-owned assets"),
    "three-public.csv": ("“三公”经费", "“Three public” expenses"),
    "claims.csv": ("说明文字中的数字", "Figures stated in the narrative"),
    "institutions.csv": ("机构设置", "Institutions"),
    "glossary.csv": ("名词解释", "Glossary"),
    "coverage.csv": ("原文数字的去向", "What became of every number of the source"),
}
FORMATS: dict[str, str] = {
    "text/csv": "CSV",
    "text/turtle": "Turtle",
    "application/ld+json": "JSON-LD",
    "application/n-triples": "N-Triples",
    "application/json": "JSON",
    "text/html": "HTML",
    "text/plain": "Text",
    "application/pdf": "PDF",
}
# Fills of the chart with white text at a contrast of at least 4.5:1.
PALETTE = (
    "#1f5f8b", "#b4541a", "#2e6b34", "#6a3d9a", "#a8234f", "#00696b",
    "#7a5230", "#34499b", "#8a6200", "#4b5966", "#8e3b2e", "#2d6a86",
)
CHART_SIZES = (("wide", Decimal(960), Decimal(540)), ("tall", Decimal(420), Decimal(600)))

_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")


# --------------------------------------------------------------------------------------------
# Data for the pages


@dataclass(frozen=True, slots=True)
class Totals:
    """The headline figures of a disclosure, as printed (``None`` when the table is absent)."""

    income: Amount | None
    expenditure: Amount | None
    basic: Amount | None
    project: Amount | None


@dataclass(frozen=True, slots=True)
class PackageEntry:
    """One package as the catalog page lists it. Amounts are in yuan, exact."""

    slug: str
    title: str
    department: str
    division: str
    province: str
    year: int
    phase: str
    income: Decimal | None = None
    expenditure: Decimal | None = None
    basic: Decimal | None = None
    project: Decimal | None = None
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    division_code: str = ""
    projects: int = 0
    files: tuple[tuple[str, str, int], ...] = field(default=())  # (relative name, media type, bytes)


@dataclass(frozen=True, slots=True)
class FunctionalNode:
    """A functional classification line (类/款/项) with its children, for the chart."""

    code: str
    name: str
    level: int
    total: Decimal  # in the table's unit, as printed
    basic: Decimal | None
    project: Decimal | None
    children: tuple["FunctionalNode", ...]


def _cell(line: Line | None, measure: str, fund: str | None = None) -> Amount | None:
    if line is None:
        return None
    for cell in line.cells:
        if cell.column.measure == measure and cell.column.fund == fund and cell.amount is not None:
            return cell.amount
    return None


def _line(table: Table | None, item: str) -> Line | None:
    if table is None:
        return None
    for line in table.lines:
        if line.key.item == item:
            return line
    return None


def _first(*amounts: Amount | None) -> Amount | None:
    for amount in amounts:
        if amount is not None:
            return amount
    return None


def headline_totals(disclosure: Disclosure) -> Totals:
    """Income and expenditure from 收支总表; basic and project from the 支出总表 total line."""
    summary = disclosure.table("income-expenditure-summary") or disclosure.table("fiscal-summary")
    income = _first(
        _cell(_line(summary, "total:income"), "amount"),
        _cell(_line(summary, "total:income-current"), "amount"),
    )
    expense_line = _line(summary, "total:expenditure") or _line(summary, "total:expenditure-current")
    expenditure = _first(_cell(expense_line, "amount"), _cell(expense_line, "total"))
    spending = disclosure.table("expenditure-summary")
    total_line = _line(spending, "total")
    return Totals(income, expenditure, _cell(total_line, "basic"), _cell(total_line, "project"))


def _findings(report: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    if not report:
        return []
    found = report.get("findings", [])
    return [f for f in found if isinstance(f, Mapping)] if isinstance(found, list) else []


def _severity_counts(report: Mapping[str, Any] | None) -> dict[str, int]:
    counts = {key: 0 for key, _, _ in SEVERITIES}
    for finding in _findings(report):
        severity = str(finding.get("severity", "info"))
        counts[severity if severity in counts else "info"] += 1
    return counts


def _division_text(disclosure: Disclosure) -> str:
    division = disclosure.division
    if division.province and division.name and division.name.startswith(division.province):
        return division.name  # 上海市普陀区, not 上海市上海市普陀区
    return "".join(p for p in (division.province, division.name) if p)


def package_entry(
    disclosure: Disclosure,
    report: Mapping[str, Any] | None = None,
    files: Iterable[tuple[str, str, int]] = (),
) -> PackageEntry:
    """Summarise a disclosure for the catalog page."""
    totals = headline_totals(disclosure)
    counts = _severity_counts(report)
    return PackageEntry(
        slug=disclosure.slug,
        title=_page_title(disclosure),
        department=disclosure.department.name,
        division=disclosure.division.name or "",
        province=disclosure.division.province or "",
        year=disclosure.year,
        phase=disclosure.phase,
        income=totals.income.yuan if totals.income else None,
        expenditure=totals.expenditure.yuan if totals.expenditure else None,
        basic=totals.basic.yuan if totals.basic else None,
        project=totals.project.yuan if totals.project else None,
        errors=counts["error"],
        warnings=counts["warning"],
        infos=counts["info"],
        division_code=disclosure.division.code or "",
        projects=len(disclosure.projects),
        files=tuple(sorted(files)),
    )


def functional_tree(disclosure: Disclosure) -> tuple[FunctionalNode, ...]:
    """The 类 → 款 → 项 tree of expenditure, from 支出总表 (or the general budget table)."""
    table = disclosure.table("expenditure-summary")
    if table is None or not any(line.key.functional for line in table.lines):
        table = disclosure.table("general-budget-expenditure")
    if table is None:
        return ()
    rows: dict[str, tuple[str, Decimal, Decimal | None, Decimal | None]] = {}
    for line in table.lines:
        code = line.key.functional
        if not code or code in rows or len(code) not in (3, 5, 7):
            continue
        total = _main_cell(line)
        basic = _cell(line, "basic")
        project = _cell(line, "project")
        value = total.value if total else sum((a.value for a in (basic, project) if a), Decimal(0))
        rows[code] = (line.label, value, basic.value if basic else None, project.value if project else None)
    names = _class_names()
    # Lines whose parent is missing get a parent built from their children.
    for code in sorted(rows, key=len, reverse=True):
        for parent in (code[:5], code[:3]):
            if len(parent) < len(code) and parent not in rows and (len(parent) == 3 or len(code) == 7):
                kids = [c for c in rows if len(c) == len(parent) + 2 and c.startswith(parent)]
                value = sum((rows[c][1] for c in kids), Decimal(0))
                rows[parent] = (names.get(parent, (parent, ""))[0], value, None, None)

    def build(code: str) -> FunctionalNode:
        label, value, basic, project = rows[code]
        kids = sorted(c for c in rows if len(c) == len(code) + 2 and c.startswith(code))
        return FunctionalNode(code, label, len(code) // 2, value, basic, project, tuple(build(c) for c in kids))

    return tuple(build(code) for code in sorted(c for c in rows if len(c) == 3))


@cache
def _province_en(name: str | None) -> str:
    """The English name of a province (vocab/codelists/provinces.csv), or ``""``."""
    if not name:
        return ""
    from ..vocab import vocab_dir

    with (vocab_dir() / "codelists" / "provinces.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["name_zh"] == name:
                return row["name_en"]
    return ""


@cache
def _class_names() -> dict[str, tuple[str, str]]:
    from ..vocab import recognition

    rec = recognition()
    return {c.code: (c.name_zh, c.name_en) for c in rec.functional_classes + rec.economic_classes}


# --------------------------------------------------------------------------------------------
# Formatting


def _escapable(text: str) -> bool:
    """Whether ``text`` holds a character that html.escape(quote=True) replaces. Five substring tests:
    a regular-expression class is several times slower on Chinese (two-byte) text."""
    return "&" in text or "<" in text or ">" in text or '"' in text or "'" in text


def _e(text: object) -> str:
    """``html.escape(str(text), quote=True)``; most texts have nothing to escape and are only scanned."""
    text = str(text)
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:  # _escapable, inlined (~2,400 calls a page)
        return html.escape(text, quote=True)
    return text


def _e_each(*texts: object) -> list[str]:
    """``_e`` of each text, with one scan of them all when (nearly always) none has anything to escape."""
    strings = list(map(str, texts))
    return list(map(_e, strings)) if _escapable("".join(strings)) else strings


def _bi(zh: str, en: str) -> str:
    """A label in Chinese with its English beside it (the page switch shows one or both)."""
    return f'<span class="zh">{_e(zh)}</span><span class="en" lang="en">{_e(en)}</span>'


def _num(value: Decimal) -> str:
    """A decimal with thousands separators and its own precision kept."""
    return format(value, ",f")


def _money(amount: Amount | None) -> str:
    return "—" if amount is None else _num(amount.value)


def _wan(yuan: Decimal | None) -> str:
    """Yuan shown in 万元 to 0.01 (half up, as printed tables round)."""
    if yuan is None:
        return "—"
    return _num((yuan / Decimal(10000)).quantize(_CENT, rounding=ROUND_HALF_UP))


def _fen(yuan: Decimal | None) -> str:
    """Yuan as an integer of fen, for exact sums in the catalog script."""
    if yuan is None:
        return ""
    return str(int((yuan * 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)))


def _pct(part: Decimal, whole: Decimal) -> str:
    """A share as printed: to 0.1 %, and "<0.1%" for a positive part too small to show."""
    share = _share(part, whole)
    return "<0.1%" if share == 0 and part > 0 and whole > 0 else f"{share}%"


def _share(part: Decimal, whole: Decimal) -> Decimal:
    if whole == 0:
        return Decimal(0)
    return (part * 100 / whole).quantize(_TENTH, rounding=ROUND_HALF_UP)


def _unit_en(unit: Unit) -> str:
    return "10k yuan" if unit is Unit.WAN_YUAN else "yuan"


def _unit(unit: Unit) -> str:
    return _bi(unit.value, _unit_en(unit))


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    for suffix, scale in (("KB", 1024), ("MB", 1024 * 1024), ("GB", 1024**3)):
        tenths = (size * 10 + scale // 2) // scale
        if tenths < 10240 or suffix == "GB":
            return f"{tenths // 10}.{tenths % 10} {suffix}"
    raise AssertionError("unreachable")  # pragma: no cover


def _json_script(data: Any, compact: bool = False) -> str:
    """JSON for a <script> element: ``<``, ``>`` and ``&`` escaped so no text can end or open a tag.

    ``compact`` leaves out the indentation: the catalog page's JSON-LD grows with the number of
    packages, and only unindented JSON is written by the json module's C encoder (~10x faster)."""
    if compact:
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    else:
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
    return _script_safe(text)


def _script_safe(text: str) -> str:
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _locator_text(locator: Mapping[str, Any]) -> str:
    parts = []
    for key in ("file", "page", "line", "table", "row", "column"):
        value = locator.get(key)
        if value in (None, ""):
            continue
        parts.append(str(value) if key == "file" else f"{key} {value}")
    return ", ".join(parts)


def _page_title(disclosure: Disclosure) -> str:
    phase = PHASES.get(disclosure.phase, (disclosure.phase, disclosure.phase))[0]
    return f"{disclosure.department.name} {disclosure.year}年部门{phase}"


def _page_title_en(disclosure: Disclosure) -> str:
    phase = PHASES.get(disclosure.phase, (disclosure.phase, disclosure.phase))[1]
    scope = "unit" if disclosure.scope == "unit" else "department"
    return f"{disclosure.year} {scope} {phase}"


# --------------------------------------------------------------------------------------------
# Page frame


def _document(title: str, description: str, jsonld: Mapping[str, Any], body: str, scripts: Sequence[str],
              head_extra: str = "", compact_json: bool = False) -> bytes:
    out = io.BytesIO()
    _write_document(out, title, description, [_json_script(jsonld, compact_json)], [body], scripts, head_extra)
    return out.getvalue()


def _write_document(out: BinaryIO, title: str, description: str, json_pieces: Iterable[str],
                    body_pieces: Iterable[str], scripts: Sequence[str], head_extra: str = "") -> None:
    """A page written piece by piece: the JSON-LD (already escaped for a script element) and the body
    come as iterables of text, so a page listing every package is never held whole."""
    script_text = "".join(f"<script>\n{asset(name)}</script>\n" for name in ("lang.js", *scripts))
    out.write((
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n"
        f'<meta name="description" content="{_e(description)}">\n'
        '<meta name="generator" content="opendata">\n'
        f"{head_extra}"
        f"<style>\n{asset('page.css')}</style>\n"
        '<script type="application/ld+json">\n'
    ).encode("utf-8"))
    for piece in json_pieces:
        out.write(piece.encode("utf-8"))
    out.write((
        "\n</script>\n"
        "</head>\n<body>\n"
        '<a class="skip" href="#main">跳到正文 <span lang="en">Skip to content</span></a>\n'
    ).encode("utf-8"))
    for piece in body_pieces:
        out.write(piece.encode("utf-8"))
    out.write((
        '<footer class="site-foot"><div class="wrap">'
        f"{_bi('由 opendata 根据公开的预决算文件生成；数字以原文为准。', 'Generated by opendata from the published disclosure; the source document prevails.')}"
        "</div></footer>\n"
        f"{script_text}"
        "</body>\n</html>\n"
    ).encode("utf-8"))


_LANGS = (
    '<div class="langs" role="group" aria-label="语言 Language" hidden>'
    '<button type="button" data-set-lang="zh" aria-pressed="false">中文</button>'
    '<button type="button" data-set-lang="both" aria-pressed="true">双语</button>'
    '<button type="button" data-set-lang="en" aria-pressed="false" lang="en">English</button>'
    "</div>"
)


def _toc(items: Sequence[tuple[str, str, str]]) -> str:
    links = "".join(f'<li><a href="#{anchor}">{_bi(zh, en)}</a></li>' for anchor, zh, en in items)
    return f'<nav class="toc" aria-label="本页目录 On this page"><div class="wrap"><ul>{links}</ul></div></nav>\n'


def _section(anchor: str, zh: str, en: str, inner: str) -> str:
    return (
        f'<section id="{anchor}" aria-labelledby="{anchor}-h">\n'
        f'<h2 id="{anchor}-h">{_bi(zh, en)}</h2>\n{inner}</section>\n'
    )


def _table(caption: str, head: Sequence[str], rows: Sequence[str], *, foot: str = "", label: str = "",
           table_id: str = "") -> str:
    ident = f' id="{table_id}"' if table_id else ""
    heads = "".join(head)
    return (
        f'<div class="scroll" role="region" tabindex="0" aria-label="{_e(label or caption)}">'
        f"<table{ident}><caption>{caption}</caption>"
        f"<thead><tr>{heads}</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody>"
        + (f"<tfoot>{foot}</tfoot>" if foot else "")
        + "</table></div>\n"
    )


def _th(zh: str, en: str, num: bool = False) -> str:
    cls = ' class="num"' if num else ""
    return f'<th scope="col"{cls}>{_bi(zh, en)}</th>'


# --------------------------------------------------------------------------------------------
# Package page


def render_package_page(
    disclosure: Disclosure,
    *,
    report: Mapping[str, Any] | None,
    files: Sequence[tuple[str, str, int]],
    citation: str | None = None,
    dataset_iri: str | None = None,
    license: str | None = None,  # noqa: A002 - the schema.org term
    publisher: str | None = None,
    base_url: str | None = None,
) -> bytes:
    """The landing page of one package (``DIR/<package>/index.html``), as UTF-8 bytes.

    ``files`` are (name relative to the package folder, media type, size in bytes) of every file
    of the package; each gets a download link and a schema.org ``DataDownload``. ``base_url`` is
    where the package folder is served (ending in ``/``): it makes ``contentUrl`` absolute.
    """
    files = sorted(f for f in files if f[0] != "index.html")
    totals = headline_totals(disclosure)
    tree = functional_tree(disclosure)
    title = _page_title(disclosure)
    title_en = _page_title_en(disclosure)
    description = _description(disclosure, totals)
    license_iri = license or DEFAULT_LICENSE
    jsonld = _dataset_jsonld(disclosure, totals, files, dataset_iri, license_iri, publisher, description, base_url)
    cite = citation or _default_citation(disclosure, dataset_iri)

    sections = [
        ("totals", "总体情况", "Headline totals", _totals_section(disclosure, totals)),
        ("functional", "按功能分类的支出", "Expenditure by function", _functional_section(disclosure, tree)),
        ("economic", "基本支出经济分类", "Basic expenditure by economic class", _economic_section(disclosure)),
        ("projects", "项目与绩效目标", "Projects and performance targets", _projects_section(disclosure)),
        ("three-public", "“三公”经费", "“Three public” expenses", _three_public_section(disclosure)),
        ("findings", "校验结果", "Validation findings", _findings_section(report)),
        ("downloads", "下载", "Downloads", _downloads_section(files)),
        ("cite", "引用", "How to cite", _cite_section(disclosure, cite, dataset_iri)),
    ]
    phase_zh, phase_en = PHASES.get(disclosure.phase, (disclosure.phase, disclosure.phase))
    division = _division_text(disclosure)
    facts = [
        _bi(f"{disclosure.year}年度", f"Year {disclosure.year}"),
        _bi(phase_zh, phase_en.capitalize()),
    ]
    if division or disclosure.division.code:
        code = disclosure.division.code or ""
        province_en = _province_en(disclosure.division.province)
        facts.append(_bi(f"{division} ({code})" if code and division else division or code,
                         " · ".join(p for p in (province_en, code) if p) or division))
    if disclosure.department.code:
        facts.append(_bi(f"部门编码 {disclosure.department.code}", f"code {disclosure.department.code}"))
    header = (
        '<header class="site"><div class="wrap">'
        f"{_LANGS}"
        f'<p class="crumbs"><a href="../index.html">{_bi("数据目录", "Catalog")}</a></p>'
        f'<h1><span class="zh">{_e(title)}</span><span class="en" lang="en">{_e(disclosure.department.name)} · {_e(title_en)}</span></h1>'
        f'<ul class="facts">{"".join(f"<li>{fact}</li>" for fact in facts)}</ul>'
        "</div></header>\n"
    )
    toc = _toc([(anchor, zh, en) for anchor, zh, en, _ in sections])
    main = '<main id="main"><div class="wrap">\n' + "".join(
        _section(anchor, zh, en, inner) for anchor, zh, en, inner in sections
    ) + "</div></main>\n"
    head_extra = ""
    if any(name == "data.jsonld" for name, _, _ in files):
        head_extra += '<link rel="alternate" type="application/ld+json" href="data.jsonld">\n'
    if any(name == "datapackage.json" for name, _, _ in files):
        head_extra += '<link rel="describedby" type="application/json" href="datapackage.json">\n'
    return _document(f"{title} · opendata", description, jsonld, header + toc + main, ("package.js",), head_extra)


def _description(disclosure: Disclosure, totals: Totals) -> str:
    unit = disclosure.unit.value
    parts_zh = []
    parts_en = []
    if totals.income:
        parts_zh.append(f"收入总计{_money(totals.income)}{totals.income.unit.value}")
        parts_en.append(f"total income {_money(totals.income)} {_unit_en(totals.income.unit)}")
    if totals.expenditure:
        parts_zh.append(f"支出总计{_money(totals.expenditure)}{totals.expenditure.unit.value}")
        parts_en.append(f"total expenditure {_money(totals.expenditure)} {_unit_en(totals.expenditure.unit)}")
    if totals.basic and totals.project:
        parts_zh.append(f"其中基本支出{_money(totals.basic)}{unit}、项目支出{_money(totals.project)}{unit}")
        parts_en.append(f"of which basic {_money(totals.basic)} and projects {_money(totals.project)}")
    division = _division_text(disclosure)
    zh = f"{division}{_page_title(disclosure)}公开数据：" + "，".join(parts_zh)
    zh += f"；{len(disclosure.projects)}个项目的预算、支出计划和绩效目标；“三公”经费；数据校验结果。"
    en = (
        f"Open data of the {_page_title_en(disclosure)} of {disclosure.department.name}"
        f"{' (' + division + ')' if division else ''}: " + ", ".join(parts_en)
        + f"; budgets, spending plans and performance targets of {len(disclosure.projects)} projects;"
        " “three public” expenses; validation findings."
    )
    return f"{zh} {en}"


def _dataset_jsonld(
    disclosure: Disclosure,
    totals: Totals,
    files: Sequence[tuple[str, str, int]],
    dataset_iri: str | None,
    license_iri: str,
    publisher: str | None,
    description: str,
    base_url: str | None = None,
) -> dict[str, Any]:
    department = {"@type": "GovernmentOrganization", "name": disclosure.department.name}
    if disclosure.department.code:
        department["identifier"] = disclosure.department.code
    data: dict[str, Any] = {
        "@context": {"@vocab": SCHEMA},
        "@type": "Dataset",
        "name": _page_title(disclosure),
        "alternateName": f"{disclosure.department.name}: {_page_title_en(disclosure)}",
        "description": description,
        "identifier": disclosure.slug,
        "inLanguage": "zh-CN",
        "isAccessibleForFree": True,
        "keywords": ["部门预算" if disclosure.phase == "budget" else "部门决算", "财政", "budget",
                     "public finance", "open data", str(disclosure.year)],
        "creator": department,
        "publisher": {"@type": "Organization", "name": publisher} if publisher else department,
        "temporalCoverage": str(disclosure.year),
        "license": {"@id": license_iri},
        "distribution": [_distribution(name, media, size, base_url or "") for name, media, size in files],
        "variableMeasured": _variables(disclosure),
        "isBasedOn": {
            "@type": "CreativeWork",
            "name": disclosure.title,
            "identifier": f"sha256:{disclosure.source.sha256}",
            "encodingFormat": disclosure.source.media_type,
        },
    }
    if dataset_iri:
        data["@id"] = dataset_iri
        data["url"] = dataset_iri
    spatial = _spatial(disclosure)
    if spatial:
        data["spatialCoverage"] = spatial
    return data


@lru_cache(maxsize=256)
def _file_facts(name: str, media: str) -> tuple[str, str]:
    """Description and quoted name of a package file: the same ~20 names recur in every package."""
    zh, en = _file_label(name, media)
    return f"{zh} {en}", quote(name)


def _distribution(name: str, media: str, size: int, prefix: str = "") -> dict[str, Any]:
    description, quoted = _file_facts(name, media)
    return {
        "@type": "DataDownload",
        "name": name,
        "description": description,
        "contentUrl": prefix + quoted,
        "encodingFormat": media,
        "contentSize": f"{size} B",
    }


def _spatial(disclosure: Disclosure) -> dict[str, Any] | None:
    division = disclosure.division
    if not (division.name or division.province or division.code):
        return None
    place: dict[str, Any] = {"@type": "AdministrativeArea", "name": _division_text(disclosure) or division.code}
    if division.code:
        place["identifier"] = division.code
    if division.province and division.name and division.province != division.name:
        place["containedInPlace"] = {"@type": "AdministrativeArea", "name": division.province}
    return place


def _variables(disclosure: Disclosure) -> list[dict[str, Any]]:
    seen = {cell.column.measure for table in disclosure.tables for line in table.lines for cell in line.cells
            if cell.amount is not None}  # the measures of disclosure.figures(), without making the figures
    out = []
    for measure in sorted(seen):
        zh, en = MEASURES.get(measure, (measure, measure))
        out.append({"@type": "PropertyValue", "name": f"{zh} {en}", "propertyID": measure,
                    "unitText": disclosure.unit.value})
    if disclosure.projects:
        out.append({"@type": "PropertyValue", "name": "绩效指标值 Performance target", "propertyID": "target"})
    return out


def _default_citation(disclosure: Disclosure, dataset_iri: str | None) -> str:
    division = _division_text(disclosure)
    where = f"{division}" if division else ""
    text = (
        f"{disclosure.department.name}. {_page_title(disclosure)}（{where}）[数据集 dataset]. "
        f"opendata package {disclosure.slug}. "
        f"Source: {disclosure.source.name}, SHA-256 {disclosure.source.sha256}."
    )
    if dataset_iri:
        text += f" {dataset_iri}"
    return text


def _totals_section(disclosure: Disclosure, totals: Totals) -> str:
    summary = disclosure.table("income-expenditure-summary") or disclosure.table("fiscal-summary")
    sources = []
    if summary is not None:
        for line in summary.lines:
            if line.side == "income" and (line.key.item or "").startswith("income:"):
                amount = _cell(line, "amount")
                if amount is not None and amount.value != 0:
                    sources.append(f"<li>{_e(_strip_serial(line.label))}: {_money(amount)}</li>")
    cards = []
    for zh, en, amount, extra in (
        ("收入总计", "Total income", totals.income, f"<ul>{''.join(sources)}</ul>" if sources else ""),
        ("支出总计", "Total expenditure", totals.expenditure, ""),
        ("基本支出", "Basic expenditure", totals.basic, _bi("保障机构运转的人员和公用经费", "Staff and running costs")),
        ("项目支出", "Project expenditure", totals.project, _bi(f"{len(disclosure.projects)}个项目有绩效目标",
                                                            f"{len(disclosure.projects)} projects with targets")
         if disclosure.projects else ""),
    ):
        unit = _unit(amount.unit) if amount else ""
        extra_html = f'<div class="note">{extra}</div>' if extra and not extra.startswith("<ul") else extra
        cards.append(
            f'<div class="card"><h3>{_bi(zh, en)}</h3>'
            f'<p class="value">{_money(amount)} <small>{unit}</small></p>{extra_html}</div>'
        )
    out = f'<div class="cards">{"".join(cards)}</div>\n'
    if totals.basic and totals.project:
        whole = totals.basic.value + totals.project.value
        b = _share(totals.basic.value, whole)
        p = Decimal(100) - b if whole else Decimal(0)
        label = f"基本支出 {b}%，项目支出 {p}% · basic {b}%, project {p}%"
        out += (
            f'<div class="split" role="img" aria-label="{_e(label)}">'
            f'<span class="basic" style="width:{b}%"></span><span class="project" style="width:{p}%"></span></div>'
            '<ul class="key">'
            f'<li><i class="basic"></i>{_bi("基本支出", "Basic")} {b}%</li>'
            f'<li><i class="project"></i>{_bi("项目支出", "Project")} {p}%</li></ul>\n'
        )
    unit = disclosure.unit
    out += f'<p class="note">{_bi(f"金额单位：{unit.value}，与原文一致。", f"Amounts in {_unit_en(unit)}, as printed in the source.")}</p>\n'
    return out


def _strip_serial(label: str) -> str:
    head, sep, rest = label.partition("、")
    return rest if sep and len(head) <= 4 else label


def _functional_section(disclosure: Disclosure, tree: Sequence[FunctionalNode]) -> str:
    if not tree:
        return f'<p class="note">{_bi("原文没有按功能分类的支出表。", "The source has no expenditure table by function.")}</p>\n'
    unit = disclosure.unit
    total = sum((node.total for node in tree), Decimal(0))
    root_summary = f"{_num(total)} {unit.value}"
    views = _treemap_views(tree, total, unit)
    svgs = "".join(_treemap_svg(views, size, width, height) for size, width, height in CHART_SIZES)
    chart = (
        '<div class="chart-head">'
        f'<ol class="tm-path" id="tm-path" aria-label="图表层级 Chart level"><li><a href="#tm=" aria-current="location">全部 All</a></li></ol>'
        f'<p class="note" id="tm-status" aria-live="polite">全部 All · {_e(root_summary)}</p></div>'
        f'<div class="treemap" id="tm" data-current="">{svgs}</div>'
        f'<p class="note">{_bi("点击或按回车键进入下一级（类 → 款 → 项），按 Esc 返回上一级。面积与金额成正比。", "Click or press Enter to drill down (class → category → item); Esc goes back up. Areas are proportional to amounts.")}</p>\n'
    )
    rows = []
    for node in _walk(tree):
        share = _pct(node.total, total)
        rows.append(
            f'<tr class="level-{node.level}"><td><code>{_e(node.code)}</code></td>'
            f'<th scope="row">{_e(node.name)}{_class_en(node.code)}</th>'
            f'<td class="num">{_num(node.total)}</td>'
            f'<td class="num">{_num(node.basic) if node.basic is not None else "—"}</td>'
            f'<td class="num">{_num(node.project) if node.project is not None else "—"}</td>'
            f'<td class="num">{share}</td></tr>'
        )
    foot = (
        f'<tr class="level-0"><td></td><th scope="row">{_bi("合计", "Total")}</th><td class="num">{_num(total)}</td>'
        f'<td class="num">{_opt_sum(n.basic for n in tree)}</td><td class="num">{_opt_sum(n.project for n in tree)}</td>'
        '<td class="num">100.0%</td></tr>'
    )
    head = [_th("编码", "Code"), _th("科目", "Item"), _th(f"合计（{unit.value}）", f"Total ({_unit_en(unit)})", True),
            _th("基本支出", "Basic", True), _th("项目支出", "Project", True), _th("占比", "Share", True)]
    table = _table(_bi("按功能分类的支出（类、款、项）", "Expenditure by functional classification"), head, rows,
                   foot=foot, label="按功能分类的支出表 Expenditure by function table")
    return chart + table


def _opt_sum(values: Iterable[Decimal | None]) -> str:
    present = [v for v in values if v is not None]
    return _num(sum(present, Decimal(0))) if present else "—"


def _class_en(code: str) -> str:
    names = _class_names()
    if len(code) == 3 and code in names and names[code][1]:
        return f'<span class="en" lang="en">{_e(names[code][1])}</span>'
    return ""


def _walk(nodes: Sequence[FunctionalNode]) -> Iterable[FunctionalNode]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


@dataclass(frozen=True, slots=True)
class _TreemapView:
    """One level of the treemap, with what does not depend on the chart size (made once for both sizes)."""

    head: str  # the view's opening <g>
    nodes: tuple[FunctionalNode, ...]
    tiles: tuple[tuple[str, str, str, bool, str] | None, ...]  # per node: opening tag and title, colour, share,
    # drillable, closing tag; None for a node without area (not positive)


def _treemap_views(tree: Sequence[FunctionalNode], total: Decimal, unit: Unit) -> list[_TreemapView]:
    """The views of the treemap: the whole, then each node with children to drill into."""
    views = [_treemap_view("", None, "全部 All", tree, total, unit, True)]
    for node in _walk(tree):
        if node.children and any(child.total > 0 for child in node.children):
            parent = node.code[:-2] if node.level > 1 else ""
            views.append(_treemap_view(node.code, parent, f"{node.code} {node.name}", node.children, node.total,
                                       unit, False))
    return views


def _treemap_svg(views: Sequence[_TreemapView], size: str, width: Decimal, height: Decimal) -> str:
    """The treemap at one chart size: each view's rectangles laid out for ``width`` × ``height``."""
    parts = []
    for view in views:
        parts.append(view.head)
        rects = squarify([node.total for node in view.nodes], width, height)
        for node, tile, rect in zip(view.nodes, view.tiles, rects):
            if rect is None or tile is None:
                continue
            opening, colour, share, drillable, closing = tile
            r = rect.quantized()
            parts.append(
                f'{opening}<rect x="{r.x}" y="{r.y}" width="{r.w}" height="{r.h}" fill="{colour}"/>'
                f"{_treemap_text(node, r.x, r.y, r.w, r.h, share, drillable)}{closing}"
            )
        parts.append("</g>")
    label = "按功能分类的支出矩形树图 Treemap of expenditure by functional classification"
    return (
        f'<svg class="tm-{size}" viewBox="0 0 {width} {height}" role="group" aria-label="{_e(label)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="inherit">'
        f"<title>{_e(label)}</title>" + "".join(parts) + "</svg>"
    )


def _treemap_view(code: str, parent: str | None, label: str, nodes: Sequence[FunctionalNode], total: Decimal,
                  unit: Unit, on: bool) -> _TreemapView:
    parent_attr = f' data-parent="{parent}"' if parent is not None else ""
    summary = f"{_num(total)} {unit.value}"
    head = (
        f'<g class="tm-view{" on" if on else ""}" data-view="{code}"{parent_attr} data-label="{_e(label)}" '
        f'data-summary="{_e(summary)}">'
    )
    whole = sum((n.total for n in nodes if n.total > 0), Decimal(0))
    tiles: list[tuple[str, str, str, bool, str] | None] = []
    for index, node in enumerate(nodes):
        if not node.total > 0:  # squarify gives it no rectangle
            tiles.append(None)
            continue
        share = _pct(node.total, whole)
        name = f"{node.code} {node.name}"
        text_label = f"{name}：{_num(node.total)} {unit.value}（{share}）"
        drillable = bool(node.children) and any(child.total > 0 for child in node.children)
        colour = PALETTE[(int(node.code[-2:]) if node.level > 1 else index) % len(PALETTE)]
        title = f"<title>{_e(text_label)}</title>"
        if drillable:
            opening = f'<a class="tm-node" href="#tm={node.code}" aria-label="{_e(text_label + "，进入下一级 drill down")}">'
            tiles.append((opening + title, colour, share, drillable, "</a>"))
        else:
            opening = f'<g class="tm-node" role="img" tabindex="0" aria-label="{_e(text_label)}">'
            tiles.append((opening + title, colour, share, drillable, "</g>"))
    return _TreemapView(head, tuple(nodes), tuple(tiles))


def _treemap_text(node: FunctionalNode, x: Decimal, y: Decimal, w: Decimal, h: Decimal, share: str,
                  drillable: bool) -> str:
    """Name and amount inside a rectangle when it is large enough (15px type, about 1 em a glyph).

    A rectangle that opens a further level says so with "›" after its name.
    """
    if w < 48 or h < 24:
        return ""
    mark = " ›" if drillable else ""
    fits = int((w - 12) / 15) - (1 if mark else 0)
    name = node.name if len(node.name) <= fits else node.name[: max(fits - 1, 1)] + "…"
    name += mark
    out = f'<text x="{x + 6}" y="{y + 20}">{_e(name)}</text>'
    if h >= 44:
        amount = f"{_num(node.total)} · {share}"
        if len(amount) * 7 + 12 <= w:
            out += f'<text class="amt" x="{x + 6}" y="{y + 38}">{_e(amount)}</text>'
    return out


HEADERS_EN = {"预算数": "Budget", "决算数": "Final accounts", "年初预算数": "Initial budget", "金额": "Amount"}
_MAIN_MEASURES = ("total", "subtotal", "amount")


def _main_cell(line: Line | None) -> Amount | None:
    """The line's overall amount: its total, else subtotal, else the single amount column."""
    return _first(*(_cell(line, measure) for measure in _MAIN_MEASURES))


def _column_label(column: Any) -> tuple[str, str]:
    """Chinese and English header of an amount column (fund, then measure, then as printed)."""
    if column.fund in FUNDS:
        return FUNDS[column.fund]
    if column.measure == "total":
        return "合计", "Total"
    header = column.header.rsplit("/", 1)[-1]
    if header in HEADERS_EN:
        return header, HEADERS_EN[header]
    zh, en = MEASURES.get(column.measure, (header, header))
    return header or zh, en


def _amount_columns(table: Table) -> tuple[list[Any], list[str]]:
    """The amount columns of a table that hold at least one amount, with their headers."""
    used = {cell.column for line in table.lines for cell in line.cells if cell.amount is not None}
    columns = [c for c in table.columns if c in used] or list(table.columns)
    return columns, [_th(*_column_label(c), True) for c in columns]


def _cells(line: Line, columns: Sequence[Any]) -> str:
    """The amount of each column (of its first cell in the line), or a dash."""
    amounts = {c.column: c.amount for c in reversed(line.cells)}  # read backwards: the first cell of a column wins
    return "".join(f'<td class="num">{_money(amounts.get(column))}</td>' for column in columns)


def _economic_section(disclosure: Disclosure) -> str:
    table = disclosure.table("general-budget-basic-expenditure")
    if table is None or not table.lines:
        return f'<p class="note">{_bi("原文没有基本支出表。", "The source has no basic expenditure table.")}</p>\n'
    unit = table.unit
    total_line = _line(table, "total")
    classes = [line for line in table.lines if line.key.economic and len(line.key.economic) == 3]
    class_amounts = [(line, _main_cell(line)) for line in classes]
    total = _main_cell(total_line)
    whole = total.value if total else sum((a.value for _, a in class_amounts if a), Decimal(0))
    out = ""
    personnel, admin = _cell(total_line, "personnel"), _cell(total_line, "public-admin")
    if personnel is not None or admin is not None:
        out += (
            '<div class="cards">'
            f'<div class="card"><h3>{_bi("人员经费", "Personnel costs")}</h3><p class="value">{_money(personnel)} <small>{_unit(unit)}</small></p></div>'
            f'<div class="card"><h3>{_bi("公用经费", "Public administration costs")}</h3><p class="value">{_money(admin)} <small>{_unit(unit)}</small></p></div>'
            "</div>\n"
        )
    bars = []
    for line, amount in class_amounts:
        if amount is None:
            continue
        share = _share(amount.value, whole)
        width = max(min(share, Decimal(100)), Decimal(0))
        bars.append(
            f'<li><span class="label">{_e(line.label)}{_class_en(line.key.economic or "")}</span>'
            f'<span class="track" aria-hidden="true"><span class="fill" style="width:{width}%"></span></span>'
            f'<span class="num">{_money(amount)} · {_pct(amount.value, whole)}</span></li>'
        )
    if bars:
        out += (f'<ul class="bars" aria-label="基本支出按经济分类（类） Basic expenditure by economic class">'
                + "".join(bars) + "</ul>\n")
    columns, column_heads = _amount_columns(table)
    rows = []
    for line in table.lines:
        code = line.key.economic or ""
        level = (line.level or 1) if code else 0
        rows.append(
            f'<tr class="level-{level}"><td><code>{_e(code)}</code></td>'
            f'<th scope="row">{_e(line.label)}{_class_en(code)}</th>{_cells(line, columns)}</tr>'
        )
    head = [_th("编码", "Code"), _th("科目", "Item"), *column_heads]
    caption = f"{table.title}（{unit.value}）"
    out += _table(_bi(caption, f"General public budget basic expenditure by economic class ({_unit_en(unit)})"),
                  head, rows, label="基本支出经济分类表 Basic expenditure by economic class table")
    return out


def _projects_section(disclosure: Disclosure) -> str:
    projects = disclosure.projects
    if not projects:
        return f'<p class="note">{_bi("原文没有项目绩效目标表。", "The source has no project performance tables.")}</p>\n'
    known = [p.budget for p in projects if p.budget is not None]
    total = sum((a.value for a in known), Decimal(0))
    unit = known[0].unit if known else disclosure.unit
    out = (
        f'<p>{_bi(f"共{len(projects)}个项目，预算合计{_num(total)}{unit.value}。每个项目可展开查看支出计划和绩效指标。", f"{len(projects)} projects, budgets adding up to {_num(total)} {_unit_en(unit)}. Open a project for its spending plan and indicators.")}</p>\n'
    )
    rows = []
    for number, project in enumerate(projects, 1):
        rows.append(_project(project, number, total))
    return out + "\n".join(rows) + "\n"


_INDICATORS_CAPTION = _bi("绩效指标", "Performance indicators")
_INDICATOR_HEAD = (_th("一级指标", "Level 1"), _th("二级指标", "Level 2"), _th("三级指标", "Indicator"),
                   _th("指标解释", "Description"), _th("指标值", "Target"), _th("依据", "Basis"))


def _project(project: Project, number: int, total: Decimal) -> str:
    anchor = f"project-{project.serial if project.serial is not None else number}"
    share = f" · {_pct(project.budget.value, total)}" if project.budget is not None and total else ""
    unit = project.budget.unit.value if project.budget else ""
    summary = (
        f'<summary><span class="name">{_e(project.serial or number)}. {_e(project.name)}</span>'
        f'<span class="num">{_money(project.budget)} {_e(unit)}{share}</span></summary>'
    )
    meta = []
    for zh, en, value in (
        ("项目编码", "Code", project.code),
        ("预算", "Budget", f"{_money(project.budget)} {unit}" if project.budget else None),
        ("其中财政拨款", "of which fiscal", f"{_money(project.fiscal)} {project.fiscal.unit.value}" if project.fiscal else None),
        ("其他资金", "Other funds", f"{_money(project.other)} {project.other.unit.value}" if project.other else None),
        ("用途", "Purpose", project.purpose),
        ("绩效目标", "Goal", project.goal),
        *((k, "", v) for k, v in project.attributes),
    ):
        if value:
            meta.append(f"<dt>{_bi(zh, en) if en else _e(zh)}</dt><dd>{_e(value)}</dd>")
    body = f'<dl class="meta">{"".join(meta)}</dl>'
    if project.plan:
        head = "".join(f'<th scope="col" class="num">{_e(point.label)}</th>' for point in project.plan)
        cells = "".join(f'<td class="num">{_money(point.amount)}</td>' for point in project.plan)
        body += (
            f'<div class="scroll" role="region" tabindex="0" aria-label="支出计划 Spending plan {_e(project.name)}">'
            f"<table><caption>{_bi('资金支出计划（累计）', 'Spending plan (cumulative)')}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody><tr>{cells}</tr></tbody></table></div>"
        )
    if project.indicators:
        rows = []
        for indicator in project.indicators:
            level1, level2, level3, description, target, basis = _e_each(
                indicator.level1, indicator.level2, indicator.level3, indicator.description, indicator.target.text,
                indicator.basis,
            )
            rows.append(
                f"<tr><td>{level1}</td><td>{level2}</td>"
                f'<th scope="row">{level3}</th><td>{description}</td>'
                f"<td><strong>{target}</strong></td><td>{basis}</td></tr>"
            )
        body += _table(_INDICATORS_CAPTION, _INDICATOR_HEAD, rows, label=f"绩效指标 Indicators {project.name}")
    return f'<details class="project" id="{anchor}">{summary}<div class="body">{body}</div></details>'


def _three_public_section(disclosure: Disclosure) -> str:
    table = disclosure.table("three-public-expenses")
    out = ""
    if table is not None and table.lines:
        columns, column_heads = _amount_columns(table)
        rows = []
        for line in table.lines:
            item = line.key.item or ""
            level = 0 if item == "three-public:total" else (3 if item.startswith("three-public:vehicle-") else 1)
            rows.append(f'<tr class="level-{level}"><th scope="row">{_e(line.label)}</th>{_cells(line, columns)}</tr>')
        out += _table(_bi(f"{table.title}（{table.unit.value}）", f"“Three public” expenses ({_unit_en(table.unit)})"),
                      [_th("项目", "Item"), *column_heads], rows, label="三公经费表 Three public expenses table")
    else:
        out += f'<p class="note">{_bi("原文没有“三公”经费表。", "The source has no “three public” table.")}</p>\n'
    for section in disclosure.sections:
        if section.key == "three-public" and section.paragraphs:
            out += "".join(f"<p>{_e(p)}</p>" for p in section.paragraphs) + "\n"
    return out


def _findings_section(report: Mapping[str, Any] | None) -> str:
    if report is None:
        return f'<p class="note">{_bi("没有校验报告。", "No validation report.")}</p>\n'
    findings = sorted(
        _findings(report),
        key=lambda f: ([k for k, _, _ in SEVERITIES].index(f.get("severity")) if f.get("severity") in
                       ("error", "warning", "info") else 3, str(f.get("code", ""))),
    )
    counts = _severity_counts(report)
    summary = "，".join(f"{zh} {counts[key]}" for key, zh, _ in SEVERITIES)
    summary_en = ", ".join(f"{counts[key]} {en}{'s' if counts[key] != 1 else ''}" for key, _, en in SEVERITIES)
    if not findings:
        return f'<p class="ok">{_bi("校验未发现问题。", "The checks found nothing to report.")}</p>\n'
    out = f"<p>{_bi(summary, summary_en)}</p>\n"
    rows = []
    for finding in findings:
        severity = str(finding.get("severity", "info"))
        zh, en = next(((z, e) for k, z, e in SEVERITIES if k == severity), (severity, severity))
        locators = finding.get("locators") or []
        where = "; ".join(_locator_text(loc) for loc in locators if isinstance(loc, Mapping))
        message_zh = str(finding.get("message_zh", ""))
        message_en = str(finding.get("message_en", ""))
        rows.append(
            f'<tr><td><span class="sev sev-{_e(severity)}">{_bi(zh, en)}</span></td>'
            f'<td><code>{_e(finding.get("code", ""))}</code></td>'
            f"<td>{_bi(message_zh, message_en) if message_zh else _e(message_en)}</td>"
            f'<td class="note">{_e(where)}</td></tr>'
        )
    head = [_th("级别", "Severity"), _th("代码", "Code"), _th("说明", "Message"), _th("位置", "Where")]
    out += _table(_bi("校验发现", "Findings"), head, rows, label="校验发现 Findings")
    out += f'<p class="note">{_bi("完整报告见 report.json。", "The full report is in report.json.")}</p>\n'
    return out


def _file_label(name: str, media: str) -> tuple[str, str]:
    if name in KNOWN_FILES:
        return KNOWN_FILES[name]
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if media == "text/csv":
        return f"数据表 {stem}", f"Table {stem}"
    return stem, stem


def _downloads_section(files: Sequence[tuple[str, str, int]]) -> str:
    if not files:
        return f'<p class="note">{_bi("没有文件。", "No files.")}</p>\n'
    rows = []
    for name, media, size in files:
        zh, en = _file_label(name, media)
        rows.append(
            f'<tr><th scope="row"><a href="{_e(quote(name))}" type="{_e(media)}">{_e(name)}</a></th>'
            f"<td>{_bi(zh, en)}</td><td>{_e(FORMATS.get(media, media))}</td>"
            f'<td class="num">{_size(size)}</td></tr>'
        )
    head = [_th("文件", "File"), _th("内容", "Contents"), _th("格式", "Format"), _th("大小", "Size", True)]
    return _table(_bi("本数据包的全部文件", "Every file of this package"), head, rows,
                  label="下载 Downloads")


def _cite_section(disclosure: Disclosure, citation: str, dataset_iri: str | None) -> str:
    out = f'<blockquote class="cite">{_e(citation)}</blockquote>\n'
    items = [f"<dt>{_bi('数据包', 'Package')}</dt><dd><code>{_e(disclosure.slug)}</code></dd>"]
    if dataset_iri:
        items.append(f"<dt>IRI</dt><dd><code>{_e(dataset_iri)}</code></dd>")
    items.append(f"<dt>{_bi('原始文件', 'Source file')}</dt><dd>{_e(disclosure.source.name)}</dd>")
    items.append(f"<dt>SHA-256</dt><dd><code>{_e(disclosure.source.sha256)}</code></dd>")
    items.append(f"<dt>{_bi('原文标题', 'Source title')}</dt><dd>{_e(disclosure.title)}</dd>")
    return out + f'<dl class="meta">{"".join(items)}</dl>\n'


# --------------------------------------------------------------------------------------------
# Catalog page


def _entry_key(entry: PackageEntry) -> tuple[Any, ...]:
    return (entry.province, entry.division_code or entry.division, entry.department, -entry.year, entry.phase,
            entry.slug)


def render_catalog_page(packages: Sequence[PackageEntry], *, catalog_iri: str | None = None,
                        license: str | None = None,  # noqa: A002 - the schema.org term
                        publisher: str | None = None, base_url: str | None = None) -> bytes:
    """The catalog page (``DIR/index.html``): every package, filters and totals, as UTF-8 bytes.

    ``base_url`` is where ``DIR`` is served (ending in ``/``): it makes the dataset URLs absolute.
    """
    out = io.BytesIO()
    write_catalog_page(out, packages, catalog_iri=catalog_iri, license=license, publisher=publisher,
                       base_url=base_url)
    return out.getvalue()


def write_catalog_page(out: BinaryIO, packages: Sequence[PackageEntry], *, catalog_iri: str | None = None,
                       license: str | None = None,  # noqa: A002 - the schema.org term
                       publisher: str | None = None, base_url: str | None = None) -> None:
    """``render_catalog_page`` written to ``out`` piece by piece: each package's row and JSON-LD dataset
    are made, written and dropped in turn (the page of 10,000 packages is ~75 MB; made whole in memory
    it cost ~370 MB at its peak)."""
    entries = sorted(packages, key=_entry_key)
    license_iri = license or DEFAULT_LICENSE
    title = "预决算公开数据目录"
    title_en = "Catalog of budget disclosure data"
    description = (
        f"{len(entries)}个部门预决算公开数据包：收支总额、按功能分类的支出、项目绩效目标和校验结果，"
        f"提供 CSV、Turtle、JSON-LD 下载。 {len(entries)} data packages of Chinese department budgets and final "
        "accounts: totals, expenditure by function, project performance targets and validation findings, "
        "downloadable as CSV, Turtle and JSON-LD."
    )
    jsonld: dict[str, Any] = {
        "@context": {"@vocab": SCHEMA},
        "@type": "DataCatalog",
        "name": f"{title} {title_en}",
        "description": description,
        "inLanguage": "zh-CN",
        "license": {"@id": license_iri},
        "dataset": _PLACEHOLDER,  # each dataset is encoded and written in turn, below
    }
    if catalog_iri:
        jsonld["@id"] = catalog_iri
        jsonld["url"] = catalog_iri
    if publisher:
        jsonld["publisher"] = {"@type": "Organization", "name": publisher}

    years = sorted({entry.year for entry in entries}, reverse=True)
    provinces: dict[str, dict[str, str]] = {}
    for entry in entries:
        divisions = provinces.setdefault(entry.province, {})
        if entry.division:
            divisions[entry.division_code or entry.division] = entry.division
    region_options = []
    for province in sorted(provinces):
        if province:
            region_options.append(f'<option value="p:{_e(province)}">{_e(province)}</option>')
        for key, name in sorted(provinces[province].items()):
            if name != province:
                region_options.append(f'<option value="d:{_e(key)}">{"　" if province else ""}{_e(name)}</option>')
    departments = sorted({entry.department for entry in entries})
    filters = (
        '<form class="filters" id="filters" hidden aria-label="筛选 Filters">'
        f'<label for="f-year">{_bi("年度", "Year")}<select id="f-year"><option value="">全部 All</option>'
        + "".join(f'<option value="{y}">{y}</option>' for y in years) + "</select></label>"
        f'<label for="f-region">{_bi("地区", "Region")}<select id="f-region"><option value="">全部 All</option>'
        + "".join(region_options) + "</select></label>"
        f'<label for="f-dept">{_bi("部门", "Department")}<input id="f-dept" type="search" list="f-dept-list" '
        'autocomplete="off" placeholder="输入部门名称 name"></label>'
        '<datalist id="f-dept-list">' + "".join(f'<option value="{_e(d)}">' for d in departments) + "</datalist>"
        f'<button type="reset">{_bi("清除", "Clear")}</button>'
        f'<p class="note" aria-live="polite">{_bi("显示", "Showing")} <span id="shown-count">{len(entries)}</span> / {len(entries)}</p>'
        "</form>\n"
    )
    sums = {
        key: [getattr(e, key) for e in entries if getattr(e, key) is not None]
        for key in ("income", "expenditure", "basic", "project")
    }
    foot_cells = "".join(
        f'<td class="num" id="total-{key}">{_wan(sum(values, Decimal(0))) if values else "—"}</td>'
        for key, values in sums.items()
    )
    foot = f'<tr class="level-0"><th scope="row" colspan="4">{_bi("合计", "Total")}</th>{foot_cells}<td></td></tr>'
    head = [_th("地区", "Region"), _th("部门", "Department"), _th("年度", "Year"), _th("阶段", "Phase"),
            _th("收入总计", "Income", True), _th("支出总计", "Expenditure", True), _th("基本支出", "Basic", True),
            _th("项目支出", "Project", True), _th("校验", "Findings")]
    table = _table(_bi("数据包（金额单位：万元）", "Packages (amounts in 10k yuan)"), head, [_PLACEHOLDER], foot=foot,
                   label="数据包列表 Packages", table_id="packages")
    total_expenditure = sum(sums["expenditure"], Decimal(0))
    cards = (
        '<div class="cards">'
        f'<div class="card"><h3>{_bi("数据包", "Packages")}</h3><p class="value">{len(entries)}</p></div>'
        f'<div class="card"><h3>{_bi("部门", "Departments")}</h3><p class="value">{len(departments)}</p></div>'
        f'<div class="card"><h3>{_bi("年度", "Years")}</h3><p class="value">'
        f'{_e(f"{years[-1]}–{years[0]}" if len(years) > 1 else (years[0] if years else "—"))}</p></div>'
        f'<div class="card"><h3>{_bi("支出总计", "Total expenditure")}</h3><p class="value">{_wan(total_expenditure)} '
        f'<small>{_bi("万元", "10k yuan")}</small></p></div>'
        "</div>\n"
    )
    header = (
        '<header class="site"><div class="wrap">'
        f"{_LANGS}"
        f'<h1>{_e(title)}<span class="en" lang="en">{_e(title_en)}</span></h1>'
        f'<ul class="facts"><li>{_bi(f"{len(entries)}个数据包", f"{len(entries)} packages")}</li></ul>'
        "</div></header>\n"
    )
    body = (
        header + '<main id="main"><div class="wrap">\n'
        + _section("summary", "概览", "Overview", cards)
        + _section("list", "全部数据包", "All packages", filters + table
                   + f'<p class="note">{_bi("每个数据包的页面有图表、项目绩效目标和下载链接。", "Each package page has the chart, project targets and downloads.")}</p>\n')
        + "</div></main>\n"
    )
    # The same text as json.dumps of the whole structure, compact with sorted keys: the dataset list is
    # "[" + the datasets joined by "," + "]"; escaping for the script element works character by character.
    json_head, json_tail = _split(_json_script(jsonld, compact=True), _json_script(_PLACEHOLDER, compact=True))
    body_head, body_tail = _split(body, _PLACEHOLDER)

    def json_pieces() -> Iterator[str]:
        yield json_head + "["
        for index, entry in enumerate(entries):
            dataset = _catalog_dataset(entry, license_iri, publisher, base_url or "")
            text = json.dumps(dataset, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            yield ("," if index else "") + _script_safe(text)
        yield "]" + json_tail

    def body_pieces() -> Iterator[str]:
        yield body_head
        for index, entry in enumerate(entries):
            yield ("\n" if index else "") + _catalog_row(entry)
        yield body_tail

    _write_document(out, f"{title} · {title_en}", description, json_pieces(), body_pieces(), ("catalog.js",))


_PLACEHOLDER = "\u0000opendata:placeholder\u0000"  # no catalogue text contains it (NUL is refused on reading)


def _split(text: str, placeholder: str) -> tuple[str, str]:
    """``text`` before and after the one occurrence of ``placeholder``."""
    if text.count(placeholder) != 1:
        raise ValueError("the placeholder must occur exactly once")
    head, tail = text.split(placeholder)
    return head, tail


def _catalog_row(entry: PackageEntry) -> str:
    phase_zh, phase_en = PHASES.get(entry.phase, (entry.phase, entry.phase))
    region = " ".join(p for p in (entry.province, entry.division) if p and not (p == entry.province and
                                                                              entry.division.startswith(p)))
    attrs = {
        "data-year": str(entry.year),
        "data-province": entry.province,
        "data-division": entry.division_code or entry.division,
        "data-department": entry.department,
        "data-income": _fen(entry.income),
        "data-expenditure": _fen(entry.expenditure),
        "data-basic": _fen(entry.basic),
        "data-project": _fen(entry.project),
    }
    attr_text = "".join(f' {k}="{_e(v)}"' for k, v in attrs.items())
    if entry.errors:
        status = f'<span class="sev sev-error">{_bi(f"错误 {entry.errors}", f"{entry.errors} errors")}</span>'
    elif entry.warnings:
        status = f'<span class="sev sev-warning">{_bi(f"警告 {entry.warnings}", f"{entry.warnings} warnings")}</span>'
    else:
        status = f'<span class="ok">{_bi("通过", "OK")}</span>'
    href = quote(f"{entry.slug}/index.html")
    return (
        f"<tr{attr_text}><td>{_e(region)}</td>"
        f'<th scope="row"><a href="{_e(href)}">{_e(entry.department)}</a></th>'
        f"<td>{entry.year}</td><td>{_bi(phase_zh, phase_en)}</td>"
        + "".join(f'<td class="num">{_wan(getattr(entry, k))}</td>' for k in ("income", "expenditure", "basic", "project"))
        + f"<td>{status}</td></tr>"
    )


def _catalog_dataset(entry: PackageEntry, license_iri: str, publisher: str | None, base_url: str = "") -> dict[str, Any]:
    phase_zh, phase_en = PHASES.get(entry.phase, (entry.phase, entry.phase))
    department = {"@type": "GovernmentOrganization", "name": entry.department}
    region = entry.division if entry.division.startswith(entry.province) else entry.province + entry.division
    parts = [f"{region}{entry.department}{entry.year}年部门{phase_zh}公开数据"]
    if entry.expenditure is not None:
        parts.append(f"支出总计{_wan(entry.expenditure)}万元")
    folder = f"{base_url}{quote(entry.slug)}/"
    data: dict[str, Any] = {
        "@type": "Dataset",
        "name": entry.title,
        "description": "，".join(parts) + f"。 Open data of the {entry.year} {phase_en} of {entry.department}.",
        "identifier": entry.slug,
        "url": f"{base_url}{quote(entry.slug)}/index.html",
        "creator": department,
        "publisher": {"@type": "Organization", "name": publisher} if publisher else department,
        "temporalCoverage": str(entry.year),
        "license": {"@id": license_iri},
        "distribution": [_distribution(name, media, size, folder) for name, media, size in entry.files],
        "variableMeasured": [
            {"@type": "PropertyValue", "name": f"{zh} {en}", "propertyID": key, "unitText": "元"}
            for key, (zh, en) in (("income", MEASURES["income"]), ("expenditure", MEASURES["expenditure"]),
                                  ("basic", MEASURES["basic"]), ("project", MEASURES["project"]))
        ],
    }
    if region or entry.division_code:
        place: dict[str, Any] = {"@type": "AdministrativeArea", "name": region or entry.division_code}
        if entry.division_code:
            place["identifier"] = entry.division_code
        data["spatialCoverage"] = place
    return data


# --------------------------------------------------------------------------------------------
# Glue for the build: package files as bytes, catalog entries as the build manifest keeps them

MEDIA_TYPES = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".html": "text/html",
    ".txt": "text/plain",
}


def media_type(name: str) -> str:
    """The media type of a package file, from its suffix."""
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    return MEDIA_TYPES.get(suffix.lower(), "application/octet-stream")


def _licence_iri(licence: Any) -> str | None:
    if isinstance(licence, Mapping):
        return licence.get("path") or None
    return str(licence) if licence else None


def _publisher_name(publisher: Any) -> str | None:
    if isinstance(publisher, Mapping):
        return publisher.get("title") or None
    return str(publisher) if publisher else None


def package_page(
    disclosure: Disclosure,
    files: Mapping[str, bytes],
    *,
    dataset_iri: str | None = None,
    config: Any = None,
    licence: Any = None,
    publisher: Any = None,
) -> bytes:
    """``index.html`` of a package whose other files are ``files`` (name → bytes, as the build has them).

    The findings are read from ``report.json`` among the files. The licence and publisher come from
    the build ``config`` (``licence_iri``, ``publisher_name``) unless given: Data Package
    ``licenses``/``contributors`` entries (``path``/``title``) or plain strings.
    """
    licence = licence or getattr(config, "licence_iri", None)
    publisher = publisher or getattr(config, "publisher_name", None)
    report = None
    if "report.json" in files:
        report = json.loads(files["report.json"].decode("utf-8"))
    listing = [(name, media_type(name), len(data)) for name, data in sorted(files.items()) if name != "index.html"]
    download = getattr(config, "download_url", None)
    return render_package_page(disclosure, report=report, files=listing, dataset_iri=dataset_iri,
                               license=_licence_iri(licence), publisher=_publisher_name(publisher),
                               base_url=f"{download}{quote(disclosure.slug)}/" if download else None)


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def page_facts(disclosure: Disclosure, files: Mapping[str, bytes]) -> dict[str, Any]:
    """The catalog facts of a package as JSON data (kept in the build manifest between builds)."""
    report = json.loads(files["report.json"].decode("utf-8")) if "report.json" in files else None
    listing = [(name, media_type(name), len(data)) for name, data in sorted(files.items()) if name != "index.html"]
    entry = package_entry(disclosure, report, listing)
    data = dataclasses.asdict(entry)
    for key in ("income", "expenditure", "basic", "project"):
        data[key] = _decimal_text(getattr(entry, key))
    data["files"] = [list(f) for f in entry.files]
    return data


def entry_from_data(data: Mapping[str, Any]) -> PackageEntry:
    """A ``PackageEntry`` from ``page_facts`` data, or from a catalog manifest entry without them."""
    facts = data.get("page")
    if isinstance(facts, Mapping):
        values = dict(facts)
        for key in ("income", "expenditure", "basic", "project"):
            values[key] = Decimal(values[key]) if values.get(key) is not None else None
        values["files"] = tuple((str(n), str(m), int(s)) for n, m, s in values.get("files", ()))
        known = {f.name for f in dataclasses.fields(PackageEntry)}
        return PackageEntry(**{k: v for k, v in values.items() if k in known})
    department = str(data.get("department") or "")
    return PackageEntry(
        slug=str(data.get("package", "")),
        title=str(data.get("title") or department),
        department=department,
        division=str(data.get("division_name") or ""),
        province=str(data.get("province") or ""),
        year=int(data.get("year") or 0),
        phase=str(data.get("phase") or ""),
        errors=int(data.get("errors") or 0),
        warnings=int(data.get("warnings") or 0),
        division_code=str(data.get("division_code") or ""),
        files=tuple((d["name"], media_type(d["name"]), int(d["bytes"])) for d in data.get("distributions", ())),
    )


def catalog_page(entries: Iterable[Mapping[str, Any] | PackageEntry], config: Any = None) -> bytes:
    """``DIR/index.html`` from the build's catalog entries (``entry_of`` data, with ``page`` facts, or
    the ``PackageEntry`` made of them)."""
    out = io.BytesIO()
    write_catalog_page_of(out, entries, config)
    return out.getvalue()


def write_catalog_page_of(out: BinaryIO, entries: Iterable[Mapping[str, Any] | PackageEntry], config: Any = None) -> None:
    """``catalog_page`` written to ``out`` piece by piece (what the build does)."""
    licence = getattr(config, "licence_iri", None)
    publisher = getattr(config, "publisher_name", None)
    base = getattr(config, "base_iri", None)
    packages = [e if isinstance(e, PackageEntry) else entry_from_data(e) for e in entries]
    write_catalog_page(out, packages, license=licence, publisher=publisher,
                       catalog_iri=f"{base.rstrip('/')}/catalog" if base else None,
                       base_url=getattr(config, "download_url", None))
