"""`opendata validate`: the readable report, JSON, exit codes 0/1/3 and --strict; the README documents
every finding code."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import opendata
from opendata.check import CODES
from opendata.cli import main

SAMPLE = opendata.sample_path()
README = Path(__file__).resolve().parent.parent / "README.md"


def _edited(tmp_path: Path, line: int, old: str, new: str) -> Path:
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path = tmp_path / SAMPLE.name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_sample_validates_with_exit_0():
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings, 2 infos" in result.output
    assert "narrative-zero-change-direction" in result.output
    assert "[header-realigned]" in result.output  # printed as text, not taken for markup


def test_error_exits_1_and_names_the_cell(tmp_path):
    path = _edited(tmp_path, 149, "1071.65\t\t1071.65", "1071.65\t\t1081.65")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "row-sum-mismatch" in result.output
    assert "table expenditure-summary, row 5, column 4" in result.output


def test_warning_exits_0_unless_strict(tmp_path):
    path = _edited(tmp_path, 149, "1071.65\t\t1071.65", "1071.65\t\t1071.66")
    assert CliRunner().invoke(main, ["validate", str(path)]).exit_code == 0
    assert CliRunner().invoke(main, ["validate", "--strict", str(path)]).exit_code == 1


def test_json_report(tmp_path):
    path = _edited(tmp_path, 149, "1071.65\t\t1071.65", "1071.65\t\t1081.65")
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(path), str(SAMPLE)])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [r["errors"] for r in data["reports"]] == [3, 0]
    first = data["reports"][0]["findings"]
    row = next(f for f in first if f["code"] == "row-sum-mismatch")
    assert row["figures"] == ["1071.65", "1081.65"]
    assert row["locators"][0]["table"] == "expenditure-summary" and row["locators"][0]["row"] == 5
    assert row["rule"] == "expenditure-by-type"


def test_unreadable_input_exits_3(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["validate", str(empty)])
    assert result.exit_code == 3
    assert "empty.txt" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "missing.txt")])
    assert result.exit_code == 3


def test_readme_documents_every_finding_code():
    text = README.read_text(encoding="utf-8")
    assert "## Checks" in text
    section = text.split("## Checks", 1)[1]
    missing = [code for code in CODES if f"`{code}`" not in section]
    assert not missing, f"README section Checks lacks {missing}"
    assert "rounding bound" in section


def test_a_directory_validates_each_document(tmp_path):
    (tmp_path / "a.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a source", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert [r["source"] for r in json.loads(result.output)["reports"]] == ["a.txt"]
