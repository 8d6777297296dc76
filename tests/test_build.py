"""`opendata build` as a release step: exit codes, determinism, --check, atomic replacement, lock,
incremental builds, -j, configuration, the DCAT catalogue and the committed datapackages/."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import opendata
from opendata import build as build_module
from opendata.build import BuildOptions, build, expand_sources, recover, write_package
from opendata.cli import main
from opendata.config import Config, ConfigError, discover, from_mapping, load_file

REPO = Path(__file__).resolve().parent.parent
SAMPLE = opendata.sample_path()
PACKAGE = opendata.load(SAMPLE).slug
FAST = BuildOptions(fsync=False)


def tree(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (relative paths), the build's own dotfiles left out."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def variant(tmp_path: Path, code: str, name: str | None = None) -> Path:
    """The sample with another department code: another package of the same shape."""
    text = SAMPLE.read_text(encoding="utf-8").replace("\n304 香河县", f"\n{code} 香河县")
    path = tmp_path / (name or f"dept-{code}.txt")
    path.write_text(text, encoding="utf-8")
    return path


def broken(tmp_path: Path) -> Path:
    """The sample with one figure changed (行政运行 in 支出总表), so the checks find errors."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    assert "2541.51" in lines[147]
    lines[147] = lines[147].replace("2541.51", "2541.71", 1)
    path = tmp_path / "broken.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(tmp_path)  # no opendata.toml or pyproject.toml above tmp_path
    return CliRunner()


# --- the command ---------------------------------------------------------------------------------


def test_build_the_sample_by_default(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", "--no-fsync"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "datapackages"
    folder = out / PACKAGE
    names = {p.name for p in folder.iterdir()}
    assert {"datapackage.json", "budget-lines.csv", "data.ttl", "data.jsonld", "data.nt", "report.json"} <= names
    assert (out / "catalog.ttl").is_file() and (out / "catalog.jsonld").is_file()
    assert "built 1" in result.output


def test_json_summary(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", "--no-fsync", "--out", "o", "--json", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["exit_code"] == 0
    assert summary["counts"] == {"built": 1}
    assert summary["packages"][0]["package"] == PACKAGE
    again = json.loads(runner.invoke(main, ["build", "--no-fsync", "--out", "o", "--json", str(SAMPLE)]).output)
    assert again["counts"] == {"unchanged": 1}


@pytest.mark.parametrize(
    "arguments",
    [
        ["build", "--jobs", "0"],
        ["build", "--issued", "yesterday"],
        ["build", "--base-iri", "not an iri"],
        ["build", "--no-such-option"],
        ["build", "does-not-exist.txt"],
        ["build", "--config", "missing.toml"],
    ],
)
def test_usage_errors_exit_2(runner: CliRunner, arguments: list[str]) -> None:
    result = runner.invoke(main, arguments)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_unreadable_input_exits_3_naming_the_file(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(main, ["build", "--no-fsync", "--out", "o", str(empty), str(SAMPLE)])
    assert result.exit_code == 3, result.output
    assert "empty.txt" in result.output and "Traceback" not in result.output
    assert (tmp_path / "o" / PACKAGE / "datapackage.json").is_file()  # the readable source was built


def test_errors_exit_1_unless_allowed(runner: CliRunner, tmp_path: Path) -> None:
    source = broken(tmp_path)
    result = runner.invoke(main, ["build", "--no-fsync", "--out", "o", str(source)])
    assert result.exit_code == 1, result.output
    report = json.loads((tmp_path / "o" / PACKAGE / "report.json").read_text(encoding="utf-8"))
    assert report["errors"] > 0
    allowed = runner.invoke(main, ["build", "--no-fsync", "--out", "o2", "--allow-errors", str(source)])
    assert allowed.exit_code == 0, allowed.output
    clean = runner.invoke(main, ["build", "--no-fsync", "--out", "o3", str(SAMPLE)])
    assert clean.exit_code == 0


def test_a_directory_source_builds_every_document_inside(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    variant(folder, "305")
    variant(folder, "306")
    (folder / "notes.md").write_text("not a source", encoding="utf-8")
    (folder / ".hidden").mkdir()
    variant(folder / ".hidden", "307")
    assert [p.name for p in expand_sources([folder, folder / "dept-305.txt"])] == ["dept-305.txt", "dept-306.txt"]
    result = build([folder], folder / "out", FAST)  # the output folder inside a source folder is no source
    assert [p.status for p in result.packages] == ["built", "built"]
    assert [p.status for p in build([folder], folder / "out", FAST).packages] == ["unchanged", "unchanged"]


def test_two_sources_with_one_package_name_conflict(tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SAMPLE.read_bytes())
    result = build([SAMPLE, copy], tmp_path / "out", FAST)
    assert sorted(p.status for p in result.packages) == ["built", "conflict"]


# --- determinism and --check -------------------------------------------------------------------


def test_two_builds_give_identical_bytes(tmp_path: Path) -> None:
    sources = [SAMPLE, variant(tmp_path, "305")]
    build(sources, tmp_path / "a", FAST)
    build(sources, tmp_path / "b", BuildOptions(fsync=False, jobs=2))
    first = tree(tmp_path / "a")
    assert len(first) > 30
    assert first == tree(tmp_path / "b")
    build(sources, tmp_path / "a", BuildOptions(fsync=False, incremental=False))  # rebuilt in place
    assert tree(tmp_path / "a") == first


def test_dates_only_from_issued_or_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build([SAMPLE], tmp_path / "none", FAST)
    descriptor = json.loads((tmp_path / "none" / PACKAGE / "datapackage.json").read_text(encoding="utf-8"))
    assert "created" not in descriptor
    build([SAMPLE], tmp_path / "issued", BuildOptions(fsync=False, issued="2024-03-01"))
    descriptor = json.loads((tmp_path / "issued" / PACKAGE / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["created"] == "2024-03-01T00:00:00Z"
    assert '"2024-03-01"^^xsd:date' in (tmp_path / "issued" / "catalog.ttl").read_text(encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build([SAMPLE], tmp_path / "epoch", FAST)
    descriptor = json.loads((tmp_path / "epoch" / PACKAGE / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["created"] == "2023-11-14T22:13:20Z"


def test_check_passes_on_a_fresh_build_and_catches_edits(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(main, ["build", "--no-fsync", "--out", "o"]).exit_code == 0
    ok = runner.invoke(main, ["build", "--check", "--out", "o"])
    assert ok.exit_code == 0, ok.output
    csv_path = tmp_path / "o" / PACKAGE / "budget-lines.csv"
    csv_path.write_bytes(csv_path.read_bytes().replace(b"17226500", b"17226501", 1))
    (tmp_path / "o" / PACKAGE / "extra.txt").write_text("x", encoding="utf-8")
    (tmp_path / "o" / "catalog.ttl").unlink()
    bad = runner.invoke(main, ["build", "--check", "--out", "o"])
    assert bad.exit_code == 1, bad.output
    assert "budget-lines.csv (differs)" in bad.output
    assert "extra.txt (not produced by this build)" in bad.output
    assert "catalog.ttl (missing)" in bad.output
    assert csv_path.read_bytes().count(b"17226501") == 1  # --check wrote nothing
    missing = runner.invoke(main, ["build", "--check", "--out", "nowhere"])
    assert missing.exit_code == 1 and not (tmp_path / "nowhere").exists()


def test_check_reports_a_folder_no_source_produced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([SAMPLE, variant(tmp_path, "305")], out, FAST)
    result = build([SAMPLE], out, BuildOptions(check=True))
    assert any(d.startswith("131024_305") for d in result.differences)
    kept = build([SAMPLE], out, FAST)
    assert kept.stale and (out / kept.stale[0]).is_dir()
    pruned = build([SAMPLE], out, BuildOptions(fsync=False, prune=True))
    assert pruned.pruned == kept.stale and not (out / kept.stale[0]).exists()
    assert build([SAMPLE], out, BuildOptions(check=True)).differences == ()


def test_the_committed_datapackages_are_the_build_of_the_sample(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """datapackages/ in the repository can never be stale."""
    monkeypatch.chdir(REPO)
    result = runner.invoke(main, ["build", "--check", "--out", str(REPO / "datapackages")])
    assert result.exit_code == 0, (
        f"{result.output}\ndatapackages/ is not the build of the sample: run `opendata build` in the "
        "repository root (without SOURCE_DATE_EPOCH) and commit datapackages/"
    )


# --- incremental ---------------------------------------------------------------------------------


def test_unchanged_sources_are_skipped_and_edits_rebuild(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert [p.status for p in build([SAMPLE], out, FAST).packages] == ["built"]
    assert [p.status for p in build([SAMPLE], out, FAST).packages] == ["unchanged"]
    # a hand-edited package file is noticed (size or modification time) and the package rebuilt
    target = out / PACKAGE / "projects.csv"
    original = target.read_bytes()
    target.write_bytes(original + b"tampered\n")
    assert [p.status for p in build([SAMPLE], out, FAST).packages] == ["built"]
    assert target.read_bytes() == original
    # another configuration is another build
    other = BuildOptions(fsync=False, config=Config(base_iri="https://data.example.cn/budget"))
    assert [p.status for p in build([SAMPLE], out, other).packages] == ["built"]
    assert "https://data.example.cn/budget/dataset/" in (out / PACKAGE / "data.ttl").read_text(encoding="utf-8")
    assert [p.status for p in build([SAMPLE], out, BuildOptions(fsync=False, incremental=False)).packages] == ["built"]


def test_an_unchanged_folder_is_known_by_its_stamp_and_an_added_file_is_noticed(tmp_path: Path) -> None:
    """The record keeps the package folder's inode and modification time, so an unchanged build need
    not list the folder; a file added to (or removed from) the folder changes them, and the package is
    built again."""
    out = tmp_path / "out"
    build([SAMPLE], out, FAST)
    record = next(json.loads(p.read_text(encoding="utf-8")) for p in (out / ".opendata-manifest").glob("*.json")
                  if not p.name.startswith("source-") and p.name != "catalog.json")
    status = os.stat(out / PACKAGE)
    assert record["folder"] == [status.st_ino, status.st_mtime_ns]  # the swap kept what was recorded
    assert [p.status for p in build([SAMPLE], out, FAST).packages] == ["unchanged"]
    (out / PACKAGE / "notes.txt").write_text("added by hand\n", encoding="utf-8")
    assert [p.status for p in build([SAMPLE], out, FAST).packages] == ["built"]
    assert not (out / PACKAGE / "notes.txt").exists()
    (out / PACKAGE / "assets.csv").unlink()
    assert [p.status for p in build([SAMPLE], out, FAST).packages] == ["built"]
    assert (out / PACKAGE / "assets.csv").is_file()


def test_the_catalogue_is_not_written_again_when_no_package_changed(tmp_path: Path) -> None:
    """With the same packages as last time the catalogue files and page are left as they are; a
    changed package, a damaged catalogue file or a new configuration writes them again."""
    out = tmp_path / "out"
    sources = [SAMPLE, variant(tmp_path, "305")]
    build(sources, out, FAST)
    names = ("catalog.ttl", "catalog.jsonld", "index.html")
    first = {name: (out / name).stat().st_mtime_ns for name in names}
    expected = {name: (out / name).read_bytes() for name in names}
    assert {p.status for p in build(sources, out, FAST).packages} == {"unchanged"}
    assert {name: (out / name).stat().st_mtime_ns for name in names} == first
    (out / "catalog.ttl").write_bytes(b"damaged")
    build(sources, out, FAST)
    assert {name: (out / name).read_bytes() for name in names} == expected
    other = BuildOptions(fsync=False, config=Config(publisher_name="某某财政局"))
    build(sources, out, other)
    assert "某某财政局".encode() in (out / "catalog.ttl").read_bytes()
    build(sources[:1], out, replace_options(FAST, prune=True))
    assert (out / ".opendata-manifest" / "catalog.json").is_file()
    assert (out / "catalog.ttl").read_bytes().count(b"    a <http://www.w3.org/ns/dcat#Dataset>") == 1


# --- atomic replacement, recovery and the lock ---------------------------------------------------


def test_write_package_replaces_the_whole_folder(tmp_path: Path) -> None:
    write_package(tmp_path, "p", {"a.csv": b"1\n", "b.csv": b"2\n"}, fsync=True)
    write_package(tmp_path, "p", {"a.csv": b"3\n"}, fsync=True)
    assert {p.name: p.read_bytes() for p in (tmp_path / "p").iterdir()} == {"a.csv": b"3\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p"]


def test_recover_completes_an_interrupted_swap(tmp_path: Path) -> None:
    (tmp_path / ".old-p").mkdir()
    (tmp_path / ".old-p" / "a.csv").write_bytes(b"old\n")
    (tmp_path / ".tmp-123-p").mkdir()
    (tmp_path / ".tmp-123-p" / "a.csv").write_bytes(b"half")
    (tmp_path / "q").mkdir()
    (tmp_path / ".old-q").mkdir()
    recover(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p", "q"]
    assert (tmp_path / "p" / "a.csv").read_bytes() == b"old\n"


def test_a_second_build_waits_for_the_lock_then_stops(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    with open(out / build_module.LOCK_NAME, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        started = time.monotonic()
        result = runner.invoke(main, ["build", "--no-fsync", "--out", "o", "--lock-timeout", "0.3"])
        assert time.monotonic() - started >= 0.3
        assert result.exit_code == 2, result.output
        assert "another build holds" in result.output
        assert not (out / PACKAGE).exists()
    assert runner.invoke(main, ["build", "--no-fsync", "--out", "o", "--lock-timeout", "0"]).exit_code == 0


def _start(out: Path, issued: str, *sources: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.Popen(
        [sys.executable, "-m", "opendata", "build", "-q", "--force", "--no-rdf", "--issued", issued,
         "--out", str(out), *map(str, sources)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def test_sigkill_half_way_leaves_the_previous_package_whole(tmp_path: Path) -> None:
    """Kill real builds while they write; each package folder is always the old or the new one."""
    import shutil

    sources = [SAMPLE, variant(tmp_path, "305"), variant(tmp_path, "306")]
    old_out, new_out, out = tmp_path / "old", tmp_path / "new", tmp_path / "out"
    build(sources, old_out, BuildOptions(fsync=False, rdf=False, issued="2024-01-01"))
    build(sources, new_out, BuildOptions(fsync=False, rdf=False, issued="2025-01-01"))
    packages = sorted(p.name for p in new_out.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert len(packages) == 3
    old = {name: tree(old_out / name) for name in packages}
    new = {name: tree(new_out / name) for name in packages}
    assert all(old[name] != new[name] for name in packages)
    caught_mid_write = 0
    for delay in [0, 0, 0.005, 0.02, 0.05, 0.1]:
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(old_out, out)
        process = _start(out, "2025-01-01", *sources)
        seen_tmp = False
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if any(e.name.startswith(".tmp-") for e in os.scandir(out)):
                seen_tmp = True
                break
        time.sleep(delay)
        alive = process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait()
        caught_mid_write += seen_tmp and alive
        for name in packages:
            assert tree(out / name) in (old[name], new[name]), f"{name} is a mix after the kill"
    assert caught_mid_write > 0, "no kill landed while a package was being written"
    finished = _start(out, "2025-01-01", *sources)
    _, stderr = finished.communicate(timeout=120)
    assert finished.returncode == 0, stderr.decode()
    assert tree(out) == tree(new_out)
    assert not [e.name for e in os.scandir(out) if e.name.startswith((".tmp-", ".old-"))]


# --- configuration -------------------------------------------------------------------------------


def test_configuration_files_and_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[tool.opendata]\nbase-iri = "https://data.example.cn/"\npublisher-name = "示例数据门户"\n'
        'licence = "CC-BY-4.0"\nlicence-iri = "https://creativecommons.org/licenses/by/4.0/"\n',
        encoding="utf-8",
    )
    config = discover(project / "sub")
    assert config.base_iri == "https://data.example.cn"  # the IRI templates add the "/"
    assert config.publisher_name == "示例数据门户" and config.licence == "CC-BY-4.0"
    (project / "opendata.toml").write_text('language = "en"\n', encoding="utf-8")
    assert discover(project).language == "en"  # opendata.toml wins over pyproject.toml
    assert discover(project).base_iri == Config().base_iri
    with pytest.raises(ConfigError, match="unknown key"):
        from_mapping({"base_iri": "https://x.example/"})
    with pytest.raises(ConfigError, match="language"):
        from_mapping({"language": "fr"})
    (project / "bad.toml").write_text("language = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_file(project / "bad.toml")
    assert config.with_overrides(language="en", licence=None).licence == "CC-BY-4.0"
    assert config.fingerprint() != config.with_overrides(language="en").fingerprint()

    monkeypatch.chdir(project / "sub")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    (project / "opendata.toml").unlink()
    result = CliRunner().invoke(main, ["build", "--no-fsync", "--out", "o", "--publisher-name", "命令行发布者"])
    assert result.exit_code == 0, result.output
    descriptor = json.loads((project / "sub" / "o" / PACKAGE / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}]
    assert {"title": "命令行发布者", "role": "publisher"} in descriptor["contributors"]
    assert descriptor["id"].startswith("https://data.example.cn/dataset/")


# --- the catalogue -------------------------------------------------------------------------------


def test_catalog_describes_every_package_and_file(tmp_path: Path) -> None:
    rdflib = pytest.importorskip("rdflib")
    from rdflib.compare import isomorphic

    out = tmp_path / "out"
    config = Config(download_url="https://files.example.cn/packages/", licence_iri="https://creativecommons.org/licenses/by/4.0/")
    build([SAMPLE, variant(tmp_path, "305")], out, BuildOptions(fsync=False, config=config))
    turtle = rdflib.Graph().parse(out / "catalog.ttl", format="turtle")
    jsonld = rdflib.Graph().parse(out / "catalog.jsonld", format="json-ld")
    assert isomorphic(turtle, jsonld)
    DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    DCT = rdflib.Namespace("http://purl.org/dc/terms/")
    SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
    datasets = set(turtle.subjects(rdflib.RDF.type, DCAT.Dataset))
    assert len(datasets) == 2
    for dataset in datasets:
        assert (None, DCAT.dataset, dataset) in turtle
        assert turtle.value(dataset, DCT.spatial) is not None
        assert turtle.value(dataset, DCT.temporal) == rdflib.URIRef("http://reference.data.gov.uk/id/year/2024")
        assert turtle.value(dataset, DCT.license) == rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
        # the dataset IRI is the qb:DataSet of the package's own RDF
        folder = out / next(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(".") and str(turtle.value(dataset, DCT.identifier))
                            == json.loads((p / "datapackage.json").read_text(encoding="utf-8"))["name"])
        assert f"<{dataset}>" in (folder / "data.nt").read_text(encoding="utf-8")
        # every file but the landing page (index.html describes the distributions, it is not one)
        files = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "index.html"}
        distributions = list(turtle.objects(dataset, DCAT.distribution))
        assert len(distributions) == len(files)
        for dist in distributions:
            name = str(turtle.value(dist, DCT.title))
            assert int(turtle.value(dist, DCAT.byteSize)) == len(files[name])
            checksum = turtle.value(dist, SPDX.checksum)
            assert str(turtle.value(checksum, SPDX.checksumValue)) == hashlib.sha256(files[name]).hexdigest()
            assert str(turtle.value(dist, DCAT.downloadURL)).startswith("https://files.example.cn/packages/131024_")
            assert turtle.value(dist, DCAT.mediaType) is not None


def test_catalog_from_kept_fragments_is_the_catalog_rendered_afresh(tmp_path: Path) -> None:
    """A rebuild writes the catalogue from each package's fragment kept beside its record; it gives the
    bytes of a catalogue rendered from the entries in memory, and a lost or damaged fragment is rendered
    again rather than left out."""
    from opendata.emit.catalog import render_catalog

    out = tmp_path / "out"
    config = Config(download_url="https://files.example.cn/packages/", publisher_name="某某财政局")
    options = BuildOptions(fsync=False, config=config, issued="2024-03-01")
    sources = [SAMPLE, variant(tmp_path, "305"), variant(tmp_path, "306")]
    build(sources, out, options)
    first = {name: (out / name).read_bytes() for name in ("catalog.ttl", "catalog.jsonld")}
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / ".opendata-manifest").glob("*.json"))
               if not p.name.startswith("source-") and p.name != "catalog.json"]
    assert len(records) == 3
    assert render_catalog(records, config, "2024-03-01") == first
    fragments = sorted((out / ".opendata-manifest").glob("*.catalog.ttl"))
    assert len(fragments) == 3
    fragments[0].unlink()
    fragments[1].with_name(fragments[1].name.replace(".ttl", ".jsonld")).write_bytes(b"\xff\xfe")
    damaged = fragments[2].read_bytes()
    fragments[2].write_bytes(damaged[: len(damaged) // 2])  # cut short: still UTF-8, caught by its digest
    (out / "catalog.ttl").unlink()  # else the catalogue is current and no fragment is read
    assert {p.status for p in build(sources, out, options).packages} == {"unchanged"}
    assert {name: (out / name).read_bytes() for name in first} == first
    assert len(list((out / ".opendata-manifest").glob("*.catalog.*"))) == 6  # both kept again
    assert b"\xff\xfe" not in b"".join(p.read_bytes() for p in (out / ".opendata-manifest").glob("*.catalog.jsonld"))
    # one source gone: --prune removes its folder, record and fragments, and the catalogue follows
    assert build(sources[:2], out, replace_options(options, prune=True)).pruned
    assert len(list((out / ".opendata-manifest").glob("*.catalog.*"))) == 4
    assert render_catalog([r for r in records if (out / r["package"]).is_dir()], config, "2024-03-01") == {
        name: (out / name).read_bytes() for name in first}


def replace_options(options: BuildOptions, **changes: object) -> BuildOptions:
    import dataclasses

    return dataclasses.replace(options, **changes)


def test_no_rdf_leaves_the_linked_data_out(tmp_path: Path) -> None:
    result = build([SAMPLE], tmp_path / "out", BuildOptions(fsync=False, rdf=False))
    folder = tmp_path / "out" / PACKAGE
    assert result.rdf is False
    assert not list(folder.glob("data.*"))
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert "rdf-turtle" not in {r["name"] for r in descriptor["resources"]}
    assert (folder / "report.json").is_file()
