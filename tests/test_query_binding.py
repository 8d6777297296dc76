"""Query headers, safe parameter binding (VALUES built from typed terms, never pasted text), result
formats, and the `opendata query` command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

pyoxigraph = pytest.importorskip("pyoxigraph")

import opendata
from opendata.cli import main
from opendata.queries import (
    QueryError, Results, Term, bind, from_json, parse, ready_made, render, resolve, to_json, where_brace,
)
from sparql_support import SAMPLE_DEPARTMENT, SCIENCE_YUAN, build_packages

ECHO = """# Echo the parameter back.
#
# @param value  string  optional  anything at all
SELECT ?value WHERE { }
"""


def _run(text: str) -> Results:
    from opendata.queries import from_pyoxigraph

    return from_pyoxigraph(pyoxigraph.Store().query(text))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_string_is_bound_as_one_literal_and_comes_back_unchanged(value: str) -> None:
    query = parse(ECHO, "echo")
    results = _run(bind(query, {"value": value}))
    assert results.variables == ("value",)
    assert [row[0].value for row in results.rows] == [value]  # type: ignore[union-attr]


def test_injection_attempts_stay_inside_the_literal() -> None:
    query = parse(ECHO + "", "echo")
    attack = '" ) } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } #'
    bound = bind(query, {"value": attack})
    assert _run(bound).rows[0][0].value == attack  # type: ignore[union-attr]


def test_header_declares_summary_description_and_typed_parameters() -> None:
    query = resolve("totals-by-function")
    assert query.summary.startswith("Totals by functional 类 across departments")
    assert [(p.name, p.kind, p.required) for p in query.parameters] == [
        ("code", "string", False), ("year", "year", False), ("phase", "string", False), ("department", "string", False),
    ]
    assert "expenditure summary" in query.description


def test_every_ready_made_query_says_what_it_answers_and_parses() -> None:
    names = [q.name for q in ready_made()]
    assert names == sorted([
        "basic-vs-project", "department-change", "departments-with-errors", "indicators-by-category",
        "largest-projects", "rollup", "three-public", "totals-by-cofog", "totals-by-function",
    ])
    empty = pyoxigraph.Store()
    for query in ready_made():
        assert query.summary and query.description, query.name
        assert "ORDER BY" in query.text, f"{query.name} must order its rows"
        for p in query.parameters:
            assert p.description, (query.name, p.name)
            assert f"?{p.name}" in query.text, (query.name, p.name)
        list(empty.query(query.text))  # valid SPARQL


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("integer", "042", '"42"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    ("decimal", "4062.160", '"4062.160"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
    ("year", "2024", '"2024"^^<http://www.w3.org/2001/XMLSchema#gYear>'),
    ("iri", "https://example.org/a", "<https://example.org/a>"),
    ("code:functional", "206", "<https://opendata.example.org/code/functional/206>"),
    ("string", 'a"b\n', '"a\\"b\\n"'),
])
def test_values_become_typed_terms(kind: str, value: str, expected: str) -> None:
    query = parse(f"# t\n# @param x {kind} required x\nSELECT ?x WHERE {{ }}", "t")
    assert f"VALUES (?x) {{ ({expected}) }}" in bind(query, {"x": value})


@pytest.mark.parametrize(("kind", "value"), [
    ("integer", "4.5"), ("integer", "1; DROP"), ("decimal", "NaN"), ("decimal", "x"), ("year", "24"),
    ("year", "2024 "), ("iri", "not an iri> <x"), ("iri", "http://a b"),
])
def test_malformed_values_are_refused(kind: str, value: str) -> None:
    query = parse(f"# t\n# @param x {kind} required x\nSELECT ?x WHERE {{ }}", "t")
    if kind == "year" and value == "2024 ":
        assert "2024" in bind(query, {"x": value})  # surrounding blanks are forgiven
        return
    with pytest.raises(QueryError):
        bind(query, {"x": value})


def test_unknown_and_missing_parameters_are_refused() -> None:
    query = resolve("department-change")
    with pytest.raises(QueryError, match="needs --param department"):
        bind(query, {})
    with pytest.raises(QueryError, match="no parameter colour"):
        bind(query, {"department": "x", "colour": "red"})
    with pytest.raises(QueryError, match="unknown type"):
        parse("# t\n# @param x colour required x\nSELECT ?x WHERE { }", "t")


@pytest.mark.parametrize("text", [
    "# a { in a comment\nPREFIX b: <http://x/WHERE/#>\nSELECT ?where ('{' AS ?x) WHERE { ?s b:where ?o }",
    'SELECT ("""a { WHERE {""" AS ?x) WHERE { ?s ?p ?o }',
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * { ?s ?p ?o }",
    "ASK { ?s ?p ?o }",
])
def test_the_where_group_is_found_past_comments_strings_iris_and_names(text: str) -> None:
    at = where_brace(text)
    assert text[at] == "{" and text[at + 1:].strip().startswith("?s ")
    _run(bind(parse("# t\n# @param s iri optional s\n" + text, "t"), {"s": "http://x/s"}))  # still valid SPARQL


def test_results_round_trip_through_sparql_json() -> None:
    results = Results(("a", "b"), (
        (Term("uri", "https://x/1"), Term("literal", "4062.16", "http://www.w3.org/2001/XMLSchema#decimal")),
        (Term("literal", "科学技术支出", None, "zh"), None),
        (Term("bnode", "b0"), Term("literal", 'tab\there "q"')),
    ))
    assert from_json(json.loads(to_json(results))) == results
    tsv = render(results, "tsv").splitlines()
    assert tsv[0] == "?a\t?b" and tsv[2] == '"科学技术支出"@zh\t'
    assert tsv[3] == '_:b0\t"tab\\there \\"q\\""'
    rows = list(csv.reader(io.StringIO(render(results, "csv"), newline="")))
    assert rows == [["a", "b"], ["https://x/1", "4062.16"], ["科学技术支出", ""], ["_:b0", 'tab\there "q"']]
    assert render(results, "csv").endswith("\r\n")


# --- the command --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_packages(tmp_path_factory.mktemp("cli") / "packages", [opendata.sample_path()])


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_query_list_names_every_ready_made_query() -> None:
    code, out, _ = _invoke("query", "--list", "--format", "json")
    assert code == 0
    listed = json.loads(out)
    assert [q["name"] for q in listed] == [q.name for q in ready_made()]
    rollup = next(q for q in listed if q["name"] == "rollup")
    assert {"name": "code", "type": "string", "required": True, "description": rollup["parameters"][0]["description"]} \
        == rollup["parameters"][0]
    code, out, _ = _invoke("query", "--list")
    assert code == 0 and "totals-by-cofog" in out


def test_query_csv_gives_the_science_total(packages: Path) -> None:
    code, out, _ = _invoke("query", "totals-by-function", "--dir", str(packages), "--param", "code=206",
                           "--param", f"department={SAMPLE_DEPARTMENT}", "--format", "csv")
    assert code == 0
    assert out.splitlines() == [
        "code,label,year,phase,departments,total_yuan,total_wan",
        f"206,科学技术支出,2024,budget,1,{SCIENCE_YUAN},4062.16",
    ]


def test_query_json_and_table(packages: Path) -> None:
    code, out, _ = _invoke("query", "totals-by-function", "--dir", str(packages), "--param", "code=206",
                           "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["head"]["vars"][0] == "code"
    [row] = data["results"]["bindings"]
    assert row["total_yuan"] == {"type": "literal", "value": str(2 * int(SCIENCE_YUAN)),
                                 "datatype": "http://www.w3.org/2001/XMLSchema#decimal"}
    code, out, _ = _invoke("query", "totals-by-function", "--dir", str(packages), "--param", "code=206")
    assert code == 0 and "科学技术支出" in out and "81243200" in out and "1 row(s)" in out


def test_query_inline_text_and_rq_file(packages: Path, tmp_path: Path) -> None:
    inline = ("PREFIX b: <https://opendata.example.org/def/budget#> "
              "SELECT (COUNT(?d) AS ?n) WHERE { GRAPH ?g { ?d a b:Disclosure } }")
    code, out, _ = _invoke("query", inline, "--dir", str(packages), "--format", "tsv")
    assert (code, out) == (0, "?n\n2\n")
    path = tmp_path / "count.rq"
    path.write_text("# How many disclosures of one year.\n# @param year year required e.g. 2024\n" + inline.replace(
        "?d a b:Disclosure", "?d a b:Disclosure ; b:year ?year"), encoding="utf-8")
    code, out, _ = _invoke("query", str(path), "--dir", str(packages), "--format", "tsv", "--param", "year=2023")
    assert (code, out) == (0, "?n\n0\n")
    code, out, _ = _invoke("query", str(path), "--dir", str(packages), "--format", "tsv", "--param", "year=2024")
    assert (code, out) == (0, "?n\n2\n")


@pytest.mark.parametrize("args", [
    ("query",),
    ("query", "no-such-query"),
    ("query", "totals-by-function", "--param", "colour=red"),
    ("query", "totals-by-function", "--param", "year=24"),
    ("query", "totals-by-function", "--param", "year"),
    ("query", "department-change"),
    ("query", "SELECT * WHERE { ?s ?p"),
    ("query", "./missing.rq"),
])
def test_query_usage_errors_exit_2(packages: Path, args: tuple[str, ...]) -> None:
    code, out, err = _invoke(*args, "--dir", str(packages))
    assert code == 2, (out, err)
    assert err.startswith("error:") and "Traceback" not in err


def test_query_on_a_missing_directory_exits_2(tmp_path: Path) -> None:
    code, _, err = _invoke("query", "totals-by-function", "--dir", str(tmp_path / "nothing"))
    assert code == 2 and "not a directory" in err
