"""The DCAT catalogue of the built packages: ``catalog.ttl`` and ``catalog.jsonld``.

One ``dcat:Dataset`` per package (the same IRI as the ``qb:DataSet`` of its RDF, from
vocab/iri-templates.toml) with its title, publisher, licence, fiscal year as ``dct:temporal`` and
the administrative division as ``dct:spatial``; one ``dcat:Distribution`` per file of the package
with its media type, byte size and SHA-256 (``spdx:checksum``). Follows DCAT 3
(https://www.w3.org/TR/vocab-dcat-3/). No blank nodes: every node has an IRI derived from what it
is. Written with the project's deterministic serialisers, no RDF library.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from typing import Any, BinaryIO, Callable, Iterable, Mapping, Sequence
from urllib.parse import quote

from .. import iris
from ..config import Config
from ..model.disclosure import Disclosure
from .serialise import Lit, Nodes, Triple, group, jsonld, sort_triples, turtle, write_nodes

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SPDX = "http://spdx.org/rdf/terms#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MEDIA = "https://www.iana.org/assignments/media-types/"
FORMATS = {
    ".csv": "text/csv",
    ".html": "text/html",
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".nt": "application/n-triples",
    ".ttl": "text/turtle",
}
CONFORMS = {
    "datapackage.json": "https://specs.frictionlessdata.io/data-package/",
    "data.ttl": "http://purl.org/linked-data/cube#",
}


def _keys(disclosure: Disclosure) -> dict[str, Any]:
    d = disclosure
    return {
        "division": d.division.code or d.division.name or "cn",
        "department": d.department.code or d.department.name,
        "year": d.year,
        "phase": d.phase,
        "scope": "unit" if d.scope == "unit" else None,
    }


def dataset_iri(disclosure: Disclosure, base_iri: str) -> str:
    """The IRI of a disclosure's dataset, the same as in its RDF (template ``dataset``)."""
    return iris.templates().fill("dataset", base=iris.check_base(base_iri), **_keys(disclosure))


def licence_of(config: Config) -> dict[str, str] | None:
    """The Data Package ``licenses`` entry of the configuration, or ``None``."""
    if not (config.licence or config.licence_iri):
        return None
    entry = {"name": config.licence, "path": config.licence_iri, "title": config.licence_title}
    return {k: v for k, v in entry.items() if v}


def publisher_of(config: Config) -> dict[str, str] | None:
    """The Data Package ``contributors`` entry of the publisher, or ``None``."""
    if not (config.publisher_name or config.publisher_iri):
        return None
    entry = {"title": config.publisher_name, "path": config.publisher_iri}
    return {k: v for k, v in entry.items() if v}


def entry_of(disclosure: Disclosure, base_iri: str, files: Mapping[str, bytes]) -> dict[str, Any]:
    """What the catalogue says about one package (kept in the build manifest between builds)."""
    from .datapackage import digest, package_id

    d = disclosure
    base = iris.check_base(base_iri)
    keys = _keys(d)
    return {
        "package": d.slug,
        "name": package_id(d),
        "dataset": dataset_iri(d, base),
        "department_iri": iris.templates().fill("department", base=base, **{k: keys[k] for k in ("division", "department")}),
        "division_iri": iris.templates().fill("division", base=base, division=keys["division"])
        if (d.division.code or d.division.name) else None,
        "title": d.title,
        "department": d.department.name,
        "department_code": d.department.code,
        "division_code": d.division.code,
        "division_name": d.division.name,
        "province": d.division.province,
        "year": d.year,
        "phase": d.phase,
        "scope": d.scope,
        "distributions": [
            {"name": name, "bytes": len(data), "sha256": digest(data)}
            for name, data in sorted(files.items())
        ],
    }


def _lit(text: str | None, lang: str | None = None, datatype: str | None = None) -> Lit | None:
    return None if text is None or text == "" else Lit(text, datatype, lang)


def _head_triples(entries: Iterable[Mapping[str, Any]], config: Config, issued: str | None) -> list[Triple]:
    """The catalogue node, its publisher and licence, and the nodes packages share (departments,
    divisions, years): everything of the catalogue that is not one package's own."""
    base = iris.check_base(config.base_iri)
    catalog = f"{base}/catalog"
    out: list[Triple] = []

    def add(s: str, p: str, o: str | Lit | None) -> None:
        if o is not None:
            out.append((s, p, o))

    add(catalog, TYPE, DCAT + "Catalog")
    add(catalog, DCT + "title", _lit(config.catalog_title, "en" if config.catalog_title.isascii() else "zh"))
    if issued:
        add(catalog, DCT + "issued", _date(issued))
    publisher = _publisher(config)
    if publisher:
        add(catalog, DCT + "publisher", publisher)
        add(publisher, TYPE, FOAF + "Agent")
        add(publisher, FOAF + "name", _lit(config.publisher_name))
    licence = config.licence_iri
    if licence:
        add(catalog, DCT + "license", licence)
        add(licence, TYPE, DCT + "LicenseDocument")
        add(licence, RDFS + "label", _lit(config.licence_title or config.licence))
    for entry in entries:
        add(catalog, DCAT + "dataset", entry["dataset"])
        add(entry["department_iri"], TYPE, FOAF + "Agent")
        add(entry["department_iri"], FOAF + "name", _lit(entry["department"], "zh"))
        year = iris.year_iri(entry["year"])
        add(year, TYPE, DCT + "PeriodOfTime")
        add(year, DCAT + "startDate", Lit(f"{entry['year']:04d}-01-01", XSD + "date"))
        add(year, DCAT + "endDate", Lit(f"{entry['year']:04d}-12-31", XSD + "date"))
        if entry.get("division_iri"):
            division = entry["division_iri"]
            add(division, TYPE, DCT + "Location")
            add(division, RDFS + "label", _lit(entry["division_name"], "zh"))
            add(division, DCT + "identifier", _lit(entry["division_code"]))
    return out


def _date(issued: str) -> Lit:
    return Lit(issued, XSD + ("dateTime" if "T" in issued else "date"))


def _publisher(config: Config) -> str | None:
    base = iris.check_base(config.base_iri)
    return config.publisher_iri or (f"{base}/publisher" if config.publisher_name else None)


def _package_triples(entry: Mapping[str, Any], config: Config, issued: str | None) -> list[Triple]:
    """One package's own nodes: its ``dcat:Dataset``, distributions and checksums."""
    out: list[Triple] = []

    def add(s: str, p: str, o: str | Lit | None) -> None:
        if o is not None:
            out.append((s, p, o))

    ds = entry["dataset"]
    add(ds, TYPE, DCAT + "Dataset")
    add(ds, DCT + "identifier", _lit(entry["name"]))
    add(ds, DCT + "title", _lit(entry["title"], "zh"))
    add(ds, DCAT + "keyword", _lit("部门预算" if entry["phase"] == "budget" else "部门决算", "zh"))
    add(ds, DCAT + "keyword", _lit(entry["department"], "zh"))
    add(ds, DCT + "creator", entry["department_iri"])
    add(ds, DCT + "publisher", _publisher(config) or entry["department_iri"])
    add(ds, DCT + "license", config.licence_iri)
    add(ds, DCT + "issued", _date(issued) if issued else None)
    add(ds, DCT + "temporal", iris.year_iri(entry["year"]))
    if entry.get("division_iri"):
        add(ds, DCT + "spatial", entry["division_iri"])
    for dist in entry["distributions"]:
        name = dist["name"]
        it = f"{ds}/distribution/{iris.segment(name)}"
        suffix = name[name.rfind("."):]
        add(ds, DCAT + "distribution", it)
        add(it, TYPE, DCAT + "Distribution")
        add(it, DCT + "title", _lit(name))
        add(it, DCAT + "mediaType", MEDIA + FORMATS[suffix])
        add(it, DCAT + "byteSize", Lit(str(dist["bytes"]), XSD + "nonNegativeInteger"))
        add(it, DCT + "conformsTo", CONFORMS.get(name))
        if config.download_url:
            url = config.download_url + quote(f"{entry['package']}/{name}", safe="/")
            add(it, DCAT + "downloadURL", url)
            add(it, DCAT + "accessURL", url)
        checksum = f"{it}#sha256"
        add(it, SPDX + "checksum", checksum)
        add(checksum, TYPE, SPDX + "Checksum")
        add(checksum, SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256")
        add(checksum, SPDX + "checksumValue", Lit(dist["sha256"], XSD + "hexBinary"))
    return out


def triples(entries: Iterable[Mapping[str, Any]], config: Config, issued: str | None = None) -> list[Triple]:
    """The catalogue as triples; ``entries`` are ``entry_of`` results."""
    entries = list(entries)
    out = _head_triples(entries, config, issued)
    for entry in entries:
        out += _package_triples(entry, config, issued)
    return out


@dataclass(frozen=True, slots=True)
class Fragment:
    """One package's own part of the catalogue as text, rendered once when the package is built and
    kept beside its manifest record, so that a rebuild writes the catalogue by concatenation."""

    turtle: str  # subject blocks, no prefixes
    jsonld: str  # node objects, one per line, joined by ",\n"


_JSONLD_END = "\n]}\n"


def fragment(entry: Mapping[str, Any], config: Config, issued: str | None = None) -> Fragment:
    """The catalogue text of one package (``entry`` from ``entry_of``): the subject blocks of its
    Turtle (what follows the prefix lines, which ``turtle([])`` gives alone) and the node objects of
    its JSON-LD (what lies between ``"@graph": [`` and ``]``; ``jsonld([])`` is the opening, an empty
    line and the end)."""
    nodes: Nodes = {}
    for s, p, o in _package_triples(entry, config, issued):
        nodes.setdefault(s, {}).setdefault(p, []).append(o)
    ttl, json_ld, _, _ = write_nodes(nodes)
    ttl_start, json_start = _fragment_starts()
    return Fragment(turtle=ttl[ttl_start:].decode("utf-8"), jsonld=json_ld[json_start:-len(_JSONLD_END)].decode("utf-8"))


@cache
def _fragment_starts() -> tuple[int, int]:
    """Where a document's subject blocks (Turtle) and node objects (JSON-LD) start: the same for every
    document, so measured once on empty ones."""
    return len(turtle([])), len(jsonld([])) - len(_JSONLD_END)


def write_catalog(
    entries: Sequence[Mapping[str, Any]],
    fragment_of: Callable[[Mapping[str, Any]], Fragment],
    config: Config,
    issued: str | None,
    ttl: BinaryIO,
    jsonld_out: BinaryIO,
) -> None:
    """Write ``catalog.ttl`` and ``catalog.jsonld`` to two binary streams.

    First the nodes that are not one package's own (the catalogue, publisher, licence, departments,
    divisions and years, in canonical order), then each package's fragment in the order of its dataset
    IRI. Only the entries' small facts are held; the fragments are fetched one at a time, so memory does
    not grow with the size of the catalogue, and unchanged packages cost a file read, not a rendering.
    """
    ordered = sorted(entries, key=lambda e: e["dataset"])
    head = group(sort_triples(_head_triples(ordered, config, issued)))
    ttl.write(turtle(head, header=CATALOG_HEADER))
    document = jsonld(head).decode("utf-8")
    jsonld_out.write(document[:-len(_JSONLD_END)].encode("utf-8"))
    for entry in ordered:
        part = fragment_of(entry)
        ttl.write(part.turtle.encode("utf-8"))
        jsonld_out.write((",\n" + part.jsonld).encode("utf-8"))
    jsonld_out.write(_JSONLD_END.encode("utf-8"))


CATALOG_HEADER = "opendata: DCAT catalogue of the data packages in this folder"


def render_catalog(entries: Iterable[Mapping[str, Any]], config: Config, issued: str | None = None,
                   fragment_of: Callable[[Mapping[str, Any]], Fragment] | None = None) -> dict[str, bytes]:
    """``catalog.ttl`` and ``catalog.jsonld`` of the given package entries, in memory; each package's
    fragment from ``fragment_of`` (default: rendered from its entry)."""
    ttl, json_ld = io.BytesIO(), io.BytesIO()
    write_catalog(list(entries), fragment_of or (lambda e: fragment(e, config, issued)), config, issued, ttl, json_ld)
    return {"catalog.ttl": ttl.getvalue(), "catalog.jsonld": json_ld.getvalue()}
