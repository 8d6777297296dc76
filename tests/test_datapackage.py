"""The data package of the sample: valid for the real frictionless library, golden CSVs, every figure kept."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import opendata
from opendata.build import BuildOptions, build
from opendata.emit import datapackage as dp

from conftest import GOLDEN, check_golden

frictionless = pytest.importorskip("frictionless")


@pytest.fixture(scope="session")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("packages")
    result = build([opendata.sample_path()], out, BuildOptions(fsync=False))
    assert [p.status for p in result.packages] == ["built"]
    return out / result.packages[0].package


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _errors(report: object) -> list[tuple[str, str]]:
    return [(task.name, error.type) for task in report.tasks for error in task.errors]  # type: ignore[attr-defined]


def test_frictionless_validates_every_resource_with_foreign_keys(package: Path) -> None:
    report = frictionless.validate(str(package / "datapackage.json"))
    assert _errors(report) == []
    assert report.valid
    names = {task.name for task in report.tasks}
    assert set(dp.RESOURCES) <= names


def test_a_broken_foreign_key_is_caught(package: Path, tmp_path: Path) -> None:
    """The schemas really declare the keys: a budget line pointing at an unknown code fails."""
    copy = tmp_path / "copy"
    copy.mkdir()
    for item in package.iterdir():
        (copy / item.name).write_bytes(item.read_bytes())
    data = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    for resource in data["resources"]:
        resource.pop("hash", None)
        resource.pop("bytes", None)
    (copy / "datapackage.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    text = (copy / "budget-lines.csv").read_text(encoding="utf-8")
    assert ",2060101," in text
    (copy / "budget-lines.csv").write_text(text.replace(",2060101,", ",2999999,", 1), encoding="utf-8")
    text = (copy / "indicators.csv").read_text(encoding="utf-8")
    (copy / "indicators.csv").write_text(text.replace("13102424P00000210001N", "no-such-project", 1), encoding="utf-8")
    errors = _errors(frictionless.validate(str(copy / "datapackage.json")))
    assert ("budget-lines", "foreign-key") in errors
    assert ("indicators", "foreign-key") in errors


def test_hashes_and_sizes_in_the_descriptor_match_the_files(package: Path) -> None:
    import hashlib

    data = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    listed = {r["path"] for r in data["resources"]}
    # index.html (the landing page) describes the package, so it cannot be listed inside it
    assert listed == {p.name for p in package.iterdir()} - {"datapackage.json", "index.html"}
    for resource in data["resources"]:
        body = (package / resource["path"]).read_bytes()
        assert resource["bytes"] == len(body)
        assert resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()


@pytest.mark.parametrize("name", dp.RESOURCES)
def test_golden_csv(package: Path, name: str, update_golden: bool) -> None:
    check_golden(GOLDEN / "datapackage" / f"{name}.csv", (package / f"{name}.csv").read_bytes(), update_golden)


@pytest.mark.parametrize("name", dp.RESOURCES)
def test_csv_form(package: Path, name: str) -> None:
    """UTF-8, LF line ends, a header row in schema order."""
    body = (package / f"{name}.csv").read_bytes()
    text = body.decode("utf-8")
    assert "\r" not in text
    assert text.endswith("\n")
    header = next(csv.reader(io.StringIO(text)))
    schema = {s.name: s for s in dp.schemas("zh")}[name]
    assert tuple(header) == schema.columns
    assert [f["name"] for f in schema.descriptor["schema"]["fields"]] == header


def test_every_figure_is_a_budget_line_with_its_printed_value(sample_disclosure: opendata.Disclosure, package: Path) -> None:
    lines = _rows(package, "budget-lines")
    figures = list(sample_disclosure.figures())
    assert len(lines) == len(figures) == 257
    for row, figure in zip(lines, figures):
        assert row["source_amount"] == figure.amount.text
        assert Decimal(row["amount_yuan"]) == figure.amount.yuan
        assert row["measure"] == figure.measure
        assert int(row["line"]) == figure.locator.line
    basic = [r for r in lines if r["table"] == "expenditure-summary" and r["functional_code"] == "2060101"
             and r["measure"] == "basic"]
    assert [(r["amount_yuan"], r["source_amount"], r["source_unit"]) for r in basic] == [("17226500", "1722.65", "万元")]
    assert len({r["id"] for r in lines}) == len(lines)


def test_code_lists_carry_the_document_names_and_the_vocabulary_parents(package: Path) -> None:
    functional = {r["code"]: r for r in _rows(package, "functional-codes")}
    assert functional["2060101"] == {"code": "2060101", "name": "行政运行", "name_en": "", "parent": "20601",
                                     "level": "3", "origin": "document"}
    assert functional["206"]["name"] == "科学技术支出" and functional["206"]["name_en"] == "Science and technology"
    assert functional["201"]["name"] == "一般公共服务支出"  # numbering 一、 removed
    economic = {r["code"]: r for r in _rows(package, "economic-codes")}
    assert economic["30101"]["parent"] == "301" and economic["301"]["level"] == "1"
    for rows in (functional, economic):
        assert all(not r["parent"] or r["parent"] in rows for r in rows.values())


def test_indicators_have_parsed_targets_and_point_at_projects(package: Path) -> None:
    projects = {r["project"] for r in _rows(package, "projects")}
    indicators = _rows(package, "indicators")
    assert len(projects) == 19 and len(indicators) == 137
    assert {r["project"] for r in indicators} <= projects
    cost = next(r for r in indicators if r["target_raw"] == "≤0.15万元/家")
    assert (cost["target_kind"], cost["comparator"], cost["target_value"], cost["target_unit"]) == ("numeric", "≤", "0.15", "万元/家")
    deadline = next(r for r in indicators if r["target_raw"] == "月后 25 日前")
    assert (deadline["target_kind"], deadline["target_day"], deadline["deadline_rule"]) == ("deadline", "25", "day-of-following-month")


def test_coverage_accounts_for_every_number(sample_disclosure: opendata.Disclosure, package: Path) -> None:
    rows = _rows(package, "coverage")
    assert len(rows) == len(sample_disclosure.coverage)
    assert {r["status"] for r in rows if r["captured"] == "false"} == {"toc-page"}


def test_schemas_say_everything() -> None:
    for schema in dp.schemas("zh"):
        descriptor = schema.descriptor
        assert descriptor["titles"]["zh"] and descriptor["titles"]["en"]
        assert descriptor.get("rdfType", "http").startswith("http")
        assert descriptor["schema"]["missingValues"] == [""]
        assert "primaryKey" in descriptor["schema"]
        for field in descriptor["schema"]["fields"]:
            assert field["titles"]["zh"] and field["titles"]["en"], field["name"]
            assert field["descriptions"]["zh"] and field["descriptions"]["en"], field["name"]
            assert field["type"] in {"string", "number", "integer", "boolean", "date"}
            assert field["rdfType"].startswith("http"), field
            assert field.get("rdfProperty", "http").startswith("http"), field
    lines = {s.name: s for s in dp.schemas("zh")}["budget-lines"].descriptor["schema"]
    by_name = {f["name"]: f for f in lines["fields"]}
    assert by_name["amount_yuan"]["columnType"] == "value"
    assert by_name["fiscal_year"]["columnType"] == "date:fiscal-year"
    assert by_name["functional_code"]["columnType"] == "functional-classification:generic:code"
    assert by_name["functional_code"]["constraints"]["pattern"]
    assert "enum" in by_name["table"]["constraints"]
    targets = {fk["reference"]["resource"] for fk in lines["foreignKeys"]}
    assert targets == {"functional-codes", "economic-codes"}
    english = {s.name: s for s in dp.schemas("en")}["budget-lines"].descriptor
    assert english["title"] == "Budget lines, one row per figure"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+cmd", "'+cmd"),
        ("@foo", "'@foo"),
        ("-入企指导", "'-入企指导"),
        ("-12.00", "-12.00"),
        ("+3", "+3"),
        ("行政运行", "行政运行"),
        (Decimal("450.00"), "450.00"),
        (Decimal("1E+2"), "100"),
        (None, ""),
        (True, "true"),
        (7, "7"),
    ],
)
def test_cells(value: object, expected: str) -> None:
    assert dp.cell(value) == expected


@given(st.text())
def test_no_text_cell_starts_a_formula(text: str) -> None:
    written = dp.cell(text)
    assert written == text or written == "'" + text
    if written[:1] in ("=", "+", "-", "@"):
        float(written.replace(",", "").rstrip("%"))  # only plain numbers keep their sign


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_decimals_are_written_exactly(value: Decimal) -> None:
    assert Decimal(dp.cell(value)) == value


def test_rdf_terms_of_the_schemas_are_in_the_vocabulary() -> None:
    """rdfType and rdfProperty name terms that vocab/ontology.ttl defines (no typo can slip in)."""
    rdflib = pytest.importorskip("rdflib")
    from opendata.iris import BUDGET
    from opendata.vocab import vocab_dir

    graph = rdflib.Graph().parse(vocab_dir() / "ontology.ttl", format="turtle")
    defined = {str(s) for s in graph.subjects(rdflib.RDF.type, None)}
    used = {
        iri
        for schema in dp.schemas("zh")
        for iri in [schema.descriptor.get("rdfType", "")]
        + [f.get(k, "") for f in schema.descriptor["schema"]["fields"] for k in ("rdfType", "rdfProperty")]
        if iri.startswith(BUDGET)
    }
    assert len(used) > 40
    assert sorted(used - defined) == []


def test_controlled_values_are_not_guarded() -> None:
    """The comparator ``=`` is an enum value, not a formula: it is written as it is (and passes the enum)."""
    indicators = {s.name: s for s in dp.schemas("zh")}["indicators"]
    assert "comparator" not in indicators.free_text and "description" in indicators.free_text
    body = dp.csv_bytes(("comparator", "description"), [{"comparator": "=", "description": "=1+1"}], indicators.free_text)
    assert body.decode("utf-8").splitlines()[1] == "=,'=1+1"


@pytest.mark.corpus
def test_every_package_of_the_corpus_is_valid(corpus: Path, tmp_path: Path) -> None:
    """The real documents (Shanghai PDFs too) give packages that frictionless finds valid."""
    result = build([corpus], tmp_path, BuildOptions(fsync=False, jobs=2))
    assert len(result.packages) >= 5 and not result.unreadable
    for package in result.packages:
        report = frictionless.validate(str(tmp_path / package.package / "datapackage.json"))
        assert _errors(report) == [], package.package


def test_budget_lines_name_their_observation_in_the_rdf(package: Path) -> None:
    """The iri column is the subject of the same figure in data.nt, with the same amount in yuan."""
    triples = (package / "data.nt").read_text(encoding="utf-8")
    lines = _rows(package, "budget-lines")
    assert all(row["iri"] for row in lines)
    for row in lines[:40]:
        assert f'<{row["iri"]}> <https://opendata.example.org/def/budget#amount> "{row["amount_yuan"]}"' in triples


_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.decimals(allow_nan=False, allow_infinity=False),
    st.text(), st.text(alphabet=',"\r\n\x00=+-@ 1.a中'),
)


@given(st.integers(min_value=1, max_value=4).flatmap(
    lambda width: st.lists(st.lists(_VALUES, min_size=width, max_size=width), max_size=6)))
def test_csv_bytes_is_the_csv_module_writing_each_cell(table: list[list[object]]) -> None:
    """The fast paths of ``csv_bytes`` (whole columns converted at once, lines joined without the csv
    module) write exactly what ``csv.writer`` writes for ``cell`` of every value."""
    width = len(table[0]) if table else 2
    columns = tuple(f"c{i}" for i in range(width))
    guarded = frozenset(columns[::2])
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(columns)
    for row in table:
        writer.writerow([dp.cell(value, name in guarded) for name, value in zip(columns, row)])
    rows = [dict(zip(columns, row)) for row in table]
    assert dp.csv_bytes(columns, rows, guarded) == expected.getvalue().encode("utf-8")
