"""`opendata inspect`: summary, JSON model and exit codes (click's runner)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from opendata.cli import main


def test_inspect_sample_summary():
    result = CliRunner().invoke(main, ["inspect"])
    assert result.exit_code == 0, result.output
    assert "香河县科学技术和工业信息化局" in result.output
    assert "projects 19, indicators 137" in result.output
    assert "not understood 20" in result.output
    assert "page number of the table of contents" in result.output


def test_inspect_json_has_decimals_as_strings():
    result = CliRunner().invoke(main, ["inspect", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["year"] == 2024
    first = data["tables"][0]["lines"][0]["cells"][0]["amount"]
    assert first == {"value": "5081.14", "unit": "万元", "yuan": "50811400", "raw": "5081.14"}
    assert len(data["projects"]) == 19


def test_inspect_unreadable_exits_3_without_traceback(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["inspect", str(empty)])
    assert result.exit_code == 3
    assert "empty.txt" in result.output and "line 1" in result.output
    assert "Traceback" not in result.output


def test_inspect_missing_file_is_unreadable(tmp_path):
    result = CliRunner().invoke(main, ["inspect", str(tmp_path / "missing.txt")])
    assert result.exit_code == 3
    assert "missing.txt" in result.output and "no such file" in result.output


def test_unknown_option_is_usage_error():
    result = CliRunner().invoke(main, ["inspect", "--nope"])
    assert result.exit_code == 2
