"""The embedded store: one named graph per package, the vocabulary graph, refreshes that reload only
what changed, and the ready-made queries over two departments (the sample and a test department
derived from it) and, when ../shared/corpus is present, the Shanghai PDFs as well."""

from __future__ import annotations

import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("pyoxigraph")

import opendata
from opendata import store
from opendata.queries import ready_made, render, resolve
from sparql_support import (
    DERIVED_CODE, DERIVED_DEPARTMENT, SAMPLE_DEPARTMENT, SCIENCE_YUAN, build_packages, write_derived,
)


def _lines(path: Path) -> int:
    return sum(1 for line in path.read_bytes().splitlines() if line.strip())


@pytest.fixture(scope="module")
def two_departments(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_packages(tmp_path_factory.mktemp("two") / "packages", [opendata.sample_path()])


@pytest.fixture()
def scratch(tmp_path: Path, two_departments: Path) -> Path:
    """A copy of the two-department directory (without its store) that a test may change."""
    out = tmp_path / "packages"
    shutil.copytree(two_departments, out, ignore=shutil.ignore_patterns(store.STORE_NAME, ".opendata.lock"))
    return out


def test_each_package_is_its_own_named_graph_with_exactly_its_triples(scratch: Path) -> None:
    with store.open_store(scratch) as opened:
        graphs = dict(opened.graphs)
        counts = {name: opened.count(graph) for name, graph in graphs.items()}
        vocabulary = opened.count(store.vocabulary_graph())
    names = sorted(p.name for p in store.packages(scratch))
    assert sorted(graphs) == names and len(names) == 2
    assert any(f"/{DERIVED_CODE}/" in g for g in graphs.values())
    for name in names:
        nt = scratch / name / "data.nt"
        assert graphs[name] == store.graph_of(nt)
        assert counts[name] == _lines(nt)
    assert len(set(graphs.values())) == 2
    assert vocabulary == _lines_of(store.vocabulary_ntriples())


def _lines_of(data: bytes) -> int:
    return sum(1 for line in data.splitlines() if line.strip())


def test_refresh_reloads_only_changed_packages_and_drops_removed_ones(scratch: Path) -> None:
    first = store.refresh(scratch)
    assert len(first.loaded) == 2 and first.vocabulary
    again = store.refresh(scratch)
    assert again.loaded == () and again.unchanged == 2 and not again.vocabulary

    derived = next(p for p in store.packages(scratch) if DERIVED_CODE in p.name)
    lines = derived.path.read_bytes().splitlines(keepends=True)
    kept = [line for line in lines if b"/obs/three-public-expenses/" not in line]
    assert len(kept) < len(lines)
    derived.path.write_bytes(b"".join(kept))
    changed = store.refresh(scratch)
    assert changed.loaded == (derived.name,) and changed.unchanged == 1
    with store.open_store(scratch) as opened:
        assert opened.count(opened.graphs[derived.name]) == len(kept)  # nothing of the old content left

    # the same bytes rewritten (new mtime) are hashed again but not reloaded
    os.utime(derived.path, ns=(1, 1))
    assert store.refresh(scratch).loaded == ()

    shutil.rmtree(derived.path.parent)
    removed = store.refresh(scratch)
    assert removed.removed == (derived.name,)
    with store.open_store(scratch) as opened:
        assert list(opened.graphs) == [p.name for p in store.packages(scratch)]
        assert not any(f"/{DERIVED_CODE}/" in g.value for g in opened.store.named_graphs())


def test_an_interrupted_load_is_redone(scratch: Path) -> None:
    store.refresh(scratch)
    state_path = store.store_path(scratch) / store.STATE_NAME
    state = json.loads(state_path.read_text(encoding="utf-8"))
    name = sorted(state["packages"])[0]
    del state["packages"][name]["sha256"]  # as left by a crash between marking and loading
    state_path.write_text(json.dumps(state), encoding="utf-8")
    assert store.refresh(scratch).loaded == (name,)
    with store.open_store(scratch) as opened:
        assert opened.count(opened.graphs[name]) == _lines(scratch / name / "data.nt")


def test_totals_by_function_gives_the_sample_science_total(two_departments: Path) -> None:
    query = resolve("totals-by-function")
    one = store.run(two_departments, query, {"code": "206", "department": SAMPLE_DEPARTMENT})
    assert one.records() == [{
        "code": "206", "label": "科学技术支出", "year": "2024", "phase": "budget", "departments": "1",
        "total_yuan": SCIENCE_YUAN, "total_wan": "4062.16",
    }]
    both = store.run(two_departments, query, {"code": "206", "year": "2024"})
    assert both.records()[0]["departments"] == "2"
    assert Decimal(both.records()[0]["total_yuan"]) == 2 * Decimal(SCIENCE_YUAN)
    every = store.run(two_departments, query, {})
    codes = every.column("code")
    assert codes == sorted(codes) and "206" in codes and all(c is not None and len(c) == 3 for c in codes)


def test_every_ready_made_query_answers_across_both_departments(two_departments: Path) -> None:
    needs = {"rollup": {"code": "206"}, "department-change": {"department": DERIVED_DEPARTMENT}}
    with store.open_store(two_departments) as opened:
        for query in ready_made():
            results = opened.query(query, needs.get(query.name, {}))
            if query.name == "departments-with-errors":  # the sample has no error-level finding (report.json)
                assert results.rows == () and results.variables[0] == "department_name"
                continue
            assert results.rows, f"{query.name} returned no rows"
            if "department_name" in results.variables and query.name != "departments-with-errors":
                assert {SAMPLE_DEPARTMENT, DERIVED_DEPARTMENT} <= set(results.column("department_name")), query.name


def test_rollup_adds_the_most_detailed_lines_up_to_the_printed_class(two_departments: Path) -> None:
    results = store.run(two_departments, resolve("rollup"), {"code": "206", "department": SAMPLE_DEPARTMENT})
    [row] = results.records()
    assert row["printed_yuan"] == row["rolled_up_yuan"] == SCIENCE_YUAN
    assert int(row["lines"]) > 1  # 项 lines, not the 类 line itself
    economic = store.run(two_departments, resolve("rollup"), {"code": "301", "scheme": "economic",
                                                              "department": SAMPLE_DEPARTMENT})
    [row] = economic.records()
    assert row["scheme"] == "economic" and row["printed_yuan"] == row["rolled_up_yuan"]


def test_answers_are_the_same_bytes_every_time(two_departments: Path) -> None:
    query = resolve("indicators-by-category")
    first = store.run(two_departments, query, {"category": "quantity"})
    second = store.run(two_departments, query, {"category": "quantity"})
    for fmt in ("csv", "tsv", "json"):
        assert render(first, fmt) == render(second, fmt)
    assert set(first.column("category")) == {"quantity"}


def test_a_directory_without_packages_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(store.StoreUnavailable):
        with store.open_store(tmp_path / "missing"):
            pass


def test_the_derived_department_is_marked_as_a_test(tmp_path: Path) -> None:
    folder = write_derived(tmp_path)
    data = (folder / "data.nt").read_text(encoding="utf-8")
    assert DERIVED_DEPARTMENT.startswith("（测试）") and f'"{DERIVED_DEPARTMENT}"@zh' in data
    assert folder.parent == tmp_path


@pytest.mark.corpus
def test_real_departments_from_the_corpus(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    pdfs = sorted(corpus.glob("*.pdf"))
    if not pdfs:
        pytest.skip(f"no PDFs in {corpus}")
    out = build_packages(tmp_path_factory.mktemp("corpus") / "packages", [opendata.sample_path(), *pdfs])
    wanli = "上海市普陀区人民政府万里街道办事处"
    with store.open_store(out) as opened:
        assert len(opened.graphs) == len(pdfs) + 2
        science = opened.query(resolve("totals-by-function"), {"code": "206", "year": "2024", "phase": "budget"})
        by_department = opened.query(resolve("rollup"), {"code": "206", "year": "2024"})
        change = opened.query(resolve("department-change"), {"department": wanli})
        basic = opened.query(resolve("basic-vs-project"), {})
        errors = opened.query(resolve("departments-with-errors"), {})
    # the sample, its derived test department and 万里街道 print 206 in their 2024 budgets
    wanli_206 = [r for r in by_department.records() if r["department_name"] == wanli]
    assert [r["printed_yuan"] for r in wanli_206] == ["100000"]
    [row] = science.records()
    assert row["departments"] == "3"
    assert Decimal(row["total_yuan"]) == 2 * Decimal(SCIENCE_YUAN) + Decimal("100000")
    years = {r["year"] for r in change.records()}
    assert years == {"2023", "2024"}
    with_previous = [r for r in change.records() if "previous_yuan" in r]
    assert with_previous and all(
        Decimal(r["yuan"]) - Decimal(r["previous_yuan"]) == Decimal(r["change_yuan"]) for r in with_previous)
    phases = {(r["department_name"], r["phase"]) for r in basic.records()}
    assert ("上海市普陀区财政局", "final") in phases  # final accounts use the 小计 column
    reported = {}
    for folder in out.iterdir():
        if (folder / "report.json").is_file():
            report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
            for finding in report["findings"]:
                if finding["severity"] == "error":
                    reported[finding["code"]] = reported.get(finding["code"], 0) + 1
    found = {}
    for r in errors.records():
        found[r["finding"]] = found.get(r["finding"], 0) + int(r["errors"])
    assert found == reported and found  # the Shanghai documents contradict themselves in places
    for r in basic.records():
        assert Decimal(r["basic_yuan"]) + Decimal(r["project_yuan"]) == Decimal(r["total_yuan"]), r


def test_the_vocabulary_graph_is_the_same_bytes_in_every_process() -> None:
    import hashlib
    import subprocess
    import sys

    code = "import hashlib; from opendata.store import vocabulary_ntriples; print(hashlib.sha256(vocabulary_ntriples()).hexdigest())"
    digests = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip()
        for seed in ("0", "1")
    }
    data = store.vocabulary_ntriples()
    assert digests == {hashlib.sha256(data).hexdigest()}
    assert b"_:" in data  # the ontology has blank nodes: their labels come from RDFC-1.0, not from chance


def test_department_change_pairs_each_year_with_the_year_before(tmp_path: Path) -> None:
    """The sample, and the same department a year earlier (a test copy): the 2024 rows carry the 2023
    amounts; the 2023 rows have none. Guards the reformulations of department-change.rq (constant table,
    pattern order) against losing or duplicating the previous-year match."""
    import dataclasses

    from opendata.build import BuildOptions, render_package

    out = build_packages(tmp_path / "packages", [opendata.sample_path()])
    earlier = dataclasses.replace(opendata.load(opendata.sample_path()), year=2023)
    disclosure, files, _errors, _warnings = render_package(earlier, BuildOptions(fsync=False))
    (out / disclosure.slug).mkdir()
    for name, data in files.items():
        (out / disclosure.slug / name).write_bytes(data)
    rows = store.run(out, resolve("department-change"), {"department": SAMPLE_DEPARTMENT}).records()
    by_year: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_year.setdefault(row["year"], []).append(row)
    assert sorted(by_year) == ["2023", "2024"] and len(by_year["2023"]) == len(by_year["2024"]) > 1
    assert all("previous_yuan" not in row for row in by_year["2023"])
    for row in by_year["2024"]:
        assert row["previous_yuan"] == row["yuan"] and Decimal(row["change_yuan"]) == 0, row
    science = [row for row in by_year["2024"] if row["code"] == "206"]
    assert [row["yuan"] for row in science] == [SCIENCE_YUAN]


def test_a_file_the_batch_loader_cannot_stream_is_loaded_on_its_own(scratch: Path) -> None:
    """Packages are streamed as N-Quads by naming the graph before each line's final `` .``; a data.nt
    written otherwise (here ``.`` right after the object) must still land whole in its own graph."""
    first, second = store.packages(scratch)
    lines = first.path.read_bytes().splitlines(keepends=True)
    first.path.write_bytes(b"".join(line[:-3] + b".\n" if line.endswith(b" .\n") else line for line in lines))
    with store.open_store(scratch) as opened:
        assert opened.count(opened.graphs[first.name]) == _lines(first.path)
        assert opened.count(opened.graphs[second.name]) == _lines(second.path)
        assert opened.count(store.vocabulary_graph()) == _lines_of(store.vocabulary_ntriples())
