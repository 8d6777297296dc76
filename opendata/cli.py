"""The command line: a thin client of the library. The only module that imports click,
prints or exits. Exit codes: 0 ok, 1 findings at error level, 2 usage, 3 unreadable input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table as RichTable

from . import __version__, load, sample_path
from .errors import OpendataError, UnreadableInput

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _fail_unreadable(error: UnreadableInput) -> None:
    _console(stderr=True).print(f"[bold red]error:[/] unreadable input: {error}", markup=True)
    sys.exit(EXIT_UNREADABLE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="opendata")
def main() -> None:
    """Read Chinese budget disclosures, check them and publish them as open data."""


@main.command()
@click.argument("source", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a readable summary; json: the whole model (decimals as strings).")
def inspect(source: Path | None, fmt: str) -> None:
    """Read SOURCE (default: the bundled Hebei sample) and summarise what was recognised."""
    from .model.jsonview import to_data
    from .summary import summarise

    path = source or sample_path()
    try:
        disclosure = load(path)
    except UnreadableInput as error:
        _fail_unreadable(error)
        return
    if fmt == "json":
        click.echo(json.dumps(to_data(disclosure), ensure_ascii=False, indent=1))
        return
    summary = summarise(disclosure)
    console = _console()
    console.print(f"[bold]{summary.title}[/]")
    console.print(
        f"department {summary.department} (code {summary.department_code or '—'}), year {summary.year}, "
        f"phase {summary.phase}, scope {summary.scope}, division {summary.division or '—'}, unit {summary.unit}"
    )
    table = RichTable(title="tables")
    for column in ("kind", "title", "lines", "figures", "pages", "unit"):
        table.add_column(column)
    for t in summary.tables:
        table.add_row(t.kind, t.title, str(t.lines), str(t.figures), str(t.pages), t.unit)
    console.print(table)
    console.print(
        f"projects {summary.projects}, indicators {summary.indicators}, procurement lines {summary.procurement_lines}, "
        f"asset lines {summary.asset_lines}, institutions {summary.institutions}, sections {summary.sections}, "
        f"glossary terms {summary.glossary_terms}, narrative claims {summary.claims}"
    )
    console.print(
        "coverage: " + ", ".join(f"{status} {count}" for status, count in summary.coverage)
        + f"; captured {summary.captured}, not understood {len(summary.not_understood)}"
    )
    for item in summary.not_understood:
        console.print(f"  not understood: {item}")
    for note in summary.notes:
        console.print(f"  note: {note}")


def run() -> None:  # pragma: no cover - console entry point wrapper
    try:
        main()
    except OpendataError as error:
        _console(stderr=True).print(f"error: {error}")
        sys.exit(EXIT_USAGE)
