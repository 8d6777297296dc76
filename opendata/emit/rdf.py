"""A disclosure as linked data: W3C Data Cube observations, projects, targets, provenance.

``render(disclosure)`` turns the typed model into triples of pre-formatted terms and writes them
as N-Triples, Turtle and JSON-LD (opendata/emit/serialise.py); no RDF library is involved, so
the output is fast and byte-for-byte deterministic. The terms are those of vocab/ontology.ttl,
the structure that of vocab/dsd.ttl, the codes those of vocab/codelists/, the IRIs those of
vocab/iri-templates.toml.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterable, Iterator

from .. import iris
from ..errors import Locator
from ..model.disclosure import Disclosure, Figure, Indicator, Project
from ..model.money import Amount, canonical
from ..vocab import norm_label
from . import lists
from .ns import B, DCTERMS, FOAF, ORG, PROV, QB, RDFS, SKOS, TYPE, XSD
from .serialise import Lit, Nodes, Term, Triple, ntriples_of, write_nodes

DEFAULT_BASE = iris.DEFAULT_BASE
DSD = B + "BudgetLineStructure"


@dataclass(frozen=True, slots=True)
class RdfFiles:
    """The RDF of one disclosure in three serialisations of the same graph."""

    turtle: bytes
    jsonld: bytes
    ntriples: bytes
    triples: int


def render(disclosure: Disclosure, *, base_iri: str = DEFAULT_BASE, findings: Iterable[Any] | None = None) -> RdfFiles:
    """Turtle, JSON-LD and N-Triples of ``disclosure`` (and its ``findings``) under ``base_iri``."""
    header = f"{disclosure.title}\nopendata linked data; vocabulary {iris.BUDGET}"
    with _collector_paused():
        ttl, json_ld, nt, count = write_nodes(_nodes(disclosure, base_iri, findings), header=header)
    return RdfFiles(turtle=ttl, jsonld=json_ld, ntriples=nt, triples=count)


def ntriples(disclosure: Disclosure, *, base_iri: str = DEFAULT_BASE, findings: Iterable[Any] | None = None) -> bytes:
    """Only the N-Triples of ``render`` (the same bytes as ``render(...).ntriples``)."""
    with _collector_paused():
        return ntriples_of(_nodes(disclosure, base_iri, findings))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while rendering. A render allocates tens of thousands of
    short-lived containers without cycles (reference counting frees them all), and every automatic
    collection they set off walks all tracked objects of the process: with the models of a batch in
    memory that costs more than the rendering (17 ms a disclosure with 30 models loaded)."""
    if not gc.isenabled():  # paused already (by the caller, or by a render in another thread)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def triples(disclosure: Disclosure, *, base_iri: str = DEFAULT_BASE, findings: Iterable[Any] | None = None) -> list[Triple]:
    """Every triple of the disclosure, unsorted (duplicates possible; ``sort_triples`` removes them)."""
    nodes = _nodes(disclosure, base_iri, findings)
    return [(s, p, o) for s, props in nodes.items() for p, objects in props.items() for o in objects]


def _nodes(disclosure: Disclosure, base_iri: str, findings: Iterable[Any] | None) -> Nodes:
    builder = _Builder(disclosure, iris.check_base(base_iri))
    builder.build()
    if findings is not None:
        builder.findings(findings)
    return builder.nodes


# --- literals ---------------------------------------------------------------------------------

def zh(text: str | None) -> Lit | None:
    return Lit(text, None, "zh") if text else None


def en(text: str | None) -> Lit | None:
    return Lit(text, None, "en") if text else None


def string(text: str | None) -> Lit | None:
    return Lit(text) if text else None


def decimal(value: Decimal | None) -> Lit | None:
    return None if value is None else Lit(canonical(value), XSD + "decimal")


def printed(value: Decimal) -> Lit:
    """A decimal with the printed precision kept (``450.00``)."""
    return Lit(format(value, "f"), XSD + "decimal")


def integer(value: int | None) -> Lit | None:
    return None if value is None else Lit(str(value), XSD + "integer")


def yuan(amount: Amount | None) -> Lit | None:
    return None if amount is None else Lit(amount.yuan_text, XSD + "decimal")


def gyear(year: int | None) -> Lit | None:
    return None if year is None else Lit(f"{year:04d}", XSD + "gYear")


concept = iris.concept_iri  # (scheme, key) -> the concept's IRI, cached


def observation_iri(dataset: str, table: str, line: str, measure: str, fund: str | None, side: str | None) -> str:
    """The "observation" template filled, inlined for the hot path (~240 observations a disclosure;
    a quarter of ``Templates.fill``'s cost; a test checks they agree)."""
    segment = iris.segment
    iri = f"{dataset.rstrip('/')}/obs/{segment(str(table))}/{segment(str(line))}/{segment(str(measure))}"
    if fund is not None:
        iri += "/" + segment(str(fund))
    if side is not None:
        iri += "/" + segment(str(side))
    return iri


# --- the builder ------------------------------------------------------------------------------

_DECIMAL = XSD + "decimal"
_OBSERVATION = QB + "Observation"
_DERIVED = PROV + "wasDerivedFrom"
_TYPE_LOCATION = TYPE
_DOCUMENT = B + "document"
_LINE, _PAGE, _ROW, _COLUMN = B + "line", B + "page", B + "row", B + "column"
_SOURCE_TABLE = B + "sourceTable"
_SOURCE_LOCATION = B + "SourceLocation"
_YUAN = iris.concept_iri("unit", "yuan")
_ZERO = Lit("0", XSD + "integer")


# an observation's predicates, made once (not for every observation: ~240 per disclosure)
_OBS_DATA_SET = QB + "dataSet"
_OBS_ORGANIZATION = B + "organization"
_OBS_FISCAL_YEAR = B + "fiscalYear"
_OBS_BUDGET_PHASE = B + "budgetPhase"
_OBS_OPERATION_CHARACTER = B + "operationCharacter"
_OBS_TABLE = B + "table"
_OBS_LINE_ITEM = B + "lineItem"
_OBS_FUNCTIONAL_CLASSIFICATION = B + "functionalClassification"
_OBS_ECONOMIC_CLASSIFICATION = B + "economicClassification"
_OBS_MEASURE_ROLE = B + "measureRole"
_OBS_FUND = B + "fund"
_OBS_AMOUNT = B + "amount"
_OBS_UNIT_MEASURE = B + "unitMeasure"
_OBS_UNIT_MULT = B + "unitMult"
_OBS_SOURCE_VALUE = B + "sourceValue"
_OBS_SOURCE_UNIT = B + "sourceUnit"
_OBS_SOURCE_TEXT = B + "sourceText"
_OBS_LINE_LABEL = B + "lineLabel"


@lru_cache(maxsize=4096)
def _int(value: int) -> Lit:
    """An xsd:integer (locations repeat the same few line, page, row and column numbers)."""
    return Lit(str(value), XSD + "integer")


class _Builder:
    def __init__(self, disclosure: Disclosure, base: str) -> None:
        self.d = disclosure
        self.base = base
        self.t = iris.templates()
        self.nodes: Nodes = {}
        d = disclosure
        self.division_key = d.division.code or d.division.name or "cn"
        self.department_key = d.department.code or d.department.name
        self.dataset = self.t.fill(
            "dataset", base=base, division=self.division_key, department=self.department_key,
            year=d.year, phase=d.phase, scope="unit" if d.scope == "unit" else None,
        )
        self.source = self.t.fill("source", dataset=self.dataset)
        self.department = self.t.fill("department", base=base, division=self.division_key, department=self.department_key)
        self.year = iris.year_iri(d.year)
        self.phase = concept("phase", d.phase)
        self.tables_seen: set[str] = set()
        self._table_iris: dict[str, str] = {}
        self.concepts_seen: set[tuple[str, str]] = set()

    def add(self, s: str, p: str, o: Term | None) -> None:
        if o is None:
            return
        node = self.nodes.get(s)
        if node is None:
            self.nodes[s] = {p: [o]}
            return
        objects = node.get(p)
        if objects is None:
            node[p] = [o]
        else:
            objects.append(o)

    # dataset, department, source -------------------------------------------------------------
    def build(self) -> None:
        d, add, ds = self.d, self.add, self.dataset
        add(ds, TYPE, QB + "DataSet")
        add(ds, TYPE, B + "Disclosure")
        add(ds, QB + "structure", DSD)
        add(ds, DCTERMS + "title", zh(d.title))
        add(ds, DCTERMS + "identifier", string(d.slug))
        add(ds, B + "department", self.department)
        add(ds, B + "fiscalYear", self.year)
        add(ds, B + "year", gyear(d.year))
        add(ds, B + "budgetPhase", self.phase)
        add(ds, B + "scope", concept("scope", d.scope))
        add(ds, B + "printedUnit", concept("unit", d.unit.key))
        add(ds, PROV + "wasDerivedFrom", self.source)

        add(self.department, TYPE, ORG + "Organization")
        add(self.department, TYPE, B + "Department")
        add(self.department, RDFS + "label", zh(d.department.name))
        add(self.department, SKOS + "prefLabel", zh(d.department.name))
        add(self.department, DCTERMS + "identifier", string(d.department.code))
        if d.division.code or d.division.name:
            division = self.t.fill("division", base=self.base, division=self.division_key)
            add(self.department, B + "division", division)
            add(division, TYPE, B + "Division")
            add(division, TYPE, DCTERMS + "Location")
            add(division, RDFS + "label", zh(d.division.name))
            add(division, DCTERMS + "identifier", string(d.division.code))
            add(division, B + "province", zh(d.division.province))
            add(division, B + "evidence", string(d.division.evidence))

        src = self.source
        add(src, TYPE, B + "SourceDocument")
        add(src, TYPE, FOAF + "Document")
        add(src, TYPE, PROV + "Entity")
        add(src, B + "fileName", string(d.source.name))
        add(src, B + "sha256", string(d.source.sha256))
        add(src, DCTERMS + "format", string(d.source.media_type))
        add(src, B + "pageCount", integer(d.source.pages))

        for figure in d.figures():
            self.observation(figure)
        for table in d.tables:
            self.tables_seen.add(table.kind)
            it = self.table_iri(table.kind)
            add(it, DCTERMS + "title", zh(table.title))
            add(it, B + "tableKind", concept("table", table.kind))
            add(it, B + "printedUnit", concept("unit", table.unit.key))
            add(it, B + "pageSpan", integer(table.pages))
            self.locate(it, table.locator)
        projects = iris.Deduper()
        for project in d.projects:
            self.project(project, projects(project.code or project.name))
        self.procurement()
        self.assets()
        self.institutions()
        self.narrative()
        for key in sorted(self.tables_seen):
            it = self.table_iri(key)
            add(it, TYPE, B + "Table")
            add(it, DCTERMS + "identifier", string(key))
            add(it, DCTERMS + "isPartOf", self.source)
        for scheme, key in sorted(self.concepts_seen):
            self.open_concept(scheme, key)

    def node(self, subject: str, types: tuple[str, ...], properties: dict[str, Term | None]) -> None:
        """Add a node at once: its types and its properties, leaving out those without an object."""
        node: dict[str, list[Term]] = {TYPE: list(types)} if types else {}
        for predicate, o in properties.items():
            if o is not None:
                node[predicate] = [o]
        self._put(subject, node)

    def locate(self, of: str, loc: Locator) -> None:
        it = of + "/at"  # the "locator" template, inlined on the hot path (a test checks they agree)
        self.add(of, _DERIVED, it)
        node: dict[str, list[Term]] = {_TYPE_LOCATION: [_SOURCE_LOCATION], _DOCUMENT: [self.source]}
        if loc.line is not None:
            node[_LINE] = [_int(loc.line)]
        if loc.page is not None:
            node[_PAGE] = [_int(loc.page)]
        if loc.row is not None:
            node[_ROW] = [_int(loc.row)]
        if loc.column is not None:
            node[_COLUMN] = [_int(loc.column)]
        if loc.table:
            self.tables_seen.add(loc.table)
            node[_SOURCE_TABLE] = [self.table_iri(loc.table)]
        self._put(it, node)

    def _put(self, subject: str, node: dict[str, list[Term]]) -> None:
        """Add a whole node at once (the fast path for observations and locations)."""
        existing = self.nodes.get(subject)
        if existing is None:
            self.nodes[subject] = node
            return
        for predicate, objects in node.items():
            existing.setdefault(predicate, []).extend(objects)

    def table_iri(self, key: str) -> str:
        found = self._table_iris.get(key)
        if found is None:
            found = self._table_iris[key] = self.t.fill("table", dataset=self.dataset, table=key)
        return found

    # observations ------------------------------------------------------------------------------
    def observation(self, f: Figure) -> None:
        line = f.line
        obs = observation_iri(self.dataset, f.table, line.slug, f.measure, f.fund, f.side)
        if line.functional:
            functional, economic, item = line.functional, "_T", "_Z"
            self.concepts_seen.add(("functional", functional))
        elif line.economic:
            functional, economic, item = "_T", line.economic, "_Z"
            self.concepts_seen.add(("economic", line.economic))
        else:
            item = str(line.item)
            total = item.split("~")[0] == "total" or item.startswith("total:")
            functional = economic = "_T" if total else "_Z"
            if item not in lists.keys("items"):
                self.concepts_seen.add(("item", item))
        side = f.side or lists.table_operation().get(f.table, "expenditure")
        amount = f.amount
        node: dict[str, list[Term]] = {
            TYPE: [_OBSERVATION],
            _OBS_DATA_SET: [self.dataset],
            _OBS_ORGANIZATION: [self.department],
            _OBS_FISCAL_YEAR: [self.year],
            _OBS_BUDGET_PHASE: [self.phase],
            _OBS_OPERATION_CHARACTER: [concept("operation-character", side)],
            _OBS_TABLE: [concept("table", f.table)],
            _OBS_LINE_ITEM: [concept("item", item)],
            _OBS_FUNCTIONAL_CLASSIFICATION: [concept("functional", functional)],
            _OBS_ECONOMIC_CLASSIFICATION: [concept("economic", economic)],
            _OBS_MEASURE_ROLE: [concept("measure", f.measure)],
            _OBS_FUND: [concept("fund", f.fund or "_T")],
            _OBS_AMOUNT: [Lit(amount.yuan_text, _DECIMAL)],
            _OBS_UNIT_MEASURE: [_YUAN],
            _OBS_UNIT_MULT: [_ZERO],
            _OBS_SOURCE_VALUE: [Lit(format(amount.value, "f"), _DECIMAL)],
            _OBS_SOURCE_UNIT: [concept("unit", amount.unit.key)],
            _OBS_SOURCE_TEXT: [Lit(amount.raw)],
        }
        if f.label:
            node[_OBS_LINE_LABEL] = [Lit(f.label, None, "zh")]
        self._put(obs, node)
        self.locate(obs, f.locator)

    def open_concept(self, scheme: str, key: str) -> None:
        """The concept triples the data needs for a code the vocabulary may not list (a 款/项 seen only
        in this document, an unrecognised line label); identical to the vocabulary's where it does."""
        add = self.add
        it = concept(scheme, key)
        add(it, TYPE, SKOS + "Concept")
        add(it, SKOS + "inScheme", iris.scheme_iri(scheme))
        add(it, SKOS + "notation", Lit(key))
        if scheme in ("functional", "economic"):
            if len(key) > 3:
                parent = key[:-2]
                add(it, SKOS + "broader", concept(scheme, parent))
                self.open_concept(scheme, parent)
            else:
                add(it, SKOS + "topConceptOf", iris.scheme_iri(scheme))
        elif "~" in key:
            add(it, SKOS + "broader", concept(scheme, key.split("~")[0]))
        elif key.startswith("label:"):
            add(it, SKOS + "prefLabel", zh(key[len("label:"):]))

    # projects ----------------------------------------------------------------------------------
    def project(self, p: Project, key: str) -> None:
        add = self.add
        it = self.t.fill("project", dataset=self.dataset, code=key)
        self.node(it, (B + "Project", FOAF + "Project"), {
            B + "disclosure": self.dataset,
            DCTERMS + "identifier": string(p.code),
            RDFS + "label": zh(p.name),
            DCTERMS + "title": zh(p.title),
            B + "projectBudget": yuan(p.budget),
            B + "fiscalFunding": yuan(p.fiscal),
            B + "otherFunding": yuan(p.other),
            B + "purpose": zh(p.purpose),
            B + "goal": zh(p.goal),
        })
        self.locate(it, p.locator)
        names = iris.Deduper()
        for name, value in p.attributes:
            attr = self.t.fill("project-attribute", project=it, name=names(name))
            add(it, B + "attribute", attr)
            self.node(attr, (B + "ProjectAttribute",), {RDFS + "label": zh(name), B + "attributeValue": zh(value)})
        for point in p.plan:
            pp = self.t.fill("plan-point", project=it, month=point.month)
            add(it, B + "planPoint", pp)
            self.node(pp, (B + "PlanPoint",), {
                B + "month": integer(point.month),
                RDFS + "label": zh(point.label),
                B + "cumulativeAmount": yuan(point.amount),
            })
            self.locate(pp, point.locator)
        indicators = iris.Deduper()
        for indicator in p.indicators:
            self.indicator(it, indicator, indicators(indicator.level3 or indicator.description or "indicator"))

    def indicator(self, project: str, ind: Indicator, key: str) -> None:
        it = self.t.fill("indicator", project=project, name=key)
        self.add(project, B + "indicator", it)
        found = lists.indicator_keys()
        kind = found.get(norm_label(ind.level2)) or found.get(norm_label(ind.level1))
        target = self.t.fill("target", indicator=it)
        self.node(it, (B + "PerformanceIndicator",), {
            RDFS + "label": zh(ind.level3),
            B + "level1Label": zh(ind.level1),
            B + "level2Label": zh(ind.level2),
            B + "indicatorType": concept("indicator", kind) if kind else None,
            B + "description": zh(ind.description),
            B + "basis": zh(ind.basis),
            B + "target": target,
        })
        self.locate(it, ind.locator)
        tg = ind.target
        self.node(target, (B + "Target",), {
            B + "targetKind": Lit(tg.kind),
            B + "comparator": string(tg.comparator),
            B + "targetValue": decimal(tg.value),
            B + "upperValue": decimal(tg.upper),
            B + "targetUnit": string(tg.unit),
            B + "deadlineMonth": integer(tg.month),
            B + "deadlineDay": integer(tg.day),
            B + "deadlineRule": string(tg.deadline_rule),
            B + "qualifier": zh(tg.qualifier),
            B + "targetText": zh(tg.text) if tg.kind == "qualitative" else None,
            B + "rawText": Lit(tg.raw),
        })

    # listings ----------------------------------------------------------------------------------
    def procurement(self) -> None:
        add = self.add
        seen = iris.Deduper()
        for line in self.d.procurement:
            if line.level == "item":
                parts = [line.project_name or line.label, line.item_name or None]
            elif line.level == "subtotal":
                parts = [line.label, None]
            else:
                parts = [None, None]
            named = [p for p in parts if p is not None]
            key = seen("\x00".join([line.level, *named]))
            if "~" in key and named:  # a repeated meaning: mark the last named part
                suffix = key.rsplit("~", 1)[1]
                last = 1 if parts[1] is not None else 0
                parts[last] = f"{parts[last]}~{suffix}"
            project, item = parts
            it = self.t.fill("procurement", dataset=self.dataset, level=line.level, group=project, item=item)
            add(it, TYPE, B + "ProcurementLine")
            add(it, B + "disclosure", self.dataset)
            add(it, B + "procurementLevel", Lit(line.level))
            add(it, RDFS + "label", zh(line.label))
            add(it, B + "projectName", zh(line.project_name))
            add(it, B + "projectBudget", yuan(line.project_budget))
            add(it, B + "itemName", zh(line.item_name))
            add(it, B + "catalogueCode", string(line.catalogue_code))
            add(it, B + "unitOfMeasure", zh(line.unit_of_measure))
            add(it, B + "quantity", decimal(line.quantity))
            add(it, B + "unitPrice", yuan(line.unit_price))
            add(it, B + "smeReserved", yuan(line.sme_reserved))
            for key_, amount in line.amounts:
                part = self.t.fill("procurement-amount", procurement=it, key=key_)
                add(it, B + "splitAmount", part)
                add(part, TYPE, B + "AmountSplit")
                if key_ in lists.keys("funds"):
                    add(part, B + "fund", concept("fund", key_))
                if key_ in lists.keys("measures"):
                    add(part, B + "measureRole", concept("measure", key_))
                add(part, B + "amountKey", Lit(key_))
                add(part, B + "splitValue", yuan(amount))
            self.locate(it, line.locator)

    def assets(self) -> None:
        add = self.add
        seen = iris.Deduper()
        for asset in self.d.assets:
            it = self.t.fill("asset", dataset=self.dataset, item=seen(asset.item))
            add(it, TYPE, B + "AssetHolding")
            add(it, B + "disclosure", self.dataset)
            add(it, B + "assetType", concept("asset", asset.item) if asset.item in lists.keys("assets") else None)
            add(it, RDFS + "label", zh(asset.label))
            add(it, B + "quantity", decimal(asset.quantity))
            add(it, B + "quantityUnit", zh(asset.quantity_unit))
            add(it, B + "assetValue", yuan(asset.value))
            add(it, B + "asOf", Lit(asset.as_of, XSD + "date") if asset.as_of else None)
            self.locate(it, asset.locator)

    def institutions(self) -> None:
        add = self.add
        seen = iris.Deduper()
        for inst in self.d.institutions:
            it = self.t.fill("institution", dataset=self.dataset, name=seen(inst.name))
            add(it, TYPE, B + "Institution")
            add(it, TYPE, ORG + "OrganizationalUnit")
            add(it, ORG + "unitOf", self.department)
            add(it, B + "disclosure", self.dataset)
            add(it, RDFS + "label", zh(inst.name))
            add(it, B + "nature", zh(inst.nature))
            add(it, B + "grade", zh(inst.grade))
            add(it, B + "funding", zh(inst.funding))
            self.locate(it, inst.locator)

    def narrative(self) -> None:
        add = self.add
        sections = iris.Deduper()
        section_iri: dict[str, str] = {}
        for section in self.d.sections:
            key = sections(section.key or "section")
            it = self.t.fill("section", dataset=self.dataset, section=key)
            section_iri.setdefault(section.key, it)
            add(it, TYPE, B + "Section")
            add(it, B + "disclosure", self.dataset)
            add(it, B + "sectionKey", Lit(section.key))
            add(it, DCTERMS + "title", zh(section.heading))
            add(it, B + "text", zh("\n".join(section.paragraphs)))
            self.locate(it, section.locator)
        terms = iris.Deduper()
        for term in self.d.glossary:
            it = self.t.fill("glossary", dataset=self.dataset, term=terms(term.term))
            add(it, TYPE, B + "GlossaryEntry")
            add(it, B + "disclosure", self.dataset)
            add(it, RDFS + "label", zh(term.term))
            add(it, SKOS + "definition", zh(term.definition))
            self.locate(it, term.locator)
        claims = iris.Deduper()
        for claim in self.d.claims:
            subject = claims("\x00".join((claim.section or "_", claim.kind, claim.subject)))
            section, kind, text = subject.split("\x00")
            it = self.t.fill("claim", dataset=self.dataset, section=section, kind=kind, subject=text)
            add(it, TYPE, B + "Claim")
            add(it, B + "disclosure", self.dataset)
            add(it, B + "claimKind", Lit(claim.kind))
            add(it, B + "subject", zh(claim.subject))
            add(it, B + "claimValue", printed(claim.value))
            add(it, B + "claimUnit", string(claim.unit))
            add(it, B + "claimAmount", yuan(claim.amount))
            add(it, B + "direction", string(claim.direction))
            add(it, B + "year", gyear(claim.year))
            add(it, B + "baseYear", gyear(claim.base_year))
            add(it, B + "sentence", zh(claim.sentence))
            add(it, B + "rawText", Lit(claim.raw))
            add(it, B + "codeMentioned", string(claim.code))
            add(it, B + "codeNameMentioned", zh(claim.code_name))
            if claim.section and claim.section in section_iri:
                add(it, B + "section", section_iri[claim.section])
            self.locate(it, claim.locator)

    # findings ----------------------------------------------------------------------------------
    def findings(self, findings: Iterable[Any]) -> None:
        add = self.add
        def severity(f: Any) -> str:
            value = getattr(f, "severity", "info")
            return str(getattr(value, "value", value)).lower()

        items = sorted(
            findings,
            key=lambda f: (str(f.code), severity(f), str(getattr(f, "message_en", "")), str(getattr(f, "message_zh", ""))),
        )
        seen = iris.Deduper()
        for f in items:
            it = self.t.fill("finding", dataset=self.dataset, code=seen(str(f.code)))
            add(it, TYPE, B + "Finding")
            add(it, B + "findingOf", self.dataset)
            add(it, B + "findingCode", Lit(str(f.code)))
            add(it, B + "severity", concept("severity", severity(f)))
            add(it, RDFS + "comment", en(getattr(f, "message_en", None)))
            add(it, RDFS + "comment", zh(getattr(f, "message_zh", None)))
            loc = getattr(f, "locator", None)
            if isinstance(loc, Locator):
                self.locate(it, loc)
