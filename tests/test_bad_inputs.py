"""The bad-input corpus (tests/bad_inputs/) run through the real CLI, each file's behaviour declared in
tests/bad_inputs/expected.toml: exit code, error message naming the file and place, the cells read,
the read notes, the package name. Every command runs in a subprocess with a time bound, in an empty
working directory that must still be empty afterwards, and never prints a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "bad_inputs"
EXPECTED: dict[str, dict] = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
TIME_BOUND = 120  # seconds for any one command; a hang is a failure, not a slow pass

sys.path.insert(0, str(CORPUS))
import make_corpus  # noqa: E402

sys.path.remove(str(CORPUS))


def run_cli(args: list[str], cwd: Path, timeout: float = TIME_BOUND) -> subprocess.CompletedProcess[str]:
    """``python -m opendata ARGS`` in ``cwd``; fails the test if it does not finish within ``timeout``."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "opendata", *args], cwd=cwd, capture_output=True, text=True,
            timeout=timeout, encoding="utf-8", errors="replace",
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`opendata {' '.join(args)}` did not finish within {timeout} s")
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


def inspect_json(name: str, workdir: Path) -> tuple[subprocess.CompletedProcess[str], dict | None]:
    result = run_cli(["inspect", "--format", "json", str(CORPUS / name)], workdir)
    return result, (json.loads(result.stdout) if result.returncode == 0 else None)


def comparable(model: dict) -> dict:
    """The model without what names the file (its name and hash) and locators (which carry the name)."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("source", "file", "locator", "sha256")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(model)


def note_text(note: dict) -> str:
    locator = note["locator"]
    where = f"{note['code']}@{locator.get('line')}"
    return where + (f":{locator['column']}" if "column" in locator else "")


def test_every_corpus_file_is_declared_and_made_by_its_recipe():
    files = {p.name for p in CORPUS.iterdir() if p.is_file() and p.name not in ("expected.toml", "make_corpus.py")}
    assert files == set(EXPECTED), "files and expected.toml disagree"
    for name, data in make_corpus.build().items():
        assert (CORPUS / name).read_bytes() == data, f"{name} differs from make_corpus.py; rerun it"


def _cases() -> list:
    params = []
    for name, spec in EXPECTED.items():
        marks = [pytest.mark.xfail(strict=True, reason=spec["xfail"])] if "xfail" in spec else []
        params.append(pytest.param(name, spec, id=name, marks=marks))
    return params


@pytest.mark.parametrize("name, spec", _cases())
def test_bad_input(name: str, spec: dict, tmp_path: Path) -> None:
    result, model = inspect_json(name, tmp_path)
    assert list(tmp_path.iterdir()) == [], "the command wrote into its working directory"
    for text in spec.get("absent", []):
        assert text not in result.stdout + result.stderr, f"{text!r} leaked into the output"
    assert result.returncode == spec["exit"], result.stderr
    if spec["exit"] == 3:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, f"one error line expected: {result.stderr}"
        assert lines[0].startswith("error: unreadable input: ")
        for part in spec["stderr"]:
            assert part in lines[0]
        assert result.stdout == ""
        return
    assert result.stderr == ""
    assert model is not None
    table = model["tables"][0]
    by_slug = {}
    for line in table["lines"]:
        key = line["key"]
        slug = f"func-{key['functional']}" if "functional" in key and "item" not in key else key.get("item") or (
            f"econ-{key['economic']}")
        by_slug[slug] = line["cells"]
    for slug, values in spec.get("values", {}).items():
        cells = by_slug[slug]
        assert [c["amount"]["value"] if "amount" in c else "" for c in cells] == values, slug
    for slug, raws in spec.get("lines", {}).items():
        assert [c["raw"] for c in by_slug[slug]] == raws, slug
    if "notes" in spec:
        assert [note_text(n) for n in model.get("notes", [])] == spec["notes"]
    if "same_as" in spec:
        _, other = inspect_json(spec["same_as"], tmp_path)
        assert comparable(model) == comparable(other)
    if "slug" in spec:
        from opendata import load

        slug = load(CORPUS / name).slug
        assert slug == spec["slug"]
        assert "/" not in slug and "\\" not in slug and ".." not in slug
