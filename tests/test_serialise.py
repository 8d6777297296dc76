"""The one-pass node writers of opendata/emit/serialise.py give the bytes of the triple-list writers.

``rdf.render`` writes from nodes (``write_nodes``, ``ntriples_of``); catalog and code lists write
from sorted triples (``sort_triples``, ``group``, ``turtle``, ``jsonld``). Both must agree on any
graph, including the cases the disclosures rarely have: several objects for one predicate,
duplicates, literals that do not fit their term's coercion, several types, IRIs that do or do not
compact, keys that need escaping.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import opendata
from conftest import REPO
from opendata.check import validate
from opendata.emit import rdf, serialise
from opendata.emit.serialise import RDF_TYPE, XSD, Lit

B = "https://opendata.example.org/def/budget#"
CODE = "https://opendata.example.org/code/"
DATA = "https://opendata.example.org/dataset/x/"

# predicates with a term and each kind of coercion, without a term, and rdf:type
PREDICATES = [
    RDF_TYPE,
    B + "amount",  # xsd:decimal
    B + "assetType",  # @id
    B + "amountKey",  # a term without coercion
    B + "baseYear",  # xsd:gYear
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://example.org/no-prefix/p",  # no term, no prefix
    "http://purl.org/dc/terms/title",
]
IRIS = [
    DATA + "a", DATA + "a/at", DATA + "b", DATA + "%E4%B8%80", DATA + "一", CODE + "item/total",
    CODE + "item/一般", CODE + "functional/201", B + "Observation", "http://purl.org/linked-data/cube#DataSet",
    "http://example.org/x#y", "http://example.org/x/", B,
]
DATATYPES = [None, XSD + "decimal", XSD + "integer", XSD + "boolean", XSD + "gYear", XSD + "string", "http://example.org/dt"]
LEXES = ["0", "12", "+3", "-4", "1.50", "true", "false", "", "a \"quoted\" \\ line\nbreak\ttab\x01", "一般公共预算", "{x}"]

literals = st.builds(
    Lit, st.sampled_from(LEXES), st.sampled_from(DATATYPES), st.none(),
) | st.builds(Lit, st.sampled_from(LEXES), st.none(), st.sampled_from(["zh", "en"]))
objects = st.sampled_from(IRIS) | literals
nodes_strategy = st.dictionaries(
    st.sampled_from(IRIS),
    st.dictionaries(st.sampled_from(PREDICATES), st.lists(objects, min_size=1, max_size=3), min_size=1, max_size=6),
    min_size=1, max_size=6,
)


def by_triples(nodes: serialise.Nodes, header: str) -> tuple[bytes, bytes, bytes, int]:
    ordered = serialise.sort_triples((s, p, o) for s, props in nodes.items() for p, os in props.items() for o in os)
    groups = serialise.group(ordered)
    return serialise.turtle(groups, header=header), serialise.jsonld(groups), serialise.ntriples(ordered), len(ordered)


@settings(max_examples=300, deadline=None)
@given(nodes_strategy)
def test_node_writers_agree_with_the_triple_writers(nodes: serialise.Nodes) -> None:
    expected = by_triples(nodes, "a header")
    assert serialise.write_nodes(nodes, header="a header") == expected
    assert serialise.ntriples_of(nodes) == expected[2]
    json.loads(expected[1])


@given(literals | st.sampled_from(IRIS))
def test_json_values_are_what_json_dumps_writes(term: serialise.Term) -> None:
    forms = serialise._forms(term)
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

    def dumps(value: object) -> bytes:
        return encoder.encode(value).encode("utf-8")

    def compacted(iri: str) -> str:
        return serialise.compact(iri) or iri

    if isinstance(term, str):
        assert forms.json == dumps(compacted(term))
        assert forms.plain == dumps({"@id": compacted(term)})
        return
    assert forms.json == dumps(term.lex)
    if term.lang:
        assert forms.plain == dumps({"@value": term.lex, "@language": term.lang})
    elif term.datatype and term.datatype != serialise.XSD_STRING:
        assert forms.plain == dumps({"@value": term.lex, "@type": compacted(term.datatype)})
    else:
        assert forms.plain == dumps(term.lex)


def test_a_bad_iri_is_refused_on_every_path() -> None:
    nodes: serialise.Nodes = {DATA + "a b": {RDF_TYPE: [B + "Observation"]}}
    for write in (serialise.write_nodes, serialise.ntriples_of):
        with pytest.raises(ValueError, match="not an IRI"):
            write(nodes)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    import synth

    return synth.write_corpus(tmp_path_factory.mktemp("synth"), 4, 0)


@pytest.mark.parametrize("index", range(4))
def test_render_agrees_with_the_triple_writers_on_the_benchmark_corpus(index: int, synthetic: list[Path]) -> None:
    """Synthetic disclosures (the shape of the benchmark) with their findings, written both ways."""
    d = opendata.load(synthetic[index])
    findings = validate(d).findings
    files = rdf.render(d, findings=findings)
    header = f"{d.title}\nopendata linked data; vocabulary {rdf.iris.BUDGET}"
    turtle, jsonld, ntriples, count = by_triples(rdf._nodes(d, rdf.DEFAULT_BASE, findings), header)
    assert (files.turtle, files.jsonld, files.ntriples, files.triples) == (turtle, jsonld, ntriples, count)
    assert rdf.ntriples(d, findings=findings) == ntriples
