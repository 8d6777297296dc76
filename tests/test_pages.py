"""The HTML landing pages: content from the model, schema.org JSON-LD, determinism, safety, geometry."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import RDF, Graph, Namespace, URIRef

from opendata.emit.html import (
    PackageEntry,
    functional_tree,
    headline_totals,
    package_entry,
    render_catalog_page,
    render_package_page,
)
from opendata.emit.pages.treemap import squarify

SDO = Namespace("https://schema.org/")
FILES = [
    ("report.json", "application/json", 2345),
    ("data.ttl", "text/turtle", 234567),
    ("datapackage.json", "application/json", 12345),
    ("data.jsonld", "application/ld+json", 345678),
    ("data.nt", "application/n-triples", 456789),
    ("budget-lines.csv", "text/csv", 98765),
    ("projects.csv", "text/csv", 4321),
]
REPORT = {
    "source": "sample",
    "errors": 0,
    "warnings": 1,
    "infos": 0,
    "findings": [
        {
            "code": "row-sum-rounding",
            "severity": "warning",
            "message_en": "Total differs from the sum of its parts by 0.01.",
            "message_zh": "合计与各项之和相差 0.01。",
            "figures": [],
            "locators": [{"file": "sample.txt", "line": 43, "table": "expenditure-summary", "row": 1, "column": 4}],
        }
    ],
}


def _jsonld(page: bytes) -> str:
    tree = lxml.html.fromstring(page)
    scripts = tree.xpath('//script[@type="application/ld+json"]')
    assert len(scripts) == 1
    return scripts[0].text


def _graph(page: bytes) -> Graph:
    graph = Graph()
    graph.parse(data=_jsonld(page), format="json-ld")  # an inline context: nothing is fetched
    return graph


@pytest.fixture(scope="module")
def page(sample_disclosure) -> bytes:
    return render_package_page(sample_disclosure, report=REPORT, files=FILES)


def test_package_jsonld_is_a_dataset_naming_every_distribution(page: bytes) -> None:
    graph = _graph(page)
    datasets = list(graph.subjects(RDF.type, SDO.Dataset))
    assert len(datasets) == 1
    dataset = datasets[0]
    for term in ("name", "description", "publisher", "temporalCoverage", "spatialCoverage", "license",
                 "variableMeasured", "creator"):
        assert graph.value(dataset, SDO[term]) is not None, term
    assert str(graph.value(dataset, SDO.temporalCoverage)) == "2024"
    assert graph.value(dataset, SDO.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    spatial = graph.value(dataset, SDO.spatialCoverage)
    assert str(graph.value(spatial, SDO.identifier)) == "131024"
    assert str(graph.value(graph.value(dataset, SDO.publisher), SDO.name)) == "香河县科学技术和工业信息化局"
    downloads = {}
    for distribution in graph.objects(dataset, SDO.distribution):
        assert (distribution, RDF.type, SDO.DataDownload) in graph
        downloads[str(graph.value(distribution, SDO.contentUrl))] = str(graph.value(distribution, SDO.encodingFormat))
    assert downloads == {name: media for name, media, _ in FILES}
    measured = {str(graph.value(v, SDO.propertyID)) for v in graph.objects(dataset, SDO.variableMeasured)}
    assert {"total", "basic", "project", "personnel", "public-admin"} <= measured


def test_package_jsonld_uses_the_given_iri_licence_and_publisher(sample_disclosure) -> None:
    iri = "https://data.example.org/package/xianghe-2024"
    page = render_package_page(sample_disclosure, report=None, files=FILES, dataset_iri=iri,
                               license="https://example.org/licence", publisher="Example Portal")
    graph = _graph(page)
    dataset = URIRef(iri)
    assert (dataset, RDF.type, SDO.Dataset) in graph
    assert graph.value(dataset, SDO.license) == URIRef("https://example.org/licence")
    assert str(graph.value(graph.value(dataset, SDO.publisher), SDO.name)) == "Example Portal"
    tree = lxml.html.fromstring(page)
    assert iri in tree.xpath('//section[@id="cite"]//code/text()')


def test_package_page_shows_the_model(sample_disclosure, page: bytes) -> None:
    text = page.decode("utf-8")
    tree = lxml.html.fromstring(page)
    assert tree.xpath("//h1")[0].text_content().startswith("香河县科学技术和工业信息化局 2024年部门预算")
    assert len(tree.xpath("//h1")) == 1
    # Headline totals, as printed in the source (万元).
    totals = headline_totals(sample_disclosure)
    assert (totals.income.text, totals.expenditure.text, totals.basic.text, totals.project.text) == (
        "5531.14", "5531.14", "1722.65", "3808.49")
    cards = [c.text_content() for c in tree.xpath('//section[@id="totals"]//p[@class="value"]')]
    assert [c.split()[0] for c in cards] == ["5,531.14", "5,531.14", "1,722.65", "3,808.49"]
    # Every functional line is in the table behind the chart, and every node with children has a view.
    codes = [line.key.functional for line in sample_disclosure.table("expenditure-summary").lines if line.key.functional]
    table_codes = tree.xpath('//section[@id="functional"]//tbody//code/text()')
    assert table_codes == codes
    views = set(tree.xpath('//svg[contains(@class,"tm-wide")]//g[contains(@class,"tm-view")]/@data-view'))
    assert views == {""} | {node.code for node in _nodes(functional_tree(sample_disclosure)) if node.children}
    # Economic classes of basic expenditure.
    econ = tree.xpath('//section[@id="economic"]//tbody//code/text()')
    assert "30101" in econ and "302" in econ
    # Every project with its budget, spending plan and every indicator target.
    projects = tree.xpath('//details[@class="project"]')
    assert len(projects) == len(sample_disclosure.projects) == 19
    for project, element in zip(sample_disclosure.projects, projects):
        content = element.text_content()
        assert project.name in content
        if project.budget is not None:
            assert format(project.budget.value, ",f") in content
        for indicator in project.indicators:
            assert indicator.target.text in content
        for point in project.plan:
            assert point.label in content
    # “三公” lines, findings and downloads.
    assert "公务用车运行维护费" in tree.xpath('string(//section[@id="three-public"])')
    assert "row-sum-rounding" in tree.xpath('string(//section[@id="findings"])')
    hrefs = tree.xpath('//section[@id="downloads"]//a/@href')
    assert sorted(hrefs) == sorted(name for name, _, _ in FILES)
    assert sample_disclosure.source.sha256 in tree.xpath('string(//section[@id="cite"])')
    # Chinese with English labels.
    assert 'lang="en"' in text and "Headline totals" in text


def _nodes(tree):
    for node in tree:
        yield node
        yield from _nodes(node.children)


def test_pages_need_no_network(page: bytes) -> None:
    tree = lxml.html.fromstring(page)
    assert not tree.xpath("//*[@src]"), "no external scripts, images or frames"
    assert not tree.xpath('//link[@rel="stylesheet"]')
    styles = " ".join(s.text for s in tree.xpath("//style"))
    assert "@import" not in styles and "url(" not in styles and "@font-face" not in styles
    for href in tree.xpath("//@href"):
        assert not re.match(r"^[a-z]+:", href), f"external reference {href}"
    assert tree.xpath("//@href"), "the page has links"


def test_package_page_is_deterministic(sample_disclosure, page: bytes) -> None:
    again = render_package_page(sample_disclosure, report=REPORT, files=list(reversed(FILES)))
    assert again == page
    assert b"<svg" in page and re.search(rb"\d{4}-\d\d-\d\dT\d\d:", page) is None  # no clock


def test_pages_are_identical_under_another_hash_seed(sample_disclosure, page: bytes, tmp_path: Path) -> None:
    script = (
        "import sys, opendata\n"
        "from opendata.emit.html import render_package_page, render_catalog_page, package_entry\n"
        "from tests.test_pages import FILES, REPORT\n"
        "d = opendata.load(opendata.sample_path())\n"
        "sys.stdout.buffer.write(render_package_page(d, report=REPORT, files=FILES))\n"
        "sys.stdout.buffer.write(render_catalog_page([package_entry(d, REPORT, FILES)]))\n"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, check=True).stdout
    expected = page + render_catalog_page([package_entry(sample_disclosure, REPORT, FILES)])
    assert out == expected


def test_hostile_text_is_escaped(sample_disclosure) -> None:
    evil = '</script><script>alert("x")</script><b onclick="x">'
    department = dataclasses.replace(sample_disclosure.department, name=evil)
    disclosure = dataclasses.replace(sample_disclosure, department=department)
    report = {"findings": [{"code": "<i>", "severity": "error", "message_en": evil, "message_zh": evil,
                            "locators": [{"file": evil}]}]}
    files = [('a"b<c>.csv', "text/csv", 1)]
    page = render_package_page(disclosure, report=report, files=files, citation=evil)
    assert b'<script>alert("x")' not in page and b"<b onclick" not in page
    tree = lxml.html.fromstring(page)
    assert tree.xpath("string(//h1)").startswith(evil)
    graph = _graph(page)
    dataset = next(graph.subjects(RDF.type, SDO.Dataset))
    assert str(graph.value(graph.value(dataset, SDO.creator), SDO.name)) == evil
    catalog = render_catalog_page([package_entry(disclosure, report, files)])
    assert b'<script>alert("x")' not in catalog
    _graph(catalog)


def _entry(slug: str, province: str, division: str, code: str, department: str, year: int, expenditure: str,
           errors: int = 0) -> PackageEntry:
    value = Decimal(expenditure)
    return PackageEntry(slug=slug, title=f"{department} {year}年部门预算", department=department, division=division,
                        province=province, year=year, phase="budget", income=value, expenditure=value,
                        basic=value / 4, project=value - value / 4, errors=errors, division_code=code,
                        files=(("datapackage.json", "application/json", 10), ("data.ttl", "text/turtle", 20)))


ENTRIES = [
    _entry("b", "上海市", "黄浦区", "310101", "上海市黄浦区教育局", 2023, "123456789.01"),
    _entry("a", "河北省", "香河县", "131024", "香河县科学技术和工业信息化局", 2024, "55311400", errors=2),
    _entry("c", "上海市", "黄浦区", "310101", "上海市黄浦区教育局", 2024, "0.05"),
]


def test_catalog_lists_every_package_with_totals_and_filters() -> None:
    page = render_catalog_page(ENTRIES)
    assert render_catalog_page(list(reversed(ENTRIES))) == page
    tree = lxml.html.fromstring(page)
    rows = tree.xpath('//table[@id="packages"]/tbody/tr')
    assert [r.xpath("string(.//a/@href)") for r in rows] == ["c/index.html", "b/index.html", "a/index.html"]
    assert [r.get("data-year") for r in rows] == ["2024", "2023", "2024"]
    # Exact integer fen for the script, and the total row in 万元 from the Decimal sum.
    assert rows[1].get("data-expenditure") == "12345678901"
    assert rows[0].get("data-expenditure") == "5"
    total = tree.xpath('string(//td[@id="total-expenditure"])')
    assert total == "17,876.82"  # (123456789.01 + 55311400 + 0.05) / 10000 = 17876.818904…
    assert tree.xpath('//select[@id="f-year"]/option/@value') == ["", "2024", "2023"]
    assert tree.xpath('//select[@id="f-region"]/option/@value') == ["", "p:上海市", "d:310101", "p:河北省", "d:131024"]
    assert "错误 2" in rows[2].text_content()
    graph = _graph(page)
    catalog = next(graph.subjects(RDF.type, SDO.DataCatalog))
    datasets = list(graph.objects(catalog, SDO.dataset))
    assert len(datasets) == 3
    urls = sorted(str(graph.value(d, SDO.contentUrl)) for ds in datasets for d in graph.objects(ds, SDO.distribution))
    assert urls == ["a/data.ttl", "a/datapackage.json", "b/data.ttl", "b/datapackage.json", "c/data.ttl",
                    "c/datapackage.json"]
    for dataset in datasets:
        for term in ("name", "description", "publisher", "temporalCoverage", "spatialCoverage", "license"):
            assert graph.value(dataset, SDO[term]) is not None, term


def test_package_entry_summarises_the_sample(sample_disclosure) -> None:
    entry = package_entry(sample_disclosure, REPORT, FILES)
    assert (entry.income, entry.expenditure, entry.basic, entry.project) == (
        Decimal("55311400"), Decimal("55311400"), Decimal("17226500"), Decimal("38084900"))
    assert (entry.errors, entry.warnings, entry.infos) == (0, 1, 0)
    assert (entry.province, entry.division, entry.division_code, entry.year) == ("河北省", "香河县", "131024", 2024)
    assert entry.slug == sample_disclosure.slug and entry.projects == 19


def test_treemap_of_the_sample_has_areas_proportional_to_amounts(sample_disclosure, page: bytes) -> None:
    tree = lxml.html.fromstring(page)
    root = tree.xpath('//svg[contains(@class,"tm-wide")]//g[@data-view=""]')[0]
    areas = {}
    for node in root.xpath("./*[contains(@class,'tm-node')]"):
        rect = node.xpath(".//rect")[0]
        code = node.get("aria-label").split()[0]
        areas[code] = Decimal(rect.get("width")) * Decimal(rect.get("height"))
    # 206: 4062.16, 212: 450.00, 215: 1016.58, 210: 2.40 of 5531.14 over 960 × 540.
    whole = Decimal(960 * 540)
    for code, amount in (("206", "4062.16"), ("215", "1016.58"), ("212", "450.00"), ("210", "2.40")):
        expected = Decimal(amount) / Decimal("5531.14") * whole
        assert abs(areas[code] - expected) < 10, code  # quantized to 0.01 on each side


amounts = st.decimals(min_value=Decimal("-5"), max_value=Decimal("100000"), places=2, allow_nan=False,
                      allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=25),
       st.integers(min_value=50, max_value=1200), st.integers(min_value=50, max_value=1200))
def test_squarify_fills_the_box_without_overlap(values, width, height) -> None:
    w, h = Decimal(width), Decimal(height)
    rects = squarify(values, w, h)
    assert len(rects) == len(values)
    positive = [v for v in values if v > 0]
    total = sum(positive, Decimal(0))
    drawn = []
    tolerance = Decimal("1e-20") * w * h
    for value, rect in zip(values, rects):
        if value <= 0:
            assert rect is None
            continue
        assert rect is not None
        assert rect.x >= -tolerance and rect.y >= -tolerance
        assert rect.x + rect.w <= w + tolerance and rect.y + rect.h <= h + tolerance
        assert abs(rect.w * rect.h - value * w * h / total) <= tolerance * 1000
        drawn.append(rect)
    for i, a in enumerate(drawn):
        for b in drawn[i + 1:]:
            overlap_w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
            overlap_h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
            assert overlap_w <= tolerance or overlap_h <= tolerance
    if drawn:
        assert abs(sum((r.w * r.h for r in drawn), Decimal(0)) - w * h) <= tolerance * 1000


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_chart_colours_keep_white_labels_readable() -> None:
    """WCAG AA: white text on every fill of the chart at a contrast of at least 4.5:1."""
    from opendata.emit.html import PALETTE

    for colour in PALETTE:
        assert 1.05 / (_luminance(colour) + 0.05) >= 4.5, colour


@pytest.mark.corpus
def test_pages_of_the_real_documents(corpus: Path) -> None:
    """Every corpus document gets a page whose tables and JSON-LD come through (final accounts too)."""
    import opendata

    paths = sorted(p for p in corpus.iterdir() if p.suffix in (".pdf", ".txt"))
    assert paths
    entries = []
    for path in paths:
        disclosure = opendata.load(path)
        page = render_package_page(disclosure, report=None, files=FILES)
        tree = lxml.html.fromstring(page)
        graph = _graph(page)
        assert len(list(graph.subjects(RDF.type, SDO.Dataset))) == 1, path.name
        codes = {n.code for n in _nodes(functional_tree(disclosure))}
        assert set(tree.xpath('//section[@id="functional"]//tbody//code/text()')) == codes, path.name
        basic = disclosure.table("general-budget-basic-expenditure")
        if basic is not None and any(c.amount for line in basic.lines for c in line.cells):
            shown = tree.xpath('//section[@id="economic"]//tbody//td[@class="num"]/text()')
            assert any(text != "—" for text in shown), f"{path.name}: economic amounts shown"
        entries.append(package_entry(disclosure, None, FILES))
    catalog = lxml.html.fromstring(render_catalog_page(entries))
    assert len(catalog.xpath('//table[@id="packages"]/tbody/tr')) == len(paths)


def test_content_urls_are_absolute_where_the_folder_is_served(sample_disclosure) -> None:
    base = "https://data.example.org/packages/"
    page = render_package_page(sample_disclosure, report=None, files=FILES,
                               base_url=f"{base}{quote(sample_disclosure.slug)}/")
    graph = _graph(page)
    urls = sorted(str(o) for o in graph.objects(None, SDO.contentUrl))
    assert urls == sorted(f"{base}{quote(sample_disclosure.slug)}/{name}" for name, _, _ in FILES)
    # The links of the page itself stay relative, so the folder works from disk too.
    assert sorted(lxml.html.fromstring(page).xpath('//section[@id="downloads"]//a/@href')) == sorted(n for n, _, _ in FILES)
    catalog = _graph(render_catalog_page(ENTRIES, base_url=base))
    assert sorted(str(o) for o in catalog.objects(None, SDO.url))[:1] == [f"{base}a/index.html"]
