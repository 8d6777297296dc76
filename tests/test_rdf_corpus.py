"""The RDF of the real Shanghai documents (../shared/corpus) is valid too: constraints, shapes,
and every 款/项 they print is in the code lists. Skipped when the corpus folder is absent."""

from __future__ import annotations

import csv
from pathlib import Path

import pyshacl
import pytest
import rdflib

import opendata
from opendata.emit.rdf import render
from rdf_support import VOCAB, oxigraph_store, rdflib_graph, violated

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def documents(corpus: Path) -> dict[str, opendata.Disclosure]:
    paths = sorted(corpus.glob("*.pdf"))
    if not paths:
        pytest.skip(f"no PDF in {corpus}")
    return {path.name: opendata.load(path) for path in paths}


def test_corpus_rdf_breaks_no_constraint(documents: dict[str, opendata.Disclosure]) -> None:
    queries = sorted((VOCAB / "constraints").glob("*.rq"))
    for name, disclosure in documents.items():
        files = render(disclosure)
        assert files.triples > 1000, name
        store = oxigraph_store(files.turtle)
        broken = [q.stem for q in queries if violated(store, q.read_text(encoding="utf-8"))]
        assert not broken, (name, broken)


@pytest.mark.parametrize("which", ["final", "unit-budget"])
def test_corpus_rdf_conforms_to_the_shapes(documents: dict[str, opendata.Disclosure], which: str) -> None:
    name = next((n for n in documents if which in n), None)
    if name is None:
        pytest.skip(f"no {which} document in the corpus")
    graph = rdflib_graph(render(documents[name]).turtle)
    conforms, _, text = pyshacl.validate(graph, shacl_graph=rdflib.Graph().parse(VOCAB / "shapes.ttl"),
                                         inference="none")
    assert conforms, text[:2000]


def test_corpus_codes_are_in_the_code_lists(documents: dict[str, opendata.Disclosure]) -> None:
    with (VOCAB / "codelists" / "subclasses.csv").open(encoding="utf-8", newline="") as handle:
        known = {(r["scheme"], r["code"]) for r in csv.DictReader(handle)}
    missing = set()
    for disclosure in documents.values():
        for table in disclosure.tables:
            for line in table.lines:
                for scheme, code in (("functional", line.key.functional), ("economic", line.key.economic)):
                    if code and len(code) in (5, 7) and code.startswith(("2", "3")) and (scheme, code) not in known:
                        missing.add((scheme, code, line.label))
    assert not missing, f"run python -m opendata.emit.codelists --collect on the corpus: {sorted(missing)}"
