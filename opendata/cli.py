"""The command line: a thin client of the library. The only module that imports click,
prints or exits. Exit codes: 0 ok, 1 findings at error level, 2 usage, 3 unreadable input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

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


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("datapackages"),
              show_default=True, help="Output directory: one folder per package, and the catalogue.")
@click.option("--check", is_flag=True, help="Build in memory, compare with --out, exit 1 listing the files that differ.")
@click.option("--issued", help="Publication date (YYYY-MM-DD) for datapackage.json and the catalogue; "
              "default: SOURCE_DATE_EPOCH, else no date.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Configuration file (default: opendata.toml or [tool.opendata] in pyproject.toml, found upwards).")
@click.option("--base-iri", help="Base IRI of the published linked data (overrides the configuration).")
@click.option("--publisher-name", help="Publisher name (overrides the configuration).")
@click.option("--publisher-iri", help="Publisher IRI (overrides the configuration).")
@click.option("--licence", help="Licence name, e.g. CC-BY-4.0 (overrides the configuration).")
@click.option("--licence-iri", help="Licence IRI (overrides the configuration).")
@click.option("--language", type=click.Choice(["zh", "en"]), help="Language of plain titles (overrides the configuration).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Build in N processes.")
@click.option("--rdf/--no-rdf", default=True, show_default=True, help="Write data.ttl, data.jsonld and data.nt.")
@click.option("--allow-errors", is_flag=True, help="Exit 0 even when the checks find errors.")
@click.option("--strict", is_flag=True, help="Warnings count as errors.")
@click.option("--force", is_flag=True, help="Rebuild every package, even unchanged ones.")
@click.option("--prune", is_flag=True, help="Remove package folders in --out that no source produced.")
@click.option("--fsync/--no-fsync", default=True, show_default=True,
              help="fsync every file before the swap (safe against power loss; slower on some disks).")
@click.option("--lock-timeout", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Seconds to wait for another build into --out to finish.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary (errors are still printed).")
def build(sources: tuple[Path, ...], out: Path, check: bool, issued: str | None, config_path: Path | None,
          base_iri: str | None, publisher_name: str | None, publisher_iri: str | None, licence: str | None,
          licence_iri: str | None, language: str | None, jobs: int, rdf: bool, allow_errors: bool, strict: bool,
          force: bool, prune: bool, fsync: bool, lock_timeout: float, as_json: bool, quiet: bool) -> None:
    """Build a data package per SOURCE (default: the bundled sample) into --out.

    A SOURCE may be a directory: every .txt, .pdf, .html, .htm and .xlsx file inside it is built.
    Exit codes: 0 built, 1 checks found errors (unless --allow-errors) or --check found
    differences, 2 usage or --out locked by another build, 3 unreadable input.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .build import BuildOptions, build as run_build
    from .config import discover, load_file
    from .errors import BuildLocked, ConfigError

    err = _console(stderr=True)
    try:
        config = load_file(config_path) if config_path else discover()
        config = config.with_overrides(base_iri=base_iri, publisher_name=publisher_name, publisher_iri=publisher_iri,
                                       licence=licence, licence_iri=licence_iri, language=language)
    except ConfigError as error:
        err.print(f"error: {error}", markup=False)
        sys.exit(EXIT_USAGE)
    options = BuildOptions(config=config, issued=issued, jobs=jobs, check=check, rdf=rdf, strict=strict,
                           incremental=not force, prune=prune, fsync=fsync, lock_timeout=lock_timeout)
    paths = list(sources) or [sample_path()]
    show_bar = not quiet and not as_json and err.is_terminal
    try:
        if show_bar:
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            with Progress(*columns, console=err, transient=True) as bar:
                task = bar.add_task("checking" if check else "building", total=None)
                result = run_build(paths, out, options, progress=lambda _: bar.advance(task))
        else:
            result = run_build(paths, out, options)
    except ConfigError as error:
        err.print(f"error: {error}", markup=False)
        sys.exit(EXIT_USAGE)
    except BuildLocked as error:
        err.print(f"error: {error}", markup=False)
        sys.exit(EXIT_USAGE)
    except UnreadableInput as error:
        _fail_unreadable(error)
        return
    code = EXIT_OK
    if result.unreadable:
        code = EXIT_UNREADABLE
    elif result.differences or result.conflicts or (result.has_errors and not allow_errors):
        code = EXIT_FINDINGS
    for p in result.unreadable:
        err.print(f"error: unreadable input: {p.message}", markup=False)
    for p in result.conflicts:
        err.print(f"error: {p.source}: {p.message}", markup=False)
    if check:
        for difference in result.differences:
            err.print(f"differs: {out / difference}", markup=False)
    if as_json:
        click.echo(json.dumps({**result.to_data(), "exit_code": code}, ensure_ascii=False, indent=1, sort_keys=True))
    elif not quiet:
        counts = ", ".join(f"{status} {n}" for status, n in result.counts().items()) or "no sources"
        verb = "checked" if check else "built"
        click.echo(f"{verb} {out}: {counts}")
        with_errors = [p for p in result.packages if p.errors]
        for p in with_errors:
            click.echo(f"  {p.package}: {p.errors} error(s), {p.warnings} warning(s) (see report.json)")
        for name in result.stale:
            click.echo(f"  stale folder (no source produced it; --prune removes it): {name}")
        if check and not result.differences:
            click.echo(f"  {out} is up to date")
    if result.has_errors and not allow_errors and not quiet and not as_json:
        err.print("error: the checks found errors (see report.json; --allow-errors to publish anyway)", markup=False)
    sys.exit(code)


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a readable report; json: the findings as data (decimals as strings).")
@click.option("--strict", is_flag=True, default=False, help="Warnings count as errors for the exit code.")
def validate(sources: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Check the accounting of each SOURCE (default: the bundled sample): sums, cross-table identities,
    narrative figures and codes. Exit 0 when no error-level finding, 1 otherwise, 3 for unreadable input."""
    from .check import validate as check_disclosure

    reports = []
    unreadable = False
    for path in sources or (sample_path(),):
        try:
            reports.append(check_disclosure(load(path)))
        except UnreadableInput as error:
            _console(stderr=True).print(f"[bold red]error:[/] unreadable input: {error}", markup=True)
            unreadable = True
    if fmt == "json":
        click.echo(json.dumps({"reports": [r.to_data() for r in reports]}, ensure_ascii=False, indent=1))
    else:
        console = _console()
        for report in reports:
            console.print(f"[bold]{report.source}[/]: {report.errors} errors, {report.warnings} warnings, "
                          f"{report.infos} infos")
            styles = {"error": "bold red", "warning": "yellow", "info": "cyan"}
            for finding in report.findings:
                where = "; ".join(str(loc).split(", ", 1)[-1] for loc in finding.locators[:4])
                more = f" (+{len(finding.locators) - 4} more)" if len(finding.locators) > 4 else ""
                line = Text()
                line.append(f"{finding.severity:<7} ", style=styles.get(finding.severity, ""))
                line.append(finding.code, style="bold")
                line.append(f"  {where}{more}")
                console.print(line)
                console.print(Text(f"        {finding.message_en}"))
                console.print(Text(f"        {finding.message_zh}"))
    if unreadable:
        sys.exit(EXIT_UNREADABLE)
    if any(report.has_errors(strict) for report in reports):
        sys.exit(EXIT_FINDINGS)


def run() -> None:  # pragma: no cover - console entry point wrapper
    try:
        main()
    except OpendataError as error:
        _console(stderr=True).print(f"error: {error}")
        sys.exit(EXIT_USAGE)
