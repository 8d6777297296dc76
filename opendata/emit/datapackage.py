"""A disclosure as a Frictionless data package: CSV resources and their Table Schemas.

Implements the Data Package and Table Schema specifications (https://specs.frictionlessdata.io/
data-package/, /table-schema/), with the Fiscal Data Package ``columnType`` of each field
(https://specs.frictionlessdata.io/fiscal-data-package/), ``rdfType`` (the RDF class of the values) and
``rdfProperty`` (the property of vocab/ontology.ttl that carries the value in the package's RDF).
The schemas are data in ``vocab/schemas/*.toml``; this module fills the rows.

CSV files are UTF-8, LF line endings, a header row, rows in document order, decimals written
exactly as stored (``Decimal`` to text, never through ``float``). A text cell that starts with
``=``, ``+``, ``-`` or ``@`` and is not a plain number gets a leading ``'`` so that spreadsheet
programs do not run it as a formula (CSV injection); numbers such as ``-12.00`` are written as they
are.

Nothing here imports frictionless or rdflib: building runs on many thousands of disclosures.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import Any, Iterable, Iterator, Mapping, Sequence

from ..model.disclosure import Disclosure, Project
from ..model.money import Amount, canonical
from ..vocab import norm_label, recognition, vocab_dir

RESOURCES = (
    "budget-lines",
    "functional-codes",
    "economic-codes",
    "projects",
    "indicators",
    "spending-plans",
    "procurement",
    "assets",
    "three-public",
    "claims",
    "institutions",
    "glossary",
    "coverage",
)
"""The tabular resources of every package, in ``datapackage.json`` order (file = name + .csv)."""

AMOUNT_LAYOUTS = ("coded", "two-sided", "items")
PROCUREMENT_ROLES = (
    "total", "general-budget", "gov-fund", "state-capital", "special-account", "unit-funds", "carry-over",
)

# Files that are not tables: name in the package, resource name, format, media type, title zh/en.
FILE_RESOURCES = {
    "data.ttl": ("rdf-turtle", "ttl", "text/turtle", "RDF（Turtle）", "RDF (Turtle)"),
    "data.jsonld": ("rdf-jsonld", "jsonld", "application/ld+json", "RDF（JSON-LD）", "RDF (JSON-LD)"),
    "data.nt": ("rdf-ntriples", "nt", "application/n-triples", "RDF（N-Triples）", "RDF (N-Triples)"),
    "report.json": ("report", "json", "application/json", "检查报告", "Validation report"),
}

_FORMULA_START = frozenset("=+-@")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)*%?")
_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|\d+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）])\s*")


# --- schemas (data in vocab/schemas) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResourceSchema:
    """One tabular resource: its descriptor (without bytes and hash) and its column names."""

    name: str
    descriptor: dict[str, Any]
    columns: tuple[str, ...]
    free_text: frozenset[str] = frozenset()  # string columns without an enum: guarded against formulas


def _enums() -> dict[str, dict[str, Any]]:
    """Values of the ``@name`` enums, from the vocabulary (a new key there is a new allowed value)."""
    from ..recognise.coverage import STATUSES

    rec = recognition()
    measures = sorted({role.measure for role in rec.columns.values()})
    funds = sorted({role.fund for role in rec.columns.values() if role.fund})
    tables = sorted(kind.key for kind in rec.tables if kind.layout in AMOUNT_LAYOUTS)
    return {
        "phases": {"enum": ["budget", "final"]},
        "sides": {"enum": ["income", "expenditure"]},
        "units": {"enum": ["元", "万元"]},
        "tables": {"enum": tables},
        "funds": {"enum": funds},
        "coverage": {"enum": sorted(STATUSES)},
        # columns whose header is not in the vocabulary keep their position as measure
        "measures": {"pattern": "(" + "|".join(re.escape(m) for m in measures) + r"|column-[0-9]+)"},
    }


def _expand(iri: str, prefixes: Mapping[str, str]) -> str:
    prefix, sep, local = iri.partition(":")
    if sep and prefix in prefixes:
        return prefixes[prefix] + local
    return iri


def _field(spec: Mapping[str, Any], language: str, prefixes: Mapping[str, str], enums: Mapping[str, Any]) -> dict[str, Any]:
    zh_title, en_title = spec["title"]
    zh_desc, en_desc = spec["description"]
    field: dict[str, Any] = {
        "name": spec["name"],
        "type": spec["type"],
        "title": zh_title if language == "zh" else en_title,
        "description": zh_desc if language == "zh" else en_desc,
        "titles": {"zh": zh_title, "en": en_title},
        "descriptions": {"zh": zh_desc, "en": en_desc},
    }
    if "format" in spec:
        field["format"] = spec["format"]
    constraints = dict(spec.get("constraints", {}))
    enum = constraints.get("enum")
    if isinstance(enum, str) and enum.startswith("@"):
        del constraints["enum"]
        constraints.update(enums[enum[1:]])
    if constraints:
        field["constraints"] = constraints
    if "columnType" in spec:
        field["columnType"] = spec["columnType"]
    field["rdfType"] = _expand(spec.get("rdfType") or _DATATYPES[spec["type"]], prefixes)
    if "rdfProperty" in spec:
        field["rdfProperty"] = _expand(spec["rdfProperty"], prefixes)
    return field


_DATATYPES = {
    "string": "xsd:string", "number": "xsd:decimal", "integer": "xsd:integer", "boolean": "xsd:boolean", "date": "xsd:date",
}


@cache
def schemas(language: str = "zh") -> tuple[ResourceSchema, ...]:
    """The descriptors of the tabular resources, read once from ``vocab/schemas``."""
    base = vocab_dir() / "schemas"
    common = tomllib.loads((base / "common.toml").read_text(encoding="utf-8"))
    prefixes = common["prefixes"]
    enums = _enums()
    result = []
    for name in RESOURCES:
        spec = tomllib.loads((base / f"{name}.toml").read_text(encoding="utf-8"))
        assert spec["name"] == name, f"vocab/schemas/{name}.toml names {spec['name']}"
        own = [f["name"] for f in spec["fields"]]
        specs = list(spec["fields"])
        if spec.get("locator", True):
            specs += [f for f in common["locator"] if f["name"] not in own]
        fields = [_field(f, language, prefixes, enums) for f in specs]
        schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
        if "primaryKey" in spec:
            schema["primaryKey"] = spec["primaryKey"]
        if "foreignKeys" in spec:
            schema["foreignKeys"] = spec["foreignKeys"]
        zh_title, en_title = spec["title"]
        zh_desc, en_desc = spec["description"]
        descriptor = {
            "name": name,
            "path": f"{name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "doubleQuote": True, "header": True, "lineTerminator": "\n", "quoteChar": '"'},
            "title": zh_title if language == "zh" else en_title,
            "description": zh_desc if language == "zh" else en_desc,
            "titles": {"zh": zh_title, "en": en_title},
            "descriptions": {"zh": zh_desc, "en": en_desc},
            "schema": schema,
        }
        if "rdfType" in spec:
            descriptor["rdfType"] = _expand(spec["rdfType"], prefixes)
        free_text = frozenset(
            f["name"] for f in fields if f["type"] == "string" and "enum" not in f.get("constraints", {})
        )
        result.append(ResourceSchema(name, descriptor, tuple(f["name"] for f in fields), free_text))
    return tuple(result)


# --- cells and CSV ------------------------------------------------------------------------------


def cell(value: object, guard: bool = True) -> str:
    """The CSV text of one value: decimals exact, booleans lower-case, formulas neutralised.

    ``guard=False`` for controlled values (an enum of the schema, such as the comparator ``=``):
    they come from the vocabulary, never from the document, and must match the enum exactly.
    """
    kind = type(value)
    if kind is str:
        text: str = value  # type: ignore[assignment]
        if guard and text[:1] in _FORMULA_START and not _PLAIN_NUMBER.fullmatch(text):
            return "'" + text
        return text
    if value is None:
        return ""
    if kind is Decimal:
        return format(value, "f")
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if isinstance(value, str):  # str subclasses (enums and the like)
        return cell(str(value), guard)
    raise TypeError(f"no CSV form for {kind.__name__}: {value!r}")


def csv_bytes(
    columns: tuple[str, ...], rows: Iterable[Mapping[str, object]], free_text: frozenset[str] | None = None
) -> bytes:
    """A CSV file (UTF-8, LF, header row) with the columns in schema order.

    Cells of ``free_text`` columns (default: all) are guarded against formula injection.
    """
    rows = list(rows)
    if set(map(type, rows)) <= {dict}:  # each column read in a C loop
        values = {name: list(map(dict.get, rows, repeat(name))) for name in columns}
    else:
        values = {name: [row.get(name) for row in rows] for name in columns}
    return _columns_csv(columns, values, free_text)


def _columns_csv(
    columns: tuple[str, ...], values: Mapping[str, list[object]], free_text: frozenset[str] | None = None
) -> bytes:
    """``csv_bytes`` of a resource given column by column (``values``: every column of ``columns``)."""
    texts = [_column_texts(values[name], free_text is None or name in free_text) for name in columns]
    return _csv_text(columns, texts).encode("utf-8")


_QUOTED = re.compile('["\r\n\x00]')  # with a comma, what may make the csv module quote a field


def _csv_text(header: Sequence[str], columns: list[list[str]]) -> str:
    """A header and columns of text fields as CSV (LF after each line), exactly as ``csv.writer`` writes them.

    A line whose fields contain no comma, quote, CR, LF or NUL is its fields joined by commas (that is
    what the csv module writes for it); the other lines, rare, are written by the csv module. The
    common case, no such line at all, is told from the whole text at once.
    """
    lines = [",".join(header), *map(",".join, zip(*columns))]
    commas = len(header) - 1
    text = "\n".join(lines) + "\n"
    if commas > 0 and text.count(",") == commas * len(lines) and text.count("\n") == len(lines) \
            and '"' not in text and "\r" not in text and "\x00" not in text:
        return text
    for index, (line, fields) in enumerate(zip(lines, [header, *zip(*columns)])):
        if commas < 1 or line.count(",") != commas or _QUOTED.search(line):
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerow(fields)
            lines[index] = buffer.getvalue()
        else:
            lines[index] = line + "\n"
    return "".join(lines)


_BLANK = {None: ""}


def _column_texts(values: list[object], guard: bool) -> list[str]:
    """``cell`` of every value of one column. The common columns (text needing no guard, whole numbers,
    with blanks) are converted in C loops: ``_BLANK.get(value, text)`` is "" for None, else the text."""
    kinds = set(map(type, values))
    if len(kinds) == 1 and kinds <= _EXACT_KINDS and values[0] == values[-1] and values.count(values[0]) == len(values):
        return [cell(values[0], guard)] * len(values)  # one value throughout: a file name, a year, blanks
    if kinds <= {str, _NONE} and (not guard or _FORMULA_START.isdisjoint(map(_FIRST, filter(None, values)))):
        return values if _NONE not in kinds else list(map(_BLANK.get, values, values))  # type: ignore[return-value]
    if kinds <= {int}:
        return list(map(str, values))
    if kinds <= {int, _NONE}:
        return list(map(_BLANK.get, values, map(str, values)))
    if kinds <= {bool}:
        return list(map(_BOOLEANS.__getitem__, values))
    return [cell(value, guard) for value in values]


_BOOLEANS = {True: "true", False: "false"}


_NONE = type(None)
_EXACT_KINDS = frozenset((str, int, bool, _NONE))  # equal values of one of these types have the same cell
_FIRST = itemgetter(0)  # the first character of a text (read in a C loop, for the formula guard)


def _locator(locator: Any) -> dict[str, object]:
    return {
        "file": locator.file, "page": locator.page, "line": locator.line,
        "table": locator.table, "row": locator.row, "column": locator.column,
    }


def _yuan(amount: Amount | None) -> str | None:
    return None if amount is None else canonical(amount.yuan)


def _source(amount: Amount | None) -> str | None:
    return None if amount is None else amount.text


def _unit(*amounts: Amount | None) -> str | None:
    units = {a.unit.value for a in amounts if a is not None}
    if len(units) > 1:
        raise ValueError(f"amounts of one row in different units: {sorted(units)}")
    return units.pop() if units else None


# --- rows ---------------------------------------------------------------------------------------


def budget_lines(disclosure: Disclosure, dataset_iri: str | None = None) -> Iterator[dict[str, object]]:
    """Every table amount, one row each, with an identifier built from its meaning.

    With ``dataset_iri`` each row also gets the IRI of its observation in the package's RDF (the
    ``observation`` template of vocab/iri-templates.toml, filled as the RDF emitter fills it).
    """
    return _as_rows(_budget_columns(disclosure, dataset_iri))


def _each(objects: Sequence[Any], name: str) -> list[object]:
    """The attribute ``name`` (dotted for a nested one) of every object: one column, read in a C loop."""
    return list(map(attrgetter(name), objects))


def _as_rows(columns: Mapping[str, list[object]]) -> Iterator[dict[str, object]]:
    """The rows of a resource given column by column."""
    return (dict(zip(columns, values)) for values in zip(*columns.values()))


def _budget_columns(disclosure: Disclosure, dataset_iri: str | None) -> dict[str, list[object]]:
    """``budget_lines`` column by column: one pass over the amounts collects each amount's cell, line
    and table and computes its identifier and IRI; every other column is then read in a C loop."""
    from .rdf import observation_iri  # the "observation" template inlined (tests/test_rdf.py checks it)

    dataset = dataset_iri.rstrip("/") if dataset_iri else None  # as the template inserts an IRI
    seen: set[str] = set()
    cells: list[Any] = []
    lines: list[Any] = []
    tables: list[Any] = []
    idents: list[str] = []
    iris: list[str | None] = []
    for table in disclosure.tables:
        for line in table.lines:
            slug = line.key.slug
            for c in line.cells:
                if c.amount is None:
                    continue
                parts = [table.kind, slug]
                if line.side:
                    parts.append(line.side)
                parts.append(c.column.measure)
                if c.column.fund:
                    parts.append(c.column.fund)
                ident = "/".join(parts)
                if ident in seen:  # two columns with the same meaning: tell them apart by position
                    ident = f"{ident}@{c.column.index}"
                    while ident in seen:
                        ident += "+"
                seen.add(ident)
                idents.append(ident)
                iris.append(observation_iri(dataset, table.kind, slug, c.column.measure, c.column.fund, line.side)
                            if dataset is not None else None)
                cells.append(c)
                lines.append(line)
                tables.append(table)
    n = len(cells)
    amounts = list(map(attrgetter("amount"), cells))
    locators = list(map(attrgetter("locator"), cells))
    return {
        "id": idents, "iri": iris, "fiscal_year": [disclosure.year] * n, "phase": [disclosure.phase] * n,
        "department_code": [disclosure.department.code] * n,
        "table": _each(tables, "kind"), "table_title": _each(tables, "title"), "row_label": _each(lines, "label"),
        "line_item": _each(lines, "key.item"), "functional_code": _each(lines, "key.functional"),
        "economic_code": _each(lines, "key.economic"), "level": _each(lines, "level"), "serial": _each(lines, "serial"),
        "side": _each(lines, "side"), "measure": _each(cells, "column.measure"), "fund": _each(cells, "column.fund"),
        "amount_yuan": [canonical(amount.yuan) for amount in amounts], "source_amount": _each(amounts, "text"),
        "source_unit": _each(amounts, "unit.value"), "source_text": _each(cells, "raw"),
        **{name: _each(locators, name) for name in ("file", "page", "line", "row", "column")},
    }


def _code_list(disclosure: Disclosure, scheme: str) -> list[dict[str, object]]:
    """The codes of one scheme printed in the document, their parents, names from coded tables first."""
    rec = recognition()
    layouts = {kind.key: kind.layout for kind in rec.tables}
    classes = {c.code: c for c in (rec.functional_classes if scheme == "functional" else rec.economic_classes)}
    printed: dict[str, str] = {}
    for preferred in (True, False):
        for table in disclosure.tables:
            if (layouts.get(table.kind) == "coded") != preferred:
                continue
            for line in table.lines:
                code = line.key.functional if scheme == "functional" else line.key.economic
                if code and code not in printed:
                    name = _NUMBERING.sub("", line.label).strip()
                    printed[code] = name
    rows: dict[str, dict[str, object]] = {}
    for code, name in printed.items():
        known = classes.get(code)
        rows[code] = {"code": code, "name": name or (known.name_zh if known else None),
                      "name_en": known.name_en if known else None, "origin": "document"}
    for code in list(rows):
        parent = code[:-2]
        while len(parent) >= 3 and parent not in rows:
            known = classes.get(parent)
            rows[parent] = {
                "code": parent,
                "name": known.name_zh if known else None,
                "name_en": known.name_en if known else None,
                "origin": "vocabulary" if known else "implied",
            }
            parent = parent[:-2]
    for code, row in rows.items():
        row["parent"] = code[:-2] if len(code) > 3 else None
        row["level"] = (len(code) - 1) // 2
    return [rows[code] for code in sorted(rows)]


def project_ids(projects: Iterable[Project]) -> list[str]:
    """Package-local project identifiers: the printed code, else ``p`` and the table number."""
    ids: list[str] = []
    for position, project in enumerate(projects, start=1):
        base = project.code or f"p{project.serial if project.serial is not None else position:02d}"
        ident, n = base, 1
        while ident in ids:
            n += 1
            ident = f"{base}~{n}"
        ids.append(ident)
    return ids


def _projects(disclosure: Disclosure, ids: list[str]) -> Iterator[dict[str, object]]:
    for ident, p in zip(ids, disclosure.projects):
        row = _locator(p.locator)
        row.update(
            project=ident, serial=p.serial, code=p.code, name=p.name, title=p.title,
            budget_yuan=_yuan(p.budget), budget_source=_source(p.budget),
            fiscal_yuan=_yuan(p.fiscal), fiscal_source=_source(p.fiscal),
            other_yuan=_yuan(p.other), other_source=_source(p.other),
            source_unit=_unit(p.budget, p.fiscal, p.other),
            purpose=p.purpose, goal=p.goal,
            attributes="｜".join(f"{k}={v}" for k, v in p.attributes) or None,
        )
        yield row


_TARGET_COLUMNS = (
    ("target_raw", "raw"), ("target_kind", "kind"), ("comparator", "comparator"), ("target_value", "value"),
    ("target_upper", "upper"), ("target_unit", "unit"), ("target_month", "month"), ("target_day", "day"),
    ("deadline_rule", "deadline_rule"), ("qualifier", "qualifier"),
)


def _indicator_columns(disclosure: Disclosure, ids: list[str]) -> dict[str, list[object]]:
    """The indicators resource column by column (~200 indicators a document)."""
    indicators: list[Any] = []
    projects: list[object] = []
    positions: list[object] = []
    for ident, p in zip(ids, disclosure.projects):
        indicators += p.indicators
        projects += [ident] * len(p.indicators)
        positions += range(1, len(p.indicators) + 1)
    targets = _each(indicators, "target")
    return {
        "project": projects, "indicator": positions,
        **{name: _each(indicators, name) for name in ("level1", "level2", "level3", "description", "basis")},
        **{column: _each(targets, name) for column, name in _TARGET_COLUMNS},
        **_locator_columns(_each(indicators, "locator")),
    }


def _spending_plan_columns(disclosure: Disclosure, ids: list[str]) -> dict[str, list[object]]:
    """The spending-plans resource column by column."""
    points: list[Any] = []
    projects: list[object] = []
    positions: list[object] = []
    for ident, p in zip(ids, disclosure.projects):
        points += p.plan
        projects += [ident] * len(p.plan)
        positions += range(1, len(p.plan) + 1)
    amounts = _each(points, "amount")
    return {
        "project": projects, "point": positions, "month": _each(points, "month"), "label": _each(points, "label"),
        "amount_yuan": list(map(_yuan, amounts)), "source_amount": list(map(_source, amounts)),
        "source_unit": list(map(_unit, amounts)),
        **_locator_columns(_each(points, "locator")),
    }


def _procurement(disclosure: Disclosure) -> Iterator[dict[str, object]]:
    for position, line in enumerate(disclosure.procurement, start=1):
        amounts = dict(line.amounts)
        unknown = set(amounts) - set(PROCUREMENT_ROLES)
        if unknown:
            raise ValueError(f"procurement amounts with roles unknown to the schema: {sorted(unknown)}")
        row = _locator(line.locator)
        row.update(
            position=position, level=line.level, label=line.label, project_name=line.project_name or None,
            project_budget_yuan=_yuan(line.project_budget), project_budget_source=_source(line.project_budget),
            item_name=line.item_name or None, catalogue_code=line.catalogue_code,
            unit_of_measure=line.unit_of_measure or None, quantity=line.quantity,
            unit_price_yuan=_yuan(line.unit_price), unit_price_source=_source(line.unit_price),
            sme_reserved_yuan=_yuan(line.sme_reserved), sme_reserved_source=_source(line.sme_reserved),
            source_unit=_unit(line.project_budget, line.unit_price, line.sme_reserved, *amounts.values()),
        )
        for role in PROCUREMENT_ROLES:
            key = role.replace("-", "_")
            row[f"{key}_yuan"] = _yuan(amounts.get(role))
            row[f"{key}_source"] = _source(amounts.get(role))
        yield row


def _assets(disclosure: Disclosure) -> Iterator[dict[str, object]]:
    for position, a in enumerate(disclosure.assets, start=1):
        row = _locator(a.locator)
        row.update(
            position=position, item=a.item, label=a.label, quantity=a.quantity, quantity_unit=a.quantity_unit,
            value_yuan=_yuan(a.value), value_source=_source(a.value), source_unit=_unit(a.value), as_of=a.as_of,
        )
        yield row


def _three_public(lines: Mapping[str, list[object]]) -> Iterator[dict[str, object]]:
    """The budget lines of the three-public-expenses table (``lines``: the budget-lines columns)."""
    for i, kind in enumerate(lines["table"]):
        if kind != "three-public-expenses":
            continue
        row = {name: lines[name][i] for name in ("file", "page", "line", "table", "row", "column")}
        row.update(
            budget_line=lines["id"][i], item=lines["line_item"][i], label=lines["row_label"][i], fund=lines["fund"][i],
            amount_yuan=lines["amount_yuan"][i], source_amount=lines["source_amount"][i],
            source_unit=lines["source_unit"][i],
        )
        yield row


def _claims(disclosure: Disclosure) -> Iterator[dict[str, object]]:
    for position, c in enumerate(disclosure.claims, start=1):
        row = _locator(c.locator)
        amount = c.amount
        row.update(
            position=position, section=c.section, kind=c.kind, subject=c.subject, value=c.value, unit=c.unit,
            amount_yuan=_yuan(amount), direction=c.direction, year=c.year, base_year=c.base_year,
            code=c.code, code_name=c.code_name, raw=c.raw, sentence=c.sentence,
        )
        yield row


def _institutions(disclosure: Disclosure) -> Iterator[dict[str, object]]:
    for position, i in enumerate(disclosure.institutions, start=1):
        row = _locator(i.locator)
        row.update(position=position, name=i.name, nature=i.nature, grade=i.grade, funding=i.funding)
        yield row


def _glossary(disclosure: Disclosure) -> Iterator[dict[str, object]]:
    for position, term in enumerate(disclosure.glossary, start=1):
        row = _locator(term.locator)
        row.update(position=position, term=term.term, definition=term.definition)
        yield row


_LOCATOR_FIELDS = ("file", "page", "line", "table", "row", "column")


def _locator_columns(locators: Sequence[Any]) -> dict[str, list[object]]:
    """The six locator columns of a resource."""
    return {name: _each(locators, name) for name in _LOCATOR_FIELDS}


def _coverage_columns(disclosure: Disclosure) -> dict[str, list[object]]:
    """The coverage resource column by column: ~1,000 entries a document, ~45 % of the package's
    cells, each column read in a C loop instead of a row dict per entry."""
    from ..recognise.coverage import STATUSES

    entries = disclosure.coverage
    locators = list(map(attrgetter("locator"), entries))
    columns = _locator_columns(locators)
    statuses = list(map(attrgetter("status"), entries))
    columns.update(
        position=list(range(1, len(entries) + 1)), token=list(map(attrgetter("token"), entries)), status=statuses,
        captured=list(map(STATUSES.__getitem__, statuses)), note=[entry.note or None for entry in entries],
    )
    return columns


def _column_resources(disclosure: Disclosure, dataset_iri: str | None, ids: list[str]) -> dict[str, dict[str, list[object]]]:
    """The large resources, column by column: no row dict per budget line, indicator or coverage entry."""
    return {
        "budget-lines": _budget_columns(disclosure, dataset_iri),
        "indicators": _indicator_columns(disclosure, ids),
        "spending-plans": _spending_plan_columns(disclosure, ids),
        "coverage": _coverage_columns(disclosure),
    }


def _row_resources(disclosure: Disclosure, lines: Mapping[str, list[object]], ids: list[str]) -> dict[str, list[dict[str, object]]]:
    """The rows of the other tabular resources (``lines``: the budget-lines columns)."""
    return {
        "functional-codes": _code_list(disclosure, "functional"),
        "economic-codes": _code_list(disclosure, "economic"),
        "projects": list(_projects(disclosure, ids)),
        "procurement": list(_procurement(disclosure)),
        "assets": list(_assets(disclosure)),
        "three-public": list(_three_public(lines)),
        "claims": list(_claims(disclosure)),
        "institutions": list(_institutions(disclosure)),
        "glossary": list(_glossary(disclosure)),
    }


def rows(disclosure: Disclosure, dataset_iri: str | None = None) -> dict[str, list[dict[str, object]]]:
    """The rows of every tabular resource, keyed by resource name."""
    ids = project_ids(disclosure.projects)
    by_column = _column_resources(disclosure, dataset_iri, ids)
    by_row = _row_resources(disclosure, by_column["budget-lines"], ids)
    return {name: list(_as_rows(by_column[name])) if name in by_column else by_row[name] for name in RESOURCES}


# --- the package --------------------------------------------------------------------------------


def package_id(disclosure: Disclosure) -> str:
    """The ASCII ``name`` of the package (Data Package names are lower-case ASCII)."""
    division = disclosure.division.code or "cn"
    department = disclosure.department.code
    if not department:
        department = "d" + hashlib.sha256(norm_label(disclosure.department.name).encode()).hexdigest()[:10]
    parts = [division, department.lower(), str(disclosure.year), disclosure.phase]
    if disclosure.scope == "unit":
        parts.append("unit")
    return re.sub(r"[^a-z0-9._-]+", "-", "-".join(parts))


# The digests of the files of the package rendered last, by object identity; each entry keeps its bytes
# alive, so that no other object can take the same id while it is remembered.
_DIGESTS: dict[int, tuple[bytes, str]] = {}


def digest(data: bytes) -> str:
    """The SHA-256 (hex) of ``data``; remembered for the files of the package rendered last, so that
    its catalogue entry (``catalog.entry_of``) does not hash the ~5 MB of a package a second time."""
    known = _DIGESTS.get(id(data))
    if known is not None and known[0] is data:
        return known[1]
    return hashlib.sha256(data).hexdigest()


def _digest(data: bytes) -> str:
    """``digest``, remembered until the next ``render``."""
    text = digest(data)
    _DIGESTS[id(data)] = (data, text)
    return text


def render(
    disclosure: Disclosure,
    *,
    language: str = "zh",
    issued: str | None = None,
    dataset_iri: str | None = None,
    licence: Mapping[str, str] | None = None,
    publisher: Mapping[str, str] | None = None,
    tool_version: str = "",
    files: Mapping[str, bytes] | None = None,
) -> dict[str, bytes]:
    """Every file of the package: the CSVs, the given ``files`` (RDF, report) and datapackage.json.

    ``issued`` is an ISO date or date-time for ``created``; without it no date is written.
    """
    from .. import __version__

    out: dict[str, bytes] = {}
    resources: list[dict[str, Any]] = []
    _DIGESTS.clear()
    ids = project_ids(disclosure.projects)
    by_column = _column_resources(disclosure, dataset_iri, ids)
    data = _row_resources(disclosure, by_column["budget-lines"], ids)
    for schema in schemas(language):
        if schema.name in by_column:
            body = _columns_csv(schema.columns, by_column[schema.name], schema.free_text)
        else:
            body = csv_bytes(schema.columns, data[schema.name], schema.free_text)
        out[schema.descriptor["path"]] = body
        descriptor = dict(schema.descriptor)
        descriptor["bytes"] = len(body)
        descriptor["hash"] = "sha256:" + _digest(body)
        resources.append(descriptor)
    for name, body in sorted((files or {}).items()):
        resource, fmt, mediatype, zh, en = FILE_RESOURCES[name]
        out[name] = body
        resources.append({
            "name": resource, "path": name, "type": "file", "format": fmt, "mediatype": mediatype,
            "encoding": "utf-8", "title": zh if language == "zh" else en, "titles": {"zh": zh, "en": en},
            "bytes": len(body), "hash": "sha256:" + _digest(body),
        })
    d = disclosure
    place = " ".join(p for p in (d.division.province, d.division.name) if p)
    phase_zh = "部门预算" if d.phase == "budget" else "部门决算"
    title_en = f"{d.year} {'budget' if d.phase == 'budget' else 'final accounts'} of {d.department.name}"
    descriptor: dict[str, Any] = {
        "profile": "data-package",
        "name": package_id(d),
        "title": d.title if language == "zh" else title_en,
        "titles": {"zh": d.title, "en": title_en},
        "description": (
            f"{place} {d.department.name} {d.year}年{phase_zh}公开文件中的全部数字，每个数字保留原文金额、单位和位置。".strip()
            if language == "zh" else
            f"Every figure of the {d.year} {phase_zh} disclosure of {d.department.name} ({place}), "
            "each with its printed value, unit and place in the source."
        ),
        "keywords": [k for k in (phase_zh, d.department.name, d.division.province, d.division.name, str(d.year)) if k],
        "countryCode": "CN",
        "fiscalPeriod": {"start": f"{d.year}-01-01", "end": f"{d.year}-12-31"},
        "contributors": [{"title": d.department.name, "role": "author"}],
        "sources": [{"title": d.source.name, "path": d.source.name, "hash": "sha256:" + d.source.sha256,
                     "mediatype": d.source.media_type}],
        "opendata": {
            "department": d.department.name,
            "department_code": d.department.code,
            "division_code": d.division.code,
            "division_name": d.division.name,
            "province": d.division.province,
            "fiscal_year": d.year,
            "phase": d.phase,
            "scope": d.scope,
            "unit": d.unit.value,
            "tool_version": tool_version or __version__,
        },
        "resources": resources,
    }
    if dataset_iri:
        descriptor["id"] = dataset_iri
    if issued:
        descriptor["created"] = issued if "T" in issued else f"{issued}T00:00:00Z"
    if publisher:
        descriptor["contributors"].append({**publisher, "role": "publisher"})
    if licence:
        descriptor["licenses"] = [dict(licence)]
    out["datapackage.json"] = (_dumps_descriptor(descriptor, language) + "\n").encode()
    _digest(out["datapackage.json"])  # for the catalogue entry
    return out


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


_SLOT = "\x00opendata:"  # a JSON string value no document can produce: json.dumps escapes \x00


@dataclass(frozen=True, slots=True)
class _ResourceText:
    """The JSON of a tabular resource's descriptor, indented for its place in datapackage.json and cut
    around the values of ``bytes`` and ``hash``, the only ones that change between packages."""

    descriptor: dict[str, Any]
    before_bytes: str
    before_hash: str
    after_hash: str


@cache
def _resource_texts(language: str) -> dict[str, _ResourceText]:
    """The ``_ResourceText`` of every tabular resource, made once."""
    texts = {}
    for schema in schemas(language):
        text = _indented(_dumps({**schema.descriptor, "bytes": _SLOT + "bytes", "hash": _SLOT + "hash"}))
        before_bytes, rest = text.split(json.dumps(_SLOT + "bytes"))
        before_hash, after_hash = rest.split(json.dumps(_SLOT + "hash"))
        texts[schema.name] = _ResourceText(schema.descriptor, before_bytes, before_hash, after_hash)
    return texts


def _indented(text: str) -> str:
    """A pretty JSON value moved two levels in (an item of the ``resources`` list)."""
    return "    " + text.replace("\n", "\n    ")


def _resource_json(resource: dict[str, Any], language: str) -> str:
    """One item of ``resources``, as ``_dumps`` of the whole descriptor writes it."""
    known = _resource_texts(language).get(resource.get("name"))  # type: ignore[arg-type]
    size, digest_text = resource.get("bytes"), resource.get("hash")
    if known is not None and type(size) is int and type(digest_text) is str \
            and {k: v for k, v in resource.items() if k not in ("bytes", "hash")} == known.descriptor:
        return f"{known.before_bytes}{size}{known.before_hash}{json.dumps(digest_text, ensure_ascii=False)}{known.after_hash}"
    return _indented(_dumps(resource))


def _dumps_descriptor(descriptor: dict[str, Any], language: str) -> str:
    """``json.dumps(descriptor, indent=2, sort_keys=True)`` without re-encoding the static parts.

    The pure-Python pretty printer is slow; the Table Schemas are most of the text and never change,
    so each tabular resource is a text made once with its size and hash filled in.
    """
    slot = json.dumps(_SLOT + "resources")
    text = _dumps({**descriptor, "resources": _SLOT + "resources"})
    if not descriptor["resources"] or text.count(slot) != 1:
        return _dumps(descriptor)
    items = ",\n".join(_resource_json(resource, language) for resource in descriptor["resources"])
    return text.replace(slot, f"[\n{items}\n  ]")
