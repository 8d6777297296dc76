"""The RDF passes the SHACL shapes and the Data Cube integrity constraints, and each of them fires
on a graph broken on purpose (so none of them can pass vacuously)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib

import opendata
from opendata.check.report import CODES, ERROR, Finding
from opendata.emit.rdf import render
from rdf_support import VOCAB, oxigraph_store, rdflib_graph, small_disclosure, violated

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
B = "https://opendata.example.org/def/budget#"
CODE = "https://opendata.example.org/code/"
CONSTRAINTS = sorted((VOCAB / "constraints").glob("*.rq")) + sorted((VOCAB / "constraints" / "generic").glob("*.rq"))
IDS = [f"{p.parent.name}/{p.stem}" if p.parent.name == "generic" else p.stem for p in CONSTRAINTS]
PREFIXES = f"""
PREFIX budget: <{B}>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(VOCAB / "shapes.ttl", format="turtle")


def shacl(graph: rdflib.Graph) -> tuple[bool, rdflib.Graph]:
    conforms, results, _ = pyshacl.validate(graph, shacl_graph=shapes(), inference="none", advanced=True)
    return bool(conforms), results


# --- the real output passes -------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_files():
    d = opendata.load(opendata.sample_path())
    from opendata.check import validate

    return render(d, findings=validate(d).findings)


def test_sample_conforms_to_the_shapes(sample_files) -> None:
    conforms, results = shacl(rdflib_graph(sample_files.turtle))
    messages = sorted({str(m) for m in results.objects(None, SH.resultMessage)})
    assert conforms, messages[:10]


@pytest.fixture(scope="module")
def sample_store(sample_files) -> ox.Store:
    return oxigraph_store(sample_files.turtle)


@pytest.mark.parametrize("path", CONSTRAINTS, ids=IDS)
def test_sample_breaks_no_integrity_constraint(sample_store: ox.Store, path: Path) -> None:
    assert not violated(sample_store, path.read_text(encoding="utf-8"))


# --- each shape fires on a broken graph ----------------------------------------------------------

def small_graph() -> rdflib.Graph:
    d = small_disclosure()
    finding = Finding(next(c for c in CODES if c != "read-note"), ERROR, "x", "x", (), (d.tables[0].locator,))
    return rdflib_graph(render(d, findings=[finding]).turtle)


def nth(graph: rdflib.Graph, cls: str, n: int, where: str = "") -> str:
    rows = sorted(str(r[0]) for r in graph.query(f"{PREFIXES} SELECT ?s WHERE {{ ?s a {cls} . {where} }}"))
    return rows[n]


# (name, node or property shape expected to fire, SPARQL update that breaks one focus node)
def breaks(graph: rdflib.Graph) -> list[tuple[str, str, str, str]]:
    obs = lambda n: nth(graph, "qb:Observation", n)  # noqa: E731
    loc = lambda n: nth(graph, "budget:SourceLocation", n)  # noqa: E731
    ds = nth(graph, "budget:Disclosure", 0)
    doc = nth(graph, "budget:SourceDocument", 0)
    dept = nth(graph, "budget:Department", 0)
    project = nth(graph, "budget:Project", 0)
    project2 = nth(graph, "budget:Project", 1)
    ind = lambda n: nth(graph, "budget:PerformanceIndicator", n)  # noqa: E731
    numeric = nth(graph, "budget:Target", 0, '?s budget:targetKind "numeric"')
    target = lambda n: nth(graph, "budget:Target", n)  # noqa: E731
    claim = lambda n: nth(graph, "budget:Claim", n)  # noqa: E731
    finding = nth(graph, "budget:Finding", 0)

    def drop(s: str, p: str) -> str:
        return f"DELETE WHERE {{ <{s}> {p} ?o }}"

    def put(s: str, p: str, o: str) -> str:
        return f"DELETE {{ <{s}> {p} ?o }} INSERT {{ <{s}> {p} {o} }} WHERE {{ OPTIONAL {{ <{s}> {p} ?o }} }}"

    return [
        ("amount", obs(0), "ObservationShape-amount", drop(obs(0), "budget:amount")),
        ("amount-datatype", obs(17), "ObservationShape-amount", put(obs(17), "budget:amount", '"12"')),
        ("dataSet", obs(1), "ObservationShape-dataSet", drop(obs(1), "qb:dataSet")),
        ("organization", obs(2), "ObservationShape-organization", put(obs(2), "budget:organization", '"局"')),
        ("fiscalYear", obs(3), "ObservationShape-fiscalYear", put(obs(3), "budget:fiscalYear", '"2024"^^xsd:gYear')),
        ("budgetPhase", obs(4), "ObservationShape-budgetPhase", put(obs(4), "budget:budgetPhase", f"<{CODE}economic/301>")),
        ("operationCharacter", obs(5), "ObservationShape-operationCharacter", drop(obs(5), "budget:operationCharacter")),
        ("table", obs(6), "ObservationShape-table", put(obs(6), "budget:table", f"<{CODE}measure/total>")),
        ("lineItem", obs(7), "ObservationShape-lineItem", drop(obs(7), "budget:lineItem")),
        ("functional-scheme", obs(8), "ObservationShape-functional", put(obs(8), "budget:functionalClassification", f"<{CODE}economic/301>")),
        ("functional-notation", obs(16), "ObservationShape-functional",
         put(obs(16), "budget:functionalClassification", f"<{CODE}functional/20x>") +
         f' ;\nINSERT DATA {{ <{CODE}functional/20x> <http://www.w3.org/2004/02/skos/core#inScheme> <{CODE}functional> ;'
         f' <http://www.w3.org/2004/02/skos/core#notation> "20x" }}'),
        ("economic", obs(9), "ObservationShape-economic", put(obs(9), "budget:economicClassification", f"<{CODE}functional/206>")),
        # the same breaks seen from the code's side (the code shapes target every value of the property)
        ("functional-code-scheme", f"{CODE}economic/301", "FunctionalCodeShape-scheme", ""),
        ("functional-code-notation", f"{CODE}functional/20x", "FunctionalCodeShape-notation", ""),
        ("economic-code-scheme", f"{CODE}functional/206", "EconomicCodeShape-scheme", ""),
        ("economic-code-notation", f"{CODE}economic/3011", "EconomicCodeShape-notation",
         put(obs(18), "budget:economicClassification", f"<{CODE}economic/3011>") +
         f' ;\nINSERT DATA {{ <{CODE}economic/3011> <http://www.w3.org/2004/02/skos/core#inScheme> <{CODE}economic> ;'
         f' <http://www.w3.org/2004/02/skos/core#notation> "3011" }}'),
        ("measureRole", obs(10), "ObservationShape-measureRole", put(obs(10), "budget:measureRole", f"<{CODE}fund/_T>")),
        ("fund", obs(11), "ObservationShape-fund", drop(obs(11), "budget:fund")),
        ("unitMeasure", obs(12), "ObservationShape-unitMeasure", put(obs(12), "budget:unitMeasure", f"<{CODE}unit/wan-yuan>")),
        ("sourceValue", obs(13), "ObservationShape-sourceValue", put(obs(13), "budget:sourceValue", '"1722.65"')),
        ("sourceUnit", obs(14), "ObservationShape-sourceUnit", put(obs(14), "budget:sourceUnit", f"<{CODE}table/expenditure-summary>")),
        ("source", obs(15), "ObservationShape-source", drop(obs(15), "prov:wasDerivedFrom")),
        ("disclosure-structure", ds, "DisclosureShape-structure", put(ds, "qb:structure", f"<{B}OtherStructure>")),
        ("disclosure-department", ds, "DisclosureShape-department", drop(ds, "budget:department")),
        ("disclosure-year", ds, "DisclosureShape-year", drop(ds, "budget:year")),
        ("disclosure-phase", ds, "DisclosureShape-phase", drop(ds, "budget:budgetPhase")),
        ("disclosure-title", ds, "DisclosureShape-title", put(ds, "dcterms:title", '"untagged"')),
        ("disclosure-source", ds, "DisclosureShape-source", put(ds, "prov:wasDerivedFrom", f"<{obs(0)}>")),
        ("department-label", dept, "DepartmentShape-label", drop(dept, "rdfs:label")),
        ("sha256", doc, "SourceDocumentShape-sha256", put(doc, "budget:sha256", '"not-a-digest"')),
        ("fileName", doc, "SourceDocumentShape-fileName", drop(doc, "budget:fileName")),
        ("location-document", loc(0), "SourceLocationShape-document", drop(loc(0), "budget:document")),
        ("location-line-or-page", loc(1), "SourceLocationShape", drop(loc(1), "budget:line")),
        ("location-line", loc(2), "SourceLocationShape-line", put(loc(2), "budget:line", "0")),
        ("location-page", loc(3), "SourceLocationShape-page", put(loc(3), "budget:page", '"1"')),
        ("location-row", loc(4), "SourceLocationShape-row", put(loc(4), "budget:row", "-3")),
        ("location-column", loc(5), "SourceLocationShape-column", put(loc(5), "budget:column", "1.5")),
        ("project-label", project, "ProjectShape-label", drop(project, "rdfs:label")),
        ("project-budget", project2, "ProjectShape-budget", f'INSERT DATA {{ <{project2}> budget:projectBudget "1"^^xsd:decimal, "2"^^xsd:decimal }}'),
        ("project-disclosure", project2, "ProjectShape-disclosure", drop(project2, "budget:disclosure")),
        ("project-source", project, "ProjectShape-source", drop(project, "prov:wasDerivedFrom")),
        ("indicator-target", ind(0), "IndicatorShape-target", drop(ind(0), "budget:target")),
        ("indicator-type", ind(1), "IndicatorShape-type", put(ind(1), "budget:indicatorType", f"<{CODE}fund/_T>")),
        ("indicator-project", ind(2), "IndicatorShape-project", f"DELETE WHERE {{ ?p budget:indicator <{ind(2)}> }}"),
        ("target-kind", target(0), "TargetShape-kind", put(target(0), "budget:targetKind", '"vague"')),
        ("target-raw", target(1), "TargetShape-raw", drop(target(1), "budget:rawText")),
        ("target-value", target(2), "TargetShape-value", put(target(2), "budget:targetValue", '"95"')),
        ("numeric-target-without-value", numeric, "TargetShape", drop(numeric, "budget:targetValue")),
        ("claim-value", claim(0), "ClaimShape-value", drop(claim(0), "budget:claimValue")),
        ("claim-kind", claim(1), "ClaimShape-kind", put(claim(1), "budget:claimKind", '"guess"')),
        ("claim-raw", claim(2), "ClaimShape-raw", drop(claim(2), "budget:rawText")),
        ("finding-severity", finding, "FindingShape-severity", put(finding, "budget:severity", f"<{CODE}phase/budget>")),
        ("finding-of", finding, "FindingShape-of", drop(finding, "budget:findingOf")),
        ("finding-code", finding, "FindingShape-code", drop(finding, "budget:findingCode")),
    ]


@pytest.fixture(scope="module")
def broken() -> tuple[list[tuple[str, str, str, str]], set[tuple[str, str]], bool]:
    """All breaks applied to distinct focus nodes of one graph, validated once."""
    graph = small_graph()
    conforms, _ = shacl(graph)
    assert conforms, "the unbroken small graph must conform"
    cases = breaks(graph)
    for _, _, _, update in cases:
        if update:
            graph.update(PREFIXES + update)
    conforms, results = shacl(graph)
    fired = {
        (str(results.value(r, SH.focusNode)), str(results.value(r, SH.sourceShape)).removeprefix(B))
        for r in results.subjects(rdflib.RDF.type, SH.ValidationResult)
    }
    return cases, fired, conforms


CASE_NAMES = [c[0] for c in breaks(small_graph())]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_each_shape_fires_on_a_broken_graph(broken, name: str) -> None:
    cases, fired, conforms = broken
    _, focus, shape, _ = next(c for c in cases if c[0] == name)
    assert not conforms
    assert (focus, shape) in fired, f"{shape} did not fire on {focus}"


def test_every_shape_is_exercised_by_a_break() -> None:
    graph = shapes()
    named = {str(s).removeprefix(B) for s in graph.subjects(rdflib.RDF.type, SH.PropertyShape)}
    named |= {str(s).removeprefix(B) for s in graph.subjects(SH.targetClass, None)}
    exercised = {c[2] for c in breaks(small_graph())}
    exercised |= {"ObservationShape", "DisclosureShape", "DepartmentShape", "SourceDocumentShape",
                  "ProjectShape", "IndicatorShape", "ClaimShape", "FindingShape", "FunctionalCodeShape",
                  "EconomicCodeShape"}  # via their property shapes
    assert named <= exercised, sorted(named - exercised)


# --- each constraint fires on a broken graph -------------------------------------------------------

OBS = "?obs a qb:Observation"
CONSTRAINT_BREAKS = {
    "ic-01-unique-dataset": f"DELETE {{ ?obs qb:dataSet ?ds }} WHERE {{ {{ SELECT ?obs WHERE {{ {OBS} }} ORDER BY ?obs LIMIT 1 }} ?obs qb:dataSet ?ds }}",
    "ic-02-unique-dsd": "DELETE { ?ds qb:structure ?dsd } WHERE { ?ds a qb:DataSet ; qb:structure ?dsd }",
    "ic-03-dsd-includes-measure": f"DELETE DATA {{ <{B}BudgetLineStructure> qb:component <{B}component-amount> }}",
    "ic-04-dimensions-have-range": f"DELETE WHERE {{ <{B}table> rdfs:range ?r }}",
    "ic-05-concept-dimensions-have-code-lists": f"DELETE WHERE {{ <{B}fund> qb:codeList ?l }}",
    "ic-06-only-attributes-may-be-optional": f'INSERT DATA {{ <{B}component-fund> qb:componentRequired "false"^^xsd:boolean }}',
    "ic-11-all-dimensions-required": f"DELETE {{ ?obs budget:fund ?f }} WHERE {{ {{ SELECT ?obs WHERE {{ {OBS} }} ORDER BY ?obs LIMIT 1 }} ?obs budget:fund ?f }}",
    "ic-12-no-duplicate-observations": (
        "INSERT { <https://example.org/copy> ?p ?o } WHERE { "
        f"{{ SELECT ?obs WHERE {{ {OBS} }} ORDER BY ?obs LIMIT 1 }} ?obs ?p ?o }}"
    ),
    "ic-13-required-attributes": f"DELETE {{ ?obs budget:sourceText ?t }} WHERE {{ {{ SELECT ?obs WHERE {{ {OBS} }} ORDER BY ?obs LIMIT 1 }} ?obs budget:sourceText ?t }}",
    "ic-14-all-measures-present": f"DELETE {{ ?obs budget:amount ?a }} WHERE {{ {{ SELECT ?obs WHERE {{ {OBS} }} ORDER BY ?obs LIMIT 1 }} ?obs budget:amount ?a }}",
    "ic-19-codes-from-code-list": (
        f"DELETE {{ ?obs budget:functionalClassification ?c }} INSERT {{ ?obs budget:functionalClassification <{CODE}economic/301> }} "
        f"WHERE {{ {{ SELECT ?obs WHERE {{ {OBS} }} ORDER BY ?obs LIMIT 1 }} ?obs budget:functionalClassification ?c }}"
    ),
    "amount-matches-source": (
        "DELETE { ?obs budget:amount ?a } INSERT { ?obs budget:amount \"1\"^^xsd:decimal } "
        f"WHERE {{ {{ SELECT ?obs WHERE {{ {OBS} }} ORDER BY ?obs LIMIT 1 }} ?obs budget:amount ?a }}"
    ),
}


def test_every_constraint_has_a_break() -> None:
    assert set(CONSTRAINT_BREAKS) == {p.stem for p in CONSTRAINTS}


def test_fast_ic12_joins_on_exactly_the_structure_dimensions() -> None:
    dsd = rdflib.Graph().parse(VOCAB / "dsd.ttl", format="turtle")
    qb = rdflib.Namespace("http://purl.org/linked-data/cube#")
    dimensions = {str(d).removeprefix(B) for d in dsd.objects(None, qb.dimension)}
    query = (VOCAB / "constraints" / "ic-12-no-duplicate-observations.rq").read_text(encoding="utf-8")
    body = query[query.index("SELECT"):]
    for variable in ("?obs1", "?obs2"):
        block = body[body.index(variable + " "):]
        block = block[: block.index(" .\n")]
        assert set(re.findall(r"budget:(\w+)", block)) == dimensions, variable


@pytest.mark.parametrize("path", CONSTRAINTS, ids=IDS)
def test_each_constraint_fires_on_a_broken_graph(path: Path) -> None:
    store = oxigraph_store(render(small_disclosure()).turtle)
    query = path.read_text(encoding="utf-8")
    assert not violated(store, query)
    store.update(PREFIXES + CONSTRAINT_BREAKS[path.stem])
    assert violated(store, query)
