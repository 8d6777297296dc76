"""RDF of a disclosure: goldens, formats, determinism, IRIs from meaning, the issue's query, drift."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import tomllib
from decimal import Decimal

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given
from hypothesis import strategies as st
from rdflib.compare import isomorphic, to_isomorphic

import opendata
from conftest import GOLDEN, REPO, check_golden
from opendata import iris
from opendata.check import validate
from opendata.check.report import CODES, ERROR, Finding
from opendata.emit import codelists, rdf
from opendata.emit.rdf import render
from rdf_support import VOCAB, oxigraph_store, rdflib_graph

BUDGET = rdflib.Namespace(iris.BUDGET)
SKOS = rdflib.namespace.SKOS
QB = rdflib.Namespace("http://purl.org/linked-data/cube#")
GOLDEN_RDF = GOLDEN / "rdf"


@pytest.fixture(scope="module")
def sample() -> opendata.Disclosure:
    return opendata.load(opendata.sample_path())


@pytest.fixture(scope="module")
def files(sample: opendata.Disclosure) -> rdf.RdfFiles:
    return render(sample)


# --- goldens, formats, determinism -------------------------------------------------------------

def test_golden_turtle(files: rdf.RdfFiles, update_golden: bool) -> None:
    check_golden(GOLDEN_RDF / "sample.ttl", files.turtle, update_golden)
    golden = rdflib.Graph().parse(GOLDEN_RDF / "sample.ttl", format="turtle")
    assert isomorphic(golden, rdflib.Graph().parse(data=files.ntriples, format="nt"))


def test_golden_jsonld(files: rdf.RdfFiles, update_golden: bool) -> None:
    check_golden(GOLDEN_RDF / "sample.jsonld", files.jsonld, update_golden)
    golden = rdflib.Graph().parse(GOLDEN_RDF / "sample.jsonld", format="json-ld")
    assert isomorphic(golden, rdflib.Graph().parse(data=files.ntriples, format="nt"))


def test_the_three_serialisations_are_one_graph(files: rdf.RdfFiles) -> None:
    turtle = rdflib.Graph().parse(data=files.turtle, format="turtle")
    jsonld = rdflib.Graph().parse(data=files.jsonld, format="json-ld")
    ntriples = rdflib.Graph().parse(data=files.ntriples, format="nt")
    assert len(turtle) == len(jsonld) == len(ntriples) == files.triples
    assert to_isomorphic(turtle) == to_isomorphic(jsonld) == to_isomorphic(ntriples)
    # a second, independent parser agrees
    for data, fmt in ((files.turtle, ox.RdfFormat.TURTLE), (files.jsonld, ox.RdfFormat.JSON_LD),
                      (files.ntriples, ox.RdfFormat.N_TRIPLES)):
        assert len(set(ox.parse(data, format=fmt))) == files.triples


def test_jsonld_context_is_inline_and_is_vocab_context(files: rdf.RdfFiles) -> None:
    document = json.loads(files.jsonld)
    expected = json.loads((VOCAB / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert isinstance(document["@context"], dict)  # an object, not a URL: parses without network
    assert document["@context"] == expected


def test_output_is_deterministic(sample: opendata.Disclosure, files: rdf.RdfFiles) -> None:
    again = render(opendata.load(opendata.sample_path()))
    assert (again.turtle, again.jsonld, again.ntriples) == (files.turtle, files.jsonld, files.ntriples)
    lines = files.ntriples.decode("utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == len(set(lines)) == files.triples


def test_no_blank_nodes(files: rdf.RdfFiles) -> None:
    assert "_:" not in files.ntriples.decode("utf-8")
    graph = rdflib.Graph().parse(data=files.ntriples, format="nt")
    assert not any(isinstance(term, rdflib.BNode) for triple in graph for term in triple)


# --- every figure, and what it says ------------------------------------------------------------

def test_every_figure_is_an_observation_with_its_amount_in_yuan(sample: opendata.Disclosure, files: rdf.RdfFiles) -> None:
    graph = rdflib.Graph().parse(data=files.ntriples, format="nt")
    observations = set(graph.subjects(rdflib.RDF.type, QB.Observation))
    figures = list(sample.figures())
    assert len(observations) == len(figures) == 257
    amounts = sorted(Decimal(str(graph.value(o, BUDGET.amount))) for o in observations)
    assert amounts == sorted(f.amount.yuan for f in figures)
    for obs in observations:
        location = graph.value(obs, rdflib.PROV.wasDerivedFrom)
        document = graph.value(location, BUDGET.document)
        assert str(graph.value(document, BUDGET.sha256)) == sample.source.sha256
        assert graph.value(location, BUDGET.line) is not None


def readme_query() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Writing a query"):]
    return re.search(r"```sparql\n(.*?)```", section, re.S).group(1)


def test_the_issue_query_finds_exactly_one_observation(files: rdf.RdfFiles) -> None:
    """Done-when of issue 4: standard terms only, over the Turtle plus vocab/, exactly one row."""
    query = readme_query()
    assert "PREFIX budget" not in query and "opendata.example.org" not in query  # standard terms only
    store = oxigraph_store(files.turtle)
    rows = list(store.query(query))
    assert len(rows) == 1
    assert rows[0]["obs"].value.endswith("/2024/budget/obs/expenditure-summary/func-2060101/basic")
    assert rows[0]["amount"] == ox.Literal("17226500", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
    assert Decimal(rows[0]["amount"].value) == Decimal("1722.65") * 10000
    # without the lines that pick the table and column, 2060101 has many figures: they matter
    base = query[: query.index("  # the expenditure summary")] + "}"
    assert len(list(store.query(base))) > 1


def test_the_issue_query_runs_in_rdflib_too(files: rdf.RdfFiles) -> None:
    graph = rdflib_graph(files.turtle)
    rows = list(graph.query(readme_query()))
    assert len(rows) == 1 and Decimal(str(rows[0][1])) == Decimal("17226500")


def test_findings_are_resources_so_departments_with_errors_can_be_found(sample: opendata.Disclosure) -> None:
    report = validate(sample)
    error_code = next(code for code in CODES if code != "read-note")
    extra = Finding(error_code, ERROR, "a total does not add up", "合计不符", (), (sample.tables[0].lines[0].locator,))
    out = render(sample, findings=[*report.findings, extra])
    store = oxigraph_store(out.turtle)
    query = """
        PREFIX budget: <https://opendata.example.org/def/budget#>
        SELECT DISTINCT ?dept ?code WHERE {
          ?f budget:findingOf ?ds ; budget:findingCode ?code ;
             budget:severity <https://opendata.example.org/code/severity/error> .
          ?ds budget:department ?dept .
        }"""
    rows = list(store.query(query))
    assert [(r["dept"].value, r["code"].value) for r in rows] == [
        ("https://opendata.example.org/org/131024/304", error_code)
    ]
    plain = render(sample)
    assert plain.triples < out.triples and not list(oxigraph_store(plain.turtle).query(query))


# --- IRIs ----------------------------------------------------------------------------------------

def subjects(data: bytes) -> set[str]:
    return {line.split(" ", 1)[0] for line in data.decode("utf-8").splitlines()}


def with_figure_changed(d: opendata.Disclosure) -> opendata.Disclosure:
    """The sample with one printed figure (2060101 basic expenditure) corrected."""
    tables = []
    for table in d.tables:
        if table.kind == "expenditure-summary":
            lines = []
            for line in table.lines:
                if line.key.functional == "2060101":
                    cells = tuple(
                        dataclasses.replace(c, amount=dataclasses.replace(c.amount, value=Decimal("1800.00"), raw="1800.00"))
                        if c.column.measure == "basic" else c
                        for c in line.cells
                    )
                    line = dataclasses.replace(line, cells=cells)
                lines.append(line)
            table = dataclasses.replace(table, lines=tuple(lines))
        tables.append(table)
    return dataclasses.replace(d, tables=tuple(tables))


def test_changing_a_value_changes_no_iri(sample: opendata.Disclosure, files: rdf.RdfFiles) -> None:
    changed = render(with_figure_changed(sample))
    assert changed.ntriples != files.ntriples
    assert subjects(changed.ntriples) == subjects(files.ntriples)
    obs = "<https://opendata.example.org/dataset/131024/304/2024/budget/obs/expenditure-summary/func-2060101/basic>"
    assert f'{obs} <{iris.BUDGET}amount> "18000000"' in changed.ntriples.decode("utf-8")


def test_rebuilding_gives_the_same_iris(files: rdf.RdfFiles) -> None:
    assert subjects(render(opendata.load(opendata.sample_path())).ntriples) == subjects(files.ntriples)


def test_iris_name_meaning_not_positions(files: rdf.RdfFiles) -> None:
    text = files.ntriples.decode("utf-8")
    data = sorted(s for s in subjects(files.ntriples) if "/dataset/" in s)
    assert "<https://opendata.example.org/dataset/131024/304/2024/budget>" in data
    assert "<https://opendata.example.org/dataset/131024/304/2024/budget/project/13102424P00000210001N>" in data
    assert any("/indicator/监测企业总量>" in s for s in data)
    assert "<https://opendata.example.org/dataset/131024/304/2024/budget/obs/fiscal-summary/func-212/total/gov-fund/expenditure>" in data
    # line and row numbers are only ever values of a location, never part of an IRI
    assert not re.search(r"/(row|line)[-/]?\d", " ".join(data))
    assert "budget#row>" in text


def test_base_iri_is_configurable_and_vocabulary_iris_are_fixed(sample: opendata.Disclosure, files: rdf.RdfFiles) -> None:
    other = render(sample, base_iri="https://data.example.cn/budget/")
    data = {s for s in subjects(other.ntriples) if "opendata.example.org" not in s}
    assert data and all(s.startswith("<https://data.example.cn/budget/") for s in data)
    assert len(subjects(other.ntriples)) == len(subjects(files.ntriples))
    text = other.ntriples.decode("utf-8")
    assert "<https://opendata.example.org/code/functional/2060101>" in text  # code lists keep their IRIs
    assert "<https://opendata.example.org/def/budget#amount>" in text
    for bad in ("not an iri", "ftp://x", "https://x/a b", "https://x/?q=1", "https://x/#f"):
        with pytest.raises(ValueError):
            render(sample, base_iri=bad)


@given(st.text(min_size=1, max_size=30))
def test_segment_is_iri_safe_and_deterministic(text: str) -> None:
    seg = iris.segment(text)
    assert seg == iris.segment(text)
    assert "/" not in seg and "#" not in seg and "?" not in seg and " " not in seg
    ox.NamedNode(f"https://example.org/x/{seg}")  # a valid IRI (raises otherwise)
    rdflib.URIRef(f"https://example.org/x/{seg}").n3()


@given(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12))
def test_segment_keeps_distinct_texts_distinct(a: str, b: str) -> None:
    import unicodedata

    na, nb = (unicodedata.normalize("NFKC", t).strip() for t in (a, b))
    if na and nb and na != nb:
        assert iris.segment(a) != iris.segment(b)


def test_segment_examples() -> None:
    assert iris.segment("income:general-budget") == "income:general-budget"
    assert iris.segment("监测企业总量") == "监测企业总量"
    assert iris.segment("三十一、人行科目") == "三十一%E3%80%81人行科目"
    assert iris.segment("ＡＢ１") == "AB1"  # full width folded
    assert iris.segment("a/b c") == "a%2Fb%20c"


# --- vocabulary drift ---------------------------------------------------------------------------

def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(VOCAB / "ontology.ttl", format="turtle")


def test_every_term_the_emitter_uses_is_declared_with_chinese_and_english_labels(files: rdf.RdfFiles) -> None:
    onto = ontology()
    dsd = rdflib.Graph().parse(VOCAB / "dsd.ttl", format="turtle")
    graph = rdflib.Graph().parse(data=files.ntriples, format="nt")
    used = {p for p in graph.predicates() if str(p).startswith(iris.BUDGET)}
    used |= {o for o in graph.objects(None, rdflib.RDF.type) if str(o).startswith(iris.BUDGET)}
    used |= {o for o in graph.objects() if isinstance(o, rdflib.URIRef) and str(o).startswith(iris.BUDGET)}
    missing = set()
    for term in used:
        langs = {label.language for label in onto.objects(term, rdflib.RDFS.label)}
        if {"zh", "en"} - langs and (term, rdflib.RDF.type, QB.DataStructureDefinition) not in dsd:
            missing.add(str(term))
    assert not missing, f"terms used but not declared (zh+en labels) in vocab/ontology.ttl: {sorted(missing)}"


def test_context_terms_agree_with_the_ontology() -> None:
    onto = ontology()
    context = json.loads((VOCAB / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    xsd = "http://www.w3.org/2001/XMLSchema#"
    for name, definition in context.items():
        if not isinstance(definition, dict):
            continue
        prop = BUDGET[definition["@id"].split(":", 1)[1]]
        assert (prop, rdflib.RDF.type, None) in onto, f"context term {name} names an undeclared property"
        kind = definition.get("@type")
        is_object = (prop, rdflib.RDF.type, rdflib.OWL.ObjectProperty) in onto
        assert (kind == "@id") == is_object, f"context term {name}: @type {kind} but the property is {'an object' if is_object else 'a datatype'} property"
        if kind and kind != "@id":
            assert (prop, rdflib.RDFS.range, rdflib.URIRef(xsd + kind.split(":")[1])) in onto, name


def test_obeu_and_sdmx_components_are_specialised() -> None:
    onto = ontology()
    expected = {
        "organization": "http://data.openbudgets.eu/ontology/dsd/dimension/organization",
        "fiscalYear": "http://data.openbudgets.eu/ontology/dsd/dimension/fiscalYear",
        "budgetPhase": "http://data.openbudgets.eu/ontology/dsd/dimension/budgetPhase",
        "operationCharacter": "http://data.openbudgets.eu/ontology/dsd/dimension/operationCharacter",
        "functionalClassification": "http://data.openbudgets.eu/ontology/dsd/dimension/functionalClassification",
        "economicClassification": "http://data.openbudgets.eu/ontology/dsd/dimension/economicClassification",
        "amount": "http://data.openbudgets.eu/ontology/dsd/measure/amount",
        "unitMeasure": "http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure",
        "unitMult": "http://purl.org/linked-data/sdmx/2009/attribute#unitMult",
    }
    for name, parent in expected.items():
        assert (BUDGET[name], rdflib.RDFS.subPropertyOf, rdflib.URIRef(parent)) in onto, name
    # only the amount reaches obeu-measure:amount (the issue's query relies on it)
    measures = list(onto.subjects(rdflib.RDFS.subPropertyOf, rdflib.URIRef(expected["amount"])))
    assert measures == [BUDGET.amount]


def test_generated_code_lists_match_their_sources() -> None:
    built = codelists.build()
    target = VOCAB / "codelists"
    stale = [name for name, data in built.items() if (target / name).read_bytes() != data]
    assert not stale, f"vocab/codelists/{stale} drifted from the generator; run python -m opendata.emit.codelists"
    expected = {p.name for p in target.glob("*.ttl")}
    if not codelists.COFOG_CSV.is_file():  # cofog.ttl cannot be rebuilt without the UN list
        expected.discard("cofog.ttl")
    assert expected == set(built)


def test_code_list_drift_is_detected(tmp_path, monkeypatch) -> None:
    """The drift check is not vacuous: an edited source makes --check fail."""
    import shutil

    from opendata import vocab

    copy = tmp_path / "vocab"
    shutil.copytree(VOCAB, copy)
    monkeypatch.setattr(vocab, "vocab_dir", lambda: copy)
    monkeypatch.setattr(codelists, "vocab_dir", lambda: copy)
    from opendata.emit import lists

    monkeypatch.setattr(lists, "vocab_dir", lambda: copy)
    lists.rows.cache_clear()
    lists.keys.cache_clear()
    try:
        assert codelists.main(["--check"]) == 0
        funds = copy / "codelists" / "funds.csv"
        funds.write_text(funds.read_text(encoding="utf-8").replace("General public budget", "General budget"), encoding="utf-8")
        lists.rows.cache_clear()
        assert codelists.main(["--check"]) == 1
    finally:
        lists.rows.cache_clear()
        lists.keys.cache_clear()


def codes() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in (VOCAB / "codelists").glob("*.ttl"):
        graph.parse(path, format="turtle")
    return graph


def test_recognition_keys_are_concepts_of_the_code_lists() -> None:
    graph = codes()
    data = tomllib.loads((VOCAB / "recognition.toml").read_text(encoding="utf-8"))
    def concept(scheme: str, key: str) -> rdflib.URIRef:
        return rdflib.URIRef(iris.concept_iri(scheme, key))
    wanted = [("table", key) for key in data["tables"]]
    wanted += [("measure", v["measure"]) for v in data["columns"].values()]
    wanted += [("fund", v["fund"]) for v in data["columns"].values() if "fund" in v]
    wanted += [("item", v) for v in data["items"].values()]
    wanted += [("asset", v) for v in data["assets"].values()]
    missing = [(s, k) for s, k in wanted if (concept(s, k), SKOS.inScheme, rdflib.URIRef(iris.scheme_iri(s))) not in graph]
    assert not missing


def test_concepts_have_chinese_and_english_labels_and_classes_a_cofog_match() -> None:
    graph = codes()
    for concept in set(graph.subjects(rdflib.RDF.type, SKOS.Concept)):
        if str(concept).startswith(iris.scheme_iri("cofog")):
            continue
        langs = {label.language for label in graph.objects(concept, SKOS.prefLabel)}
        assert {"zh", "en"} <= langs, concept
    functional = rdflib.URIRef(iris.scheme_iri("functional"))
    for top in graph.objects(functional, SKOS.hasTopConcept):
        matches = list(graph.objects(top, SKOS.closeMatch)) + list(graph.objects(top, SKOS.broadMatch))
        assert len(matches) == 1, top
        assert any("COFOG" in str(c) for c in graph.objects(top, rdflib.RDFS.comment)), top
    # hierarchy by code prefix, levels with XKOS
    assert (rdflib.URIRef(iris.concept_iri("functional", "2060101")), SKOS.broader,
            rdflib.URIRef(iris.concept_iri("functional", "20601"))) in graph
    level3 = rdflib.URIRef(iris.level_iri("functional", 3))
    assert (level3, SKOS.member, rdflib.URIRef(iris.concept_iri("functional", "2060101"))) in graph


def test_every_code_of_the_sample_is_in_the_code_lists_with_its_printed_name(sample: opendata.Disclosure) -> None:
    with (VOCAB / "codelists" / "subclasses.csv").open(encoding="utf-8", newline="") as handle:
        known = {(r["scheme"], r["code"]): r["name_zh"] for r in csv.DictReader(handle)}
    for table in sample.tables:
        for line in table.lines:
            for scheme, code in (("functional", line.key.functional), ("economic", line.key.economic)):
                if code and len(code) > 3:
                    assert known.get((scheme, code)) == line.label, (scheme, code)


def test_hot_path_locator_iri_follows_the_template() -> None:
    """rdf.locate inlines the "locator" template for speed; it must say the same."""
    assert iris.templates().fill("locator", of="https://x.org/d/obs/t") == "https://x.org/d/obs/t/at"


@pytest.mark.parametrize("fund", [None, "", "general", "一般 公共/预算"])
@pytest.mark.parametrize("side", [None, "income", "支出"])
def test_hot_path_observation_iri_follows_the_template(fund: str | None, side: str | None) -> None:
    """rdf.observation_iri inlines the "observation" template for speed; it must say the same."""
    for dataset in ("https://x.org/d", "https://x.org/d//"):
        values = dict(dataset=dataset, table="t01", line="一般公共服务支出~2", measure="budget", fund=fund, side=side)
        assert rdf.observation_iri(**values) == iris.templates().fill("observation", **values)


def test_render_and_the_triple_list_path_agree(sample: opendata.Disclosure, files: rdf.RdfFiles) -> None:
    """render() orders nodes directly; sorting the flat triple list must give the same bytes."""
    from opendata.emit import serialise

    ordered = serialise.sort_triples(rdf.triples(sample))
    assert serialise.ntriples(ordered) == files.ntriples
    assert serialise.jsonld(serialise.group(ordered)) == files.jsonld


def test_templates_fill_optional_parts_and_refuse_missing_values() -> None:
    t = iris.templates()
    values = dict(dataset="https://x.org/d", table="t", line="l 1", measure="m")
    assert t.fill("observation", **values, fund=None, side=None) == "https://x.org/d/obs/t/l%201/m"
    assert t.fill("observation", **values, fund="gov-fund", side="expenditure") == "https://x.org/d/obs/t/l%201/m/gov-fund/expenditure"
    with pytest.raises(KeyError):
        t.fill("observation", dataset="https://x.org/d", table="t", line="l")
    # every data IRI hangs below the base (directly or through its parent), or is a known external one
    for name, template in t.data.items():
        assert template.startswith(("{base}/", "{dataset}/", "{project}/", "{indicator}/", "{procurement}/", "{of}/",
                                    "http://reference.data.gov.uk/")), name
