"""Helpers shared by the RDF tests: the vocabulary files, graphs and a smaller real disclosure."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import rdflib

import opendata
from opendata.model.disclosure import Disclosure

VOCAB = Path(__file__).resolve().parent.parent / "vocab"


def vocab_files(*, cofog: bool = True) -> list[Path]:
    """ontology.ttl, dsd.ttl and the code lists (not shapes.ttl, which is no data)."""
    files = [VOCAB / "ontology.ttl", VOCAB / "dsd.ttl", *sorted((VOCAB / "codelists").glob("*.ttl"))]
    return [f for f in files if cofog or f.name != "cofog.ttl"]


def rdflib_graph(data: bytes, fmt: str = "turtle", *, vocab: bool = True) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=data, format=fmt)
    if vocab:
        for path in vocab_files(cofog=False):
            graph.parse(path, format="turtle")
    return graph


def oxigraph_store(data: bytes, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> ox.Store:
    store = ox.Store()
    store.load(data, format=fmt)
    for path in vocab_files():
        store.load(path.read_bytes(), format=ox.RdfFormat.TURTLE)
    return store


def violated(store: ox.Store, query: str) -> bool:
    """True when a constraint query finds a violation (ASK true, or SELECT rows)."""
    result = store.query(query)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    return any(True for _ in result)


@cache
def small_disclosure() -> Disclosure:
    """The sample cut down (a few lines per table, two projects …): real output, fast to validate."""
    d = opendata.load(opendata.sample_path())
    tables = tuple(dataclasses.replace(t, lines=t.lines[:6]) for t in d.tables)
    return dataclasses.replace(
        d, tables=tables, projects=d.projects[:2], claims=d.claims[:4], sections=d.sections[:3],
        glossary=d.glossary[:2],
    )
