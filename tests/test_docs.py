"""The documentation keeps up with the CLI: every command has help text and a row in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from opendata.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(main.commands)


def test_there_are_commands():
    assert {"inspect", "validate", "build", "query", "publish", "serve"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_text(name):
    command = main.commands[name]
    assert (command.help or "").strip(), f"opendata {name} has no help text"
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert command.help.strip().split("\n")[0][:40] in " ".join(result.output.split())


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name):
    assert f"`opendata {name}" in README, f"opendata {name} is missing from the README's Commands table"
